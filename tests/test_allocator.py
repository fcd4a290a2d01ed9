"""The worker tells glibc's malloc to give large freed blocks back, so fragmentation does not grow its memory."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GLIBC = bool(os.confstr("CS_GNU_LIBC_VERSION")) if "CS_GNU_LIBC_VERSION" in os.confstr_names else False

# A large block freed (what a sitemap part or a Brotli window does), then large short-lived buffers
# interleaved with small long-lived objects (what rendering does): how much memory stays held.
SCENARIO = """
import re, sys
from pathlib import Path
from server.web.allocator import return_large_blocks
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))
if sys.argv[1] == "fixed":
    assert return_large_blocks()
big = bytearray(16 << 20)
del big
before = rss()
kept = []
for i in range(200):
    buffer = bytearray((1 << 20) + i * 8192)
    buffer[::4096] = b"x" * len(buffer[::4096])
    kept.append(bytearray(1024))
    del buffer
print(rss() - before)
"""


def held_kib(mode: str, **environ: str) -> int:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MALLOC_")} | environ
    done = subprocess.run([sys.executable, "-c", SCENARIO, mode], capture_output=True, text=True, env=env, check=True)
    return int(done.stdout)


@pytest.mark.skipif(not GLIBC, reason="the setting is glibc's; other C libraries are left alone")
def test_freed_large_buffers_are_given_back_instead_of_held() -> None:
    as_glibc_does = held_kib("dynamic")
    fixed = held_kib("fixed")
    assert as_glibc_does > 2048  # the scenario does fragment without the setting
    assert fixed < as_glibc_does / 4


@pytest.mark.skipif(not GLIBC, reason="the setting is glibc's")
def test_an_operators_own_threshold_is_left_alone() -> None:
    code = "from server.web.allocator import return_large_blocks; print(return_large_blocks())"
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "65536"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "False"
