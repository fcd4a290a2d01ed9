from __future__ import annotations

import pytest

from server.core.languages import Language, find_by_url_code, negotiate, parse_accept_language

SHIPPED = [Language.from_code(code) for code in ("en", "ar", "de", "es", "fr", "hi", "zh-Hans")]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es;q=0.9, fr;q=0.8", "es"),
        ("fr;q=0.8, es;q=0.9", "es"),  # q-values beat header order
        ("en;q=0.1, fr", "fr"),
        ("de-AT", "de"),  # a region variant falls back to its language
        ("de-at", "de"),
        ("zh-CN", "zh-Hans"),  # the script comes from CLDR's likely subtags
        ("zh", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-TW", "en"),  # Traditional Chinese is a sibling, not a variant
        ("zh-Hant", "en"),
        ("ca-ES", "en"),  # never a sibling language: Catalan is not Spanish
        ("ca-ES, es;q=0.5", "es"),
        ("pt-BR, pt;q=0.9", "en"),  # no Portuguese among these languages
        ("fr;q=0, es;q=0.1", "es"),  # q=0 means not acceptable
        ("fr;q=0", "en"),
        ("", "en"),
        ("*", "en"),
        ("garbage", "en"),
        (";;;,,,", "en"),
        ("es;q=NaN", "en"),
        ("es;q=5", "en"),
        ("es;q=-1, fr", "fr"),
        ("<script>alert(1)</script>, ar", "ar"),
        ("x" * 100_000, "en"),
        ("xx, " * 10_000 + "fr", "en"),  # bounded: only the first ranges are read
        ("AR-eg", "ar"),
        ("hi-IN", "hi"),
        ("zh-Hant-SG", "en"),  # an explicit script is never swapped for another
        ("zh-Hant-CN", "en"),
        ("zh-Hans-TW", "zh-Hans"),
        ("ar-EG-xx", "ar"),  # subtags Babel does not know fall back to the primary language
        ("es-a", "es"),  # a lone extension singleton
        ("de-x-private", "de"),  # private use
        ("fr-CA-x-foo-bar", "fr"),
        ("x-klingon, hi", "hi"),
    ],
)
def test_negotiate(header: str, expected: str) -> None:
    assert negotiate(header, SHIPPED, default="en") == expected


@pytest.mark.parametrize("header", ["en-XA", "ar-XB", "ar-xb, es;q=0.1", "en-xa;q=1, de;q=0.5"])
def test_pseudo_locales_are_never_negotiated_even_when_served(header: str) -> None:
    served = [*SHIPPED, Language.from_code("en-XA"), Language.from_code("ar-XB")]
    assert negotiate(header, served, default="en") not in {"en-XA", "ar-XB"}


def test_parse_accept_language_orders_by_quality_and_drops_invalid() -> None:
    assert parse_accept_language("da, en-GB;q=0.8, en;q=0.7, fr;q=oops, de;q=0") == [
        ("da", 1.0),
        ("en-GB", 0.8),
        ("en", 0.7),
    ]


def test_native_names_and_directions_come_from_babel() -> None:
    names = {language.code: (language.name, language.direction) for language in SHIPPED}
    assert names["es"] == ("Español", "ltr")
    assert names["ar"] == ("العربية", "rtl")
    assert names["zh-Hans"][0].startswith("中文")
    assert names["hi"] == ("हिन्दी", "ltr")


@pytest.mark.parametrize("spelling", ["zh-hans", "ZH-HANS", "zh_Hans", "zh_hans"])
def test_url_codes_match_any_spelling(spelling: str) -> None:
    found = find_by_url_code(spelling, SHIPPED)
    assert found is not None and found.url_code == "zh-hans"


def test_unknown_code_is_rejected() -> None:
    with pytest.raises(ValueError, match="Unknown language"):
        Language.from_code("xx-Nope")


TWELVE = [
    Language.from_code(code)
    for code in ("en", "ar", "de", "es", "fr", "hi", "zh-Hans", "pt-BR", "pl", "uk", "ur", "bn")
]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pt-BR", "pt-BR"),
        ("pt", "pt-BR"),  # Babel reads a bare pt as pt-PT; a Portuguese reader still gets Portuguese
        ("pt-PT", "pt-BR"),  # a sibling region of the same language and script: decided, see TRANSLATING.md
        ("pt-PT, en;q=0.9", "pt-BR"),
        ("pt-AO", "pt-BR"),
        ("gl-ES", "en"),  # Galician is another language, however close
        ("uk-UA", "uk"),
        ("ru-UA, en;q=0.5", "en"),  # never a neighbouring language
        ("ur-PK", "ur"),
        ("ur-IN", "ur"),
        ("ur-Arab-IN", "ur"),
        ("bn-BD", "bn"),
        ("bn-IN", "bn"),
        ("as-IN, bn;q=0.8", "bn"),  # Assamese shares the script, not the language
        ("pl-PL", "pl"),
        ("pl", "pl"),
        ("hi-Latn", "en"),  # romanised Hindi is not the Devanagari catalog
        ("ca-ES", "en"),  # still never Spanish
        ("zh-TW", "en"),
    ],
)
def test_negotiate_the_twelve_languages(header: str, expected: str) -> None:
    assert negotiate(header, TWELVE, default="en") == expected
