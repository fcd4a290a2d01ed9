"""`python -m server`: warnings for placeholder settings on a public address, --strict, --reload, stats."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from server.tools.cli import main

from .conftest import ROOT, free_port, write_catalog
from .test_load import server_process

PUBLIC = {"SITE_BASE_URL": "https://health.example", "SITE_CONTACT_EMAIL": "privacy@health.example"}


@pytest.fixture(autouse=True)
def environment() -> Iterator[None]:
    """`serve` writes SITE_* variables for its workers; put the environment back afterwards."""
    with mock.patch.dict(os.environ):
        for variable in PUBLIC:
            os.environ.pop(variable, None)
        yield


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What `uvicorn.run` was called with, instead of running it."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    return calls


def warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("warning:")]


@pytest.mark.parametrize(
    ("host", "environ", "named"),
    [
        ("0.0.0.0", {}, ["SITE_BASE_URL", "SITE_CONTACT_EMAIL"]),
        ("::", {"SITE_CONTACT_EMAIL": PUBLIC["SITE_CONTACT_EMAIL"]}, ["SITE_BASE_URL"]),
        ("192.0.2.7", {"SITE_BASE_URL": PUBLIC["SITE_BASE_URL"]}, ["SITE_CONTACT_EMAIL"]),
    ],
)
def test_a_public_address_with_placeholder_settings_warns_once_per_setting(
    served: list[dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
    host: str,
    environ: dict[str, str],
    named: list[str],
) -> None:
    os.environ.update(environ)
    assert main(["--host", host]) == 0
    lines = warnings(capsys.readouterr().err)
    assert len(lines) == len(named) and all(variable in line for variable, line in zip(named, lines, strict=True))
    assert len(served) == 1


def test_only_a_public_address_warns(served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    for host in ("127.0.0.1", "127.8.9.10", "::1", "localhost"):
        assert main(["--host", host]) == 0
    os.environ.update(PUBLIC)
    assert main(["--host", "0.0.0.0"]) == 0
    assert warnings(capsys.readouterr().err) == []
    assert main(["--host", "0.0.0.0", "--strict"]) == 0
    assert len(served) == 6


def test_strict_refuses_placeholder_settings_on_a_public_address(
    served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--host", "0.0.0.0", "--strict"]) == 2
    output = capsys.readouterr()
    lines = (output.out + output.err).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and lines[0].endswith(".")
    assert "SITE_BASE_URL" in lines[0] and "SITE_CONTACT_EMAIL" in lines[0]
    assert served == []


@pytest.mark.slow
def test_reload_says_in_one_line_what_is_watched_and_how() -> None:
    port = free_port()
    with server_process("--reload", port=port, capture=True) as process:
        process.terminate()
        log, _ = process.communicate(timeout=20)
    lines = [line for line in log.splitlines() if "reload" in line.lower() and "restart" in line]
    assert len(lines) == 1, log
    assert f"{ROOT / 'server'} restarts the worker" in lines[0]
    assert "catalogs, content and templates" in lines[0] and "reloaded in place on the next request" in lines[0]
    for folder in ("locales", "content", "templates"):
        assert str(ROOT / folder) in lines[0]
    assert "WARNING" not in log and "Will watch for changes" not in log


def rows_by_language(output: str) -> dict[str, list[str]]:
    """The table's rows (up to the first blank line), by the language code that starts them."""
    rows: dict[str, list[str]] = {}
    for line in output.splitlines()[1:]:
        if not line.strip():
            break
        rows.setdefault(line.split()[0], []).append(line)
    return rows


@pytest.mark.parametrize("spelling", ["zh_Hans", "zh-Hans", "zh-hans"])
def test_stats_for_one_language(capsys: pytest.CaptureFixture[str], spelling: str) -> None:
    assert main(["stats"]) == 0
    every = rows_by_language(capsys.readouterr().out)
    assert main(["stats", spelling]) == 0
    assert rows_by_language(capsys.readouterr().out) == {"zh-Hans": every["zh-Hans"]}


@pytest.mark.parametrize("spelling", ["pt_BR", "pt-BR"])
def test_stats_for_a_language_with_a_region(site_copy: Path, capsys: pytest.CaptureFixture[str], spelling: str) -> None:
    for language in ("pt_BR", "fr"):
        for domain in ("interface", "content"):
            write_catalog(site_copy / f"locales/{language}/LC_MESSAGES/{domain}.po", language, {})
    folders = [f"--{name}={site_copy / name}" for name in ("content", "locales", "templates")]
    assert main(["stats", spelling, *folders]) == 0
    assert set(rows_by_language(capsys.readouterr().out)) == {"pt-BR"}


@pytest.mark.parametrize("unknown", ["xx", "en", "en-XA"])  # en: the source; en-XA: a pseudo-locale
def test_stats_for_an_unknown_language_fails_in_one_sentence(capsys: pytest.CaptureFixture[str], unknown: str) -> None:
    assert main(["stats", unknown]) == 2
    output = capsys.readouterr()
    lines = (output.out + output.err).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and lines[0].endswith(".") and unknown in lines[0]
