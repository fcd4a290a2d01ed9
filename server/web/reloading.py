"""SiteHolder: the one mutable thing, the current Site, replaced by a background job when its files change."""

from __future__ import annotations

import array
import asyncio
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import watchfiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from ..core.changes import changes_since
from ..core.settings import Settings
from ..core.site import Site
from .store import ResponseStore

log = logging.getLogger("server.web.reloading")

WATCHED = {
    "content_dir": (".md",),
    "locales_dir": (".po", ".pot", ".toml"),  # catalogs, glossaries, templates, review records, claims
    "templates_dir": (".html",),
}
WATCHED_SUFFIXES = tuple(suffix for suffixes in WATCHED.values() for suffix in suffixes)
WATCH_STEP_MS = 50  # after a change, how long to wait for more before reloading (a save touches several files)
WATCH_TIMEOUT_MS = 1000  # the first time the watcher waits this long, it catches up with edits made during start-up


@dataclass(frozen=True, slots=True)
class Folder:
    """The watched files directly in one folder, held compactly (a library has 60,000 files; one
    string and one array per folder instead of a string and a number per file)."""

    names: str  # their names, each followed by "/" (which no file name contains)
    stamps: bytes  # modification time (ns) and size of each, as pairs of 64-bit integers

    def files(self) -> dict[str, tuple[int, int]]:
        stamps = array.array("q", self.stamps)
        return {
            name: (stamps[2 * index], stamps[2 * index + 1]) for index, name in enumerate(self.names.split("/")[:-1])
        }


Fingerprint = dict[str, Folder]  # folder path -> its watched files


def fingerprint(settings: Settings) -> Fingerprint:
    """Modification time and size of every file the site is built from, by folder."""
    folders: Fingerprint = {}
    for attribute, suffixes in WATCHED.items():
        _scan(getattr(settings, attribute), suffixes, folders)
    return folders


def _scan(folder: Path | str, suffixes: tuple[str, ...], folders: Fingerprint) -> None:
    # os.scandir, not Path.rglob: a library's tens of thousands of files are looked at every few seconds
    names: list[str] = []
    stamps = array.array("q")
    try:
        with os.scandir(folder) as found:
            for entry in found:
                if entry.is_dir(follow_symlinks=False):
                    _scan(entry.path, suffixes, folders)
                elif entry.name.endswith(suffixes):
                    try:
                        stat = entry.stat()
                    except OSError:
                        continue
                    names.append(entry.name)
                    stamps.extend((stat.st_mtime_ns, stat.st_size))
    except OSError:
        return
    if names:
        folders[str(folder)] = Folder("".join(f"{name}/" for name in names), stamps.tobytes())


def changed_paths(before: Fingerprint, after: Fingerprint) -> set[Path]:
    """Files added, removed or modified between two fingerprints."""
    changed: set[Path] = set()
    for folder in before.keys() | after.keys():
        old, new = before.get(folder), after.get(folder)
        if old == new:
            continue
        old_files = old.files() if old else {}
        new_files = new.files() if new else {}
        changed.update(
            Path(folder, name)
            for name in old_files.keys() | new_files.keys()
            if old_files.get(name) != new_files.get(name)
        )
    return changed


class SiteHolder:
    """Hands out the current Site (`site`, a plain attribute: reading it never does I/O).

    `refresh` (blocking; run it in a thread) looks for changed files and, if any, loads a new
    Site from the old one and the changed files, drops the stored responses that show what
    changed, and swaps the new Site in. `watch` runs it in a background task when files change;
    with `reload` it runs before every request instead (ReloadEachRequest).
    A reload that fails keeps the last good Site; Site.load already keeps the last good
    version of each broken file.
    """

    def __init__(self, settings: Settings, store: ResponseStore, static_urls: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.store = store
        self.static_urls = dict(static_urls or {})
        self._lock = threading.Lock()
        self._fingerprint = fingerprint(settings)  # before loading: an edit made while loading is seen next time
        self.site = Site.load(settings, static_urls=self.static_urls)
        self.store.generation = self.site.generation

    def refresh(self) -> bool:
        """Reload if any source file changed; True if the site was replaced."""
        with self._lock:
            current = fingerprint(self.settings)
            changed = changed_paths(self._fingerprint, current)
            if not changed:
                return False
            old = self.site
            try:
                new = Site.load(self.settings, previous=old, static_urls=self.static_urls, changed=changed)
                inputs = changes_since(new, old, changed)
            except Exception:  # noqa: BLE001 - any failure must leave the last good site serving
                log.exception("reload failed; serving the last good version")
                self._fingerprint = current
                return False
            dropped = self.store.invalidate(inputs, new.generation)
            self.site, self._fingerprint = new, current
            what = "everything" if inputs is None else f"{len(inputs)} inputs"
            log.info("reloaded after %d files changed (%s); dropped %d stored responses", len(changed), what, dropped)
        return True

    async def watch(self) -> None:
        """Reload when files change, off the event loop, until cancelled.

        The operating system tells (inotify, through watchfiles): looking at a library's 60,000 files
        every few seconds cost a tenth of a core and a fifth of the stored-page throughput. Which files
        changed is still worked out by `refresh` from the fingerprint, so coalesced or lost events cannot
        mislead it, and one look when the watcher is up catches an edit made while the site was loading.
        Where the system cannot tell, watchfiles polls every `reload_interval` seconds itself.
        """
        folders = [getattr(self.settings, attribute) for attribute in WATCHED]
        caught_up = False
        try:
            async for changes in watchfiles.awatch(
                *folders,
                watch_filter=is_watched,
                step=WATCH_STEP_MS,
                rust_timeout=WATCH_TIMEOUT_MS,
                yield_on_timeout=True,  # the first timeout is when to catch up
                poll_delay_ms=max(WATCH_STEP_MS, round(self.settings.reload_interval * 1000)),
            ):
                if changes or not caught_up:
                    caught_up = True
                    await self._refresh_in_background()
        except Exception as error:  # noqa: BLE001 - whatever stops the watcher, the site must keep reloading
            log.warning(
                "cannot be told of changed files (%s); looking every %s s", error, self.settings.reload_interval
            )
            while True:
                await asyncio.sleep(self.settings.reload_interval)
                await self._refresh_in_background()

    async def _refresh_in_background(self) -> None:
        try:
            await run_in_threadpool(self.refresh)
        except Exception:  # noqa: BLE001 - the watcher must outlive any one failure
            log.exception("looking for changed files failed; trying again later")


def is_watched(change: watchfiles.Change, path: str) -> bool:
    return path.endswith(WATCHED_SUFFIXES)


class ReloadEachRequest:
    """With --reload: look for changed files before answering, so a translator's save shows on the next load."""

    def __init__(self, app: ASGIApp, holder: SiteHolder) -> None:
        self.app = app
        self.holder = holder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await run_in_threadpool(self.holder.refresh)
        await self.app(scope, receive, send)
