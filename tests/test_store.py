"""The response store: bounded by a byte budget, least recently used first out, evicted pages rendered again."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from server import create_app
from server.core.content import Page
from server.core.inputs import Compact
from server.core.languages import Language
from server.core.site import Site
from server.render import pages
from server.render.stored import Rendered, Stored
from server.web.caching import prepare
from server.web.store import Entry, ResponseStore

from .conftest import repository_settings

PAGES = ["/en/privacy", "/en/terms", "/en/accessibility", "/en/medical-information"]


def entry(body: bytes, inputs: frozenset[tuple[str, ...]] = frozenset(), path: str | None = None) -> Entry:
    stored = Stored(body, '"x"')
    return Entry.of(Rendered(200, stored, inputs), prepare(stored, 200, {}, "text/plain"), path)


def test_the_least_recently_used_response_goes_first_and_the_budget_holds() -> None:
    store = ResponseStore(budget=3 * entry(b"x" * 1000).size)
    for name in ("a", "b", "c"):
        store.put(name, entry(b"x" * 1000, path=f"/{name}"), generation=0)
    assert store.get("a") is not None  # now b is the least recently used
    store.put("d", entry(b"x" * 1000, path="/d"), generation=0)
    assert store.get("b") is None and store.for_path("/b") is None  # evicted, and the fast path forgets it
    assert all(store.get(name) is not None for name in ("a", "c", "d"))
    assert store.stats["bytes"] <= store.stats["budget"] and store.stats["evictions"] == 1


def test_a_response_larger_than_the_whole_budget_is_never_kept() -> None:
    store = ResponseStore(budget=100)
    store.put("big", entry(b"x" * 1000, path="/big"), generation=0)
    assert store.get("big") is None and store.for_path("/big") is None and store.stats["bytes"] == 0


def test_a_response_from_an_older_generation_is_never_stored() -> None:
    store = ResponseStore(budget=10**6)
    store.invalidate(frozenset(), generation=1)
    store.put("old", entry(b"old"), generation=0)
    assert store.get("old") is None


def test_invalidation_drops_exactly_the_responses_that_showed_a_changed_input() -> None:
    store = ResponseStore(budget=10**6)
    store.put("de", entry(b"1", frozenset({("catalog", "de", "a")}), "/de/a"), generation=0)
    store.put("fr", entry(b"2", frozenset({("catalog", "fr", "a")}), "/fr/a"), generation=0)
    store.put("all", entry(b"3", frozenset({("catalog",)})), generation=0)
    assert store.invalidate(frozenset({("catalog", "de", "a")}), generation=1) == 2
    assert store.get("de") is None and store.for_path("/de/a") is None and store.get("all") is None
    assert store.get("fr") is not None and store.for_path("/fr/a") is not None
    assert store.invalidate(None, generation=2) == 1 and store.get("fr") is None


def test_inputs_match_their_kinds_and_prefixes() -> None:
    def affected(inputs: set[tuple[str, ...]], changed: set[tuple[str, ...]]) -> bool:
        return Compact.of(inputs).affected(changed)

    assert affected({("published", "de", "a")}, {("published", "de", "a")})
    assert not affected({("published", "de", "a")}, {("published", "de", "b")})
    assert affected({("published",)}, {("published", "de", "b")})
    assert affected({("published", "de")}, {("published", "de", "b")})
    assert not affected({("published", "de")}, {("published", "fr", "b")})
    assert affected({("interface", "de")}, {("interface",)})  # the interface template: every language
    assert not affected({("interface", "de")}, {("catalog",)})
    assert not affected(set(), {("page", "a")})


def test_evicted_pages_are_rendered_again_on_demand_with_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    client = TestClient(create_app(repository_settings(store_bytes=25_000)))
    store = client.app.state.store  # type: ignore[attr-defined]
    first = {url: client.get(url, headers={"Accept-Encoding": "br"}) for url in PAGES}
    assert store.stats["bytes"] <= 25_000 and store.stats["evictions"] > 0
    renders: list[str] = []
    render = pages.render_page

    def counted(site: Site, language: Language, page: Page) -> str:
        renders.append(page.slug)
        return render(site, language, page)

    monkeypatch.setattr("server.render.responses.render_page", counted)
    again = {url: client.get(url, headers={"Accept-Encoding": "br"}) for url in PAGES}
    assert renders, "every page was still stored: the budget did not bound the store"
    for url in PAGES:
        assert again[url].status_code == 200
        assert again[url].content == first[url].content and again[url].headers["etag"] == first[url].headers["etag"]


def test_the_hit_rate_is_counted(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    client.get("/en/terms")
    hits = store.stats["hits"]
    client.get("/en/terms")
    assert store.stats["hits"] == hits + 1 and 0 < store.stats["hit_rate"] <= 1
