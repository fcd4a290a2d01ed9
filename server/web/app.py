"""create_app(settings): the only module that wires the pieces together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..core.settings import Settings
from ..core.urls import ROUTES
from ..render.assets import load_assets
from . import views
from .allocator import return_large_blocks
from .fastpath import FastPathMiddleware
from .reloading import ReloadEachRequest, SiteHolder
from .render_queue import RenderQueue
from .security import SecurityHeadersMiddleware, raw_security_headers
from .store import ResponseStore

log = logging.getLogger("server.web.app")

# Each route of the URL map (core/urls.py, in its order) and the view that answers it.
ENDPOINTS: dict[str, Callable[[Request], Awaitable[Response]]] = {
    "root": views.choose_language,
    "health": views.health,
    "sitemap": views.sitemap,
    "sitemap_part": views.sitemap_part,
    "robots": views.robots,
    "favicon": views.favicon,
    "static": views.static_asset,
    "choose_home": views.remember_language,
    "choose_topic": views.remember_language,
    "choose_page": views.remember_language,
    "review_home": views.show_review,
    "review_topic": views.show_review,
    "review_page": views.show_review,
    "home_without_slash": views.add_slash,
    "home": views.show_page,
    "topic": views.show_page,
    "status": views.show_status,
    "page": views.show_page,
}
REVIEW_ROUTES = ("review_home", "review_topic", "review_page")  # side by side for reviewers: never for readers


def routes(settings: Settings) -> list[Route]:
    return [
        Route(path, ENDPOINTS[name], name=name)
        for name, path in ROUTES.items()
        if settings.review_mode or name not in REVIEW_ROUTES
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the ASGI app. `uvicorn --factory server.web.app:create_app` calls this with no args."""
    settings = settings or Settings.from_env(os.environ)
    settings.validate()
    return_large_blocks()
    assets = load_assets()
    store = ResponseStore(settings.store_bytes)
    render_queue = RenderQueue()
    holder = SiteHolder(settings, store, {name: asset.url for name, asset in assets.items()})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        """Look for changed files in the background while serving (with --reload, before each request instead)."""
        render_queue.start()
        watcher = None
        if not settings.reload and settings.reload_interval > 0:
            watcher = asyncio.create_task(holder.watch())
        try:
            yield
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            render_queue.close()
            log.info("response store at shutdown: %s", store.summary())

    app = Starlette(
        debug=False,  # never a traceback page, whatever the settings
        routes=routes(settings),
        middleware=[
            *([Middleware(ReloadEachRequest, holder=holder)] if settings.reload else []),
            Middleware(FastPathMiddleware, headers=raw_security_headers(settings.behind_https)),
            Middleware(SecurityHeadersMiddleware, behind_https=settings.behind_https),
        ],
        exception_handlers={404: views.not_found, 405: views.method_not_allowed, Exception: views.server_error},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # its redirects are absolute URLs built from the Host header
    app.state.settings = settings
    app.state.assets = assets
    app.state.store = store
    app.state.render_queue = render_queue
    app.state.holder = holder
    return app
