"""deploy/nginx-proxy.conf tells the app what nginx saw, never what the client claims."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2
import pytest

from .conftest import free_port
from .test_export import configure, nginx_available, nginx_command, running

pytestmark = pytest.mark.slow  # starts real servers or times parsers: not in the fast tier


class EchoHeaders(BaseHTTPRequestHandler):
    """An upstream that answers with the request headers it received, as JSON."""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        body = json.dumps({name.lower(): value for name, value in self.headers.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def echo_upstream() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHeaders)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_the_proxy_sets_the_forwarded_headers_itself(tmp_path: Path) -> None:
    nginx_available()
    port = free_port()
    with echo_upstream() as upstream:
        config = configure("nginx-proxy.conf", tmp_path, port, **{"127.0.0.1:8001": f"127.0.0.1:{upstream}"})
        with running(nginx_command(config), port) as base:
            claimed = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
            seen = httpx2.get(base + "/en/", headers=claimed).json()
    assert seen["x-forwarded-proto"] == "http"  # nginx's own $scheme: plain HTTP on this port
    assert seen["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"  # the client's claim, then the address nginx saw
