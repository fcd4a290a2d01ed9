"""Load, slow clients and faults against a real uvicorn (and nginx) on loopback; bounded in time."""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest

from .conftest import ROOT, free_port, repository_settings, running_server, write_catalog
from .test_export import configure, nginx_available, nginx_command, running

pytestmark = pytest.mark.load

URLS = ["/en/", "/en/back-pain-miscarriage", "/ar/back-pain-third-trimester", "/zh-hans/privacy", "/hi/terms",
        "/es/topics/back-ache", "/fr/medical-information", "/de/accessibility", "/sitemap.xml", "/"]  # fmt: skip


@contextmanager
def server_process(*arguments: str, port: int, capture: bool = False) -> Iterator[subprocess.Popen[str]]:
    """`python -m server` as a reader's deployment runs it; output captured only when asked (pipes fill up)."""
    output = subprocess.PIPE if capture else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "--port", str(port), *arguments],
        cwd=ROOT,
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx2.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.05)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=20)


def wrk_requirement() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        if os.environ.get("CI") == "true":
            pytest.fail("wrk is missing: .ci/run must install Debian's wrk")
        pytest.skip("wrk not installed: apt-get install wrk")
    return wrk


def load_problems(base: str, seconds: int, folder: Path) -> list[str]:
    """256 concurrent connections over valid URLs: every answer must be 2xx/3xx, no socket errors."""
    wrk = wrk_requirement()
    script = folder / "rotate.lua"
    script.write_text(
        "local paths = {" + ",".join(f'"{url}"' for url in URLS) + "}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
    )
    command = [wrk, "-t2", "-c256", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    problems = [line.strip() for line in output.splitlines() if "Non-2xx" in line or "Socket errors" in line]
    return problems if requests > 100 else [*problems, f"only {requests} requests: {output}"]


def test_256_concurrent_connections_for_30_seconds(tmp_path: Path) -> None:
    port = free_port()
    with server_process(port=port):
        assert load_problems(f"http://127.0.0.1:{port}", 30, tmp_path) == []


def test_load_check_fails_on_a_server_that_turns_readers_away(tmp_path: Path) -> None:
    port = free_port()
    weak = [sys.executable, "-m", "uvicorn", "--factory", "server.web.app:create_app", "--port", str(port),
            "--limit-concurrency", "8", "--no-access-log", "--log-level", "critical"]  # fmt: skip
    with running(weak, port, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as base:
        assert load_problems(base, 5, tmp_path)


def slow_client(port: int, stop: threading.Event, closed: list[float]) -> None:
    """Slowloris: a request's headers, one byte at a time, never finished."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        try:
            connection.sendall(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            while not stop.is_set():
                connection.sendall(b"X")
                connection.settimeout(0.5)
                try:
                    if connection.recv(1024) == b"":
                        break
                except TimeoutError:
                    continue
                break  # the server answered (408) or closed: it cut us off
        except OSError:
            pass
    closed.append(time.monotonic() - started)


@contextmanager
def slow_clients(port: int, count: int) -> Iterator[list[float]]:
    stop, closed = threading.Event(), []  # type: ignore[var-annotated]
    threads = [threading.Thread(target=slow_client, args=(port, stop, closed), daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    try:
        yield closed
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)


def test_slow_clients_do_not_stop_other_readers_under_uvicorn() -> None:
    with running_server(repository_settings()) as base, slow_clients(int(base.rsplit(":", 1)[1]), 100) as closed:
        with httpx2.Client(timeout=5) as client:
            for url in URLS * 2:
                assert client.get(base + url).status_code in (200, 302)
        assert len(closed) < 100  # uvicorn has no header deadline: the slow clients are still connected


def test_nginx_cuts_slow_clients_off(tmp_path: Path) -> None:
    nginx_available()
    app_port, port = free_port(), free_port()
    config = configure(
        "nginx-proxy.conf",
        tmp_path,
        port,
        **{"127.0.0.1:8001": f"127.0.0.1:{app_port}", "client_header_timeout 10s": "client_header_timeout 2s"},
    )
    environ = {**os.environ, "SITE_BASE_URL": f"http://127.0.0.1:{port}"}
    app = [sys.executable, "-m", "server", "--port", str(app_port)]
    with running(app, app_port, cwd=ROOT, env=environ), running(nginx_command(config), port) as base:
        with slow_clients(port, 20) as closed:
            with httpx2.Client(timeout=5) as client:
                assert client.get(base + "/en/").status_code == 200
            deadline = time.monotonic() + 15
            while len(closed) < 20 and time.monotonic() < deadline:
                time.sleep(0.2)
        assert len(closed) == 20, "nginx did not cut off the slow clients"
        assert max(closed) < 15


def test_a_catalog_broken_while_serving_keeps_the_last_good_version(
    site_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The background task picks each change up (every 0.05 s here); a broken file never takes the page down."""
    po = site_copy / "locales/fr/LC_MESSAGES/interface.po"
    write_catalog(po, "fr", {"Page not found": "Page introuvable"})
    settings = repository_settings(
        content_dir=site_copy / "content",
        templates_dir=site_copy / "templates",
        locales_dir=site_copy / "locales",
        reload_interval=0.05,
    )

    def eventually(condition: Callable[[], bool]) -> bool:
        deadline = time.monotonic() + 10
        while not condition():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    with running_server(settings) as base, caplog.at_level(logging.ERROR):
        assert "Page introuvable" in httpx2.get(base + "/fr/nowhere").text
        po.write_text('msgid "Page not found"\nmsgstr "Page intro\n')
        assert eventually(lambda: any(f"{po}:2:" in record.getMessage() for record in caplog.records))
        assert "Page introuvable" in httpx2.get(base + "/fr/nowhere").text
        po.write_bytes(b"")
        assert eventually(lambda: any(f"{po}:1:" in record.getMessage() for record in caplog.records))
        assert "Page introuvable" in httpx2.get(base + "/fr/nowhere").text
        write_catalog(po, "fr", {"Page not found": "Cette page n'existe pas"})
        assert eventually(lambda: "Cette page n&#39;existe pas" in httpx2.get(base + "/fr/nowhere").text)


def test_graceful_shutdown_finishes_requests_in_flight() -> None:
    port = free_port()
    results: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        with httpx2.Client(timeout=10, headers={"Accept-Encoding": "identity"}) as client:
            while not stop.is_set():
                try:
                    response = client.get(f"http://127.0.0.1:{port}/en/back-pain-miscarriage")
                    results.append("ok" if len(response.content) == int(response.headers["content-length"]) else "cut")
                except httpx2.TransportError as error:
                    # a body cut short is a request that was in flight; anything else never started
                    results.append("cut" if "complete message body" in str(error) else "refused")
                    time.sleep(0.01)

    with server_process(port=port) as process:
        threads = [threading.Thread(target=reader) for _ in range(16)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        process.send_signal(signal.SIGTERM)
        # uvicorn finishes open requests, then re-raises SIGTERM so the exit status tells why it stopped
        assert process.wait(timeout=20) in (0, -signal.SIGTERM)
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
    assert results.count("ok") > 50
    assert "cut" not in results


@pytest.mark.parametrize("missing", ["--locales", "--content", "--templates"])
def test_start_up_without_a_folder_fails_with_one_sentence(missing: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server", missing, "/nonexistent/folder", "--port", str(free_port())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0] and "Traceback" not in result.stderr


def test_logs_hold_no_cookie_values() -> None:
    port = free_port()
    with server_process(port=port, capture=True) as process:
        for path in ("/", "/en/", "/nowhere", "/choose-language/fr/"):
            httpx2.get(f"http://127.0.0.1:{port}{path}", headers={"Cookie": "site_language=fr; other=SECRET-COOKIE-42"})
        process.terminate()
        log, _ = process.communicate(timeout=20)
    assert "GET /en/" in log  # the access log is there, as the privacy policy says
    assert "SECRET-COOKIE-42" not in log and "site_language=" not in log
