"""The translators' commands wrap pybabel: init, update (new, fuzzy, obsolete) and a loud compile."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po, write_po

from server.core.catalogs import catalog_path, cldr_plural_forms, plural_forms_mismatch
from server.tools.cli import main
from server.tools.workflow import WorkflowError, compile_catalogs, init, update

from .conftest import ROOT, folder_options


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for folder in ("content", "templates", "server"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "locales").mkdir()
    return tmp_path


def read(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as file:
        return read_po(file)


def test_init_creates_untranslated_catalogs_with_cldr_plural_forms(project: Path) -> None:
    init(project / "locales", "ar", content_dir=project / "content", templates_dir=project / "templates")
    interface = read(catalog_path(project / "locales", "ar", "interface"))
    assert interface.num_plurals == 6
    assert plural_forms_mismatch(interface.plural_forms, Locale("ar")) is None
    content = read(catalog_path(project / "locales", "ar", "content"))
    assert content.get("Is Back Pain a Warning Sign of Miscarriage?") is not None
    assert all(not message.string for message in content if message.id)
    with pytest.raises(WorkflowError, match="already exists"):
        init(project / "locales", "ar", content_dir=project / "content", templates_dir=project / "templates")


def test_update_marks_new_changed_and_removed_text(project: Path) -> None:
    locales = project / "locales"
    init(locales, "fr", content_dir=project / "content", templates_dir=project / "templates")
    path = catalog_path(locales, "fr", "content")
    catalog = read(path)
    for message in catalog:
        if message.id:
            message.string = "FR " + str(message.id)
    with path.open("wb") as file:
        write_po(file, catalog)

    terms = project / "content/terms.md"
    text = terms.read_text()
    text = text.replace("We may change these terms from time to time.", "We may change these terms at any time.")
    text = text.replace(
        "By using this site you agree to these terms. If you do not agree, please do not use the site.\n", ""
    )
    terms.write_text(text + "\nA brand new paragraph.\n")
    update(locales, content_dir=project / "content", templates_dir=project / "templates")

    updated = read(path)
    changed = updated.get("We may change these terms at any time. The version on this page is the one that applies.")
    assert changed is not None and changed.fuzzy
    # the translator sees the old source next to the fuzzy entry, in syntax GNU gettext accepts
    assert '#| msgid "We may change these terms from time to time. The version' in path.read_text()
    new = updated.get("A brand new paragraph.")
    assert new is not None and not new.string and not new.fuzzy
    assert (
        "By using this site you agree to these terms. If you do not agree, please do not use the site."
        in updated.obsolete
    )


def test_compile_fails_loudly_on_a_broken_catalog(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locales = project / "locales"
    init(locales, "de", content_dir=project / "content", templates_dir=project / "templates")
    path = catalog_path(locales, "de", "interface")
    path.write_text(path.read_text() + '\nmsgid "Broken"\nmsgstr "unterminated\n')
    status = main(["compile", "--locales", str(locales), "--content", str(project / "content"),
                   "--templates", str(project / "templates")])  # fmt: skip
    assert status == 1
    assert "invalid PO syntax" in capsys.readouterr().out
    assert not path.with_suffix(".mo").exists()


def test_compile_refuses_a_fuzzy_header(project: Path) -> None:
    locales = project / "locales"
    init(locales, "de", content_dir=project / "content", templates_dir=project / "templates")
    path = catalog_path(locales, "de", "interface")
    path.write_text("#, fuzzy\n" + path.read_text())
    with pytest.raises(WorkflowError, match="fuzzy"):
        compile_catalogs(locales)


def test_compile_writes_mo_files(project: Path) -> None:
    locales = project / "locales"
    init(locales, "es", content_dir=project / "content", templates_dir=project / "templates")
    compile_catalogs(locales)
    assert catalog_path(locales, "es", "interface").with_suffix(".mo").stat().st_size > 0


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
    import server.tools.workflow

    def fail_midway(*args: object, **kwargs: object) -> bool:
        raise server.tools.workflow.WorkflowError("pybabel update failed: disk full")

    monkeypatch.setattr(server.tools.workflow, "migrate_plural_forms", fail_midway)
    status = main(["init", "pt_BR", "--locales", str(project / "locales")])
    assert status == 1
    assert capsys.readouterr().out.strip() == "error: pybabel update failed: disk full"
    assert not (project / "locales/pt_BR").exists()
    assert main(["init", "xx_YY", "--locales", str(project / "locales")]) == 1
    assert "unknown locale 'xx_YY'" in capsys.readouterr().out
    assert not (project / "locales/xx_YY").exists()


def test_update_migrates_plural_forms_after_a_cldr_change(project: Path) -> None:
    """A catalog written with Babel 2.18's French header gains CLDR's "many" form, kept and flagged."""
    locales = project / "locales"
    init(locales, "fr", content_dir=project / "content", templates_dir=project / "templates")
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
    update(locales, content_dir=project / "content", templates_dir=project / "templates")
    catalog = read(path)
    assert plural_forms_mismatch(catalog.plural_forms, Locale("fr")) is None
    entry = catalog.get("Reading time: %(count)s minute")
    assert entry.string == ("Lecture : %(count)s minute", "Lecture : %(count)s minutes", "Lecture : %(count)s minutes")
    assert entry.fuzzy  # the new "many" form waits for a translator


def test_update_reorders_forms_of_a_header_that_picked_the_wrong_ones(project: Path) -> None:
    locales = project / "locales"
    init(locales, "ar", content_dir=project / "content", templates_dir=project / "templates")
    path = catalog_path(locales, "ar", "interface")
    swapped = "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=11 && n%100<=99 ? 3 : n%100>=3 ? 4 : 5);"
    catalog = read(path)
    catalog.mime_headers = [
        (name, swapped if name == "Plural-Forms" else value) for name, value in catalog.mime_headers
    ]
    entry = catalog.get("Reading time: %(count)s minute")
    entry.string = ("zero", "one", "two", "MANY(11-99)", "FEW(3-10)", "other")
    with path.open("wb") as file:
        write_po(file, catalog)
    update(locales, content_dir=project / "content", templates_dir=project / "templates")
    entry = read(path).get("Reading time: %(count)s minute")
    assert entry.string == ("zero", "one", "two", "FEW(3-10)", "MANY(11-99)", "other")
    assert not entry.fuzzy  # each form moved whole: nothing for a translator to confirm


def test_update_removes_previous_msgids_from_reviewed_entries_and_keeps_them_on_fuzzy_ones(project: Path) -> None:
    locales = project / "locales"
    init(locales, "fr", content_dir=project / "content", templates_dir=project / "templates")
    path = catalog_path(locales, "fr", "interface")
    text = path.read_text()
    reviewed, pending = 'msgid "Skip to main content"\nmsgstr ""', 'msgid "Go to the home page"\nmsgstr ""'
    assert reviewed in text and pending in text
    text = text.replace(reviewed, '#| msgid "Skip to content"\nmsgid "Skip to main content"\nmsgstr "Aller au contenu"')
    text = text.replace(pending, '#, fuzzy\n#| msgid "Go home"\nmsgid "Go to the home page"\nmsgstr "Accueil"')
    path.write_text(text)
    update(locales, content_dir=project / "content", templates_dir=project / "templates")
    updated = path.read_text()
    assert "# |" not in updated  # never garbled into translator comments
    assert '#| msgid "Skip to content"' not in updated  # reviewed: the old English is no longer needed
    assert '#| msgid "Go home"\nmsgid "Go to the home page"\nmsgstr "Accueil"' in updated  # still to review
    update(
        locales, content_dir=project / "content", templates_dir=project / "templates"
    )  # and a second update changes nothing
    assert path.read_text() == updated


def test_update_writes_the_earlier_english_of_a_long_paragraph_on_one_valid_line(project: Path) -> None:
    locales = project / "locales"
    init(locales, "fr", content_dir=project / "content", templates_dir=project / "templates")
    path = catalog_path(locales, "fr", "content")
    catalog = read(path)
    old = next(m.id for m in catalog if isinstance(m.id, str) and m.id.startswith("We may change these terms"))
    assert len(old) > 76  # longer than the column Babel wraps comments at
    catalog.get(old).string = "Nous pouvons modifier ces conditions."
    with path.open("wb") as file:
        write_po(file, catalog, width=0)
    terms = project / "content/terms.md"
    terms.write_text(terms.read_text().replace("from time to time", "at any time"))
    update(locales, content_dir=project / "content", templates_dir=project / "templates")
    assert f'#| msgid "{old}"\n' in path.read_text()  # whole: a wrapped string is invalid PO


def test_update_and_init_say_what_they_did_to_each_catalog(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = folder_options(project)
    assert main(["init", "de", *paths]) == 0
    created = capsys.readouterr().out.splitlines()
    assert any(
        re.search(r"/de/LC_MESSAGES/interface\.po: created, \d+ messages to translate$", line) for line in created
    )
    assert any("content.po: created," in line for line in created)
    terms = project / "content/terms.md"
    terms.write_text(terms.read_text().replace("from time to time", "at any time") + "\nA brand new paragraph.\n")
    assert main(["update", *paths]) == 0
    summary = capsys.readouterr().out.splitlines()
    content = next(line for line in summary if "/de/LC_MESSAGES/content.po" in line)
    interface = next(line for line in summary if "/de/LC_MESSAGES/interface.po" in line)
    # an untranslated catalog: the changed paragraph is new, not fuzzy (there was no translation to keep)
    assert content.endswith(": 2 new, 0 fuzzy, 1 obsolete"), content
    assert interface.endswith(": up to date"), interface


def test_no_layer_but_web_imports_starlette_or_the_web_layer() -> None:
    """core, render and tools (check, update, the Babel extractor, the export) never load the web layer."""
    import subprocess
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
