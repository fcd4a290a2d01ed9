"""Approved terminology and recorded reviews: `check` finds each problem; readers see how reviewed a page is."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server import create_app
from server.core.catalogs import page_catalog_path
from server.core.content import load_page
from server.tools.check import check_all
from server.tools.cli import main

from .conftest import folder_options, repository_settings, settings_for

ARTICLE = "back-pain-miscarriage"


def problems(repo_copy: Path) -> list[str]:
    return [str(problem) for problem in check_all(settings_for(repo_copy))]


def replace_in(path: Path, old: str, new: str) -> int:
    """Replace text in a file; return the line of the first replacement."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return line


def test_the_shipped_catalogs_glossaries_and_reviews_pass_check() -> None:
    found = [str(problem) for problem in check_all(repository_settings()) if problem.is_error]
    assert found == []


def test_a_forbidden_rendering_of_a_safety_term_is_an_error_at_its_line(repo_copy: Path) -> None:
    po = page_catalog_path(repo_copy / "locales", "ar", ARTICLE)
    line = replace_in(po, 'msgstr "هل ألم الظهر علامة تحذيرية على الإجهاض التلقائي؟"',
                      'msgstr "هل ألم الظهر علامة تحذيرية على الإجهاض؟"')  # the bare word for abortion  # fmt: skip
    found = problems(repo_copy)
    assert any(
        re.match(rf"{re.escape(str(po))}:{line}: error: glossary: 'الإجهاض' must not be used for 'miscarriage'", p)
        or re.match(rf"{re.escape(str(po))}:{line}: error: glossary: the English says 'miscarriage'", p)
        for p in found
    ), found


def test_a_term_rendered_without_any_approved_form_is_reported(repo_copy: Path) -> None:
    po = page_catalog_path(repo_copy / "locales", "fr", ARTICLE)
    text = po.read_text(encoding="utf-8")
    line_text = next(line for line in text.splitlines() if line.startswith("msgstr") and "fausse couche" in line)
    line = replace_in(po, line_text, line_text.replace("fausse couche", "perte de grossesse"))
    found = [p for p in problems(repo_copy) if p.startswith(f"{po}:{line}:")]
    assert any("glossary: the English says 'miscarriage'" in p and ": error:" in p for p in found), found


def test_a_non_safety_term_is_a_warning_not_an_error(repo_copy: Path) -> None:
    glossary = repo_copy / "locales/fr/glossary.po"
    text = glossary.read_text(encoding="utf-8")
    entries = text.split("\n\n")
    entry = next(entry for entry in entries if 'msgid "miscarriage"' in entry)
    glossary.write_text(text.replace(entry, entry.replace("#, safety\n", "")), encoding="utf-8")
    po = page_catalog_path(repo_copy / "locales", "fr", ARTICLE)
    line_text = next(line for line in po.read_text(encoding="utf-8").splitlines() if "fausse couche" in line)
    replace_in(po, line_text, line_text.replace("fausse couche", "perte de grossesse"))
    found = [p for p in problems(repo_copy) if "glossary" in p and "'miscarriage'" in p]
    assert found and all(": warning: " in p for p in found), found


def test_a_broken_glossary_is_reported_with_its_line(repo_copy: Path) -> None:
    glossary = repo_copy / "locales/de/glossary.po"
    glossary.write_text(glossary.read_text(encoding="utf-8") + '\nmsgid "broken\nmsgstr ""\n', encoding="utf-8")
    assert any(p.startswith(f"{glossary}:") and "invalid PO syntax" in p for p in problems(repo_copy))


def test_a_review_of_a_page_that_does_not_exist_is_rejected(repo_copy: Path) -> None:
    reviews = repo_copy / "locales/pl/reviews.toml"
    text = reviews.read_text(encoding="utf-8")
    reviews.write_text(text + '\n[[review]]\npage = "no-such-page"\ndate = 2026-11-30\nreviewer = "X"\n'
                       'methods = ["revision"]\nenglish = "0"\n', encoding="utf-8")  # fmt: skip
    line = reviews.read_text(encoding="utf-8").splitlines().index("[[review]]", text.count("\n") - 1) + 1
    assert any(p.startswith(f"{reviews}:{line}: error: a review of 'no-such-page'") for p in problems(repo_copy))


def test_a_review_for_a_language_that_does_not_exist_is_rejected(repo_copy: Path) -> None:
    stray = repo_copy / "locales/xx/reviews.toml"
    stray.parent.mkdir()
    shutil.copy(repo_copy / "locales/pl/reviews.toml", stray)
    assert any(p.startswith(f"{stray}:1: error: xx is not a language of the site") for p in problems(repo_copy))


def test_a_malformed_review_record_is_rejected(repo_copy: Path) -> None:
    reviews = repo_copy / "locales/uk/reviews.toml"
    reviews.write_text(
        reviews.read_text(encoding="utf-8").replace('methods = ["back-translation"', 'methods = ["guess"')
    )
    assert any(p.startswith(f"{reviews}:") and "methods must be a list of" in p for p in problems(repo_copy))


def test_every_shipped_page_shows_its_review_date(client: TestClient) -> None:
    site = client.app.state.holder.site  # type: ignore[attr-defined]
    for language in site.languages[1:]:
        for page in (*site.pages.values(), *site.topics.values()):
            if not site.is_published(page, language):
                continue
            html = client.get(f"/{language.url_code}/{page.slug if page.kind != 'home' else ''}"
                              if page.kind != "topic" else f"/{language.url_code}/topics/{page.slug}").text  # fmt: skip
            note = re.search(r'<p class="review-note">(.*?)</p>', html, re.DOTALL)
            assert note is not None, (language.code, page.slug)
            state = site.review_state(page, language)
            assert state.status == "reviewed", (language.code, page.slug, state.status)


def test_an_english_edit_makes_the_translation_await_review_on_the_page_and_in_stats(
    repo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = repo_copy / f"content/{ARTICLE}.md"
    replace_in(article, "cramping and the passing of clots", "cramping, and the passing of clots")
    client = TestClient(create_app(settings_for(repo_copy)), follow_redirects=False)
    page = client.get(f"/de/{ARTICLE}")
    assert page.status_code == 200  # still published
    note = re.search(r'<p class="review-note">(.*?)</p>', page.text, re.DOTALL)
    assert note is not None and "30. November 2026" in note.group(1)
    assert "Translation reviewed on" not in page.text and note.group(1) != ""
    site = client.app.state.holder.site  # type: ignore[attr-defined]
    assert site.review_state(site.pages[ARTICLE], site.language("de")).status == "outdated"
    paths = folder_options(repo_copy)
    assert main(["stats", "de", *paths]) == 0
    assert re.search(rf"^de\s+{ARTICLE}\s+.*yes, needs review$", capsys.readouterr().out, re.MULTILINE)


def test_recording_a_review_publishes_a_reviewed_translation(
    repo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reviews = repo_copy / "locales/es/reviews.toml"
    text = reviews.read_text(encoding="utf-8")
    entry = next(part for part in text.split("\n[[review]]\n") if part.startswith('page = "terms"'))
    reviews.write_text(text.replace("\n[[review]]\n" + entry, ""), encoding="utf-8")
    settings = settings_for(repo_copy)
    assert TestClient(create_app(settings)).get("/es/terms").status_code == 404  # not reviewed: not published
    preview = TestClient(create_app(settings_for(repo_copy, review_mode=True))).get("/es/terms")
    assert (
        preview.status_code == 200
        and "This translation has not been reviewed yet." in preview.text
        or (preview.status_code == 200 and 'class="review-note"' in preview.text)
    )
    paths = folder_options(repo_copy)
    status = main(["review", "es", "terms", "--reviewer", "RN-2", "--method", "clinical", *paths])
    assert status == 0, capsys.readouterr().out
    recorded = reviews.read_text(encoding="utf-8")
    fingerprint = load_page(repo_copy / "content/terms.md").english
    assert 'reviewer = "RN-2"' in recorded and f'english = "{fingerprint}"' in recorded
    assert TestClient(create_app(settings)).get("/es/terms").status_code == 200
    assert main(["review", "es", "no-such-page", "--reviewer", "RN-2", "--method", "clinical", *paths]) == 2
    assert main(["review", "es", "terms", "--reviewer", 'x"\n[evil]', "--method", "clinical", *paths]) == 2
    assert reviews.read_text(encoding="utf-8") == recorded  # a refused record leaves the file as it was


def test_the_review_view_exists_only_in_review_mode(repo_copy: Path) -> None:
    assert TestClient(create_app(settings_for(repo_copy))).get(f"/review/fr/{ARTICLE}").status_code == 404
    client = TestClient(create_app(settings_for(repo_copy, review_mode=True)))
    response = client.get(f"/review/fr/{ARTICLE}")
    assert response.status_code == 200
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    html = response.text
    page = load_page(repo_copy / f"content/{ARTICLE}.md")
    rows = re.findall(r'<tr id="block-(\d+)"', html)
    # every block, in page order, then the disclaimer's title and summary shown beside the article
    assert rows == [str(number) for number in range(1, len(page.blocks) + 3)]
    assert '<td lang="en" dir="ltr">' in html and '<td lang="fr" dir="ltr">' in html
    assert re.search(rf"locales/fr/LC_MESSAGES/content/{ARTICLE}\.po:\d+</code>", html)
    assert 'Glossary: <span class="term">miscarriage → fausse couche' in html
    assert f'href="/review/de/{ARTICLE}#block-3"' in html  # the same block in another language
    assert "safety advice" in html


def test_the_review_view_shows_why_a_translation_falls_back(repo_copy: Path) -> None:
    po = page_catalog_path(repo_copy / "locales", "fr", ARTICLE)
    line_text = next(line for line in po.read_text(encoding="utf-8").splitlines() if "fausse couche" in line)
    replace_in(po, line_text, line_text[:-1] + ' <b>gras</b>"')
    html = TestClient(create_app(settings_for(repo_copy, review_mode=True))).get(f"/review/fr/{ARTICLE}").text
    assert "<strong>falls back</strong>: " in html and "HTML" in html


def test_stats_and_the_review_view_say_a_translated_page_waits_for_its_review(
    repo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reviews = repo_copy / "locales/pl/reviews.toml"
    text = reviews.read_text(encoding="utf-8")
    entry = next(part for part in text.split("\n[[review]]\n") if part.startswith(f'page = "{ARTICLE}"'))
    reviews.write_text(text.replace("\n[[review]]\n" + entry, ""), encoding="utf-8")
    paths = folder_options(repo_copy)
    assert main(["stats", "pl", *paths]) == 0
    out = capsys.readouterr().out
    assert f"python -m server review pl {ARTICLE} --reviewer INITIALS --method revision" in out
    html = TestClient(create_app(settings_for(repo_copy, review_mode=True))).get(f"/review/pl/{ARTICLE}").text
    assert "(not published)" in html  # readers do not see it, though review mode shows it
    assert f'<a href="/pl/{ARTICLE}"' in html


def test_a_review_that_names_no_method_but_machine_assistance_is_refused(
    repo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = folder_options(repo_copy)
    before = (repo_copy / "locales/fr/reviews.toml").read_text(encoding="utf-8")
    assert main(["review", "fr", "terms", "--reviewer", "AI", "--method", "machine-assisted", *paths]) == 2
    assert "machine-assisted says who reviewed, not how" in capsys.readouterr().out
    assert (repo_copy / "locales/fr/reviews.toml").read_text(encoding="utf-8") == before


def test_an_articles_review_view_includes_the_disclaimer_shown_beside_it(repo_copy: Path) -> None:
    html = TestClient(create_app(settings_for(repo_copy, review_mode=True))).get(f"/review/fr/{ARTICLE}").text
    assert "title of medical-information, beside the article" in html
    assert "summary of medical-information, beside the article" in html


def test_init_starts_a_glossary_that_check_accepts(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = folder_options(repo_copy)
    assert main(["init", "it", *paths]) == 0
    assert "it/glossary.po: created" in capsys.readouterr().out
    glossary = (repo_copy / "locales/it/glossary.po").read_text(encoding="utf-8")
    assert 'msgid "miscarriage"' in glossary and "#, safety" in glossary
    assert not [p for p in problems(repo_copy) if "/it/glossary.po" in p]
