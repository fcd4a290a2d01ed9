"""The translators' commands: one template and one catalog per page, updated only where the English changed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypedDict

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

import server.tools.workflow
from server.core.catalogs import (
    catalog_path,
    cldr_plural_forms,
    key_of,
    page_catalog_path,
    page_template_path,
    plural_forms_mismatch,
    template_path,
)
from server.core.content import load_page
from server.core.reviews import page_key
from server.tools.cli import main
from server.tools.workflow import WorkflowError, compile_catalogs, extract, init, update

from .conftest import ROOT, folder_options

TERMS_BEFORE = "We may change these terms from time to time."
TERMS_AFTER = "We may change these terms at any time."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for folder in ("content", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "locales").mkdir()
    return tmp_path


class Folders(TypedDict):
    content_dir: Path
    templates_dir: Path


def folders(project: Path) -> Folders:
    return {"content_dir": project / "content", "templates_dir": project / "templates"}


def entry(catalog: Catalog, message_id: str) -> Message:
    found = catalog.get(message_id)
    assert found is not None, f"{message_id!r} is not in the catalog"
    return found


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as file:
        write_po(file, catalog, width=0)


def translate(path: Path, prefix: str) -> None:
    """Give every message of a catalog a translation, as a translator would."""
    catalog = read(path)
    for message in catalog:
        if message.id and isinstance(message.id, str):
            message.string = f"{prefix} {message.id}"
    write(path, catalog)


def keys(project: Path) -> list[str]:
    return sorted(page_key(load_page(path)) for path in (project / "content").rglob("*.md"))


def page_catalogs(locales: Path) -> list[Path]:
    return sorted(locales.glob("*/LC_MESSAGES/content/**/*.po"))


def snapshot(paths: list[Path]) -> dict[Path, tuple[bytes, int]]:
    return {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The catalogs `update` reads, in order."""
    found: list[Path] = []
    original = server.tools.workflow.read_for_update

    def recording(path: Path) -> Catalog:
        found.append(path)
        return original(path)

    monkeypatch.setattr(server.tools.workflow, "read_for_update", recording)
    return found


@pytest.fixture
def translated(project: Path) -> Path:
    """French and German started and fully translated."""
    locales = project / "locales"
    for name in ("fr", "de"):
        init(locales, name, **folders(project))
        for path in [catalog_path(locales, name, "interface"), *page_catalogs(locales)]:
            if f"/{name}/" in path.as_posix():
                translate(path, name.upper())
    update(locales, **folders(project), everything=True)  # as update writes them (and an editor set up as advised)
    return locales


# --- Extraction --------------------------------------------------------------------------------


def test_each_page_is_extracted_into_its_own_template(project: Path) -> None:
    locales = project / "locales"
    extraction = extract(locales, project / "content", project / "templates")
    assert sorted(extraction.pages) == keys(project)
    assert "topics/back-ache" in extraction.pages
    templates = sorted((locales / "content").rglob("*.pot"))
    assert [key_of(path, locales / "content") for path in templates] == keys(project)
    assert not template_path(locales, "content").exists() and template_path(locales, "interface").exists()
    for source in sorted((project / "content").rglob("*.md")):
        page = load_page(source)
        template = read(page_template_path(locales, page_key(page)))
        assert {message.id for message in template if message.id} == {block.text for block in page.blocks}
        for block in page.blocks:
            message = entry(template, block.text)
            assert (source.relative_to(project).as_posix(), block.lineno) in message.locations
            assert f"page {page.slug}: {block.kind.replace('_', ' ')}" in " ".join(message.auto_comments)
    note = entry(
        read(page_template_path(locales, "back-pain-miscarriage")),
        load_page(project / "content/back-pain-miscarriage.md").body[0].text,  # type: ignore[union-attr]
    )
    assert any(comment.startswith('"Twenty weeks"') for comment in note.auto_comments)  # TRANSLATORS:, stripped


def test_extraction_writes_a_template_only_when_its_messages_change(project: Path) -> None:
    locales = project / "locales"
    extract(locales, project / "content", project / "templates")
    templates = sorted(locales.rglob("*.pot"))
    before = snapshot(templates)
    terms = project / "content/terms.md"
    terms.write_text(terms.read_text().replace("reviewed = ", "related = []\nreviewed = ", 1))  # no message changed
    privacy = project / "content/privacy.md"
    privacy.write_text(privacy.read_text() + "\nA new paragraph.\n")
    extraction = extract(locales, project / "content", project / "templates", everything=True)
    assert extraction.written == {page_template_path(locales, "privacy")}
    after = snapshot(templates)
    assert [path for path in templates if after[path][0] != before[path][0]] == [page_template_path(locales, "privacy")]


def test_a_template_whose_page_is_gone_is_removed(project: Path) -> None:
    locales = project / "locales"
    extract(locales, project / "content", project / "templates")
    (project / "content/topics/back-ache.md").unlink()
    extraction = extract(locales, project / "content", project / "templates")
    assert extraction.removed == (page_template_path(locales, "topics/back-ache"),)
    assert not page_template_path(locales, "topics/back-ache").exists()
    assert page_template_path(locales, "topics/miscarriage-signs").exists()


def test_a_page_moved_to_another_file_is_extracted_again(project: Path) -> None:
    """A rename keeps the file's time, so only the template's own record of its source tells."""
    locales = project / "locales"
    extract(locales, project / "content", project / "templates")
    (project / "content/terms.md").rename(project / "content/conditions.md")
    extraction = extract(locales, project / "content", project / "templates")
    assert extraction.pages["terms"] == project / "content/conditions.md"
    assert page_template_path(locales, "terms") in extraction.written
    assert "#: content/conditions.md:" in page_template_path(locales, "terms").read_text()


def test_a_broken_page_stops_update_with_its_file_and_line(project: Path) -> None:
    (project / "content/broken.md").write_text(
        '+++\nslug = "Not A Slug"\nkind = "page"\ntitle = "T"\nsummary = "S"\n+++\n'
    )
    with pytest.raises(WorkflowError, match=r"broken\.md:2: slug 'Not A Slug'"):
        update(project / "locales", **folders(project))


# --- Update ------------------------------------------------------------------------------------


def test_a_changed_sentence_is_fuzzy_in_its_own_page_and_no_other_catalog_is_touched(
    project: Path, translated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locales = translated
    others = [path for path in [*page_catalogs(locales), *locales.glob("*/LC_MESSAGES/*.po")] if path.stem != "terms"]
    before = snapshot(others)
    terms = project / "content/terms.md"
    terms.write_text(terms.read_text().replace(TERMS_BEFORE, TERMS_AFTER))
    assert main(["update", *folder_options(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name in ("de", "fr"):
        path = page_catalog_path(locales, name, "terms")
        suggestion = entry(read(path), f"{TERMS_AFTER} The version on this page is the one that applies.")
        assert suggestion.fuzzy
        assert suggestion.string == f"{name.upper()} {TERMS_BEFORE} The version on this page is the one that applies."
        # the translator sees the earlier English next to the suggestion, in syntax GNU gettext accepts
        assert f'#| msgid "{TERMS_BEFORE} The version' in path.read_text()
        assert f"{path}: 0 new, 1 fuzzy, 0 obsolete" in lines
    assert snapshot(others) == before  # neither rewritten nor touched
    assert lines[-1] == f"{len(others)} catalogs up to date" and len(lines) == 3


def test_update_reads_only_the_catalogs_of_the_page_that_changed(
    project: Path, translated: Path, reads: list[Path]
) -> None:
    privacy = project / "content/privacy.md"
    privacy.write_text(privacy.read_text() + "\nA new paragraph.\n")
    update(translated, **folders(project))
    content = [path for path in reads if path.stem != "interface"]
    assert sorted(content) == [page_catalog_path(translated, name, "privacy") for name in ("de", "fr")]
    reads.clear()
    update(translated, **folders(project))  # nothing changed since
    assert [path.stem for path in reads] == ["interface", "interface"]


def test_update_all_reads_every_catalog_and_changes_none(
    project: Path, translated: Path, reads: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    every = [*page_catalogs(translated), *translated.glob("*/LC_MESSAGES/interface.po")]
    before = snapshot(every)
    assert main(["update", "--all", *folder_options(project)]) == 0
    assert sorted(reads) == sorted(every)
    assert capsys.readouterr().out.splitlines() == [f"{len(every)} catalogs up to date"]
    assert snapshot(every) == before


def test_a_catalog_behind_its_template_is_caught_up_even_if_the_template_was_written_earlier(
    project: Path, translated: Path, reads: list[Path]
) -> None:
    """As after a `git pull` that brought a new template: the catalog is older and names another version."""
    terms = project / "content/terms.md"
    terms.write_text(terms.read_text().replace(TERMS_BEFORE, TERMS_AFTER))
    extract(translated, project / "content", project / "templates")  # the template alone, as someone else's commit
    path = page_catalog_path(translated, "fr", "terms")
    old = path.stat().st_mtime_ns - 10**9
    os.utime(path, ns=(old, old))
    index = page_catalog_path(translated, "fr", "index")
    os.utime(index, ns=(old, old))  # older than its template too, but updated from this version of it
    update(translated, **folders(project))
    assert path in reads and index not in reads
    assert entry(read(path), f"{TERMS_AFTER} The version on this page is the one that applies.").fuzzy


def test_a_new_page_gets_a_catalog_in_every_language(
    project: Path, translated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "content/new-page.md").write_text(
        '+++\nslug = "new-page"\nkind = "page"\ntitle = "New page"\nsummary = "A summary."\n+++\n\nA paragraph.\n'
    )
    assert main(["update", *folder_options(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name in ("de", "fr"):
        path = page_catalog_path(translated, name, "new-page")
        assert [message.id for message in read(path) if message.id] == ["New page", "A summary.", "A paragraph."]
        assert f"{path}: created, 3 messages to translate" in lines
    assert page_template_path(translated, "new-page").exists()


def test_a_removed_page_loses_its_template_but_not_its_translations(
    project: Path, translated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "content/topics/back-ache.md").unlink()
    assert main(["update", *folder_options(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    template = page_template_path(translated, "topics/back-ache")
    assert not template.exists() and f"{template}: removed: its page no longer exists" in lines
    assert all(page_catalog_path(translated, name, "topics/back-ache").exists() for name in ("de", "fr"))
    kept = [line for line in lines if "topics/back-ache.po:" in line]
    assert len(kept) == 1 and "kept in de, fr" in kept[0] and "no longer exists" in kept[0]


def test_many_changed_catalogs_of_a_language_are_summed_up_in_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(server.tools.workflow, "LISTED_PER_LANGUAGE", 3)
    assert main(["init", "de", *folder_options(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4, lines  # interface, the page catalogs, the glossary, what next
    folder = project / "locales/de/LC_MESSAGES/content"
    messages = sum(len([m for m in read(path) if m.id]) for path in folder.rglob("*.po"))
    assert f"{folder}/: {len(keys(project))} page catalogs changed: {len(keys(project))} created " \
        f"({messages} messages to translate)" in lines  # fmt: skip


def test_update_marks_new_changed_and_removed_text(project: Path) -> None:
    locales = project / "locales"
    init(locales, "fr", **folders(project))
    path = page_catalog_path(locales, "fr", "terms")
    translate(path, "FR")
    terms = project / "content/terms.md"
    text = terms.read_text().replace(TERMS_BEFORE, TERMS_AFTER)
    text = text.replace(
        "By using this site you agree to these terms. If you do not agree, please do not use the site.\n", ""
    )
    terms.write_text(text + "\nA brand new paragraph.\n")
    update(locales, **folders(project))
    updated = read(path)
    assert entry(updated, f"{TERMS_AFTER} The version on this page is the one that applies.").fuzzy
    new = entry(updated, "A brand new paragraph.")
    assert not new.string and not new.fuzzy
    gone = "By using this site you agree to these terms. If you do not agree, please do not use the site."
    assert gone in updated.obsolete


def test_update_removes_previous_msgids_from_reviewed_entries_and_keeps_them_on_fuzzy_ones(project: Path) -> None:
    locales = project / "locales"
    init(locales, "fr", **folders(project))
    path = catalog_path(locales, "fr", "interface")
    text = path.read_text()
    reviewed, pending = 'msgid "Skip to main content"\nmsgstr ""', 'msgid "Go to the home page"\nmsgstr ""'
    assert reviewed in text and pending in text
    text = text.replace(reviewed, '#| msgid "Skip to content"\nmsgid "Skip to main content"\nmsgstr "Aller au contenu"')
    text = text.replace(pending, '#, fuzzy\n#| msgid "Go home"\nmsgid "Go to the home page"\nmsgstr "Accueil"')
    path.write_text(text)
    update(locales, **folders(project))
    updated = path.read_text()
    assert "# |" not in updated  # never garbled into translator comments
    assert '#| msgid "Skip to content"' not in updated  # reviewed: the old English is no longer needed
    assert '#| msgid "Go home"\nmsgid "Go to the home page"\nmsgstr "Accueil"' in updated  # still to review
    mtime = path.stat().st_mtime_ns
    update(locales, **folders(project))  # and a second update changes nothing, not even the file's time
    assert path.read_text() == updated and path.stat().st_mtime_ns == mtime


def test_update_writes_the_earlier_english_of_a_long_paragraph_on_one_valid_line(project: Path) -> None:
    locales = project / "locales"
    init(locales, "fr", **folders(project))
    path = page_catalog_path(locales, "fr", "terms")
    catalog = read(path)
    old = next(m.id for m in catalog if isinstance(m.id, str) and m.id.startswith("We may change these terms"))
    assert len(old) > 76  # longer than the column Babel wraps comments at
    entry(catalog, old).string = "Nous pouvons modifier ces conditions."
    write(path, catalog)
    terms = project / "content/terms.md"
    terms.write_text(terms.read_text().replace("from time to time", "at any time"))
    update(locales, **folders(project))
    assert f'#| msgid "{old}"\n' in path.read_text()  # whole: a wrapped string is invalid PO


def test_update_migrates_plural_forms_after_a_cldr_change(project: Path) -> None:
    """A catalog written with Babel 2.18's French header gains CLDR's "many" form, kept and flagged."""
    locales = project / "locales"
    init(locales, "fr", **folders(project))
    path = catalog_path(locales, "fr", "interface")
    old_header = "nplurals=2; plural=(n > 1);"
    text = path.read_text().replace(cldr_plural_forms(Locale("fr")), old_header)
    text = text.replace(
        'msgid_plural "Reading time: %(count)s minutes"\nmsgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""',
        'msgid_plural "Reading time: %(count)s minutes"\nmsgstr[0] "Lecture : %(count)s minute"\n'
        'msgstr[1] "Lecture : %(count)s minutes"',
    )
    assert old_header in text and "Lecture : %(count)s minutes" in text
    path.write_text(text)
    page = page_catalog_path(locales, "fr", "index")
    page.write_text(page.read_text().replace(cldr_plural_forms(Locale("fr")), old_header))
    update(locales, **folders(project))
    catalog = read(path)
    assert plural_forms_mismatch(catalog.plural_forms, Locale("fr")) is None
    plural = entry(catalog, "Reading time: %(count)s minute")
    assert plural.string == ("Lecture : %(count)s minute", "Lecture : %(count)s minutes", "Lecture : %(count)s minutes")
    assert plural.fuzzy  # the new "many" form waits for a translator
    # the interface's header changed, so every page's catalog is read and migrated too, though its English did not
    assert plural_forms_mismatch(read(page).plural_forms, Locale("fr")) is None


def test_update_reorders_forms_of_a_header_that_picked_the_wrong_ones(project: Path) -> None:
    locales = project / "locales"
    init(locales, "ar", **folders(project))
    path = catalog_path(locales, "ar", "interface")
    swapped = "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=11 && n%100<=99 ? 3 : n%100>=3 ? 4 : 5);"
    catalog = read(path)
    catalog.mime_headers = [
        (name, swapped if name == "Plural-Forms" else value) for name, value in catalog.mime_headers
    ]
    plural = entry(catalog, "Reading time: %(count)s minute")
    plural.string = ("zero", "one", "two", "MANY(11-99)", "FEW(3-10)", "other")
    write(path, catalog)
    update(locales, **folders(project))
    plural = entry(read(path), "Reading time: %(count)s minute")
    assert plural.string == ("zero", "one", "two", "FEW(3-10)", "MANY(11-99)", "other")
    assert not plural.fuzzy  # each form moved whole: nothing for a translator to confirm


# --- Once: the single content.po split into one catalog per page --------------------------------


def as_single_content_catalog(locales: Path) -> None:
    """Put catalogs in the layout before the split (`content.pot`, `<ll>/LC_MESSAGES/content.po`), if not already.

    Each message once, with its translation, as the single catalog held it.
    """
    templates = locales / "content"
    if not templates.exists():
        return
    merged = Catalog(fuzzy=False)
    for path in sorted(templates.rglob("*.pot")):
        template = read(path)
        merged.creation_date = template.creation_date
        for message in template:
            if message.id:
                merged[message.id] = message
    write(locales / "content.pot", merged)
    shutil.rmtree(templates)
    for folder in sorted(locales.glob("*/LC_MESSAGES/content")):
        single: Catalog | None = None
        for path in sorted(folder.rglob("*.po")):
            page = read(path)
            if single is None:
                single = page
                continue
            for message in page:
                if message.id and message.id not in single:
                    single[message.id] = message
            for key, message in page.obsolete.items():
                single.obsolete[key] = message
        assert single is not None
        write(folder.parent / "content.po", single)
        shutil.rmtree(folder)


@pytest.fixture
def single_catalogs(repo_copy: Path) -> Path:
    """A copy of the repository's catalogs with one content catalog per language, and a stale content.mo."""
    locales = repo_copy / "locales"
    as_single_content_catalog(locales)
    for path in locales.glob("*/LC_MESSAGES/content.po"):
        path.with_suffix(".mo").write_bytes(b"stale")
    # a fuzzy suggestion with its earlier English and a translator's note, which must all survive the split
    french = locales / "fr/LC_MESSAGES/content.po"
    text = french.read_text(encoding="utf-8")
    entry = re.search(r'\nmsgid "Privacy policy"\nmsgstr "[^"]+"\n', text)
    assert entry is not None
    french.write_text(
        text.replace(
            entry.group(0),
            '\n# Vérifier avec le service juridique.\n#, fuzzy\n#| msgid "Privacy"\n' + entry.group(0)[1:],
        ),
        encoding="utf-8",
    )
    return repo_copy


def entries(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def test_update_splits_each_single_content_catalog_into_one_per_page_keeping_every_translation(
    single_catalogs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locales = single_catalogs / "locales"
    names = sorted(path.parents[1].name for path in locales.glob("*/LC_MESSAGES/content.po"))
    assert len(names) > 5
    read_for_update = server.tools.workflow.read_for_update  # `#|` lines as previous msgids
    before = {name: read_for_update(catalog_path(locales, name, "content")) for name in names}
    single = read(template_path(locales, "content"))
    assert main(["update", *folder_options(single_catalogs)]) == 0
    lines = capsys.readouterr().out.splitlines()
    split = [line for line in lines if line.startswith("split ")]
    assert len(split) == 1 and ", ".join(names) in split[0] and "content.pot" in split[0], lines
    assert not template_path(locales, "content").exists()
    for path in (locales / "content").rglob("*.pot"):
        # a page whose English is as it was keeps the date of the English its translations were made from
        unchanged = all(
            (found := single.get(message.id)) is not None and set(message.locations) <= set(found.locations)
            for message in read(path)
            if message.id
        )
        assert (read(path).creation_date == single.creation_date) == unchanged, path
    pages = keys(single_catalogs)
    for name in names:
        assert not catalog_path(locales, name, "content").exists()
        assert not catalog_path(locales, name, "content").with_suffix(".mo").exists()
        catalogs = {key: read_for_update(page_catalog_path(locales, name, key)) for key in pages}
        old = before[name]
        for key, catalog in catalogs.items():
            for header in ("Language", "Plural-Forms", "Last-Translator", "Language-Team", "PO-Revision-Date"):
                assert dict(catalog.mime_headers)[header] == dict(old.mime_headers)[header], (name, key, header)
        for message in entries(old):
            holders = [found for catalog in catalogs.values() if (found := catalog.get(message.id)) is not None]
            assert holders, f"{name}: {str(message.id)[:40]!r} is in no page's catalog"
            for found in holders:
                assert (found.string, found.fuzzy, found.user_comments) == (
                    message.string,
                    message.fuzzy,
                    message.user_comments,
                )
                assert found.previous_id == message.previous_id or not message.fuzzy
        obsolete = {key for catalog in catalogs.values() for key in catalog.obsolete}
        assert set(old.obsolete) <= obsolete
    fuzzy = page_catalog_path(locales, "fr", "privacy").read_text(encoding="utf-8")
    suggestion = (
        r'# Vérifier avec le service juridique\.\n(#[.:] .*\n)+#, fuzzy\n#\| msgid "Privacy"\nmsgid "Privacy policy"\n'
    )
    assert re.search(suggestion, fuzzy)
    assert main(["update", *folder_options(single_catalogs)]) == 0
    every = len(pages) * len(names) + len(names)
    assert capsys.readouterr().out.splitlines() == [f"{every} catalogs up to date"]
    msgfmt = shutil.which("msgfmt")
    if msgfmt is not None:
        for path in [*page_catalogs(locales), *(locales / "content").rglob("*.pot")]:
            result = subprocess.run([msgfmt, "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
            assert result.returncode == 0, result.stderr


def test_a_split_that_fails_leaves_the_single_catalogs_as_they_were(
    single_catalogs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locales = single_catalogs / "locales"
    olds = sorted([*locales.glob("*/LC_MESSAGES/content.po"), *locales.glob("*/LC_MESSAGES/content.mo")])
    before = snapshot(olds)
    original: Callable[[Catalog], bytes] = server.tools.workflow.po_bytes
    written: list[Catalog] = []

    def fail_in_the_third_language(catalog: Catalog) -> bytes:
        written.append(catalog)
        if len(written) > 2 * len(keys(single_catalogs)):
            raise OSError("No space left on device")
        return original(catalog)

    monkeypatch.setattr(server.tools.workflow, "po_bytes", fail_in_the_third_language)
    with pytest.raises(OSError, match="No space"):
        update(locales, **folders(single_catalogs))
    assert snapshot(olds) == before
    assert template_path(locales, "content").exists()
    assert not list(locales.glob("*/LC_MESSAGES/content")) and not list(locales.glob("*/LC_MESSAGES/.*"))


def test_a_split_refuses_to_mix_with_page_catalogs_already_there(single_catalogs: Path) -> None:
    locales = single_catalogs / "locales"
    stray = page_catalog_path(locales, "de", "index")
    stray.parent.mkdir(parents=True)
    stray.write_text('msgid ""\nmsgstr ""\n')
    before = catalog_path(locales, "de", "content").read_bytes()
    with pytest.raises(WorkflowError, match="already has some"):
        update(locales, **folders(single_catalogs))
    assert catalog_path(locales, "de", "content").read_bytes() == before


# --- init and compile --------------------------------------------------------------------------


def test_init_creates_untranslated_catalogs_for_every_page_with_cldr_plural_forms(project: Path) -> None:
    locales = project / "locales"
    init(locales, "ar", **folders(project))
    interface = read(catalog_path(locales, "ar", "interface"))
    assert interface.num_plurals == 6
    assert plural_forms_mismatch(interface.plural_forms, Locale("ar")) is None
    assert [key_of(path, locales / "ar/LC_MESSAGES/content") for path in page_catalogs(locales)] == keys(project)
    article = read(page_catalog_path(locales, "ar", "back-pain-miscarriage"))
    assert article.get("Is Back Pain a Warning Sign of Miscarriage?") is not None
    assert all(not message.string for path in page_catalogs(locales) for message in read(path) if message.id)
    assert (locales / "ar/glossary.po").exists()
    with pytest.raises(WorkflowError, match="already exists"):
        init(locales, "ar", **folders(project))


def test_init_says_what_it_made(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "de", *folder_options(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(re.search(r"/de/LC_MESSAGES/interface\.po: created, \d+ messages to translate$", line) for line in lines)
    topic = len(
        [message for message in read(page_template_path(project / "locales", "topics/back-ache")) if message.id]
    )
    assert (
        f"{page_catalog_path(project / 'locales', 'de', 'topics/back-ache')}: created, {topic} messages to translate"
        in lines
    )
    assert len(lines) == 1 + len(keys(project)) + 2  # interface, each page, the glossary, what next


@pytest.mark.parametrize("spelling", ["pt_BR", "pt-BR"])
def test_init_then_check_succeed_for_the_example_in_translating_md(
    project: Path, spelling: str, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = folder_options(project)
    assert main(["init", spelling, *paths]) == 0
    interface = read(catalog_path(project / "locales", "pt_BR", "interface"))
    assert interface.num_plurals == len({"one", "many", "other"})
    assert main(["check", *paths]) == 0, capsys.readouterr().out


def test_init_that_cannot_work_says_why_and_leaves_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[object] = []

    def fail_midway(*args: object, **kwargs: object) -> bool:
        calls.append(args)
        if len(calls) > 3:  # the interface and some pages' catalogs are made by then
            raise WorkflowError("pybabel update failed: disk full")
        return False

    monkeypatch.setattr(server.tools.workflow, "migrate_plural_forms", fail_midway)
    status = main(["init", "pt_BR", *folder_options(project)])
    assert status == 1
    assert capsys.readouterr().out.strip() == "error: pybabel update failed: disk full"
    assert not (project / "locales/pt_BR").exists()
    assert main(["init", "xx_YY", "--locales", str(project / "locales")]) == 1
    assert "unknown locale 'xx_YY'" in capsys.readouterr().out
    assert not (project / "locales/xx_YY").exists()


def test_compile_writes_a_mo_beside_every_catalog_and_says_so_once_per_language(project: Path) -> None:
    locales = project / "locales"
    for name in ("es", "fr"):
        init(locales, name, **folders(project))
    topic = page_catalog_path(locales, "es", "topics/back-ache")
    translate(topic, "ES")
    lines = compile_catalogs(locales)
    assert len(lines) == 2
    for name, line in zip(("es", "fr"), lines, strict=True):
        catalogs = sorted((locales / name / "LC_MESSAGES").rglob("*.po"))
        assert all(path.with_suffix(".mo").stat().st_size > 0 for path in catalogs)
        assert line.startswith(f"{locales / name / 'LC_MESSAGES'}: {len(catalogs)} .mo files written, ")
    assert f", {len([message for message in read(topic) if message.id])} of " in lines[0] and ", 0 of " in lines[1]


def test_compile_fails_loudly_on_a_broken_catalog(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locales = project / "locales"
    init(locales, "de", **folders(project))
    path = catalog_path(locales, "de", "interface")
    path.write_text(path.read_text() + '\nmsgid "Broken"\nmsgstr "unterminated\n')
    assert main(["compile", *folder_options(project)]) == 1
    assert "invalid PO syntax" in capsys.readouterr().out
    assert not path.with_suffix(".mo").exists()


def test_compile_refuses_a_fuzzy_header(project: Path) -> None:
    locales = project / "locales"
    init(locales, "de", **folders(project))
    path = page_catalog_path(locales, "de", "privacy")
    path.write_text("#, fuzzy\n" + path.read_text())
    with pytest.raises(WorkflowError, match=r"privacy\.po:1: the header is marked fuzzy"):
        compile_catalogs(locales)


def test_no_layer_but_web_imports_starlette_or_the_web_layer() -> None:
    """core, render and tools (check, update, the Babel extractor, the export) never load the web layer."""
    import sys

    code = (
        "import importlib, pkgutil, sys\n"
        "import server\n"
        "for layer in ('core', 'render', 'tools'):\n"
        "    package = importlib.import_module('server.' + layer)\n"
        "    for module in pkgutil.iter_modules(package.__path__):\n"
        "        importlib.import_module(f'server.{layer}.{module.name}')\n"
        "web = ('starlette', 'uvicorn', 'server.web')\n"
        "print(sorted(m for m in sys.modules if m.startswith(web)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_extract_writes_only_the_templates(site_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`extract` is update's first step on its own: templates change, catalogs do not."""
    page = site_copy / "content/terms.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    shutil.copytree(ROOT / "locales/fr", site_copy / "locales/fr")
    before = {path: path.read_bytes() for path in (site_copy / "locales").rglob("*.po")}
    assert before
    folders = [f"--{name}={site_copy / name}" for name in ("content", "locales", "templates")]
    assert main(["extract", *folders]) == 0
    assert f"{site_copy / 'locales/content/terms.pot'}: written" in capsys.readouterr().out
    assert 'msgid "A new paragraph."' in (site_copy / "locales/content/terms.pot").read_text(encoding="utf-8")
    assert {path: path.read_bytes() for path in (site_copy / "locales").rglob("*.po")} == before
