"""Hostile Accept-Language headers sent to nginx do not slow down other readers of the export."""

from __future__ import annotations

import statistics
import subprocess
import time
from pathlib import Path

import httpx2
import pytest

from .test_export import build_export, serving_export
from .test_load import wrk_requirement

pytestmark = pytest.mark.load

SECONDS = 4  # of load per measurement
READS = 400  # at most, per measurement
LATENCY_LIMIT = 3  # the reader's median under hostile load, relative to the same load with ordinary headers
READER_URL = "/en/back-pain-miscarriage"  # the source language: always published
ORDINARY = "fr-CH, fr;q=0.9, en;q=0.8"
HOSTILE = [", " * 30 + "xx", "de;q=0." + "1" * 6000 + "x"]  # 2^30 steps, and 6000^2, for the old map


def reader_median(base: str, headers: list[str]) -> float:
    """A reader's median latency while two connections per header ask for `/` as fast as they can."""
    command = [wrk_requirement(), "-t1", "-c2", f"-d{SECONDS}s", "--timeout", "10s"]
    load = [
        subprocess.Popen([*command, "-H", f"Accept-Language: {header}", base + "/"], stdout=subprocess.DEVNULL)
        for header in headers
    ]
    latencies: list[float] = []
    try:
        time.sleep(0.5)  # the load is running
        with httpx2.Client(base_url=base, timeout=10) as reader:
            while len(latencies) < READS and all(process.poll() is None for process in load):
                start = time.perf_counter()
                assert reader.get(READER_URL, headers={"Accept-Language": ORDINARY}).status_code == 200
                latencies.append(time.perf_counter() - start)
    finally:
        for process in load:
            process.wait(timeout=SECONDS + 30)
    assert len(latencies) >= 5, "too few reads to take a median"
    return statistics.median(latencies)


def test_hostile_accept_language_does_not_slow_other_readers(tmp_path: Path) -> None:
    export = build_export(tmp_path / "out")
    errors = tmp_path / "nginx-errors.log"
    with errors.open("w") as log, serving_export(export, tmp_path, stderr=log) as base:
        ordinary = reader_median(base, [ORDINARY] * len(HOSTILE))
        hostile = reader_median(base, HOSTILE)
    print(f"reader's median: {ordinary * 1000:.2f} ms under ordinary load, {hostile * 1000:.2f} ms under hostile")
    # nginx logs `pcre2_match() failed` when a regex hits PCRE's match limit, after burning the CPU.
    assert "pcre" not in errors.read_text(errors="replace")
    assert hostile / ordinary < LATENCY_LIMIT
