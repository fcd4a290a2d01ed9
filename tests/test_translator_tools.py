"""Second opinions from the translators' own tools: pofilter and msgfmt, and round trips through msgcat and msgmerge."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from server.tools.workflow import update

from .conftest import ROOT

# translate-toolkit's pofilter tests that fit this site. Left out on purpose:
#   brackets    translators add the English term in brackets where patients know it: "गर्भपात (मिसकैरेज)"
#   acronyms    country names are translated: "UK" is "Reino Unido", "المملكة المتحدة"
#   numbers     Bengali writes its own digits (CLDR's default numbering system for bn)
#   printf      a plural form for exactly one count may leave out %(count)s ("دقيقتان"); `check` and
#               `msgfmt --check` still require it in every form that covers several counts
#   doublewords reduplication is grammar in Bengali ("কী কী") and French ("vous vous")
#   endpunc, startcaps, simplecaps, sentencecount, puncspacing, doublequoting, singlequoting:
#               scripts without capitals, their own full stops (। ۔ 。) and quotation marks (« » „ “),
#               and sentences a translator may join or split
#   long, short `check` bounds a translation's length itself; languages differ too much for a ratio
#   unchanged   "Copyright © 2021" and product names are the same in many languages
#   spellcheck, musttranslatewords, notranslatewords, validchars: need per-language dictionaries;
#               the glossary check does this job
#   accelerators, options, credits, hassuggestion, isreview, simpleplurals: nothing of the kind here
POFILTER_TESTS = (
    "blank", "compendiumconflicts", "doublespacing", "emails", "endwhitespace", "escapes", "filepaths",
    "functions", "isfuzzy", "kdecomments", "newlines", "nplurals", "purepunc", "pythonbraceformat",
    "startwhitespace", "tabs", "untranslated", "urls", "variables", "xmltags",
)  # fmt: skip
CATALOGS = sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po"))
GLOSSARIES = sorted((ROOT / "locales").glob("*/glossary.po"))


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed: apt-get install gettext (msgfmt, msgcat, msgmerge) or ./dev test")
    return found


def pofilter_failures(path: Path) -> list[str]:
    tests = [f"--test={test}" for test in POFILTER_TESTS]
    result = subprocess.run(
        [tool("pofilter"), *tests, "--progress=none", str(path)], capture_output=True, text=True, timeout=120
    )
    return [line for line in result.stdout.splitlines() if line.startswith("# (pofilter)")]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_pofilter_finds_nothing(path: Path) -> None:
    assert pofilter_failures(path) == []


def test_pofilter_is_seen_to_fail_on_a_broken_catalog(tmp_path: Path) -> None:
    broken = tmp_path / "broken.po"
    text = (ROOT / "locales/fr/LC_MESSAGES/interface.po").read_text(encoding="utf-8")
    broken.write_text(text.replace('msgstr "Langue"', 'msgstr "Langue "'), encoding="utf-8")
    assert any("endwhitespace" in failure for failure in pofilter_failures(broken))


@pytest.mark.parametrize("path", [*CATALOGS, *GLOSSARIES], ids=lambda path: f"{path.parent.name}/{path.name}")
def test_msgfmt_check_passes(path: Path) -> None:
    result = subprocess.run(
        [tool("msgfmt"), "--check", "--output-file=/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_msgfmt_check_is_seen_to_fail_on_a_wrong_placeholder(tmp_path: Path) -> None:
    broken = tmp_path / "broken.po"
    text = (ROOT / "locales/fr/LC_MESSAGES/interface.po").read_text(encoding="utf-8")
    lines = [line.replace("%(date)s", "%(datum)s") if line.startswith("msgstr") else line for line in text.split("\n")]
    broken.write_text("\n".join(lines), encoding="utf-8")
    result = subprocess.run([tool("msgfmt"), "--check", "--output-file=/dev/null", str(broken)], capture_output=True)
    assert result.returncode != 0


@pytest.mark.parametrize(
    "editor",
    [
        ["msgcat", "--no-wrap"],  # what Poedit ("don't wrap") and Weblate ("no wrapping") write
        ["msgmerge", "--no-wrap", "--previous", "--quiet"],  # Weblate's and Poedit's "update from POT"
    ],
    ids=["msgcat", "msgmerge"],
)
def test_a_catalog_saved_by_a_po_editor_is_left_as_it_is_by_update(repo_copy: Path, editor: list[str]) -> None:
    update(
        repo_copy / "locales", content_dir=repo_copy / "content", templates_dir=repo_copy / "templates"
    )  # the files as the project writes them
    paths = sorted((repo_copy / "locales").glob("*/LC_MESSAGES/*.po"))
    before = {path: path.read_bytes() for path in paths}
    for path in paths:
        template = repo_copy / "locales" / f"{path.stem}.pot"
        arguments = [*editor, str(path), str(template)] if editor[0] == "msgmerge" else [*editor, str(path)]
        subprocess.run([tool(editor[0]), *arguments[1:], "--output-file", str(path)], check=True)
        assert path.read_bytes() == before[path], f"{editor[0]} changed {path.relative_to(repo_copy)}"
    update(repo_copy / "locales", content_dir=repo_copy / "content", templates_dir=repo_copy / "templates")
    for path in paths:
        assert path.read_bytes() == before[path], f"update undid {editor[0]}'s save of {path.relative_to(repo_copy)}"
