"""Rendered once, served many times: ETags, 304s, encodings, cache headers, HEAD."""

from __future__ import annotations

import gzip
from typing import Any

import brotli
import pytest
from starlette.testclient import TestClient

from server import create_app

from .conftest import repository_settings

URL = "/en/back-pain-miscarriage"
CODINGS = ["identity", "gzip", "br"]


def raw(client: TestClient, method: str, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    with client.stream(method, url, headers=headers) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


def test_strong_etag_and_304(client: TestClient) -> None:
    status, headers, body = raw(client, "GET", URL, **{"Accept-Encoding": "identity"})
    etag = headers["etag"]
    assert status == 200 and etag.startswith('"') and not etag.startswith("W/")
    for _ in range(2):  # the first answer goes through routing, the next through the fast path
        status, headers, body = raw(client, "GET", URL, **{"Accept-Encoding": "identity", "If-None-Match": etag})
        assert status == 304 and body == b""
        assert headers["etag"] == etag and headers["cache-control"] == "public, max-age=300"
        assert "content-security-policy" in headers
    assert raw(client, "GET", URL, **{"If-None-Match": '"other"'})[0] == 200


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_precompressed_variants_are_chosen_by_accept_encoding(client: TestClient, coding: str) -> None:
    plain = raw(client, "GET", URL, **{"Accept-Encoding": "identity"})[2]
    for _ in range(2):
        status, headers, body = raw(client, "GET", URL, **{"Accept-Encoding": f"{coding}, deflate"})
        assert headers["content-encoding"] == coding
        assert headers["vary"] == "Accept-Encoding"
        assert int(headers["content-length"]) == len(body) < len(plain)
        assert (brotli.decompress(body) if coding == "br" else gzip.decompress(body)) == plain


def test_refused_encodings_are_not_sent(client: TestClient) -> None:
    headers = raw(client, "GET", URL, **{"Accept-Encoding": "br;q=0, gzip;q=0"})[1]
    assert "content-encoding" not in headers


@pytest.mark.parametrize(("header", "coding"), [("br;q=0, *", "gzip"), ("*, br;q=0, gzip;q=0", None), ("*", "br")])
def test_an_explicit_refusal_beats_the_wildcard(client: TestClient, header: str, coding: str | None) -> None:
    headers = raw(client, "GET", URL, **{"Accept-Encoding": header})[1]
    assert headers.get("content-encoding") == coding


def test_head_has_headers_and_no_body(client: TestClient) -> None:
    get = raw(client, "GET", URL, **{"Accept-Encoding": "identity"})
    for _ in range(2):
        status, headers, body = raw(client, "HEAD", URL, **{"Accept-Encoding": "identity"})
        assert status == 200 and body == b""
        assert headers["etag"] == get[1]["etag"] and headers["content-length"] == str(len(get[2]))


def test_cache_control_suits_each_kind_of_response(client: TestClient) -> None:
    assert client.get(URL).headers["cache-control"] == "public, max-age=300"
    css = client.get("/en/").text.split('rel="stylesheet" href="')[1].split('"')[0]
    assert client.get(css).headers["cache-control"] == "public, max-age=31536000, immutable"
    root = client.get("/", headers={"Accept-Language": "fr"})
    assert root.headers["cache-control"] == "private, no-cache"
    assert root.headers["vary"] == "Accept-Language, Cookie"
    assert client.get("/en/nowhere").headers["cache-control"] == "no-cache"
    assert client.get("/choose-language/en/").headers["cache-control"] == "no-store"


def test_each_page_is_rendered_once(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from server.render import pages

    client.get(URL)
    renders: list[object] = []
    render = pages.render_page

    def counted(*args: Any) -> str:
        renders.append(args)
        return render(*args)

    monkeypatch.setattr("server.render.responses.render_page", counted)
    for _ in range(3):
        assert client.get(URL).status_code == 200
        assert client.get(URL, headers={"Accept-Encoding": "gzip"}).status_code == 200
    assert renders == []


def test_not_found_paths_do_not_grow_the_store(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    client.get("/en/nowhere-0")
    size = store.stats["entries"]
    for index in range(1, 50):
        assert client.get(f"/en/nowhere-{index}").status_code == 404
    assert store.stats["entries"] == size


def test_each_content_coding_has_its_own_etag(client: TestClient) -> None:
    etags = {}
    for coding in CODINGS:
        headers = raw(client, "GET", URL, **{"Accept-Encoding": coding})[1]
        assert headers.get("content-encoding", "identity") == coding and headers["vary"] == "Accept-Encoding"
        etags[coding] = headers["etag"]
    assert len(set(etags.values())) == 3
    assert all(etag.startswith('"') and etag.endswith('"') for etag in etags.values())


@pytest.mark.parametrize(
    ("held", "wanted"), [(held, wanted) for held in CODINGS for wanted in CODINGS if held != wanted]
)
def test_another_variants_etag_revalidates_with_the_etag_of_the_variant_sent_now(
    client: TestClient, held: str, wanted: str
) -> None:
    held_etag = raw(client, "GET", URL, **{"Accept-Encoding": held})[1]["etag"]
    wanted_etag = raw(client, "GET", URL, **{"Accept-Encoding": wanted})[1]["etag"]
    for _ in range(2):  # through routing, then through the fast path
        status, headers, body = raw(client, "GET", URL, **{"Accept-Encoding": wanted, "If-None-Match": held_etag})
        assert status == 304 and body == b""
        assert headers["etag"] == wanted_etag != held_etag and headers["vary"] == "Accept-Encoding"
        assert "content-encoding" not in headers and "content-length" not in headers


@pytest.mark.parametrize("preview", [{"reload": True}, {"review_mode": True}])
def test_a_translators_preview_is_revalidated_on_every_load(preview: dict[str, bool]) -> None:
    """Else the browser shows the page it kept for five minutes, not the .po just saved."""
    client = TestClient(create_app(repository_settings(**preview)))
    page = client.get(URL)
    assert page.headers["cache-control"] == "no-cache"
    assert client.get(URL, headers={"If-None-Match": page.headers["etag"]}).status_code == 304
