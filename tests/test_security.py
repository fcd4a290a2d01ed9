"""Hostile input against the real app: never a 500, a traceback, a reflection or an open redirect.

Each check is also run against a deliberately weakened server, to show it can fail.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from server import create_app
from server.core.catalogs import key_of, page_catalog_path
from server.core.languages import MAX_RANGES, parse_accept_language

from .conftest import ROOT, repository_settings
from .security_checks import (
    cookie_problems,
    header_problems,
    leak_problems,
    redirect_problems,
    reflection_problems,
    third_party_problems,
)

LANGUAGE_PATHS = {"/en/", "/es/", "/fr/", "/de/", "/ar/", "/zh-hans/", "/hi/"}
PAGES = ["/en/", "/en/back-pain-miscarriage", "/ar/privacy", "/zh-hans/topics/back-ache", "/fr/translation-status"]
HOSTILE_PATHS = [
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/en/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/en/..%2f..%2fpyproject.toml",
    "/static/..%2f..%2fsettings.py", "/static/%2e%2e/__init__.py", "/en/privacy%00.html", "/en/%00", "/%c0%ae%c0%ae/",
    "/en/%c0%afetc%c0%afpasswd", "/en/" + "a" * 10_000, "/EN/PRIVACY", "/en/privacy.", "/en/privacy..",
    "//evil.example/",
    "//en//privacy", "/en//privacy", "/choose-language/es//evil.example", "/choose-language/es/%2F%2Fevil.example",
    "/en/<script>alert(1)</script>", "/en/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/\\evil.example", "/en/privacy?x=<b>",
    "/static/site.css", "/static/../content/privacy.md", "/zh_Hans/../../locales/fr/LC_MESSAGES/content.po",
]  # fmt: skip


@pytest.fixture(scope="module")
def app_client() -> TestClient:
    return TestClient(create_app(repository_settings()), follow_redirects=False)


SITE_CATALOGS = {
    str(page_catalog_path(ROOT / "locales", folder.name, key_of(template, ROOT / "locales/content")))
    for folder in (ROOT / "locales").iterdir()
    if (folder / "LC_MESSAGES").is_dir()
    for template in (ROOT / "locales/content").rglob("*.pot")
} | {str(template) for template in (ROOT / "locales/content").rglob("*.pot")}
SITE_CATALOGS |= {str(folder / "reviews.toml") for folder in (ROOT / "locales").iterdir()}


@pytest.fixture
def file_reads() -> Iterator[list[str]]:
    """Every file opened while the test runs (Python's audit hook sees each open())."""
    opened: list[str] = []
    active = [True]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event == "open" and active[0] and isinstance(args[0], str | bytes):
            opened.append(str(args[0]))

    sys.addaudithook(hook)  # hooks cannot be removed; `active` switches this one off afterwards
    yield opened
    active[0] = False


def test_every_response_carries_the_security_headers(app_client: TestClient) -> None:
    for path in [*PAGES, "/", "/nowhere", "/sitemap.xml", "/robots.txt", "/choose-language/en/", "/EN/"]:
        for _ in range(2):  # again through the fast path
            response = app_client.get(path)
            assert header_problems(response) == [], path
    assert "content-language" in app_client.get("/en/privacy").headers


def test_hsts_only_when_the_deployment_says_https() -> None:
    client = TestClient(create_app(repository_settings(behind_https=True)), follow_redirects=False)
    assert header_problems(client.get("/en/"), https=True) == []
    assert "max-age=63072000" in client.get("/en/").headers["strict-transport-security"]


def test_header_check_fails_without_the_middleware() -> None:
    weak = create_app(repository_settings())
    weak.user_middleware = [
        m for m in weak.user_middleware if getattr(m.cls, "__name__", "") != "SecurityHeadersMiddleware"
    ]
    assert header_problems(TestClient(weak).get("/en/"))


@given(header=st.text(max_size=300) | st.lists(
    st.tuples(st.sampled_from(["en", "es", "fr", "de-AT", "zh-CN", "zh-TW", "ca", "xx", "*", "ar-EG", "<b>", ""]),
              st.sampled_from(["", ";q=0", ";q=0.5", ";q=1", ";q=NaN", ";q=5", ";q=-1", ";q=1e3", ";q=", ";Q=0.9"])),
    max_size=40).map(lambda items: ", ".join(tag + q for tag, q in items)))  # fmt: skip
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_accept_language_gets_an_available_language(app_client: TestClient, header: str) -> None:
    response = app_client.get("/", headers={b"Accept-Language": header.encode("utf-8", "replace")})
    assert response.status_code == 302
    assert response.headers["location"] in LANGUAGE_PATHS


@pytest.mark.parametrize(
    "header",
    ["", "garbage", ";;;", "es;q=NaN", "es;q=5", "x" * 100_000, ", ".join(["fr"] * 10_000), "\x00\x01", "é;q=0.5"],
)
def test_pathological_accept_language_is_bounded(app_client: TestClient, header: str) -> None:
    assert len(parse_accept_language(header)) <= MAX_RANGES
    response = app_client.get("/", headers={b"Accept-Language": header.encode("utf-8")})
    assert response.status_code == 302 and response.headers["location"] in LANGUAGE_PATHS


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_never_break_leak_or_read_files(app_client: TestClient, file_reads: list[str], path: str) -> None:
    response = app_client.get(path)
    assert response.status_code in (200, 301, 302, 303, 404), path
    assert leak_problems(response) == []
    assert redirect_problems(response) == []
    assert "root:x:0:0" not in response.text and "[tool.babel]" not in response.text and "msgid" not in response.text
    assert "<script>alert(1)</script>" not in response.text
    # A page's catalogs and the review records are read when first needed (and after an eviction); nothing else.
    strays = [read for read in file_reads if read not in SITE_CATALOGS]
    assert strays == [], f"{path} made the server read {strays}"


@given(path=st.lists(st.sampled_from(["en", "EN", "zh_Hans", "..", ".", "%2e%2e", "%00", "%2F", "", "privacy", "topics",
                                      "back-ache", "choose-language", "static", "a" * 300, "é", "%c0%ae", "\\"]),
                     min_size=1, max_size=6).map(lambda parts: "/" + "/".join(parts)))  # fmt: skip
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_path_answers_safely(app_client: TestClient, path: str) -> None:
    response = app_client.get("http://testserver" + path)
    assert response.status_code in (200, 301, 302, 303, 404)
    assert leak_problems(response) == [] and redirect_problems(response) == []


@pytest.mark.parametrize(
    "cookie", ["klingon", "x" * 4000, "<script>", "en; site_language=ar", "../../etc", "zh-Hans\x00", "%00", "EN"]
)
def test_garbage_language_cookies_are_ignored(app_client: TestClient, cookie: str) -> None:
    response = app_client.get("/", headers={"Cookie": f"site_language={cookie}", "Accept-Language": "de"})
    assert response.status_code == 302
    assert response.headers["location"] in LANGUAGE_PATHS
    assert reflection_problems(response, "<script>") == []


@pytest.mark.parametrize("host", ["evil.example", "<script>x</script>.example", "127.0.0.1:8000\r\nX-Evil: 1"])
def test_the_host_header_is_never_reflected(host: str) -> None:
    client = TestClient(create_app(repository_settings()), follow_redirects=False)
    for path in [
        "/",
        "/en",
        "/EN/privacy",
        "/en/privacy",
        "/sitemap.xml",
        "/robots.txt",
        "/en/nowhere",
        "/en/privacy/",
    ]:
        response = client.get(path, headers={"Host": host.split("\r")[0]})
        assert reflection_problems(response, "evil.example") == []
        assert reflection_problems(response, "<script>x") == []
    assert 'href="http://127.0.0.1:8000/en/privacy"' in client.get("/en/privacy", headers={"Host": "evil.example"}).text


def test_host_reflection_check_fails_on_starlettes_default_slash_redirects() -> None:
    weak = create_app(repository_settings())
    weak.router.redirect_slashes = True  # Starlette's default builds an absolute URL from Host
    response = TestClient(weak, follow_redirects=False).get("/en/privacy/", headers={"Host": "evil.example"})
    assert reflection_problems(response, "evil.example")


@given(target=st.sampled_from(["//evil.example", "https://evil.example", "/\\evil.example", "/es/", "http:evil"]))
@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_redirects_only_come_from_the_url_map(app_client: TestClient, target: str) -> None:
    for path in (f"/choose-language/es/{target}", f"/en/privacy?next={target}", f"/?next={target}", f"/{target}"):
        assert redirect_problems(app_client.get(path)) == []


def test_open_redirect_check_fails_on_a_next_parameter() -> None:
    async def go(request: Request) -> Response:
        return RedirectResponse(request.query_params.get("next", "/"))

    weak = create_app(repository_settings())
    weak.router.routes.insert(0, Route("/go", go))
    assert redirect_problems(TestClient(weak, follow_redirects=False).get("/go?next=//evil.example"))


def test_errors_reveal_no_paths_versions_or_tracebacks(monkeypatch: pytest.MonkeyPatch) -> None:
    from server.render import pages

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("boom in /work/secret/path.py")

    app = create_app(repository_settings())
    monkeypatch.setattr(pages, "render_page", broken)
    monkeypatch.setattr("server.render.responses.render_page", broken)
    response = TestClient(app, raise_server_exceptions=False).get("/en/privacy")
    assert response.status_code == 500
    assert "problem with the service" in response.text
    assert leak_problems(response) == [] and "boom" not in response.text
    assert header_problems(response) == []


def test_leak_check_fails_on_a_debug_traceback_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("boom")

    weak = create_app(repository_settings())
    weak.debug = True
    weak.exception_handlers.pop(Exception)
    weak.middleware_stack = None
    monkeypatch.setattr("server.render.responses.render_page", broken)
    response = TestClient(weak, raise_server_exceptions=False).get("/en/privacy")
    assert leak_problems(response)


def test_pages_load_nothing_from_other_sites(app_client: TestClient) -> None:
    base = repository_settings().base_url
    for path in [*PAGES, "/en/nowhere"]:
        assert third_party_problems(app_client.get(path).text, base) == [], path
    css = re.search(r'href="(/static/site\.[^"]+)"', app_client.get("/en/").text)
    assert css and third_party_problems(app_client.get(css.group(1)).text, base) == []
    assert third_party_problems('<img src="https://tracker.example/p.gif">', base)  # the check can fail


def test_only_the_language_choice_sets_a_cookie(app_client: TestClient) -> None:
    for path in ["/", *PAGES, "/en/nowhere", "/sitemap.xml", "/EN/"]:
        assert cookie_problems(app_client.get(path)) == [], path
    assert cookie_problems(app_client.get("/choose-language/fr/"), expect_language_cookie=True) == []
    assert cookie_problems(app_client.get("/choose-language/fr/privacy"))  # the check can fail


def test_check_refuses_markup_in_a_translation() -> None:
    """Rendering escapes it (test_translation.py); `check` also refuses it, with its line."""
    from babel.messages.catalog import Message

    from server.tools.check import check_message

    problems = list(check_message(Message("Language", "<script>alert(1)</script>", lineno=7), "interface", "x.po"))
    assert problems and problems[0].lineno == 7


def test_settings_are_explicit_not_global() -> None:
    first = create_app(repository_settings())
    second = create_app(replace(repository_settings(), base_url="https://example.org"))
    assert "https://example.org/en/" in TestClient(second).get("/en/").text
    assert "https://example.org/en/" not in TestClient(first).get("/en/").text


@pytest.mark.parametrize("behind_https", [False, True])
def test_a_stored_page_sent_by_the_fast_path_has_every_security_header_once(behind_https: bool) -> None:
    app = create_app(repository_settings(behind_https=behind_https))
    client = TestClient(app, base_url="https://testserver" if behind_https else "http://testserver")
    first = client.get("/en/terms")
    assert app.state.store.for_path("/en/terms") is not None  # so the second answer comes from the fast path
    for response in (first, client.get("/en/terms"), client.get("/en/terms", headers={"accept-encoding": "br"})):
        assert response.status_code == 200
        assert header_problems(response, https=behind_https) == []
        names = [name.lower() for name, _ in response.headers.multi_items()]
        assert sorted({name for name in names if names.count(name) > 1}) == []
