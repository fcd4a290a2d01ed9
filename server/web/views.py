"""Endpoints: choose a language, show a page, and the site-level files. No parsing, no file I/O."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Hashable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from ..core.content import Page
from ..core.languages import Language, find_by_url_code, negotiate
from ..core.policy import (
    ASSET_MAX_AGE,
    COOKIE_MAX_AGE,
    FAVICON_MAX_AGE,
    LANGUAGE_COOKIE,
    NOT_FOUND_CACHE,
    security_headers,
)
from ..core.site import Site
from ..core.urls import page_path, path_for
from ..render.pages import render_message
from ..render.responses import (
    asset_response,
    page_response,
    robots_response,
    sitemap_response,
    status_response,
)
from ..render.responses import (
    not_found_response as not_found_response_body,
)
from ..render.reviewing import render_review
from ..render.stored import Rendered
from .caching import HTML, prepare, respond
from .render_queue import RenderQueue
from .store import Entry, ResponseStore

log = logging.getLogger("server.web.views")


def current_site(request: Request) -> Site:
    """The request's one snapshot of the site: read once, passed down, never read again by this request."""
    site: Site = request.app.state.holder.site
    return site


async def stored_response(
    request: Request,
    site: Site,
    key: Hashable,
    make: Callable[[], Rendered],
    *,
    language: str | None = None,
    media_type: str = HTML,
    cache_control: Callable[[int], str],
    whole_site: bool = False,
) -> Response:
    """The stored response for `key`, rendered off the event loop the first time (and after an eviction).

    `whole_site`: the render reads every page and catalog; it queues apart from the pages' renders.
    """
    store: ResponseStore = request.app.state.store
    entry = store.get(key)
    if entry is None:
        queue: RenderQueue = request.app.state.render_queue
        rendered = await (queue.whole_site(make) if whole_site else queue.page(make))
        entry = entry_for(request, rendered, language, media_type, cache_control)
        store.put(key, entry, site.generation)
    return respond(request, entry.prepared)


def entry_for(
    request: Request, rendered: Rendered, language: str | None, media_type: str, cache_control: Callable[[int], str]
) -> Entry:
    headers = {"Cache-Control": cache_control(rendered.status)}
    if rendered.stored.encoded:
        headers["Vary"] = "Accept-Encoding"
    if language:
        headers["Content-Language"] = language
    prepared = prepare(rendered.stored, rendered.status, headers, media_type)
    # a 200 is also found by its path, so the next request for it skips routing (fastpath.py)
    path = request.url.path if rendered.status == 200 and request.method in ("GET", "HEAD") else None
    return Entry.of(rendered, prepared, path)


def html_cache(site: Site) -> Callable[[int], str]:
    """A page may be kept by shared caches; a 404 may become a page at any time. A translator's preview
    (--reload, --review) is revalidated on every load (a 304 if nothing changed), so an edit shows at once."""
    preview = site.settings.reload or site.settings.review_mode
    page = "no-cache" if preview else f"public, max-age={site.settings.html_max_age}"
    return lambda status: page if status == 200 else NOT_FOUND_CACHE


def preferred_language(request: Request, site: Site) -> Language:
    """The reader's explicit choice, else their browser's best match, else the source language."""
    chosen = site.language(request.cookies.get(LANGUAGE_COOKIE, "")[:35])
    if chosen is not None and not chosen.is_pseudo:
        return chosen
    code = negotiate(request.headers.get("accept-language", ""), site.languages, default=site.source.code)
    return site.language(code) or site.source


async def choose_language(request: Request) -> Response:
    site = current_site(request)
    language = preferred_language(request, site)
    response = RedirectResponse(path_for("home", lang=language.url_code), status_code=302)
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


async def _resolve(request: Request, site: Site, *, redirect_spelling: bool = True) -> tuple[Language, Page] | Response:
    """The language and page a path names, or the response that answers it instead.

    Another spelling of a language (`/ES/`) is redirected to its canonical URL, unless the
    caller answers with a redirect of its own.
    """
    lang = request.path_params["lang"]
    language = find_by_url_code(lang, site.languages)
    if language is None:
        return await not_found_response(request, site)
    kind = "topic" if "topic" in request.path_params else "home" if "slug" not in request.path_params else "page"
    slug = request.path_params.get("topic") or request.path_params.get("slug") or "index"
    pages = site.topics if kind == "topic" else site.pages
    page = pages.get(slug)
    if page is None or (kind == "page" and page.kind == "home"):
        return await not_found_response(request, site, language)
    if redirect_spelling and lang != language.url_code:
        return RedirectResponse(page_path(language, page), status_code=301)
    return language, page


async def add_slash(request: Request) -> Response:
    """`/es` -> `/es/`, for a language the site has; anything else is not found."""
    site = current_site(request)
    language = find_by_url_code(request.path_params["lang"], site.languages)
    if language is None:
        return await not_found_response(request, site)
    return RedirectResponse(path_for("home", lang=language.url_code), status_code=301)


async def show_page(request: Request) -> Response:
    """A page in a language; where it is not published yet, the "not yet available" page (404)."""
    site = current_site(request)
    resolved = await _resolve(request, site)
    if isinstance(resolved, Response):
        return resolved
    language, page = resolved
    return await stored_response(
        request,
        site,
        ("page", language.code, page.key),
        functools.partial(page_response, site, language, page),
        language=language.code,
        cache_control=html_cache(site),
    )


async def remember_language(request: Request) -> Response:
    """The switcher's links: keep the reader's choice in a cookie, then show the page.

    The redirect target is built from the site's own URL map, never copied from the request.
    """
    site = current_site(request)
    resolved = await _resolve(request, site, redirect_spelling=False)
    if isinstance(resolved, Response):
        return resolved
    language, page = resolved
    response = RedirectResponse(page_path(language, page), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    if not language.is_pseudo:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language.code,
            max_age=COOKIE_MAX_AGE,
            path="/",
            secure=site.settings.behind_https,
            httponly=True,
            samesite="lax",
        )
    return response


async def not_found_response(request: Request, site: Site, language: Language | None = None) -> Response:
    """A 404 in the URL's language, or else in the reader's (and then it varies with their headers)."""
    negotiated = language is None
    language = language or preferred_language(request, site)
    response = await stored_response(
        request,
        site,
        ("not-found", language.code),
        functools.partial(not_found_response_body, site, language),
        language=language.code,
        cache_control=lambda status: NOT_FOUND_CACHE,
    )
    if negotiated:
        response.headers.append("Vary", "Accept-Language, Cookie")
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    """A short localized page; never a traceback, a path or a version."""
    log.exception("error while answering %s", request.url.path, exc_info=exc)
    # Starlette answers errors outside the middleware, so this response sets the headers itself.
    headers = {**security_headers(request.app.state.settings.behind_https), "Cache-Control": "no-store"}
    try:
        site = current_site(request)
        language = preferred_language(request, site)
        body = render_message(site, language, "error.html")
    except Exception:  # noqa: BLE001 - the error page must not fail in turn
        return PlainTextResponse("Sorry, there is a problem with the service.", status_code=500, headers=headers)
    headers["Content-Language"] = language.code
    return Response(body, status_code=500, media_type="text/html; charset=utf-8", headers=headers)


async def not_found(request: Request, exc: Exception) -> Response:
    return await not_found_response(request, current_site(request))


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    """405 with the `Allow` header Starlette's router worked out (RFC 9110 requires it)."""
    allow = getattr(exc, "headers", None) or {}
    return PlainTextResponse("Method Not Allowed", status_code=405, headers={**allow, "Cache-Control": "no-store"})


async def show_review(request: Request) -> Response:
    """Review mode: a page's blocks in English and in the translation, side by side."""
    site = current_site(request)
    resolved = await _resolve(request, site, redirect_spelling=False)
    if isinstance(resolved, Response):
        return resolved
    language, page = resolved
    if language.code == site.source.code or language.is_pseudo:
        return await not_found_response(request, site, language)
    body = await run_in_threadpool(render_review, site, language, page)
    headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Content-Language": "en"}
    return HTMLResponse(body, headers=headers)


async def show_status(request: Request) -> Response:
    """The translation status page, in the language of the URL."""
    site = current_site(request)
    language = find_by_url_code(request.path_params["lang"], site.languages)
    if language is None:
        return await not_found_response(request, site)
    if request.path_params["lang"] != language.url_code:
        return RedirectResponse(path_for("status", lang=language.url_code), status_code=301)
    return await stored_response(
        request,
        site,
        ("status", language.code),
        functools.partial(status_response, site, language),
        language=language.code,
        cache_control=lambda status: NOT_FOUND_CACHE,  # it changes with every catalog: revalidate
        whole_site=True,
    )


async def sitemap(request: Request) -> Response:
    return await _sitemap_file(request, 0)


async def sitemap_part(request: Request) -> Response:
    number: int = request.path_params["number"]
    if number < 1:
        return await not_found_response(request, current_site(request))
    return await _sitemap_file(request, number)


async def _sitemap_file(request: Request, number: int) -> Response:
    """/sitemap.xml (0) or one of its parts: each rendered on its own (it reads its pages' publication only)."""
    site = current_site(request)
    store: ResponseStore = request.app.state.store
    entry = store.get(("sitemap", number))
    if entry is None:
        queue: RenderQueue = request.app.state.render_queue
        rendered = await queue.whole_site(functools.partial(sitemap_response, site, number))
        if rendered is None:
            return await not_found_response(request, site)
        entry = entry_for(request, rendered, None, "application/xml", html_cache(site))
        store.put(("sitemap", number), entry, site.generation)
    return respond(request, entry.prepared)


async def robots(request: Request) -> Response:
    site = current_site(request)
    return await stored_response(
        request,
        site,
        ("robots",),
        functools.partial(robots_response, site),
        media_type="text/plain; charset=utf-8",
        cache_control=html_cache(site),
    )


async def favicon(request: Request) -> Response:
    """The icon itself: a permanent redirect to a hashed URL would outlive the next icon."""
    site = current_site(request)
    asset = request.app.state.assets["favicon.svg"]
    return await stored_response(
        request,
        site,
        ("favicon",),
        functools.partial(asset_response, asset),
        media_type=asset.media_type,
        cache_control=lambda status: f"public, max-age={FAVICON_MAX_AGE}",
    )


async def static_asset(request: Request) -> Response:
    site = current_site(request)
    name = request.path_params["name"]
    for asset in request.app.state.assets.values():
        if asset.hashed_name == name:
            return await stored_response(
                request,
                site,
                ("asset", name),
                functools.partial(asset_response, asset),
                media_type=asset.media_type,
                cache_control=lambda status: f"public, max-age={ASSET_MAX_AGE}, immutable",
            )
    return await not_found_response(request, site)


async def health(request: Request) -> Response:
    return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})
