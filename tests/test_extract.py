from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract

from server.core.catalogs import page_template_path
from server.core.content import load_page
from server.tools.workflow import extract as extract_templates

from .conftest import ROOT


def test_extractor_and_renderer_agree() -> None:
    source = (
        b'+++\nslug = "x"\nkind = "page"\ntitle = "Title"\nsummary = "S"\n+++\n\nAbout 50% of adults\nare affected.\n'
    )
    extracted = [message for _, message, _, _ in extract("server.tools.extract:extract_content", BytesIO(source))]
    assert extracted == ["Title", "S", "About 50%% of adults are affected."]


def test_entry_point_is_registered_for_pybabel() -> None:
    source = b'+++\nslug = "x"\nkind = "page"\ntitle = "Title"\nsummary = "S"\n+++\n'
    assert [m for _, m, _, _ in extract("content", BytesIO(source))] == ["Title", "S"]


def page_template(page_key: str) -> Catalog:
    from babel.messages.pofile import read_po

    with page_template_path(ROOT / "locales", page_key).open("rb") as file:
        return read_po(file)


def test_every_content_block_is_in_its_pages_template_with_its_location_and_comment() -> None:
    for path in sorted((ROOT / "content").rglob("*.md")):
        page = load_page(path)
        template = page_template(page.key)
        relative = path.relative_to(ROOT).as_posix()
        for block in page.blocks:
            message = template.get(block.text)
            assert message is not None, f"{relative}:{block.lineno} not extracted; run `python -m server update`"
            assert (relative, block.lineno) in message.locations
            assert any(f"page {page.slug}" in comment for comment in message.auto_comments)


def test_no_content_message_is_a_whole_page() -> None:
    keys = [load_page(path).key for path in (ROOT / "content").rglob("*.md")]
    longest = max(len(message.id) for key in keys for message in page_template(key) if message.id)
    assert longest < 1200


def test_templates_are_up_to_date_with_the_sources(tmp_path: Path) -> None:
    """The committed .pot files (the interface's and each page's) hold exactly what extraction finds now."""
    from babel.messages.pofile import read_po

    extract_templates(tmp_path, ROOT / "content", ROOT / "templates")
    found_files = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*.pot"))
    committed_files = sorted(path.relative_to(ROOT / "locales") for path in (ROOT / "locales").rglob("*.pot"))
    assert found_files == committed_files, "run `python -m server update`"
    for relative in found_files:
        with (tmp_path / relative).open("rb") as file:
            found = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(file) if m.id}
        with (ROOT / "locales" / relative).open("rb") as file:
            committed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(file) if m.id}
        assert found == committed, f"run `python -m server update` ({relative})"
