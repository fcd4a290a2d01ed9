"""Parsed files kept between starts: used only when made from the same bytes by the same code."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from server.core.parsed_files import parsed
from server.core.reviews import load_reviews

from .conftest import ROOT


def counting_parse(calls: list[str], result: str) -> Callable[[], str]:
    def parse() -> str:
        calls.append(result)
        return result

    return parse


def test_the_same_bytes_are_parsed_once_and_changed_bytes_or_code_again(tmp_path: Path) -> None:
    cache, source = tmp_path / "cache", tmp_path / "reviews.toml"
    calls: list[str] = []
    assert parsed(source, b"one", counting_parse(calls, "first"), cache, "code-1") == "first"
    assert parsed(source, b"one", counting_parse(calls, "again"), cache, "code-1") == "first"
    assert parsed(source, b"two", counting_parse(calls, "changed"), cache, "code-1") == "changed"
    assert parsed(source, b"two", counting_parse(calls, "new code"), cache, "code-2") == "new code"
    assert parsed(tmp_path / "other.toml", b"two", counting_parse(calls, "other"), cache, "code-2") == "other"
    assert calls == ["first", "changed", "new code", "other"]


def test_a_damaged_cache_file_is_parsed_again_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache, source = tmp_path / "cache", tmp_path / "reviews.toml"
    calls: list[str] = []
    parsed(source, b"one", counting_parse(calls, "first"), cache, "code")
    for cache_file in cache.iterdir():
        cache_file.write_bytes(b"not a pickle")
    with caplog.at_level(logging.WARNING):
        assert parsed(source, b"one", counting_parse(calls, "parsed again"), cache, "code") == "parsed again"
    assert "ignoring the cache file" in caplog.text
    assert parsed(source, b"one", counting_parse(calls, "not needed"), cache, "code") == "parsed again"


def test_an_unwritable_cache_only_means_parsing_every_time(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("in the way")
    calls: list[str] = []
    for _ in range(2):
        assert (
            parsed(tmp_path / "x.toml", b"one", counting_parse(calls, "parsed"), blocked / "cache", "code") == "parsed"
        )
    assert calls == ["parsed", "parsed"]


def test_review_records_from_the_cache_are_those_the_file_holds(tmp_path: Path) -> None:
    path = tmp_path / "reviews.toml"
    shutil.copy(ROOT / "locales/fr/reviews.toml", path)
    fresh = load_reviews(path)
    assert fresh
    assert load_reviews(path, tmp_path / "cache") == fresh  # parsed, then kept
    assert load_reviews(path, tmp_path / "cache") == fresh  # from the cache
    page = next(iter(fresh))
    path.write_text(path.read_text(encoding="utf-8").replace(f'page = "{page}"', 'page = "renamed"'), encoding="utf-8")
    again = load_reviews(path, tmp_path / "cache")
    assert "renamed" in again and again == load_reviews(path)
