"""The C allocator told to give large blocks back: a worker's memory stays what it holds, not what it once needed.

glibc's malloc serves large blocks from mmap and returns them on free, but each time one is freed
it raises its threshold to that block's size (up to 32 MiB). After the first sitemap part (7 MB)
or large Brotli window, later buffers of that size come from the heap, where small long-lived
objects allocated meanwhile pin the freed space: measured with a library of 5,000 articles in 11
languages, a worker held 21 MiB more after its sitemap and 3,000 pages. The threshold is fixed at
1 MiB: above asyncio's 256 KiB read buffer (allocated for every read; at glibc's 128 KiB default
each read was an mmap, and stored pages were served 13% slower), below what fragments. Other C
libraries are left alone, and so is an operator's own MALLOC_MMAP_THRESHOLD_.
"""

from __future__ import annotations

import ctypes
import logging
import os

log = logging.getLogger("server.web.allocator")

M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>
MMAP_THRESHOLD = 1024 * 1024  # bytes


def return_large_blocks() -> bool:
    """Fix glibc's mmap threshold for this process; True if it was set here."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return False
    except (ValueError, OSError):  # not glibc: the name is unknown
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter itself runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    if mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) != 1:
        log.warning("could not fix the allocator's mmap threshold; memory may grow with fragmentation")
        return False
    return True
