"""`python -m server review LANG PAGE`: record that a page's translation was reviewed against its current English."""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Sequence

from ..core.languages import Language
from ..core.reviews import METHODS, format_review, load_reviews, page_key, reviews_path
from ..core.settings import Settings
from ..core.site import Site

REVIEWER = re.compile(r"[\w .()-]{1,40}")  # a role or initials: short, plain text, nothing that needs escaping


HEADER = """# Recorded reviews of this language's translations: see TRANSLATING.md, "Review".
# Written by `python -m server review`; one [[review]] table per review, the latest per page counts.
"""


class RecordError(ValueError):
    pass


def record_review(
    settings: Settings,
    language_name: str,
    page_name: str,
    reviewer: str,
    methods: Sequence[str],
    notes: str = "",
    today: datetime.date | None = None,
) -> str:
    """Append a review record to locales/<ll>/reviews.toml; returns a one-line summary."""
    site = Site.load(settings)
    wanted = language_name.replace("_", "-").lower()
    language = next((lang for lang in site.languages if lang.code.lower() == wanted and not lang.is_pseudo), None)
    if language is None or language.code == site.source.code:
        raise RecordError(f"the site has no translation into {language_name!r}")
    page = next((page for page in (*site.pages.values(), *site.topics.values()) if page_key(page) == page_name), None)
    if page is None:
        raise RecordError(f"no page {page_name!r}: use a slug such as back-pain-miscarriage, or topics/back-ache")
    if not REVIEWER.fullmatch(reviewer):
        raise RecordError("--reviewer must be a role or initials: letters, digits, spaces, dots and dashes, 1-40")
    unknown = [method for method in methods if method not in METHODS]
    if unknown:
        raise RecordError(f"unknown method {unknown[0]!r}: use {', '.join(METHODS)}")
    if set(methods) <= {"machine-assisted"}:
        raise RecordError(
            "machine-assisted says who reviewed, not how: add --method revision, back-translation or clinical"
        )
    blocking = site.blocking_messages(page, language)
    if blocking:
        raise RecordError(f"{page_name} is not fully translated into {language.code} yet: {len(blocking)} required "
                          "message(s) untranslated (see `python -m server stats`)")  # fmt: skip
    path = reviews_path(settings.locales_dir, language.catalog_name)
    record = format_review(page, reviewer, list(dict.fromkeys(methods)), today or datetime.date.today(), notes)
    existing = path.read_text(encoding="utf-8") if path.exists() else HEADER
    try:
        tomllib.loads(existing + record)  # the file must still parse, or it is left as it was
    except tomllib.TOMLDecodeError as error:
        raise RecordError(f"{path} cannot be read as TOML ({error}); fix it first") from None
    scratch = path.with_name(path.name + ".new")
    scratch.write_text(existing + record, encoding="utf-8")
    scratch.replace(path)
    load_reviews(path)
    return _summary(language, page_name, path.name)


def _summary(language: Language, page_name: str, file_name: str) -> str:
    return f"recorded a review of {page_name} in {language.code} in locales/{language.catalog_name}/{file_name}"
