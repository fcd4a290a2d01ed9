"""SiteHolder: the one mutable thing, the current Site, replaced when its files change."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from ..core.settings import Settings
from ..core.site import Site
from .caching import carry_over

log = logging.getLogger("server.web.reloading")

WATCHED = (
    ("content_dir", "*.md"),
    ("locales_dir", "*.po"),  # catalogs and glossaries
    ("locales_dir", "*.pot"),
    ("locales_dir", "*.toml"),  # review records, claims
    ("templates_dir", "*.html"),
)

Fingerprint = frozenset[tuple[str, int, int]]


def fingerprint(settings: Settings) -> Fingerprint:
    """Path, modification time and size of every file the site is built from."""
    entries = set()
    for attribute, pattern in WATCHED:
        folder: Path = getattr(settings, attribute)
        for path in folder.rglob(pattern):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.add((str(path), stat.st_mtime_ns, stat.st_size))
    return frozenset(entries)


class SiteHolder:
    """Hands out the current Site, reloading it when a source file changed.

    Looks at most every `settings.reload_interval` seconds (every request with `reload`).
    A reload that fails keeps the last good Site; Site.load already keeps the last good
    version of each broken file.
    """

    def __init__(
        self,
        settings: Settings,
        static_urls: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.static_urls = dict(static_urls or {})
        self._clock = clock
        self._lock = threading.Lock()
        self._fingerprint = fingerprint(settings)
        self._site = Site.load(settings, static_urls=self.static_urls)
        self._checked_at = clock()
        self._interval = 0.0 if settings.reload else settings.reload_interval

    @property
    def site(self) -> Site:
        if self._clock() - self._checked_at >= self._interval:
            self.refresh()
        return self._site

    def refresh(self) -> bool:
        """Reload if any source file changed; True if the site was replaced."""
        with self._lock:
            self._checked_at = self._clock()
            current = fingerprint(self.settings)
            if current == self._fingerprint:
                return False
            try:
                new_site = Site.load(self.settings, previous=self._site, static_urls=self.static_urls)
            except Exception:  # noqa: BLE001 - any failure must leave the last good site serving
                log.exception("reload failed; serving the last good version")
                self._fingerprint = current
                return False
            kept = carry_over(self._site, new_site)
            self._site, self._fingerprint = new_site, current
            log.info("reloaded the site after a file changed; kept %d unchanged pages", kept)
        return True
