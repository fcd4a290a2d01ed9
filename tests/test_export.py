"""The static export is byte for byte what the server sends, and nginx serves it (and proxies the app)."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from server import create_app
from server.core.inputs import affected
from server.core.settings import Settings
from server.render.responses import page_response
from server.tools.cli import main
from server.tools.export import LOCK, PUBLIC, BuildError, build
from server.tools.export_jobs import file_for
from server.tools.manifest import MANIFEST, Manifest
from server.tools.table_cache import CACHE

from .conftest import ROOT, folder_options, free_port, repository_settings, settings_for

pytestmark = pytest.mark.slow  # starts real servers or times parsers: not in the fast tier

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
INCLUDES = ("security-headers.conf",)  # deploy/ files both configs include from their own folder


def build_export(out: Path, **changes: object) -> Path:
    build(repository_settings(**changes), out)
    return out


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_export(tmp_path_factory.mktemp("export"))


def url_for(relative: str) -> str:
    url = "/" + relative
    if url.endswith("/index.html"):
        return url.removesuffix("index.html")
    if url.endswith(".html") and not url.endswith("404.html"):
        return url.removesuffix(".html")
    return url


def raw(client: TestClient, url: str, encoding: str) -> tuple[int, bytes, str]:
    with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as response:
        return response.status_code, b"".join(response.iter_raw()), response.headers.get("content-encoding", "")


def test_export_is_byte_identical_to_the_server_for_every_url(export: Path) -> None:
    client = TestClient(create_app(repository_settings()), follow_redirects=False)
    files = [path for path in (export / PUBLIC).rglob("*") if path.is_file() and path.suffix not in (".gz", ".br")]
    assert len(files) > 80
    for path in files:
        relative = path.relative_to(export / PUBLIC).as_posix()
        url = url_for(relative)
        if relative.endswith("404.html"):
            language = relative.split("/")[0] if "/" in relative else "en"
            url = f"/{language}/this-page-does-not-exist"
        status, body, coding = raw(client, url, "identity")
        assert status == (404 if relative.endswith("404.html") else 200), url
        assert body == path.read_bytes(), url
        for encoding, suffix in (("gzip", ".gz"), ("br", ".br")):
            compressed = path.with_name(path.name + suffix)
            if compressed.exists():
                status, body, coding = raw(client, url, encoding)
                assert coding == encoding and body == compressed.read_bytes(), f"{url} ({encoding})"


def test_every_page_in_every_language_is_exported(export: Path) -> None:
    for language in ("en", "es", "fr", "de", "ar", "zh-hans", "hi"):
        for page in ("index", "back-pain-miscarriage", "privacy", "topics/back-ache"):
            assert (export / PUBLIC / language / f"{page}.html").exists()
    assert (export / PUBLIC / "sitemap.xml").exists() and (export / PUBLIC / "robots.txt").exists()
    assert list((export / PUBLIC / "static").glob("site.*.css.br"))
    assert not (export / PUBLIC / "en-xa").exists()


# --- Incremental builds: only what changed is rendered again, and the result is a fresh build's ------------

EDITED_PAGE = "back-pain-miscarriage"  # an article translated into every language, with related pages and topics


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by relative path."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def identities(root: Path) -> dict[str, tuple[int, int]]:
    """(inode, modification time) of every file under `root`: they change when a file is written again."""
    return {
        path.relative_to(root).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file()
    }


def files_of(urls: Collection[str]) -> set[str]:
    """The files that hold these URLs, their .gz and .br variants included."""
    return {file_for(url) + suffix for url in urls for suffix in ("", ".gz", ".br")}


def catalog(root: Path, language: str, key: str = EDITED_PAGE) -> Path:
    return root / "locales" / language / "LC_MESSAGES" / "content" / f"{key}.po"


def edit_translation(root: Path, language: str = "fr", key: str = EDITED_PAGE) -> None:
    """Change one translated paragraph of a page (not one that decides its publication)."""
    path = catalog(root, language, key)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    number = max(i for i, line in enumerate(lines) if line.startswith('msgstr "') and len(line) > 40)
    lines[number] = lines[number].replace('msgstr "', 'msgstr "(edited) ', 1)
    path.write_text("".join(lines), encoding="utf-8")


def edit_markdown(root: Path) -> None:
    path = root / "content" / f"{EDITED_PAGE}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA paragraph added in English.\n", encoding="utf-8")


def edit_interface(root: Path) -> None:
    path = root / "locales" / "fr" / "LC_MESSAGES" / "interface.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgstr "Aller au contenu principal"', 'msgstr "Aller au contenu"'), encoding="utf-8")


def drop_review(root: Path) -> None:
    """Take the German review record of the page away: it is no longer published in German."""
    path = root / "locales" / "de" / "reviews.toml"
    records = path.read_text(encoding="utf-8").split("[[review]]")
    kept = [record for record in records if f'page = "{EDITED_PAGE}"' not in record]
    assert len(kept) < len(records)
    path.write_text("[[review]]".join(kept), encoding="utf-8")


def add_page(root: Path) -> None:
    source = (root / "content" / f"{EDITED_PAGE}.md").read_text(encoding="utf-8")
    (root / "content" / "added.md").write_text(source.replace(f'slug = "{EDITED_PAGE}"', 'slug = "added"'), "utf-8")


def remove_page(root: Path) -> None:
    (root / "content" / "back-pain-third-trimester.md").unlink()


EDITS: dict[str, Callable[[Path], None]] = {
    "one page's catalog in one language": edit_translation,
    "one Markdown page": edit_markdown,
    "one language's interface catalog": edit_interface,
    "a page no longer published in a language": lambda root: catalog(root, "fr").unlink(),
    "a review record": drop_review,
    "a page added": add_page,
    "a page removed": remove_page,
}


def settings(root: Path, **changes: object) -> Settings:
    return settings_for(root, **changes)


@pytest.mark.parametrize("edit", EDITS)
def test_an_incremental_build_is_byte_identical_to_a_fresh_full_build(repo_copy: Path, edit: str) -> None:
    out, fresh = repo_copy / "out", repo_copy / "fresh"
    build(settings(repo_copy), out, workers=1)
    before = tree(out / PUBLIC)
    EDITS[edit](repo_copy)
    summary = build(settings(repo_copy), out)  # in worker processes
    assert not summary.full and summary.written  # something changed
    assert "/fr/privacy" not in summary.rendered or edit == "one language's interface catalog"  # not everything
    build(settings(repo_copy), fresh, workers=1)
    after = tree(out / PUBLIC)
    assert after != before
    assert after.keys() == tree(fresh / PUBLIC).keys()  # no file left over, none missing
    assert after == tree(fresh / PUBLIC)
    assert tree(out / "nginx") == tree(fresh / "nginx")
    assert sorted(path.name for path in out.iterdir()) == [CACHE, LOCK, MANIFEST, "nginx", PUBLIC]  # none half-done


def test_an_edited_catalog_renders_again_exactly_what_shows_it(repo_copy: Path) -> None:
    out = repo_copy / "out"
    build(settings(repo_copy), out, workers=1)
    recorded = Manifest.load(out)
    assert recorded is not None
    before = identities(out / PUBLIC)
    edit_translation(repo_copy)
    summary = build(settings(repo_copy), out, workers=1)

    # What the server's store would drop for this edit (core.inputs.affected), from what each file recorded.
    changed = {("catalog", "fr", EDITED_PAGE)}
    showing = {o.url for r in recorded.jobs.values() if affected(r.inputs, changed) for o in r.outputs}
    assert summary.rendered == showing
    assert f"/fr/{EDITED_PAGE}" in showing and "/fr/translation-status" in showing  # the status page counts it
    assert f"/de/{EDITED_PAGE}" not in showing and "/sitemap.xml" not in showing  # publication did not change
    assert f"/fr/{EDITED_PAGE}" in summary.written
    assert summary.removed == frozenset()
    after = identities(out / PUBLIC)
    assert after.keys() == before.keys()
    rewritten = {path for path in after if after[path] != before[path]}
    assert rewritten == files_of(summary.written) & after.keys()
    assert summary.line().startswith(
        f"{len(summary.written)} files written, {summary.exported - len(summary.written)} "
    )


def test_a_page_no_longer_published_disappears_with_its_variants(repo_copy: Path) -> None:
    out = repo_copy / "out"
    build(settings(repo_copy), out, workers=1)
    page = out / PUBLIC / "fr" / f"{EDITED_PAGE}.html"
    switcher = f'href="/choose-language/fr/{EDITED_PAGE}"'  # the German page's language menu
    assert page.exists() and page.with_name(page.name + ".br").exists()
    assert switcher in (out / PUBLIC / "de" / f"{EDITED_PAGE}.html").read_text(encoding="utf-8")
    catalog(repo_copy, "fr").unlink()  # untranslated: not published in French any more
    summary = build(settings(repo_copy), out, workers=1)
    assert summary.removed == {f"/fr/{EDITED_PAGE}"}
    assert not list(page.parent.glob(f"{EDITED_PAGE}.html*"))
    assert switcher not in (out / PUBLIC / "de" / f"{EDITED_PAGE}.html").read_text(encoding="utf-8")
    assert f"/fr/{EDITED_PAGE}" not in (out / PUBLIC / "sitemap.xml").read_text(encoding="utf-8")


def touch_template(root: Path) -> dict[str, object]:
    with (root / "templates" / "base.html").open("a", encoding="utf-8") as file:
        file.write("\n")
    return {}


CHANGES_TO_EVERYTHING: dict[str, Callable[[Path], dict[str, object]]] = {
    "a template": touch_template,
    "a setting shown in pages": lambda root: {"contact_email": "someone@example.org"},
}


@pytest.mark.parametrize("change", CHANGES_TO_EVERYTHING)
def test_what_every_render_reads_changed_means_a_full_build(repo_copy: Path, change: str) -> None:
    out, fresh = repo_copy / "out", repo_copy / "fresh"
    first = build(settings(repo_copy), out, workers=1)
    assert first.full and first.written == first.rendered
    assert not build(settings(repo_copy), out, workers=1).full  # nothing changed: nothing to do
    changes = CHANGES_TO_EVERYTHING[change](repo_copy)
    summary = build(settings(repo_copy, **changes), out, workers=1)
    assert summary.full and summary.rendered == first.rendered
    build(settings(repo_copy, **changes), fresh, workers=1)
    assert tree(out / PUBLIC) == tree(fresh / PUBLIC)


def test_a_build_stopped_midway_is_completed_by_the_next(repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written before the failure are redone, even when the edit behind them is taken back meanwhile."""
    out, fresh = repo_copy / "out", repo_copy / "fresh"
    # Exported in this order; the first does not show the second, so only the failure links them.
    written, failing = "accessibility", "back-pain-third-trimester"
    build(settings(repo_copy), out, workers=1)
    original = catalog(repo_copy, "fr", written).read_bytes()
    edit_translation(repo_copy, key=written)
    edit_translation(repo_copy, key=failing)

    def fail(site: Any, language: Any, page: Any) -> Any:
        if (language.code, page.key) == ("fr", failing):
            raise OSError("No space left on device")
        return page_response(site, language, page)

    monkeypatch.setattr("server.tools.export_jobs.page_response", fail)
    with pytest.raises(BuildError) as stopped:
        build(settings(repo_copy), out, workers=1)
    message = str(stopped.value)
    assert message.startswith(f"the page {failing} in fr could not be exported (OSError: No space left on device)")
    assert message.count(". ") == 0 and "next build redoes the rest" in message  # one sentence
    assert "(edited)" in (out / PUBLIC / "fr" / f"{written}.html").read_text(encoding="utf-8")  # before the failure
    monkeypatch.undo()
    catalog(repo_copy, "fr", written).write_bytes(original)  # the edit taken back before the next build
    build(settings(repo_copy), out, workers=1)
    build(settings(repo_copy), fresh, workers=1)
    assert tree(out / PUBLIC) == tree(fresh / PUBLIC)


def test_a_sitemap_in_parts_renders_again_only_the_part_that_lists_a_change(
    repo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("server.render.sitemap.PART_URLS", 30)  # a few pages per part (in this process only)
    out, fresh = repo_copy / "out", repo_copy / "fresh"
    build(settings(repo_copy), out, workers=1)
    parts = sorted((out / PUBLIC / "sitemaps").glob("*.xml"))
    assert len(parts) > 2
    drop_review(repo_copy)  # the page is no longer published in German
    summary = build(settings(repo_copy), out, workers=1)
    rendered_parts = {url for url in summary.rendered if url.startswith("/sitemaps/")}
    assert len(rendered_parts) == 1 and rendered_parts <= summary.written
    part = (out / PUBLIC / file_for(rendered_parts.pop())).read_text(encoding="utf-8")
    assert f"/fr/{EDITED_PAGE}<" in part and f"/de/{EDITED_PAGE}<" not in part
    edit_markdown(repo_copy)  # a paragraph more: the page's URLs and date are as they were
    summary = build(settings(repo_copy), out, workers=1)
    assert f"/en/{EDITED_PAGE}" in summary.written and not [url for url in summary.rendered if "sitemap" in url]
    build(settings(repo_copy), fresh, workers=1)
    assert tree(out / PUBLIC) == tree(fresh / PUBLIC)


def test_kept_catalogs_serve_only_while_their_file_is_unchanged(repo_copy: Path) -> None:
    out, fresh = repo_copy / "out", repo_copy / "fresh"
    build(settings(repo_copy), out, workers=1)
    kept = sorted((out / CACHE).glob("*/*"))
    catalogs = list((repo_copy / "locales").glob("*/LC_MESSAGES/content/**/*.po"))
    assert len(kept) == len(catalogs) + len(list((repo_copy / "locales" / "content").rglob("*.pot")))
    for entry in kept[::2]:
        entry.write_bytes(b"damaged")  # read as missing: that catalog is parsed again
    edit_translation(repo_copy)
    build(settings(repo_copy), out)
    build(settings(repo_copy), fresh, workers=1)
    assert tree(out / PUBLIC) == tree(fresh / PUBLIC)
    kept_now = sorted((out / CACHE).glob("*/*"))
    assert len(set(kept_now) - set(kept)) == 1  # the edited catalog's, whose old entry is gone
    assert not [entry for entry in kept_now if entry.read_bytes() == b"damaged"]  # dropped, or kept anew if read


def test_a_failed_full_build_leaves_the_previous_export(repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = repo_copy / "out"
    build(settings(repo_copy), out, workers=1)
    before = tree(out / PUBLIC)
    touch_template(repo_copy)  # everything is rendered again, beside the export

    def fail(site: Any, language: Any, page: Any) -> Any:
        raise OSError("No space left on device")

    monkeypatch.setattr("server.tools.export_jobs.page_response", fail)
    with pytest.raises(BuildError, match=f"could not be exported .*; {re.escape(str(out / PUBLIC))} is as it was$"):
        build(settings(repo_copy), out, workers=1)
    assert tree(out / PUBLIC) == before
    assert sorted(path.name for path in out.iterdir()) == [CACHE, LOCK, MANIFEST, "nginx", PUBLIC]


def test_one_build_at_a_time_writes_an_export(repo_copy: Path) -> None:
    out = repo_copy / "out"
    out.mkdir()
    with (out / LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as another build would
        with pytest.raises(BuildError, match="another build is writing to"):
            build(settings(repo_copy), out, workers=1)
    assert not (out / PUBLIC).exists()
    assert build(settings(repo_copy), out, workers=1).full


def test_the_command_prints_one_line_and_an_error_in_one_sentence(repo_copy: Path, capsys: Any) -> None:
    out = repo_copy / "out"
    assert main(["build", str(out), *folder_options(repo_copy)]) == 0
    assert re.fullmatch(r"\d+ files written, 0 unchanged, 0 removed in \d+\.\d s\n", capsys.readouterr().out)
    assert main(["build", str(out), *folder_options(repo_copy)]) == 0
    assert re.fullmatch(r"0 files written, \d+ unchanged, 0 removed in \d+\.\d s\n", capsys.readouterr().out)
    before = tree(out / PUBLIC)
    (repo_copy / "content" / "privacy.md").write_text("+++\ntitle = \n", encoding="utf-8")
    assert main(["build", str(out), *folder_options(repo_copy)]) == 1
    printed = capsys.readouterr().out
    assert printed.startswith("error: ") and printed.count("\n") == 1 and "privacy.md" in printed
    assert tree(out / PUBLIC) == before


def nginx_available() -> None:
    if Path(NGINX).exists() and BROTLI_MODULE.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(
            "nginx or its brotli module is missing: .ci/run must install nginx and libnginx-mod-http-brotli-static"
        )
    pytest.skip("nginx not installed: apt-get install nginx libnginx-mod-http-brotli-static")


def configure(config: str, folder: Path, port: int, **replacements: str) -> Path:
    text = (ROOT / "deploy" / config).read_text(encoding="utf-8")
    text = text.replace("127.0.0.1:8080", f"127.0.0.1:{port}").replace("/run/", f"{folder}/")
    for old, new in replacements.items():
        text = text.replace(old, new)
    path = folder / config
    path.write_text(text, encoding="utf-8")
    for include in INCLUDES:
        if (ROOT / "deploy" / include).exists():
            shutil.copy(ROOT / "deploy" / include, folder / include)
    return path


@contextmanager
def running(command: list[str], port: int, **options: Any) -> Iterator[str]:
    """A server process, once it answers on its port."""
    process = subprocess.Popen(command, **options)
    try:
        wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def serving_export(export: Path, folder: Path, **options: Any) -> Iterator[str]:
    """deploy/nginx.conf serving an export, on a free loopback port."""
    nginx_available()
    port = free_port()
    config = configure("nginx.conf", folder, port, **{"/srv/site": str(export)})
    with running(nginx_command(config), port, **options) as base:
        yield base


def nginx_command(config: Path) -> list[str]:
    user = " user root;" if os.geteuid() == 0 else ""  # as root, workers must be able to read tmp_path
    return [NGINX, "-c", str(config), "-e", "stderr", "-g", "daemon off;" + user]


def wait_for(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx2.get(f"http://127.0.0.1:{port}/robots.txt", timeout=1)
            return
        except httpx2.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


def check_site(base: str) -> None:
    """What a reader gets, whoever serves the site."""
    with httpx2.Client(base_url=base, follow_redirects=False) as http:
        redirect = http.get("/", headers={"Accept-Language": "es;q=0.9, fr;q=0.8"})
        assert redirect.status_code == 302
        assert redirect.headers["location"].endswith("/es/")
        assert redirect.headers["location"].startswith("/")  # never an absolute URL from the Host header
        assert redirect.headers["vary"] == "Accept-Language, Cookie"
        assert http.get("/", headers={"Accept-Language": "zh-CN"}).headers["location"] == "/zh-hans/"
        assert http.get("/", headers={"Accept-Language": "ca-ES, de-AT"}).headers["location"] == "/de/"
        assert http.get("/", headers={"Cookie": "site_language=ar"}).headers["location"] == "/ar/"

        page = http.get("/fr/back-pain-miscarriage", headers={"Accept-Encoding": "br"})
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert page.headers["content-encoding"] == "br"
        assert "Accept-Encoding" in page.headers["vary"]
        assert page.headers["content-language"] == "fr"
        assert "max-age=300" in page.headers["cache-control"]
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"
        assert '<html lang="fr" dir="ltr">' in page.text
        assert "server" not in page.headers or "/" not in page.headers["server"]  # no version

        gzip = http.get("/ar/", headers={"Accept-Encoding": "gzip"})
        assert gzip.headers["content-encoding"] == "gzip" and 'dir="rtl"' in gzip.text

        missing = http.get("/de/no-such-page")
        assert missing.status_code == 404
        assert '<html lang="de" dir="ltr">' in missing.text
        assert missing.headers["content-language"] == "de"

        css = http.get(page.text.split('rel="stylesheet" href="')[1].split('"')[0])
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        assert "immutable" in css.headers["cache-control"]

        choose = http.get("/choose-language/zh-hans/topics/back-ache")
        assert choose.status_code == 303
        assert choose.headers["location"].endswith("/zh-hans/topics/back-ache")
        assert choose.headers["set-cookie"].startswith("site_language=zh-Hans;")
        assert http.get("/choose-language/xx/").status_code == 404

        icon = http.get("/favicon.ico")
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
        assert icon.headers["cache-control"] == "public, max-age=86400"
        assert "<urlset" in http.get("/sitemap.xml").text


def test_nginx_serves_the_export(export: Path, tmp_path: Path) -> None:
    with serving_export(export, tmp_path) as base:
        check_site(base)
        page = httpx2.get(base + "/es/privacy", headers={"Accept-Encoding": "identity"})
        assert page.content == (export / PUBLIC / "es/privacy.html").read_bytes()


def test_nginx_proxies_several_uvicorn_workers(tmp_path: Path) -> None:
    nginx_available()
    app_port, port = free_port(), free_port()
    environ = {**os.environ, "SITE_BASE_URL": f"http://127.0.0.1:{port}"}
    config = configure("nginx-proxy.conf", tmp_path, port, **{"127.0.0.1:8001": f"127.0.0.1:{app_port}"})
    app = [sys.executable, "-m", "server", "--port", str(app_port), "--workers", "2"]
    with running(app, app_port, cwd=ROOT, env=environ), running(nginx_command(config), port) as base:
        check_site(base)


# Third-party links to the switcher that name no language or page of the site, and the 404's language.
UNKNOWN_CHOICES = {
    "/choose-language/xx/privacy": "en",
    "/choose-language/xx/": "en",
    "/choose-language/zz-zzzz/topics/back-ache": "en",
    "/choose-language/de/no-such-page": "de",
    "/choose-language/de/topics/privacy": "de",
}


def test_a_link_to_an_unknown_language_leaves_the_readers_choice_alone(export: Path, tmp_path: Path) -> None:
    app = TestClient(create_app(repository_settings()), follow_redirects=False)
    with serving_export(export, tmp_path) as base, httpx2.Client(base_url=base, follow_redirects=False) as http:
        for url, language in UNKNOWN_CHOICES.items():
            answers = {"app": app.get(url), "nginx": http.get(url)}
            for server, response in answers.items():
                assert response.status_code == 404, (server, url)
                assert "set-cookie" not in response.headers, (server, url)
                assert f'<html lang="{language}"' in response.text, (server, url)  # the site's 404 page


def test_a_missing_asset_is_not_cached_for_a_year(export: Path, tmp_path: Path) -> None:
    app = TestClient(create_app(repository_settings()), follow_redirects=False)
    with serving_export(export, tmp_path) as base, httpx2.Client(base_url=base) as http:
        for url in ("/static/nope.css", "/static/site.0000000000.css", "/static/"):
            answers = {"app": app.get(url), "nginx": http.get(url)}
            for server, response in answers.items():
                assert response.status_code == 404, (server, url)
                assert response.headers["cache-control"] == "no-cache", (server, url)
