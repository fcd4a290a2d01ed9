"""The shipped catalogs: complete, valid for GNU gettext, plural rules that agree with CLDR."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from starlette.testclient import TestClient

from server.core.catalogs import CONTENT_FOLDER, catalog_path, key_of, page_catalog_path, plural_forms_mismatch
from server.core.languages import Language, code_from_catalog_name

from .conftest import ROOT

CATALOGS = sorted((ROOT / "locales").glob("*/LC_MESSAGES/**/*.po"))


def locale_of(path: Path) -> str:
    """The locale folder a catalog is in: locales/<locale>/LC_MESSAGES/..."""
    return path.relative_to(ROOT / "locales").parts[0]


SHIPPED = {"ar", "bn", "de", "es", "fr", "hi", "pl", "pt_BR", "uk", "ur", "zh_Hans"}
PAGES = ["", "back-pain-miscarriage", "back-pain-third-trimester", "medical-information", "privacy", "terms",
         "accessibility", "topics/miscarriage-signs", "topics/back-ache", "topics/miscarriage-back-pain"]  # fmt: skip


def test_every_shipped_language_has_an_interface_catalog_and_one_catalog_per_page() -> None:
    templates = ROOT / "locales" / CONTENT_FOLDER
    pages = {key_of(path, templates) for path in templates.rglob("*.pot")}
    assert len(pages) == len(PAGES)
    for name in SHIPPED:
        assert catalog_path(ROOT / "locales", name, "interface").exists()
        assert {page for page in pages if page_catalog_path(ROOT / "locales", name, page).exists()} == pages


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.relative_to(ROOT / "locales").as_posix())
def test_catalog_is_complete_and_passes_babels_checks(path: Path) -> None:
    with path.open("rb") as file:
        catalog = read_po(file)
    assert not catalog.fuzzy, "the header is marked fuzzy"
    assert list(catalog.check()) == []
    for message in catalog:
        if message.id:
            assert not message.fuzzy, f"{path}:{message.lineno} is fuzzy"
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(forms), f"{path}:{message.lineno} is not translated"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.relative_to(ROOT / "locales").as_posix())
def test_plural_forms_header_agrees_with_cldr(path: Path) -> None:
    with path.open("rb") as file:
        catalog = read_po(file)
    locale = Locale.parse(code_from_catalog_name(locale_of(path)), sep="-")
    assert plural_forms_mismatch(catalog.plural_forms, locale) is None


def test_gnu_msgfmt_accepts_every_catalog(tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if os.environ.get("CI") == "true":
            pytest.fail("msgfmt is missing: .ci/run must install Debian's gettext")
        pytest.skip("GNU msgfmt not installed: apt-get install gettext")
    for path in CATALOGS:
        result = subprocess.run([msgfmt, "--check", "-o", str(tmp_path / "out.mo"), str(path)], capture_output=True)
        assert result.returncode == 0, result.stderr.decode()


@pytest.mark.parametrize(("count", "form"), [(0, 0), (1, 1), (2, 2), (3, 3), (11, 4), (100, 5), (102, 5), (99, 4)])
def test_arabic_plurals_follow_cldr(client: TestClient, count: int, form: int) -> None:
    site = client.app.state.holder.site  # type: ignore[attr-defined]
    translator = site.translator(Language.from_code("ar"))
    singular, plural = "This topic has %(count)s article.", "This topic has %(count)s articles."
    forms = site.interface_tables["ar"].plural[singular]
    assert len(forms) == 6
    assert str(translator.ngettext(singular, plural, count, {"count": count})) == forms[form] % {"count": count}
    assert Locale("ar").plural_form(count) == ["zero", "one", "two", "few", "many", "other"][form]


def test_chinese_has_one_plural_form(client: TestClient) -> None:
    site = client.app.state.holder.site  # type: ignore[attr-defined]
    assert len(site.interface_tables["zh-Hans"].plural["This topic has %(count)s article."]) == 1


@pytest.mark.parametrize("language", sorted(code_from_catalog_name(name) for name in SHIPPED))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_reads_fully_translated(client: TestClient, language: str, page: str) -> None:
    response = client.get(f"/{language.lower()}/{page}")
    assert response.status_code == 200
    html = response.text
    direction = Language.from_code(language).direction
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert 'class="notice"' not in html
    body = html[html.index("<body>") :]
    switcher = re.search(r'<nav class="language-nav".*?</nav>', body, re.DOTALL)
    assert switcher
    holder = '<span lang="en" dir="ltr">Mac Millan Interactive Communications, LLC</span>'  # English by design
    assert re.search(r'\slang="en"', body.replace(switcher.group(0), "").replace(holder, "")) is None
    assert "This page is a translation of the English page" not in html  # the notice is translated too
    assert 'class="provenance"' in html


def test_provenance_names_the_source_revision_from_the_catalog(client: TestClient) -> None:
    with page_catalog_path(ROOT / "locales", "fr", "back-pain-miscarriage").open("rb") as file:
        revision = read_po(file).creation_date
    from babel.dates import format_date

    assert not isinstance(revision, str)

    html = client.get("/fr/back-pain-miscarriage").text
    assert format_date(revision, "long", locale="fr") in html
