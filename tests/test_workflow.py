"""The translators' commands wrap pybabel: init, update (new, fuzzy, obsolete) and a loud compile."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from server.catalogs import catalog_path
from server.cli import main
from server.workflow import WorkflowError, compile_catalogs, init, update

from .conftest import ROOT


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
    init(project / "locales", "ar", project)
    interface = read(catalog_path(project / "locales", "ar", "interface"))
    assert interface.num_plurals == 6
    assert "n % 100) >= 11" in interface.plural_expr  # not Babel's swapped table (python-babel/babel#816)
    content = read(catalog_path(project / "locales", "ar", "content"))
    assert content.get("Is Back Pain a Warning Sign of Miscarriage?") is not None
    assert all(not message.string for message in content if message.id)
    with pytest.raises(WorkflowError, match="already exists"):
        init(project / "locales", "ar", project)


def test_update_marks_new_changed_and_removed_text(project: Path) -> None:
    locales = project / "locales"
    init(locales, "fr", project)
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
    update(locales, root=project)

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
    init(locales, "de", project)
    path = catalog_path(locales, "de", "interface")
    path.write_text(path.read_text() + '\nmsgid "Broken"\nmsgstr "unterminated\n')
    status = main(["compile", "--locales", str(locales), "--content", str(project / "content"),
                   "--templates", str(project / "templates")])  # fmt: skip
    assert status == 1
    assert "invalid PO syntax" in capsys.readouterr().out
    assert not path.with_suffix(".mo").exists()


def test_compile_refuses_a_fuzzy_header(project: Path) -> None:
    locales = project / "locales"
    init(locales, "de", project)
    path = catalog_path(locales, "de", "interface")
    path.write_text("#, fuzzy\n" + path.read_text())
    with pytest.raises(WorkflowError, match="fuzzy"):
        compile_catalogs(locales)


def test_compile_writes_mo_files(project: Path) -> None:
    locales = project / "locales"
    init(locales, "es", project)
    compile_catalogs(locales)
    assert catalog_path(locales, "es", "interface").with_suffix(".mo").stat().st_size > 0
