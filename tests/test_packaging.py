"""`pip install .` (not editable), then `python -m server` from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

from .conftest import ROOT, free_port

pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package as `pip install .` lays it out, in a folder of its own."""
    target = tmp_path_factory.mktemp("site-packages")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-compile",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def run_server(installed: Path, cwd: Path, port: int, **environ: str) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SITE_")}
    env |= {"PYTHONPATH": str(installed), **environ}
    return subprocess.Popen(
        [sys.executable, "-m", "server", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_installed_package_is_the_one_that_runs(installed: Path, tmp_path: Path) -> None:
    found = subprocess.run(
        [sys.executable, "-c", "import server; print(server.__file__)"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip().startswith(str(installed))
    assert sorted(path.name for path in (installed / "server/static").iterdir() if path.suffix != ".py") == [
        "favicon.svg",
        "site.css",
    ]


def test_without_its_folders_it_says_in_one_sentence_what_to_set(installed: Path, tmp_path: Path) -> None:
    process = run_server(installed, tmp_path, free_port())
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    lines = (stdout + stderr).strip().splitlines()
    assert len(lines) == 1 and "SITE_ROOT" in lines[0] and "Traceback" not in stderr, lines


def test_with_site_root_set_it_serves_the_site(installed: Path, tmp_path: Path) -> None:
    port = free_port()
    process = run_server(installed, tmp_path, port, SITE_ROOT=str(ROOT))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                page = httpx2.get(f"http://127.0.0.1:{port}/en/back-pain-miscarriage", timeout=2)
                break
            except httpx2.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        assert page.status_code == 200 and "Miscarriage" in page.text
        stylesheet = page.text.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        assert httpx2.get(f"http://127.0.0.1:{port}{stylesheet}").status_code == 200  # package data was installed
    finally:
        process.terminate()
        process.communicate(timeout=20)
