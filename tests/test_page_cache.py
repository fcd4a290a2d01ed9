"""Parsed pages kept between starts: used only for exactly the bytes they were parsed from."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from server.core import page_cache
from server.core.content import ContentError, Page, parse_page

from .conftest import ROOT


def counting_parser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []

    def parse(source: str, path: Path | str) -> Page:
        parsed.append(Path(path).name)
        return parse_page(source, path)

    monkeypatch.setattr(page_cache, "parse_page", parse)
    return parsed


def test_a_second_start_parses_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for name in ("privacy.md", "terms.md"):
        (content / name).write_bytes((ROOT / "content" / name).read_bytes())
    parsed = counting_parser(monkeypatch)
    first = page_cache.parse_pages(sorted(content.glob("*.md")), tmp_path / "cache")
    assert sorted(parsed) == ["privacy.md", "terms.md"]
    parsed.clear()
    second = page_cache.parse_pages(sorted(content.glob("*.md")), tmp_path / "cache")
    assert parsed == [] and second == first
    terms = content / "terms.md"
    terms.write_text(terms.read_text(encoding="utf-8").replace("Terms and conditions", "Terms of use", 1), "utf-8")
    third = page_cache.parse_pages(sorted(content.glob("*.md")), tmp_path / "cache")
    assert parsed == ["terms.md"]  # never a stale page: the cache is keyed by each file's bytes
    page = third[terms]
    assert isinstance(page, Page) and page.title.text == "Terms of use"


def test_a_damaged_cache_means_parsing_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / page_cache.CACHE_FILE).write_bytes(b"not a pickle")
    parsed = counting_parser(monkeypatch)
    with caplog.at_level(logging.WARNING):
        found = page_cache.parse_pages([ROOT / "content/privacy.md"], tmp_path / "cache")
    assert parsed == ["privacy.md"] and isinstance(found[ROOT / "content/privacy.md"], Page)
    assert any("ignoring the page cache" in record.getMessage() for record in caplog.records)


def test_an_unwritable_cache_folder_only_costs_time(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    with caplog.at_level(logging.WARNING):
        found = page_cache.parse_pages([ROOT / "content/privacy.md"], blocked)
    assert isinstance(found[ROOT / "content/privacy.md"], Page)
    assert any("cannot write the page cache" in record.getMessage() for record in caplog.records)
    assert list(tmp_path.iterdir()) == [blocked]  # nothing half-made


def test_a_broken_page_is_reported_not_cached(tmp_path: Path) -> None:
    broken = tmp_path / "broken.md"
    broken.write_text("no front matter", encoding="utf-8")
    found = page_cache.parse_pages([broken], tmp_path / "cache")
    assert isinstance(found[broken], ContentError)
