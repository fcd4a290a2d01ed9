"""A multilingual, accessible health-content server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """`server.create_app`, imported on first use: the translators' tools never load the web layer."""
    if name == "create_app":
        from .web.app import create_app

        return create_app
    raise AttributeError(f"module 'server' has no attribute {name!r}")
