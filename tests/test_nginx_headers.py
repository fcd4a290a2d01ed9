"""Both nginx configs send the app's security headers, once, on every kind of response."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from server import create_app
from server.core.policy import security_headers

from .conftest import free_port, repository_settings, running_server
from .test_export import build_export, configure, nginx_available, nginx_command, running, serving_export

pytestmark = pytest.mark.slow  # starts real servers or times parsers: not in the fast tier

# Every location of deploy/nginx.conf, and what it answers.
EXPORT_URLS = {
    "/": 302,
    "/en/back-pain-miscarriage": 200,
    "/en/": 200,
    "/favicon.ico": 200,
    "/choose-language/fr/privacy": 303,
    "/choose-language/xx/privacy": 404,
    "/de/no-such-page": 404,
    "/static/nope.css": 404,
    "/sitemap.xml": 200,
    "/robots.txt": 200,
}


def header_problems(response: httpx2.Response, behind_https: bool) -> list[str]:
    """How a response's security headers differ from the app's: missing, different or repeated."""
    expected = security_headers(behind_https)
    problems = [
        f"{response.url.path} {response.status_code}: {name} is {response.headers.get_list(name)}"
        for name, value in expected.items()
        if response.headers.get_list(name) != [value]
    ]
    if "Strict-Transport-Security" not in expected and "strict-transport-security" in response.headers:
        problems.append(f"{response.url.path}: Strict-Transport-Security over plain HTTP")
    return problems


def stylesheet(http: httpx2.Client) -> str:
    return http.get("/en/").text.split('rel="stylesheet" href="')[1].split('"')[0]


def bad_request_headers(base: str) -> dict[str, str]:
    """nginx's own 400, decided before any location is chosen."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBroken header line\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := connection.recv(4096)):
            answer += chunk
    head = answer.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    assert head[0].split()[1] == "400", head[0]
    return {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in head[1:])}


def all_problems(base: str, urls: dict[str, int], behind_https: bool) -> list[str]:
    problems = []
    with httpx2.Client(base_url=base, follow_redirects=False) as http:
        for url, status in {**urls, stylesheet(http): 200}.items():
            response = http.get(url)
            assert response.status_code == status, url
            problems += header_problems(response, behind_https)
    raw = bad_request_headers(base)
    problems += [f"400: {name}" for name, value in security_headers(False).items() if raw.get(name.lower()) != value]
    return problems


@pytest.mark.parametrize("behind_https", [False, True], ids=["http", "https"])
def test_the_export_sends_the_apps_security_headers_everywhere(tmp_path: Path, behind_https: bool) -> None:
    export = build_export(tmp_path / "out", behind_https=behind_https)
    with serving_export(export, tmp_path) as base:
        assert all_problems(base, EXPORT_URLS, behind_https) == []


@pytest.mark.parametrize("behind_https", [False, True], ids=["http", "https"])
def test_the_exports_language_cookie_is_the_apps(tmp_path: Path, behind_https: bool) -> None:
    export = build_export(tmp_path / "out", behind_https=behind_https)
    app = TestClient(create_app(repository_settings(behind_https=behind_https)), follow_redirects=False)
    with serving_export(export, tmp_path) as base:
        for url in ("/choose-language/zh-hans/topics/back-ache", "/choose-language/de/"):
            cookie = httpx2.get(base + url).headers.get_list("set-cookie")
            assert cookie == app.get(url).headers.get_list("set-cookie")
            assert cookie[0].endswith("; Secure") == behind_https


@contextmanager
def proxy(folder: Path, app_port: int, **options: Any) -> Iterator[str]:
    nginx_available()
    port = free_port()
    config = configure("nginx-proxy.conf", folder, port, **{"127.0.0.1:8001": f"127.0.0.1:{app_port}"})
    with running(nginx_command(config), port, **options) as base:
        yield base


@pytest.mark.parametrize("behind_https", [False, True], ids=["http", "https"])
def test_the_proxy_sends_the_apps_security_headers_once(tmp_path: Path, behind_https: bool) -> None:
    urls = {**EXPORT_URLS, "/healthz": 200}
    with running_server(repository_settings(behind_https=behind_https)) as app:
        with proxy(tmp_path, int(app.rsplit(":", 1)[1])) as base:
            assert all_problems(base, urls, behind_https) == []


def test_the_proxys_own_errors_carry_the_security_headers(tmp_path: Path) -> None:
    with proxy(tmp_path, free_port(), stderr=subprocess.DEVNULL) as base:  # nothing listens upstream
        response = httpx2.get(base + "/en/")
        assert response.status_code == 502
        assert header_problems(response, behind_https=False) == []
