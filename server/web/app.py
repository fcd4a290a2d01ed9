"""create_app(settings): the only module that wires the pieces together."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from ..core.settings import Settings
from ..render.assets import load_assets
from . import views
from .fastpath import FastPathMiddleware
from .reloading import ReloadEachRequest, SiteHolder
from .security import SecurityHeadersMiddleware
from .store import ResponseStore


def review_routes() -> list[Route]:
    """The side-by-side review views: only in review mode, never in the export."""
    return [
        Route("/review/{lang}/", views.show_review, name="review_home"),
        Route("/review/{lang}/topics/{topic}", views.show_review, name="review_topic"),
        Route("/review/{lang}/{slug}", views.show_review, name="review_page"),
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the ASGI app. `uvicorn --factory server.web.app:create_app` calls this with no args."""
    settings = settings or Settings.from_env(os.environ)
    settings.validate()
    routes = [
        Route("/", views.choose_language, name="root"),
        Route("/healthz", views.health, name="health"),
        Route("/sitemap.xml", views.sitemap, name="sitemap"),
        Route("/sitemaps/{number:int}.xml", views.sitemap_part, name="sitemap_part"),
        Route("/robots.txt", views.robots, name="robots"),
        Route("/favicon.ico", views.favicon, name="favicon"),
        Route("/static/{name}", views.static_asset, name="static"),
        Route("/choose-language/{lang}/", views.remember_language, name="choose_home"),
        Route("/choose-language/{lang}/topics/{topic}", views.remember_language, name="choose_topic"),
        Route("/choose-language/{lang}/{slug}", views.remember_language, name="choose_page"),
        *(review_routes() if settings.review_mode else []),
        Route("/{lang}", views.add_slash, name="home_without_slash"),
        Route("/{lang}/", views.show_page, name="home"),
        Route("/{lang}/topics/{topic}", views.show_page, name="topic"),
        Route("/{lang}/translation-status", views.show_status, name="status"),
        Route("/{lang}/{slug}", views.show_page, name="page"),
    ]
    assets = load_assets()
    store = ResponseStore(settings.store_bytes)
    holder = SiteHolder(settings, store, {name: asset.url for name, asset in assets.items()})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        """Look for changed files in the background while serving (with --reload, before each request instead)."""
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

    app = Starlette(
        debug=False,  # never a traceback page, whatever the settings
        routes=routes,
        middleware=[
            Middleware(SecurityHeadersMiddleware, behind_https=settings.behind_https),
            *([Middleware(ReloadEachRequest, holder=holder)] if settings.reload else []),
            Middleware(FastPathMiddleware),
        ],
        exception_handlers={404: views.not_found, 405: views.method_not_allowed, Exception: views.server_error},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # its redirects are absolute URLs built from the Host header
    app.state.settings = settings
    app.state.assets = assets
    app.state.store = store
    app.state.holder = holder
    return app
