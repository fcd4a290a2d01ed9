"""The access log of a real `python -m server`: one line per request, with no query string."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx2
import pytest

from .conftest import free_port
from .test_load import server_process

pytestmark = pytest.mark.slow  # starts real servers or times parsers: not in the fast tier

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


def test_the_privacy_page_describes_each_field_of_a_real_log_line() -> None:
    """Every field a real access-log line holds is named on the privacy page, and nothing else is logged."""
    from .conftest import ROOT

    port = free_port()
    with server_process(port=port, capture=True) as process:
        httpx2.get(f"http://127.0.0.1:{port}{PATH}?q=secret", headers={"Cookie": "site_language=fr"})
        process.terminate()
        log, _ = process.communicate(timeout=20)
    line = next(line for line in log.splitlines() if PATH in line)
    fields = line.split(" ")
    assert len(fields) == 5, line  # time, address:port, method, path, status: nothing more
    privacy = (ROOT / "content/privacy.md").read_text(encoding="utf-8")
    logs_section = privacy.split("## Logs", 1)[1].split("\n## ", 1)[0]
    described = {
        "time": "the time",
        "address and port": "the IP address (and, when known, the port)",
        "method": "the type of request",
        "path without the query string": "without anything after a question mark",
        "status": "the result",
        "no cookies": "does not hold cookies",
        "error log": "error log",
        "nginx": "nginx's error log",
    }
    for field, words in described.items():
        assert words in logs_section, f"the privacy page does not describe the log's {field}"
    assert "secret" not in line and "site_language" not in line
