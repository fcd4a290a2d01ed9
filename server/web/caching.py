"""Rendered once, served many times: ETags, 304s and the pre-compressed variant each client accepts."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from ..render.stored import Stored

HTML = "text/html; charset=utf-8"


def accepted_encoding(accept_encoding: str, available: Collection[str]) -> str | None:
    """The best pre-compressed variant the client accepts: Brotli, then gzip.

    >>> accepted_encoding("gzip, deflate, br", {"br": b"", "gzip": b""})
    'br'
    >>> accepted_encoding("gzip;q=0, br;q=0", {"br": b"", "gzip": b""}) is None
    True
    >>> accepted_encoding("br;q=0, *", {"br": b"", "gzip": b""})
    'gzip'
    """
    accepted: set[str] = set()
    refused: set[str] = set()
    for item in accept_encoding[:1024].lower().split(",")[:32]:
        coding, _, params = item.strip().partition(";")
        name, _, value = params.strip().partition("=")
        try:
            quality = float(value) if name.strip() == "q" else 1.0
        except ValueError:
            quality = 1.0
        # q=0 means "not acceptable", and an explicit refusal beats `*`; NaN compares false and is refused too
        (accepted if quality > 0 else refused).add(coding.strip())
    for coding in ("br", "gzip"):
        if coding in available and coding not in refused and (coding in accepted or "*" in accepted):
            return coding
    return None


# A distinct validator per representation (RFC 9110, 8.8.3): otherwise a shared cache may pair
# a 304 for one content-coding with a stored body in another.
ETAG_SUFFIXES = {"br": "-br", "gzip": "-gz"}


def variant_etag(etag: str, coding: str) -> str:
    """The ETag of one content-coding of a body: the identity ETag, suffixed inside the quotes.

    >>> variant_etag('"3f2a"', "br"), variant_etag('"3f2a"', "gzip"), variant_etag('"3f2a"', "")
    ('"3f2a-br"', '"3f2a-gz"', '"3f2a"')
    """
    return etag[:-1] + ETAG_SUFFIXES[coding] + '"' if coding else etag


def is_not_modified(if_none_match: str, etags: Collection[str]) -> bool:
    """Whether If-None-Match names any of the ETags (weak comparison, as RFC 9110 asks).

    >>> is_not_modified('W/"a-gz", "b"', ['"a"', '"a-gz"']), is_not_modified('"b"', ['"a"'])
    (True, False)
    """
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or not tags.isdisjoint(etags)


@dataclass(frozen=True)
class Variant:
    """One content-coding of a stored response, as raw ASGI headers."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    not_modified: list[tuple[bytes, bytes]]  # the 304's: this variant's ETag, no length or coding


@dataclass(frozen=True)
class Prepared:
    """A stored response as raw ASGI messages: one variant per content-coding, each with its 304."""

    status: int
    etag: str  # the identity body's: identifies the stored body this was prepared from
    variants: dict[str, Variant]  # coding ("" = identity) -> variant
    etags: frozenset[str]  # every variant's, so a client holding any of them gets a 304

    def choose(self, accept_encoding: str, if_none_match: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        coding = accepted_encoding(accept_encoding, self.variants) if len(self.variants) > 1 else None
        variant = self.variants[coding or ""]
        # Any variant's ETag proves the client has the body; the 304 names the variant it would get now.
        if self.status == 200 and if_none_match and is_not_modified(if_none_match, self.etags):
            return 304, variant.not_modified, b""
        return self.status, variant.headers, variant.body


# Headers that every stored response of a kind sends alike (type, caching, language, coding), kept once
# for all of them: a store holds thousands of responses, each with a dozen headers in three variants.
_SHARED_HEADERS: dict[tuple[str, str], tuple[bytes, bytes]] = {}
_UNIQUE = {"etag", "content-length", "content-location", "link"}  # per response: never kept here
_SHARED_LIMIT = 10_000  # a bound, whatever headers views invent


def _raw_header(name: str, value: str) -> tuple[bytes, bytes]:
    lowered = name.lower()
    if lowered in _UNIQUE:
        return lowered.encode("latin-1"), value.encode("latin-1")
    found = _SHARED_HEADERS.get((lowered, value))
    if found is None:
        found = (lowered.encode("latin-1"), value.encode("latin-1"))
        if len(_SHARED_HEADERS) < _SHARED_LIMIT:
            _SHARED_HEADERS[(lowered, value)] = found
    return found


def prepare(entry: Stored, status: int, headers: dict[str, str], media_type: str) -> Prepared:
    def raw(extra: dict[str, str], length: int | None) -> list[tuple[bytes, bytes]]:
        merged = {**headers, **extra}
        if length is not None:
            merged = {"content-type": media_type, "content-length": str(length), **merged}
        return [_raw_header(name, value) for name, value in merged.items()]

    variants = {}
    for coding, body in {"": entry.body, **entry.encoded}.items():
        etag = variant_etag(entry.etag, coding)
        coded = {"ETag": etag, "Content-Encoding": coding} if coding else {"ETag": etag}
        variants[coding] = Variant(raw(coded, len(body)), body, raw({"ETag": etag}, None))
    etags = frozenset(variant_etag(entry.etag, coding) for coding in variants)
    return Prepared(status, entry.etag, variants, etags)


class PreparedResponse(Response):
    """Sends a Prepared variant as it is: no header building per request."""

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status_code = status
        self.body = body
        self.raw_headers = list(headers)
        self.background = None


def respond(request: Request, prepared: Prepared) -> Response:
    """The best encoding the client accepts, or a 304 if it has the body already."""
    accept_encoding = request.headers.get("accept-encoding", "")
    status, raw_headers, body = prepared.choose(accept_encoding, request.headers.get("if-none-match", ""))
    return PreparedResponse(status, raw_headers, body)
