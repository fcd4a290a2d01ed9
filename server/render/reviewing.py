"""The side-by-side review view: every block of a page in English and in a translation, with what a reviewer needs.

Only served in review mode (`--review`), never exported, never indexed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.dates import format_date
from markupsafe import Markup

from ..core.catalogs import page_catalog_path
from ..core.content import Page
from ..core.inline import render_inline
from ..core.languages import Language
from ..core.reviews import METHODS
from ..core.site import DISCLAIMER_SLUG, Site
from ..core.urls import page_path
from .pages import PageContext


@dataclass(frozen=True)
class ReviewRow:
    number: int
    kind: str  # title, summary, heading, paragraph, list_item
    english: Markup
    translation: Markup | None  # None: nothing usable to show
    status: str  # "translated", "fuzzy", "missing" or "falls back"
    reason: str  # why a translation falls back
    comments: tuple[str, ...]  # notes for translators from the English source
    terms: tuple[str, ...]  # glossary terms of the English, with their approved renderings
    violations: tuple[str, ...]  # glossary findings
    location: str  # file:line to edit
    is_required: bool
    is_callout: bool


def review_path(language: Language, page: Page) -> str:
    return page_path(language, page, "review_")


def review_rows(site: Site, language: Language, page: Page) -> list[ReviewRow]:
    """Every block of the page, in page order, as a reviewer sees it."""
    context = PageContext(site, language, page)
    glossary = site.glossaries.get(language.code)
    rows = []
    blocks = list(page.blocks)
    disclaimer = site.pages.get(DISCLAIMER_SLUG)
    if page.kind == "article" and disclaimer is not None:
        blocks += [disclaimer.title, disclaimer.summary]  # shown beside the article, published with it
    for number, block in enumerate(blocks, start=1):
        content = site.content_table(language.code, block.page)
        catalog = page_catalog_path(site.settings.locales_dir, language.catalog_name, block.page)
        translated = content.gettext(block.text) if content else None
        rejection = content.rejected.get(block.text) if content else None
        draft = translated or (content.drafts.get(block.text) if content else None)
        if rejection is not None:
            status, reason = "falls back", str(rejection)
        elif translated is not None:
            status, reason = "translated", ""
        elif content is not None and block.text in content.fuzzy:
            status, reason = "fuzzy", "marked fuzzy: the English changed, or the translation is a guess"
        else:
            status, reason = "missing", ""
        line = content.lines.get(block.text) if content else None
        location = f"{catalog}:{line}" if line else f"{page.path}:{block.lineno} (not yet in {catalog.name})"
        findings = glossary.findings(block.text, draft or "") if glossary else []
        rows.append(
            ReviewRow(
                number=number,
                kind=block.kind
                if number <= len(page.blocks)
                else f"{block.kind} of {DISCLAIMER_SLUG}, beside the article",
                english=render_inline(block.text.replace("%%", "%"), context.resolve_link),
                translation=render_inline(draft.replace("%%", "%"), context.resolve_link) if draft else None,
                status=status,
                reason=reason,
                comments=block.comments,
                terms=tuple(
                    f"{term.english[0]} → {' / '.join(term.approved[:3])}"
                    for term in (glossary.hits(block.text) if glossary else [])
                ),
                violations=tuple(f"{'error' if finding.is_error else 'warning'}: {finding}" for finding in findings),
                location=location,
                is_required=block.is_required or number > len(page.blocks),
                is_callout=block.is_callout,
            )
        )
    return rows


def review_context(site: Site, language: Language, page: Page) -> dict[str, Any]:
    """What templates/review.html needs."""
    state = site.review_state(page, language)
    review = state.review
    others = [
        other for other in site.languages if other.code not in (language.code, site.source.code) and not other.is_pseudo
    ]
    return {
        "page": page,
        "language": language,
        "source": site.source,
        "title": page.title.text,
        "rows": review_rows(site, language, page),
        "state": state.status,
        "review": review,
        "review_date": format_date(review.date, "long", locale="en") if review else None,
        "methods": [METHODS[method] for method in review.methods] if review else [],
        "published": site.is_published_for_readers(page, language),
        "blocking": site.blocking_messages(page, language),
        "page_url": page_path(language, page),
        "others": [(other, review_path(other, page)) for other in others],
    }


def render_review(site: Site, language: Language, page: Page) -> str:
    return site.environment.get_template("review.html").render(review_context(site, language, page))
