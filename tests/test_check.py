"""`python -m server check`: each kind of translator mistake is caught, with file and line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale

from server.core.catalogs import EMPTY, cldr_plural_forms, load_table, page_catalog_path
from server.core.content import load_page
from server.core.languages import Language
from server.core.translation import Translator
from server.tools.check import check_all
from server.tools.cli import main

from .conftest import ROOT, folder_options, repository_settings

HEADER = """msgid ""
msgstr ""
"Language: {lang}\\n"
"Plural-Forms: {plural}\\n"
"Content-Type: text/plain; charset=utf-8\\n"

"""
PLURALS = {"fr": cldr_plural_forms(Locale("fr")), "ar": "nplurals=1; plural=0;"}
READ_ABOUT = "Read about [back pain as a warning sign of miscarriage](page:back-pain-miscarriage)."


def broken_site(site_copy: Path, lang: str, domain: str, body: str, plural: str | None = None) -> Path:
    """A catalog with `body` after its header: the interface's, or (domain "content") the msgid's page's."""
    path = site_copy / f"locales/{lang}/LC_MESSAGES/{domain}.po"
    if domain == "content":
        found = re.search(r'^msgid "(.*)"$', body, re.M)
        message = found.group(1).replace('\\"', '"') if found else ""
        pages = [load_page(path) for path in (site_copy / "content").rglob("*.md")]
        key = next((page.key for page in pages if message in {block.text for block in page.blocks}), "index")
        path = page_catalog_path(site_copy / "locales", lang, key)
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
            9,
            "`%(datum)s` is not in the English",
        ),
        ("interface", 'msgid "Skip to main content"\nmsgstr "Aller au {contenu}"\n', 8, "`{contenu}` is not"),
        ("interface", 'msgid "Skip to main content"\nmsgstr "<script>alert(1)</script>"\n', 8, "HTML is not allowed"),
        ("content", f'msgid "{READ_ABOUT}"\nmsgstr "{READ_ABOUT.replace("page:back", "page:privacy")}"\n', 8,
         "links must keep the English's targets"),
        ("content", f'msgid "{READ_ABOUT}"\nmsgstr "Lire *à propos* {READ_ABOUT[11:]}"\n', 8, "Markdown"),
        ("content", 'msgid "What we store"\nmsgstr "Ce que <b onclick=x>nous</b> gardons"\n', 8, "HTML is not allowed"),
        (
            "interface",
            '#, python-format\nmsgid "%(count)s item"\nmsgid_plural "%(count)s items"\nmsgstr[0] "%(count)s élément"\n',
            10,
            "plural forms",
        ),
    ],
)  # fmt: skip
def test_each_mistake_is_reported_with_file_and_line(
    site_copy: Path, domain: str, body: str, line: int, expected: str
) -> None:
    path = broken_site(site_copy, "fr", domain, body)
    problems = [problem for problem in problems_for(site_copy) if problem.startswith(str(path))]
    assert any(
        re.match(rf"{re.escape(str(path))}:{line}: error: .*{re.escape(expected)}", p, re.I) for p in problems
    ), problems


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


PRIVACY_COOKIE = (
    "If you choose a language in the language menu, your browser stores a cookie named `site_language` that holds "
    "only the code of that language, for example `fr`. It keeps your choice for one year, so that the site opens in "
    "your language next time. It is sent only to this site. You can delete it at any time in your browser settings; "
    "the site will then choose a language from your browser's language settings."
)
ARABIC = cldr_plural_forms(Locale("ar"))
TOPIC_IDS = ("This topic has %(count)s article.", "This topic has %(count)s articles.")
TOPIC_COUNT = f'msgid "{TOPIC_IDS[0]}"\nmsgid_plural "{TOPIC_IDS[1]}"\n'


def arabic_forms(*forms: str) -> str:
    return TOPIC_COUNT + "".join(f'msgstr[{index}] "{form}"\n' for index, form in enumerate(forms))


@pytest.mark.parametrize(
    ("lang", "domain", "body", "line", "expected"),
    [
        # hostile conversions: obeyed by %-formatting, unseen by a placeholder regex
        ("fr", "interface", 'msgid "Skip to main content"\nmsgstr "Aller %-200000000s"\n', 8, "`%-200000000s`"),
        ("fr", "interface", 'msgid "Last reviewed: %(date)s"\nmsgstr "Revu %(date)s%(date)--5000000s"\n', 8,
         "`%(date)--5000000s` is not a placeholder: write `%(date)s`"),
        ("fr", "interface", 'msgid "Skip to main content"\nmsgstr "Aller %r"\n', 8, "`%r`"),
        ("fr", "interface", 'msgid "Skip to main content"\nmsgstr "' + "x" * 300 + '"\n', 8, "shorten it"),
        # invisible characters that reorder or hide text, typed or as an HTML entity
        ("fr", "interface", 'msgid "Skip to main content"\nmsgstr "Aller\u202e au contenu"\n', 8,
         "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("fr", "content", 'msgid "What we store"\nmsgstr "Ce que nous &#x202E;gardons"\n', 8,
         "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("fr", "content", 'msgid "What we store"\nmsgstr "Ce que\u200b nous gardons"\n', 8, "U+200B ZERO WIDTH SPACE"),
        # one error per placeholder mistake, at the msgstr line, saying what to write
        ("fr", "interface", '#, python-format\nmsgid "Last reviewed: %(date)s"\nmsgstr "Revu le %(datum)s"\n', 9,
         "`%(datum)s` is not in the English: use `%(date)s`"),
        ("fr", "interface", '#, python-format\nmsgid "Last reviewed: %(date)s"\nmsgstr "Revu le %(date)"\n', 9,
         "`%(date)` is missing its `s`: write `%(date)s`"),
        # the everyday loop
        ("fr", "interface", 'msgid "Skip to main contnet"\nmsgstr "Aller au contenu"\n', 8,
         "'Skip to main contnet' is not in the template: did you edit the English? Put your translation in msgstr"),
        ("fr", "interface", '#| msgid "Skip to content"\nmsgid "Skip to main content"\nmsgstr "Aller au contenu"\n', 9,
         "`#|` lines"),
        ("es", "content", f'msgid "{PRIVACY_COOKIE}"\nmsgstr "{PRIVACY_COOKIE.replace("site_language", "idioma")}"\n',
         8, "text inside backticks must stay as in the English: `site_language` (found `idioma`)"),
        # plural forms: a form for exactly one count may leave the number out, others may not
        ("fr", "interface", TOPIC_COUNT + 'msgstr[0] "Ce thème a un article."\nmsgstr[1] "%(count)s de articles"\n'
         'msgstr[2] "%(count)s articles"\n', 9, "`%(count)s` is missing"),
        ("ar", "interface", arabic_forms("لا مقالات", "مقالة", "مقالتان", "مقالات", "%(count)s م", "%(count)s م"),
         12, "`%(count)s` is missing"),
    ],
)  # fmt: skip
def test_one_error_per_mistake_at_the_msgstr_line(
    site_copy: Path, lang: str, domain: str, body: str, line: int, expected: str
) -> None:
    path = broken_site(site_copy, lang, domain, body, plural=cldr_plural_forms(Locale(lang)))
    problems = [p for p in problems_for(site_copy) if p.startswith(f"{path}:")]
    assert len(problems) == 1 and problems[0].startswith(f"{path}:{line}: error: ") and expected in problems[0], (
        problems
    )


def test_forms_for_exactly_one_count_may_leave_out_the_number(site_copy: Path) -> None:
    forms = ("لا مقالات", "مقالة واحدة", "مقالتان", "%(count)s مقالات", "%(count)s مقالة", "%(count)s مقالة")
    path = broken_site(site_copy, "ar", "interface", arabic_forms(*forms), plural=ARABIC)
    assert [p for p in problems_for(site_copy) if p.startswith(f"{path}:")] == []
    # and the site shows them, as check promised
    arabic = Language.from_code("ar")
    translator = Translator(arabic, Language.from_code("en"), load_table(path), lambda page: EMPTY)
    shown = [str(translator.ngettext(*TOPIC_IDS, count, {"count": count})) for count in (0, 1, 2)]
    assert shown == list(forms[:3])


def test_a_wrong_nplurals_says_which_header_to_write(site_copy: Path) -> None:
    body = arabic_forms("a", "b", "c", "%(count)s d", "%(count)s e", "%(count)s f")
    path = broken_site(site_copy, "ar", "interface", body, plural="nplurals=2; plural=(n != 1);")
    problems = [p for p in problems_for(site_copy) if p.startswith(f"{path}:")]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:11: error: ") and f"Plural-Forms should be: {ARABIC}" in problems[0]
    assert "num_plurals" not in problems[0]


def test_images_must_be_the_englishs_and_local(site_copy: Path) -> None:
    page = site_copy / "content/terms.md"
    page.write_text(
        page.read_text() + "\nSee ![a chart](/static/chart.png).\n\nAnd ![x](https://tracker.example/p.gif).\n"
    )
    with (site_copy / "locales/content/terms.pot").open("a", encoding="utf-8") as template:
        template.write('\nmsgid "See ![a chart](/static/chart.png)."\nmsgstr ""\n')
    body = 'msgid "See ![a chart](/static/chart.png)."\nmsgstr "Voir ![un graphique](https://tracker.example/p.gif)."\n'
    path = broken_site(site_copy, "fr", "content", body)
    problems = problems_for(site_copy)
    assert any(p.startswith(f"{path}:8: error: ") and "https://tracker.example/p.gif" in p for p in problems), problems
    assert any(re.match(rf"{re.escape(str(page))}:\d+: error: .*only local images", p) for p in problems), problems


def test_hostile_catalogs_get_clean_errors_never_a_traceback(
    site_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken_site(site_copy, "fr", "interface", 'msgid "Skip to main content"\nmsgstr "%-200000000s"\n')
    broken_site(site_copy, "de", "interface", "", plural="nplurals=2; plural=(n/0);")
    broken_site(site_copy, "ar", "interface", arabic_forms("a", "b", "c"), plural="nplurals=2; plural=(n != 1);")
    paths = folder_options(site_copy)
    assert main(["check", *paths]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines and "Traceback" not in "\n".join(lines)
    reports = [line for line in lines if re.match(r"\S+:\d+: (error|warning): ", line)]
    assert any("de/LC_MESSAGES/interface.po:4: error: " in line and "n/0" in line for line in reports)
    assert any("fr/LC_MESSAGES/interface.po:8: error: `%-200000000s`" in line for line in reports), lines
    assert any(
        "ar/LC_MESSAGES/interface.po:11: error: " in line and "Plural-Forms should be" in line for line in reports
    )


def test_content_the_server_refuses_at_start_up_is_reported(site_copy: Path) -> None:
    (site_copy / "content/terms-copy.md").write_text((site_copy / "content/terms.md").read_text())
    (site_copy / "content/index.md").unlink()
    found = problems_for(site_copy)
    assert any(p.startswith(f"{site_copy}/content/terms.md:1: error: slug 'terms' is used twice") or
               p.startswith(f"{site_copy}/content/terms-copy.md:1: error: slug 'terms' is used twice")
               for p in found), found  # fmt: skip
    assert f"{site_copy}/content/index.md:1: error: the home page is missing" in found
