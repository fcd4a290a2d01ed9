"""A rendered body and its pre-compressed variants, computed once."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import brotli

from ..core.site import Site

MIN_COMPRESS_SIZE = 512  # below this, compression headers cost more than they save


@dataclass(frozen=True)
class Stored:
    """One response body and its compressed variants, computed once."""

    body: bytes
    etag: str  # the identity body's; each compressed variant's is derived from it (variant_etag)
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
