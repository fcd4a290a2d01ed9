"""Where rendering and compression run: a few threads of their own, never the event loop.

Rendering holds Python's GIL. Many rendering threads at once would make the event loop wait
its turn behind each of them, and a page already stored would be answered late; so first
renders queue for two threads (one slow render never holds up the others), and the responses
that read the whole library (sitemaps, translation status) get a thread of their own. For more
throughput, run more worker processes.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

PAGE_THREADS = 2
# Python hands the GIL to a waiting thread after this many seconds (default 5 ms): the event loop,
# waiting to answer a stored page, gets it back sooner from a rendering thread.
SWITCH_INTERVAL = 0.001


class RenderQueue:
    def __init__(self) -> None:
        self._pages = ThreadPoolExecutor(PAGE_THREADS, thread_name_prefix="render")
        self._whole_site = ThreadPoolExecutor(1, thread_name_prefix="render-whole-site")

    async def page(self, render: Callable[[], T]) -> T:
        """Run a render of one page (or a few) off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._pages, render)

    async def whole_site(self, render: Callable[[], T]) -> T:
        """Run a render that reads every page and catalog off the event loop, without taking a page's thread."""
        return await asyncio.get_running_loop().run_in_executor(self._whole_site, render)

    def start(self) -> None:
        sys.setswitchinterval(SWITCH_INTERVAL)

    def close(self) -> None:
        self._pages.shutdown(wait=False, cancel_futures=True)
        self._whole_site.shutdown(wait=False, cancel_futures=True)
