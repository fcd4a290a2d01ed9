"""A rendered body and its pre-compressed variants, computed once."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import brotli

from ..core.inputs import Input, recording, summarized

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


@dataclass(frozen=True)
class Rendered:
    """A response as rendered: its status, its body (compressed once), and the inputs it showed."""

    status: int
    stored: Stored
    inputs: frozenset[Input]

    @property
    def size(self) -> int:
        """Bytes it holds: the body and each compressed variant."""
        return len(self.stored.body) + sum(len(body) for body in self.stored.encoded.values())


def rendered(make: Callable[[], tuple[int, str | bytes]]) -> Rendered:
    """Run `make` (which returns a status and a body), recording every input it reads; then compress."""
    with recording() as inputs:
        status, body = make()
    return Rendered(status, Stored.of(body.encode("utf-8") if isinstance(body, str) else body), summarized(inputs))
