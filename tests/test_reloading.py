"""Edits show on the next page load; broken files never take pages down."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import watchfiles
from starlette.testclient import TestClient

from server.core.catalogs import page_catalog_path
from server.core.content import load_page
from server.core.settings import Settings
from server.web import reloading
from server.web.reloading import changed_paths, fingerprint

from .conftest import settings_for, write_catalog, write_content

TITLE = "Back Pain in the Third Trimester"
URL = "/fr/back-pain-third-trimester"


def french(site_copy: Path, title: str) -> dict[str, str]:
    page = load_page(site_copy / "content/back-pain-third-trimester.md")
    disclaimer = load_page(site_copy / "content/medical-information.md")
    messages = {block.text: "FR " + block.text for block in (*page.required_blocks, *disclaimer.blocks[:2])}
    messages[TITLE] = title
    return messages


def article_catalog(site_copy: Path, language: str = "fr") -> Path:
    return page_catalog_path(site_copy / "locales", language, "back-pain-third-trimester")


def test_an_edited_catalog_shows_on_the_next_load(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    write_content(site_copy, "fr", french(site_copy, "Mal de dos au troisième trimestre"))
    po = article_catalog(site_copy)
    client = make_client(reload=True)
    assert "Mal de dos au troisième trimestre" in client.get(URL).text
    write_catalog(po, "fr", french(site_copy, "Douleurs dorsales au troisième trimestre"))
    assert "Douleurs dorsales au troisième trimestre" in client.get(URL).text


def test_a_new_language_folder_appears_without_a_restart(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    client = make_client(reload=True)
    assert client.get("/fr/").status_code == 404
    write_content(site_copy, "fr", french(site_copy, "Titre"))
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    "breakage",
    ["syntax", "empty", "unreadable", "binary"],
)
def test_a_broken_catalog_keeps_the_last_good_version(
    site_copy: Path, make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture, breakage: str
) -> None:
    write_content(site_copy, "fr", french(site_copy, "Bon titre"))
    po = article_catalog(site_copy)
    client = make_client(reload=True)
    assert "Bon titre" in client.get(URL).text
    if breakage == "syntax":
        po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "x"\nmsgstr "unterminated\n', encoding="utf-8")
    elif breakage == "empty":
        po.write_bytes(b"")
    elif breakage == "unreadable":
        po.unlink()
        po.mkdir()  # reading a directory fails even as root, unlike a chmod
    else:
        po.write_bytes(b"\xff\xfe\x00garbage")
    with caplog.at_level(logging.ERROR, logger="server.core.catalogs"):
        response = client.get(URL)
    assert response.status_code == 200
    assert "Bon titre" in response.text
    assert any(str(po) in record.getMessage() for record in caplog.records)
    if breakage == "syntax":
        assert any(
            f"{po}:" in record.getMessage() and "invalid PO syntax" in record.getMessage() for record in caplog.records
        )
    if po.is_dir():
        po.rmdir()
    write_catalog(po, "fr", french(site_copy, "Titre corrigé"))
    assert "Titre corrigé" in client.get(URL).text


def test_a_broken_catalog_at_start_up_serves_the_source_language(
    site_copy: Path, make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    po = site_copy / "locales/fr/LC_MESSAGES/interface.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Language"\nmsgstr "Langue\n', encoding="utf-8")
    write_content(site_copy, "fr", french(site_copy, "Titre"))
    with caplog.at_level(logging.ERROR, logger="server.core.site"):
        client = make_client()
    assert any(f"{po}:2: invalid PO syntax" in record.getMessage() for record in caplog.records)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'aria-label="Language"' in response.text  # the interface in the source language


def test_compiled_mo_files_are_never_read(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    """A truncated .mo (which makes Python's gettext raise struct.error) cannot matter: we read .po."""
    write_content(site_copy, "fr", french(site_copy, "Titre du .po"))
    article_catalog(site_copy).with_suffix(".mo").write_bytes(b"\xde\x12\x04\x95\x00")
    assert "Titre du .po" in make_client().get(URL).text


def test_broken_content_keeps_the_last_good_page(
    site_copy: Path, make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    page = site_copy / "content/terms.md"
    client = make_client(reload=True)
    assert "Terms and conditions" in client.get("/en/terms").text
    good = page.read_text()
    page.write_text("no front matter at all")
    with caplog.at_level(logging.ERROR, logger="server.core.site"):
        assert "Terms and conditions" in client.get("/en/terms").text
    assert any(f"{page}:1:" in record.getMessage() for record in caplog.records)
    page.write_text(good.replace("Terms and conditions", "Terms of use", 1))
    assert "Terms of use" in client.get("/en/terms").text


def test_a_broken_template_keeps_the_last_good_templates(
    site_copy: Path, make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    template = site_copy / "templates/not_found.html"
    client = make_client(reload=True)
    template.write_text(template.read_text() + "{% if %}")
    with caplog.at_level(logging.ERROR, logger="server.core.site"):
        response = client.get("/en/nowhere")
    assert response.status_code == 404 and "Page not found" in response.text
    assert any("not_found.html" in record.getMessage() for record in caplog.records)


def test_without_reload_a_background_task_picks_changes_up_after_the_interval(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    page = site_copy / "content/terms.md"
    with make_client(reload=False, reload_interval=0.05) as client:  # `with`: the app's lifespan runs its watcher
        assert "Terms and conditions" in client.get("/en/terms").text
        page.write_text(page.read_text().replace("Terms and conditions", "Terms of service", 1))
        deadline = time.monotonic() + 10
        while "Terms of service" not in client.get("/en/terms").text:
            assert time.monotonic() < deadline, "the change was never picked up"
            time.sleep(0.05)


def wait_for(client: TestClient, url: str, text: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while text not in client.get(url).text:
        assert time.monotonic() < deadline, f"{text!r} never appeared on {url}"
        time.sleep(0.05)


def test_the_background_task_is_told_of_changes_instead_of_looking_at_every_file(
    site_copy: Path, make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library has 60,000 files: looking at all of them every interval costs the server a tenth of a core."""
    looks: list[float] = []
    real_fingerprint = reloading.fingerprint

    def counted(settings: Settings) -> reloading.Fingerprint:
        looks.append(time.monotonic())
        return real_fingerprint(settings)

    monkeypatch.setattr(reloading, "fingerprint", counted)
    page = site_copy / "content/terms.md"
    with make_client(reload=False, reload_interval=0.05) as client:
        time.sleep(2)  # 40 intervals with nothing changed
        assert len(looks) <= 2  # at start-up, and once when the watcher is up
        page.write_text(page.read_text().replace("Terms and conditions", "Terms of service", 1))
        wait_for(client, "/en/terms", "Terms of service")
        assert len(looks) <= 4


def test_an_edit_made_while_the_site_was_loading_is_caught_up(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    client = make_client(reload=False, reload_interval=3600)  # the site is loaded; the watcher is not up yet
    page = site_copy / "content/terms.md"
    page.write_text(page.read_text().replace("Terms and conditions", "Terms of service", 1))
    with client:
        wait_for(client, "/en/terms", "Terms of service")


def test_where_the_system_cannot_tell_the_task_looks_every_interval(
    site_copy: Path,
    make_client: Callable[..., TestClient],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def refused(*folders: object, **options: object) -> object:
        raise OSError("OS file watch limit reached.")

    monkeypatch.setattr(watchfiles, "awatch", refused)
    page = site_copy / "content/terms.md"
    with caplog.at_level(logging.WARNING), make_client(reload=False, reload_interval=0.05) as client:
        client.get("/en/terms")
        page.write_text(page.read_text().replace("Terms and conditions", "Terms of service", 1))
        wait_for(client, "/en/terms", "Terms of service")
    assert "cannot be told of changed files (OS file watch limit reached.); looking every 0.05 s" in caplog.text


def test_reading_the_current_site_never_touches_the_files(
    site_copy: Path, make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests only read `holder.site`; looking for changes is the background task's job (or --reload's)."""
    client = make_client(reload=False, reload_interval=3600)
    page = site_copy / "content/terms.md"
    client.get("/en/terms")
    page.write_text(page.read_text().replace("Terms and conditions", "Terms of service", 1))
    assert "Terms and conditions" in client.get("/en/terms").text
    assert client.app.state.holder.refresh()  # type: ignore[attr-defined]
    assert "Terms of service" in client.get("/en/terms").text


def test_the_server_never_writes_to_content_or_locales(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    write_content(site_copy, "fr", french(site_copy, "Titre"))
    before = {path: path.read_bytes() for path in site_copy.rglob("*") if path.is_file()}
    client = make_client(reload=True)
    for url in ("/", URL, "/en/", "/fr/translation-status", "/sitemap.xml", "/choose-language/fr/"):
        client.get(url)
    after = {path: path.read_bytes() for path in site_copy.rglob("*") if path.is_file()}
    assert before == after


def test_a_reload_re_renders_only_what_changed(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    messages = french(site_copy, "Premier titre")
    write_content(site_copy, "fr", messages)
    write_content(site_copy, "de", {**messages, TITLE: "Rückenschmerzen"})
    client = make_client(reload=True)
    store = client.app.state.store  # type: ignore[attr-defined]
    urls = {
        ("page", "en", "back-pain-third-trimester"): "/en/back-pain-third-trimester",
        ("page", "de", "back-pain-third-trimester"): "/de/back-pain-third-trimester",
        ("page", "fr", "back-pain-third-trimester"): URL,
        ("page", "fr", "privacy"): "/fr/privacy",  # not published in French: the "not yet available" page
        ("page", "fr", "terms"): "/fr/terms",
    }
    for url in urls.values():
        client.get(url)
    before = {key: store.get(key) for key in urls}
    assert all(before.values())
    messages["Why it happens"] = "Pourquoi"  # not a required block: publication is unchanged
    write_catalog(article_catalog(site_copy), "fr", messages)
    assert "Pourquoi" in client.get(URL).text
    kept = [key for key in urls if store.get(key) is before[key]]
    # only the French article showed that catalog; the other pages and languages are served as stored
    assert sorted(kept) == sorted(key for key in urls if key != ("page", "fr", "back-pain-third-trimester"))

    (site_copy / "templates/_head_links.html").write_text(
        (site_copy / "templates/_head_links.html").read_text() + "\n<!-- changed -->\n"
    )
    client.get(URL)
    assert not any(store.get(key) is before[key] for key in urls)  # every page shows the templates


def test_a_title_shown_on_other_pages_drops_them_when_it_changes(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    """Every stored response declares what it showed: here, the article's title on the topic page and the sitemap."""
    everything = {block.text: "DE " + block.text for path in (site_copy / "content").rglob("*.md")
                  for block in load_page(path).blocks}  # fmt: skip
    write_content(site_copy, "de", {**everything, TITLE: "Rückenschmerzen"})
    client = make_client(reload=True)
    store = client.app.state.store  # type: ignore[attr-defined]
    topic = next(
        f"/de/topics/{slug}"
        for slug in ("back-ache", "miscarriage-signs", "miscarriage-back-pain")
        if "back-pain-third-trimester" in client.get(f"/de/topics/{slug}").text
    )
    client.get("/sitemap.xml")
    sitemap = store.get(("sitemap", 0))
    client.get("/de/terms")
    home = store.get(("page", "de", "index"))
    terms = store.get(("page", "de", "terms"))
    article = load_page(site_copy / "content/back-pain-third-trimester.md")
    retitled = {block.text: everything[block.text] for block in article.blocks} | {TITLE: "Kreuzschmerzen"}
    write_catalog(article_catalog(site_copy, "de"), "de", retitled)  # only the article's catalog changes
    assert "Kreuzschmerzen" in client.get(topic).text
    assert terms is not None and store.get(("page", "de", "terms")) is terms  # shows nothing of the article
    assert store.get(("sitemap", 0)) is sitemap  # it shows where pages are published, not their titles
    assert home is None or store.get(("page", "de", "index")) is not home
    reviews = site_copy / "locales/de/reviews.toml"
    records = reviews.read_text(encoding="utf-8").split("\n\n")
    reviews.write_text("\n\n".join(r for r in records if 'page = "back-pain-third-trimester"' not in r), "utf-8")
    assert client.get("/de/back-pain-third-trimester").status_code == 404  # unpublished: no review
    assert store.get(("sitemap", 0)) is None
    assert store.get(("page", "de", "terms")) is terms
    assert "/de/back-pain-third-trimester" not in client.get("/sitemap.xml").text


def test_a_reload_during_a_request_never_stores_the_old_page(
    make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.core.site import Site
    from server.render import responses

    client = make_client()
    holder = client.app.state.holder  # type: ignore[attr-defined]
    store = client.app.state.store  # type: ignore[attr-defined]
    reloaded = Site.load(holder.settings, previous=holder.site, static_urls=holder.static_urls, changed=set())
    render = responses.page_response

    def render_while_a_reload_lands(site: Site, language: object, page: object) -> object:
        rendered = render(site, language, page)  # type: ignore[arg-type]
        # the reload swaps the new site in (and drops what changed) while this request is being answered
        store.invalidate(frozenset(), reloaded.generation)
        holder.site = reloaded
        return rendered

    monkeypatch.setattr("server.web.views.page_response", render_while_a_reload_lands)
    assert client.get("/en/privacy").status_code == 200
    assert store.for_path("/en/privacy") is None  # the next request renders it from the new site
    monkeypatch.undo()
    assert client.get("/en/privacy").status_code == 200
    assert store.for_path("/en/privacy") is not None


def test_a_not_yet_available_page_shows_other_languages_current_titles(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    client = make_client(reload=True)
    write_content(site_copy, "de", german(site_copy, "Rückenschmerzen"))
    write_content(site_copy, "fr", {"Privacy policy": "Confidentialité"})
    assert "Rückenschmerzen" in client.get(URL).text  # French is not published: the page lists the German
    write_content(site_copy, "de", german(site_copy, "Kreuzschmerzen"))
    page = client.get(URL).text
    assert "Kreuzschmerzen" in page and "Rückenschmerzen" not in page


def test_a_removed_review_record_unpublishes_the_page_on_the_next_load(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    write_content(site_copy, "fr", french(site_copy, "Mal de dos"))
    client = make_client(reload=True)
    assert client.get(URL).status_code == 200
    (site_copy / "locales/fr/reviews.toml").write_text("", encoding="utf-8")
    assert client.get(URL).status_code == 404


def german(site_copy: Path, title: str) -> dict[str, str]:
    messages = french(site_copy, title)
    return {source: text.replace("FR ", "DE ") for source, text in messages.items()}


@pytest.mark.slow
def test_a_first_render_does_not_hold_up_other_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """While one page renders for the first time (here: until told to finish), the server answers others."""
    import threading

    import httpx2

    from server.render.pages import render_page as render

    from .conftest import repository_settings, running_server

    rendering, finish = threading.Event(), threading.Event()

    def slow_render(site: object, language: object, page: object) -> str:
        if getattr(page, "slug", "") == "terms":  # only this page takes its time
            rendering.set()
            finish.wait(timeout=30)
        return render(site, language, page)  # type: ignore[arg-type]

    monkeypatch.setattr("server.render.responses.render_page", slow_render)
    with running_server(repository_settings()) as url:
        slow = threading.Thread(target=httpx2.get, args=(f"{url}/en/terms",), kwargs={"timeout": 60})
        slow.start()
        assert rendering.wait(timeout=30)
        try:
            # a deadlock detector, not a speed limit: with rendering on the event loop, these would wait for it
            assert httpx2.get(f"{url}/healthz", timeout=10).text == "ok"
            assert httpx2.get(f"{url}/en/privacy", timeout=10).status_code == 200  # another first render
        finally:
            finish.set()
            slow.join(timeout=30)


def test_a_status_page_is_dropped_only_when_its_languages_catalogs_change(
    site_copy: Path, make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.core import inputs

    monkeypatch.setattr(inputs, "MOST_INPUTS", 3)  # as in a library: too many catalogs to list one by one
    write_content(site_copy, "fr", french(site_copy, "Titre"))
    write_content(site_copy, "de", german(site_copy, "Titel"))
    client = make_client(reload=True)
    store = client.app.state.store  # type: ignore[attr-defined]
    client.get("/de/translation-status")
    german_status = store.get(("status", "de"))
    assert german_status is not None and hash(("catalog", "de")) in german_status.inputs.exact
    write_catalog(article_catalog(site_copy, "fr"), "fr", french(site_copy, "Autre titre"))
    client.get("/fr/")
    assert store.get(("status", "de")) is german_status  # French changed: the German status page stands
    write_catalog(article_catalog(site_copy, "de"), "de", german(site_copy, "Anderer Titel"))
    client.get("/fr/")
    assert store.get(("status", "de")) is None


def test_the_fingerprint_names_each_added_modified_and_removed_file(site_copy: Path) -> None:
    settings = settings_for(site_copy)
    before = fingerprint(settings)
    assert changed_paths(before, fingerprint(settings)) == set()
    edited = site_copy / "locales/content/back-pain-third-trimester.pot"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # one byte more
    same_size = site_copy / "content/terms.md"
    os.utime(same_size, ns=(same_size.stat().st_atime_ns, same_size.stat().st_mtime_ns + 1))
    removed = site_copy / "content/privacy.md"
    removed.unlink()
    new_folder = site_copy / "locales/xx/LC_MESSAGES"
    new_folder.mkdir(parents=True)
    (new_folder / "interface.po").write_text("", encoding="utf-8")
    (new_folder / "notes.txt").write_text("not watched", encoding="utf-8")
    assert changed_paths(before, fingerprint(settings)) == {edited, same_size, removed, new_folder / "interface.po"}
