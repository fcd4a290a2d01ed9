"""Serve a URL whose response is already prepared without routing: a dict lookup and two sends."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from .caching import Prepared
from .reloading import SiteHolder


class FastPathMiddleware:
    """GET/HEAD for a path the site has already answered with a stored 200 page.

    Everything else, and every path not seen yet, goes through the app as usual; a reload
    makes a new Site, whose store starts empty, so nothing stale is ever served.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.holder: SiteHolder | None = None  # the app's, found on the first request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["query_string"]:
            await self.app(scope, receive, send)
            return
        if self.holder is None:
            self.holder = scope["app"].state.holder
        site = self.holder.site
        prepared = site.prepared.get(scope["path"])
        if not isinstance(prepared, Prepared):
            await self.app(scope, receive, send)
            return
        accept_encoding = if_none_match = ""
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accept_encoding = value.decode("latin-1")
            elif name == b"if-none-match":
                if_none_match = value.decode("latin-1")
        status, headers, body = prepared.choose(accept_encoding, if_none_match)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
