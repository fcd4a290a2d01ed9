"""Rendered once, served many times: stored bodies, ETags, 304s and pre-compressed variants."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import brotli
from starlette.requests import Request
from starlette.responses import Response

from .site import Site

MIN_COMPRESS_SIZE = 512  # below this, compression headers cost more than they save
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Stored:
    """One response body and its compressed variants, computed once."""

    body: bytes
    etag: str
    encoded: dict[str, bytes] = field(default_factory=dict)  # content-coding -> body

    @classmethod
    def of(cls, body: bytes) -> Stored:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        encoded = {}
        if len(body) >= MIN_COMPRESS_SIZE:
            encoded["br"] = brotli.compress(body, quality=11)
            encoded["gzip"] = gzip.compress(body, compresslevel=9, mtime=0)  # mtime=0: same bytes every time
        return cls(body, etag, encoded)


def stored(site: Site, key: Hashable, render: Callable[[], str | bytes]) -> Stored:
    """The stored response for `key` on this site, rendering it the first time."""
    found = site.rendered.get(key)
    if not isinstance(found, Stored):
        body = render()
        found = Stored.of(body.encode("utf-8") if isinstance(body, str) else body)
        site.rendered[key] = found
    return found


def accepted_encoding(accept_encoding: str, available: dict[str, bytes]) -> str | None:
    """The best pre-compressed variant the client accepts: Brotli, then gzip.

    >>> accepted_encoding("gzip, deflate, br", {"br": b"", "gzip": b""})
    'br'
    >>> accepted_encoding("gzip;q=0, br;q=0", {"br": b"", "gzip": b""}) is None
    True
    """
    accepted = set()
    for item in accept_encoding[:1024].lower().split(",")[:32]:
        coding, _, params = item.strip().partition(";")
        name, _, value = params.strip().partition("=")
        try:
            quality = float(value) if name.strip() == "q" else 1.0
        except ValueError:
            quality = 1.0
        if quality > 0:  # q=0 means "not acceptable"; NaN compares false and is dropped too
            accepted.add(coding.strip())
    for coding in ("br", "gzip"):
        if coding in available and (coding in accepted or "*" in accepted):
            return coding
    return None


def is_not_modified(if_none_match: str, etag: str) -> bool:
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags


def cacheable(
    request: Request,
    entry: Stored,
    *,
    status_code: int = 200,
    language: str | None = None,
    media_type: str = HTML,
    max_age: int = 0,
    cache_control: str | None = None,
) -> Response:
    """A response for a stored body: the best encoding the client accepts, or 304 if it has it."""
    headers = {"ETag": entry.etag, "Cache-Control": cache_control or f"public, max-age={max_age}"}
    if entry.encoded:
        headers["Vary"] = "Accept-Encoding"
    if language:
        headers["Content-Language"] = language
    if status_code == 200 and is_not_modified(request.headers.get("if-none-match", ""), entry.etag):
        return Response(status_code=304, headers=headers)
    coding = accepted_encoding(request.headers.get("accept-encoding", ""), entry.encoded)
    body = entry.body
    if coding:
        headers["Content-Encoding"] = coding
        body = entry.encoded[coding]
    return Response(body, status_code=status_code, media_type=media_type, headers=headers)
