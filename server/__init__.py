"""A multilingual, accessible health-content server."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
