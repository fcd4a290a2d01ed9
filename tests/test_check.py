"""`python -m server check`: each kind of translator mistake is caught, with file and line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale

from server.catalogs import cldr_plural_forms
from server.check import check_all
from server.cli import main

from .conftest import ROOT, repository_settings

HEADER = """msgid ""
msgstr ""
"Language: {lang}\\n"
"Plural-Forms: {plural}\\n"
"Content-Type: text/plain; charset=utf-8\\n"

"""
PLURALS = {"fr": cldr_plural_forms(Locale("fr")), "ar": "nplurals=1; plural=0;"}


def broken_site(site_copy: Path, lang: str, domain: str, body: str, plural: str | None = None) -> Path:
    path = site_copy / f"locales/{lang}/LC_MESSAGES/{domain}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        HEADER.format(lang=lang, plural=plural or PLURALS.get(lang, PLURALS["fr"])) + body, encoding="utf-8"
    )
    return path


def problems_for(site_copy: Path) -> list[str]:
    settings = repository_settings(
        content_dir=site_copy / "content", templates_dir=site_copy / "templates", locales_dir=site_copy / "locales"
    )
    return [str(problem) for problem in check_all(settings)]


@pytest.mark.parametrize(
    ("domain", "body", "line", "expected"),
    [
        ("interface", 'msgid "Language"\nmsgstr "Langue\n', 8, "invalid PO syntax"),
        ("interface", 'msgid "Language"\nmsgstr "Langue"\nmsgid\n', 9, "invalid PO syntax"),
        (
            "interface",
            '#, python-format\nmsgid "Last reviewed: %(date)s"\nmsgstr "Revu le %(datum)s"\n',
            8,
            "placeholders",
        ),
        ("interface", 'msgid "Hello {name}"\nmsgstr "Bonjour {nom}"\n', 7, "placeholders"),
        ("interface", 'msgid "Language"\nmsgstr "<script>alert(1)</script>"\n', 7, "HTML is not allowed"),
        (
            "content",
            'msgid "See [terms](page:terms)."\nmsgstr "Voir [conditions](page:privacy)."\n',
            7,
            "Markdown",
        ),
        ("content", 'msgid "A *b* c"\nmsgstr "A b c"\n', 7, "Markdown"),
        ("content", 'msgid "Plain"\nmsgstr "Simple <b onclick=x>gras</b>"\n', 7, "HTML is not allowed"),
        (
            "interface",
            '#, python-format\nmsgid "%(count)s item"\nmsgid_plural "%(count)s items"\nmsgstr[0] "%(count)s élément"\n',
            9,
            "plural forms",
        ),
    ],
)
def test_each_mistake_is_reported_with_file_and_line(
    site_copy: Path, domain: str, body: str, line: int, expected: str
) -> None:
    path = broken_site(site_copy, "fr", domain, body)
    problems = [problem for problem in problems_for(site_copy) if problem.startswith(str(path))]
    assert any(re.match(rf"{re.escape(str(path))}:{line}: error: .*{expected}", p, re.IGNORECASE) for p in problems), (
        problems
    )


def test_plural_forms_that_disagree_with_cldr_are_reported(site_copy: Path) -> None:
    path = broken_site(site_copy, "ar", "interface", 'msgid "Language"\nmsgstr "اللغة"\n', plural=PLURALS["fr"])
    expected = cldr_plural_forms(Locale("ar"))
    problems = [p for p in problems_for(site_copy) if p.startswith(f"{path}:")]
    assert any(
        re.match(rf"{re.escape(str(path))}:\d+: error: Plural-Forms disagrees .*nplurals=3, but CLDR has 6", p)
        and expected in p
        for p in problems
    ), problems


def test_a_header_that_picks_the_wrong_form_names_the_counts(site_copy: Path) -> None:
    # few and many swapped, as Babel's own table had it before 2.19 (python-babel/babel#816)
    swapped = "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=11 && n%100<=99 ? 3 : n%100>=3 ? 4 : 5);"
    path = broken_site(site_copy, "ar", "interface", "", plural=swapped)
    problems = [p for p in problems_for(site_copy) if p.startswith(f"{path}:")]
    assert any("picks another form than CLDR at n=3, 4, 5, 6, 7" in p for p in problems), problems


def test_a_locale_claiming_completeness_must_be_complete(site_copy: Path) -> None:
    (site_copy / "locales/claims.toml").write_text('complete = ["fr"]\n')
    body = '#, fuzzy\nmsgid "Language"\nmsgstr "Langue"\n\nmsgid "Breadcrumb"\nmsgstr ""\n'
    path = broken_site(site_copy, "fr", "interface", body)
    problems = problems_for(site_copy)
    assert any(p.startswith(f"{path}:1: error: fr claims to be complete") for p in problems)
    assert f"{path}:8: error: fuzzy: 'Language'" in problems
    assert f"{path}:11: error: untranslated: 'Breadcrumb'" in problems


def test_fuzzy_header_is_an_error(site_copy: Path) -> None:
    path = broken_site(site_copy, "fr", "interface", "")
    path.write_text("#, fuzzy\n" + path.read_text())
    assert any(p.startswith(f"{path}:1: error: the header is marked fuzzy") for p in problems_for(site_copy))


def test_content_links_to_missing_pages_are_reported(site_copy: Path) -> None:
    page = site_copy / "content/terms.md"
    page.write_text(page.read_text() + "\nSee [nothing](page:no-such-page) and [x](topic:nope).\n")
    problems = problems_for(site_copy)
    assert any(
        re.match(rf"{re.escape(str(page))}:\d+: error: link to unknown page 'no-such-page'", p) for p in problems
    )
    assert any("link to unknown topic 'nope'" in p for p in problems)


def test_the_command_exits_non_zero_on_errors(site_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken_site(site_copy, "fr", "interface", 'msgid "Language"\nmsgstr "Langue\n')
    status = main(["check", "--content", str(site_copy / "content"), "--locales", str(site_copy / "locales"),
                   "--templates", str(site_copy / "templates")])  # fmt: skip
    assert status == 1
    assert "error: invalid PO syntax" in capsys.readouterr().out


def test_shipped_catalogs_pass_check() -> None:
    result = subprocess.run([sys.executable, "-m", "server", "check"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout
    assert "no problems found" in result.stdout
