"""Publication explains itself and fails soft: an author's edit never takes a translated page away."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server import create_app
from server.core.catalogs import page_catalog_path
from server.core.site import Site
from server.core.stats import format_status, translation_status
from server.tools.cli import main
from server.tools.workflow import update

from .conftest import ROOT, folder_options, settings_for

ARTICLE = "/{lang}/back-pain-miscarriage"
TRANSLATED = ("es", "fr", "de", "ar", "zh-hans", "hi")


def edit_safety_sentence(repo_copy: Path) -> str:
    article = repo_copy / "content/back-pain-miscarriage.md"
    text = article.read_text(encoding="utf-8")
    changed = text.replace("gynecologist", "gynecologist or midwife", 1)
    assert changed != text
    article.write_text(changed, encoding="utf-8")
    sentence = next(line for line in changed.splitlines() if "gynecologist or midwife" in line)
    return sentence


def english_sentence_in(html: str, sentence_start: str) -> bool:
    return bool(re.search(rf'<span lang="en" dir="ltr">{re.escape(sentence_start)}', html))


def test_a_safety_edit_saved_while_serving_keeps_every_translation_published(repo_copy: Path) -> None:
    client = TestClient(create_app(settings_for(repo_copy, reload=True)), follow_redirects=False)
    for lang in TRANSLATED:
        assert client.get(ARTICLE.format(lang=lang)).status_code == 200
    sentence = edit_safety_sentence(repo_copy)
    for lang in TRANSLATED:
        page = client.get(ARTICLE.format(lang=lang))
        assert page.status_code == 200, lang
        assert english_sentence_in(page.text, sentence[:40]), lang  # the changed block, in English, marked so
        assert 'class="notice"' in page.text
        assert page.text.count('lang="en" dir="ltr"') < 6  # the rest stays translated


def test_after_update_the_edit_is_fuzzy_and_the_page_needs_review(repo_copy: Path) -> None:
    sentence = edit_safety_sentence(repo_copy)
    update(repo_copy / "locales", content_dir=repo_copy / "content", templates_dir=repo_copy / "templates")
    settings = settings_for(repo_copy)
    client = TestClient(create_app(settings), follow_redirects=False)
    for lang in TRANSLATED:
        page = client.get(ARTICLE.format(lang=lang))
        assert page.status_code == 200, lang
        assert english_sentence_in(page.text, sentence[:40]), lang
    site = Site.load(settings)
    statuses = {status.code: status for status in translation_status(site)}
    assert all("back-pain-miscarriage" in statuses[code].needs_review for code in ("es", "fr", "de", "ar", "hi"))
    table = format_status(list(statuses.values()))
    assert re.search(r"^fr\s+back-pain-miscarriage\s+.*yes, needs review$", table, re.MULTILINE)


def test_stats_lists_what_blocks_publication_with_file_and_line(repo_copy: Path) -> None:
    po = page_catalog_path(repo_copy / "locales", "fr", "medical-information")  # the disclaimer's catalog
    text = po.read_text(encoding="utf-8")
    disclaimer_title = re.search(r'msgid "Medical information"\nmsgstr "([^"]+)"', text)
    assert disclaimer_title is not None
    po.write_text(text.replace(disclaimer_title.group(0), 'msgid "Medical information"\nmsgstr ""'), encoding="utf-8")
    site = Site.load(settings_for(repo_copy))
    statuses = translation_status(site)
    report = format_status(statuses)
    msgid_line = po.read_text(encoding="utf-8").splitlines().index('msgid "Medical information"') + 1
    line = msgid_line + 1  # its msgstr, where the translation goes
    role = r"\(title of medical-information, shown beside every article\)"
    assert re.search(
        rf"^{re.escape(str(po))}:{line}: blocks back-pain-miscarriage {role}",
        report,
        re.MULTILINE,
    ), report
    assert main(["stats", "--locales", str(repo_copy / "locales"), "--content", str(repo_copy / "content"),
                 "--templates", str(repo_copy / "templates")]) == 0  # fmt: skip


def test_while_previewing_a_rejected_translation_is_shown_in_a_box_readers_never_see(repo_copy: Path) -> None:
    po = repo_copy / "locales/fr/LC_MESSAGES/interface.po"
    text = po.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith('msgstr "Aller au contenu'))
    po.write_text(text.replace('msgstr "Aller au contenu', 'msgstr "<b>Aller</b> au contenu', 1), encoding="utf-8")
    preview = TestClient(create_app(settings_for(repo_copy, reload=True))).get("/fr/privacy").text
    box = preview.split('<div class="preview-problems"', 1)[1].split("</div>", 1)[0]
    assert f"{po}:{line}:" in box and "HTML" in box
    readers = TestClient(create_app(settings_for(repo_copy))).get("/fr/privacy").text
    assert 'class="preview-problems"' not in readers


def test_check_groups_what_one_english_edit_caused_under_that_edit(
    repo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_safety_sentence(repo_copy)
    update(repo_copy / "locales", content_dir=repo_copy / "content", templates_dir=repo_copy / "templates")
    paths = folder_options(repo_copy)
    assert main(["check", *paths]) == 1
    lines = capsys.readouterr().out.splitlines()
    note = next(index for index, line in enumerate(lines) if ": note: the English here changed" in line)
    assert lines[note].startswith("content/back-pain-miscarriage.md:")
    assert "11 translations of it wait for review" in lines[note]
    caused = lines[note + 1 : note + 12]
    assert all(": error: fuzzy: 'It is imperative that you contact your gynecologist" in line for line in caused)


def test_stats_counts_finished_pages_in_a_large_library_instead_of_listing_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from server.core import stats

    site = Site.load(settings_for(ROOT))
    statuses = [status for status in translation_status(site) if status.code == "de"]
    every = format_status(statuses)
    assert re.search(r"^de\s+privacy\s", every, re.MULTILINE)  # a small site: every page listed
    monkeypatch.setattr(stats, "LISTED_FINISHED", 2)
    counted = format_status(statuses)
    assert not re.search(r"^de\s+privacy\s", counted, re.MULTILINE)
    assert re.search(r"^de: \d+ more pages are translated, published and reviewed", counted, re.MULTILINE)
    assert re.search(r"^de\s+total\s", counted, re.MULTILINE)
    assert format_status(statuses, every_page=True) == every
