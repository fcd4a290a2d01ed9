"""Serve a URL whose response is already stored without routing: a dict lookup and two sends."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from .store import ResponseStore


class FastPathMiddleware:
    """GET/HEAD for a path the site has already answered with a stored 200 page.

    Everything else, and every path not stored (not seen yet, evicted, or dropped by a reload
    because what it shows changed), goes through the app as usual. It comes before the app's other
    middleware, so it adds the security headers itself (`headers`, the same SecurityHeadersMiddleware
    adds to the app's own responses): one list joined per request instead of a wrapped `send`.
    """

    def __init__(self, app: ASGIApp, *, headers: list[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.headers = headers
        self.store: ResponseStore | None = None  # the app's, found on the first request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["query_string"]:
            await self.app(scope, receive, send)
            return
        if self.store is None:
            self.store = scope["app"].state.store
        prepared = self.store.for_path(scope["path"])
        if prepared is None:
            await self.app(scope, receive, send)
            return
        accept_encoding = if_none_match = ""
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accept_encoding = value.decode("latin-1")
            elif name == b"if-none-match":
                if_none_match = value.decode("latin-1")
        status, headers, body = prepared.choose(accept_encoding, if_none_match)
        await send({"type": "http.response.start", "status": status, "headers": headers + self.headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
