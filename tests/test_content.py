from __future__ import annotations

from pathlib import Path

import pytest

from server.core.content import Block, ContentError, ItemList, load_page, parse_page

from .conftest import ROOT

FRONT = '+++\nslug = "x"\nkind = "page"\ntitle = "T"\nsummary = "S"\n+++\n'


def test_blocks_carry_line_numbers_kinds_and_notes() -> None:
    page = parse_page(FRONT + "\n## Heading\n\n<!-- TRANSLATORS: be brief -->\nA *b*\nc.\n\n- one\n- two\n", "x.md")
    heading, paragraph, items = page.body
    assert isinstance(heading, Block) and isinstance(paragraph, Block)
    assert (heading.kind, heading.level, heading.lineno, heading.text) == ("heading", 2, 8, "Heading")
    assert paragraph.kind == "paragraph" and paragraph.text == "A *b* c." and paragraph.lineno == 11
    assert "be brief" in paragraph.comments
    assert isinstance(items, ItemList) and [item.text for item in items.items] == ["one", "two"]
    assert page.title.lineno == 4 and page.summary.lineno == 5


def test_important_marks_a_required_callout() -> None:
    page = parse_page(FRONT + "\n<!-- important -->\nCall a doctor.\n\nOther.\n", "x.md")
    callout, other = page.blocks[2:]
    assert callout.is_callout and callout.is_required and not other.is_required
    assert [block.text for block in page.required_blocks] == ["T", "S", "Call a doctor."]


def test_percent_signs_are_doubled_in_msgids() -> None:
    assert parse_page(FRONT + "\n50% of adults\n", "x.md").blocks[2].text == "50%% of adults"


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("no front matter", 1, "front matter"),
        ('+++\nslug = "x"\n', 1, "closing"),
        ('+++\nslug = "x\n+++\n', 2, "invalid front matter"),
        ('+++\nslug = "x"\nkind = "page"\ntitle = "T"\n+++\n', 1, "summary"),
        (FRONT.replace('"page"', '"blog"'), 3, "kind must be"),
        (FRONT.replace('"x"', '"Bad Slug"'), 2, "slug"),
        (FRONT + "\n# Second title\n", 8, "level-1"),
        (FRONT + "\n<div>raw</div>\n", 8, "raw HTML"),
        (FRONT + "\n> quoted\n", 8, "blockquote"),
        (FRONT + "\n<!-- shout -->\ntext\n", 8, "unknown directive"),
    ],
)
def test_bad_content_is_refused_with_file_and_line(source: str, line: int, message: str) -> None:
    with pytest.raises(ContentError, match=message) as error:
        parse_page(source, "bad.md")
    assert error.value.lineno == line
    assert str(error.value).startswith(f"bad.md:{line}:")


def test_every_shipped_page_parses_and_has_the_required_front_matter() -> None:
    pages = [load_page(path) for path in sorted((ROOT / "content").rglob("*.md"))]
    slugs = {page.slug for page in pages}
    assert {"index", "back-pain-miscarriage", "back-pain-third-trimester", "medical-information", "privacy", "terms",
            "accessibility", "miscarriage-signs", "back-ache", "miscarriage-back-pain"} <= slugs  # fmt: skip
    for page in pages:
        assert Path(page.path).stem == page.slug
        if page.kind == "article":
            assert page.reviewed is not None and page.topics


def test_the_disclaimer_says_what_the_site_does_not_do() -> None:
    page = load_page(ROOT / "content/medical-information.md")
    assert "does not provide medical advice, diagnosis or treatment" in page.summary.text
    assert "emergency" in page.summary.text
