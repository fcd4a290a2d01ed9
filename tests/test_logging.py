"""The access log of a real `python -m server`: one line per request, with no query string."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx2
import pytest

from .conftest import free_port
from .test_load import server_process

PATH = "/en/back-pain-miscarriage"
# time (UTC), client address and port, method, path, status
ACCESS_LINE = re.compile(r"(\S+) 127\.0\.0\.1:\d+ GET (\S+) (\d{3})")


@pytest.mark.parametrize("arguments", [(), ("--workers", "2")])
def test_the_access_log_has_the_time_and_no_query_string(arguments: tuple[str, ...]) -> None:
    port = free_port()
    with server_process(*arguments, port=port, capture=True) as process:
        before = datetime.now(UTC).replace(microsecond=0)
        status = httpx2.get(f"http://127.0.0.1:{port}{PATH}?email=a@b.c&symptom=bleeding").status_code
        after = datetime.now(UTC)
        process.terminate()
        log, _ = process.communicate(timeout=20)
    assert "email" not in log and "a@b.c" not in log and "bleeding" not in log
    lines = [line for line in log.splitlines() if PATH in line]
    assert len(lines) == 1, log
    found = ACCESS_LINE.fullmatch(lines[0])
    assert found is not None, lines[0]
    timestamp, path, logged_status = found.groups()
    assert path == PATH and int(logged_status) == status
    assert before <= datetime.fromisoformat(timestamp) <= after
