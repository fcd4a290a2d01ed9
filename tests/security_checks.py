"""Security checks on HTTP answers. Each returns a list of problems; empty means pass.

Plain functions, so tests run them on the real server and, to prove they can fail, on
deliberately weakened ones (tests/test_security.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol


class Answer(Protocol):
    """An HTTP response from httpx or from Starlette's test client (httpx2)."""

    @property
    def headers(self) -> Any: ...
    @property
    def text(self) -> str: ...
    @property
    def request(self) -> Any: ...
    @property
    def is_redirect(self) -> bool: ...


REQUIRED_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "permissions-policy",
    "cross-origin-opener-policy",
)
LEAKS = re.compile(r"Traceback|File \"|/work/|site-packages|uvicorn/\d|starlette/\d|Python/\d|line \d+, in")
URL_ATTRIBUTE = re.compile(r"""\b(?:href|src|action|srcset|data)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def header_problems(response: Answer, *, https: bool = False) -> list[str]:
    problems = [f"missing {name}" for name in REQUIRED_HEADERS if name not in response.headers]
    csp = response.headers.get("content-security-policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.split()}
    if directives.get("default-src") != ["'none'"]:
        problems.append("CSP default-src is not 'none'")
    for needed in ("frame-ancestors", "base-uri"):
        if directives.get(needed) != ["'none'"]:
            problems.append(f"CSP {needed} is not 'none'")
    if "form-action" in directives and directives["form-action"] != ["'self'"]:
        problems.append("CSP form-action is not 'self'")
    if "unsafe-inline" in csp or "unsafe-eval" in csp or "*" in csp or "http" in csp:
        problems.append(f"CSP allows inline code or other origins: {csp}")
    if response.headers.get("x-content-type-options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if response.headers.get("referrer-policy") not in ("no-referrer", "same-origin", "strict-origin",
                                                       "strict-origin-when-cross-origin"):  # fmt: skip
        problems.append("Referrer-Policy leaks full URLs")
    hsts = response.headers.get("strict-transport-security")
    if https and not (hsts and int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 15_768_000):  # type: ignore[union-attr]
        problems.append("no Strict-Transport-Security of at least six months behind HTTPS")
    if not https and hsts:
        problems.append("Strict-Transport-Security sent without HTTPS")
    server = response.headers.get("server", "")
    if re.search(r"\d", server):
        problems.append(f"Server header reveals a version: {server}")
    return problems


def leak_problems(response: Answer) -> list[str]:
    found = LEAKS.search(response.text)
    return [f"{response.request.url} reveals {found.group(0)!r}"] if found else []


def reflection_problems(response: Answer, marker: str) -> list[str]:
    """The attacker's marker must not come back, in the body or in any header."""
    problems = []
    if marker in response.text:
        problems.append(f"{response.request.url}: {marker!r} is reflected in the body")
    for name, value in response.headers.items():
        if marker in value:
            problems.append(f"{response.request.url}: {marker!r} is reflected in {name}")
    return problems


def redirect_problems(response: Answer, site_paths: Mapping[str, object] | None = None) -> list[str]:
    """A redirect must stay on this site: a path beginning with one slash."""
    if not response.is_redirect:
        return []
    location = response.headers.get("location", "")
    if not location.startswith("/") or location.startswith("//") or "\\" in location:
        return [f"{response.request.url} redirects off the site to {location!r}"]
    return []


def third_party_problems(html: str, base_url: str) -> list[str]:
    """Anything a page makes the browser load or link to must be on this site (or mailto:)."""
    problems = []
    for url in URL_ATTRIBUTE.findall(html):
        if url.startswith(("/", "#", "mailto:")) or url.startswith(base_url + "/") or url == base_url + "/":
            continue
        if re.match(r"^[a-z0-9-]+(?:/|$)", url):  # relative
            continue
        problems.append(f"third-party or unexpected URL: {url}")
    for url in re.findall(r"url\(([^)]*)\)", html):
        problems.append(f"CSS loads {url}")
    return problems


def cookie_problems(response: Answer, *, expect_language_cookie: bool = False) -> list[str]:
    cookies = response.headers.get_list("set-cookie")
    if not expect_language_cookie:
        return [f"{response.request.url} sets a cookie: {cookie}" for cookie in cookies]
    problems = []
    if len(cookies) != 1 or not cookies[0].startswith("site_language="):
        problems.append(f"expected only the language cookie, got {cookies}")
    elif not all(flag in cookies[0] for flag in ("HttpOnly", "SameSite=lax", "Path=/")):
        problems.append(f"the language cookie lacks HttpOnly, SameSite or Path: {cookies[0]}")
    return problems
