"""Static assets with content-hashed names, so they can be cached for a year."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from importlib import resources

from ..core.urls import path_for

ASSET_NAMES = ("site.css", "favicon.svg")


@dataclass(frozen=True)
class Asset:
    name: str  # "site.css"
    hashed_name: str  # "site.3f2a1b4c5d.css"
    body: bytes
    media_type: str

    @property
    def url(self) -> str:
        return path_for("static", name=self.hashed_name)


def load_assets() -> dict[str, Asset]:
    """Every asset by its plain name, read from the package."""
    assets = {}
    for name in ASSET_NAMES:
        body = (resources.files("server") / "static" / name).read_bytes()
        stem, _, suffix = name.rpartition(".")
        digest = hashlib.sha256(body).hexdigest()[:12]
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if media_type.startswith("text/"):
            media_type += "; charset=utf-8"
        assets[name] = Asset(name, f"{stem}.{digest}.{suffix}", body, media_type)
    return assets
