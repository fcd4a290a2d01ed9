"""`python -m bench`: the site against the ceiling of its stack and against nginx, in one run.

Measures, on this machine and in this run only (machines here are shared and noisy, so only
ratios between numbers of the same run mean anything):
  * requests/s and p50/p99 latency of the article page in several languages, of a constant-bytes
    Starlette response under the same uvicorn settings, and of nginx serving the static export;
  * the same for the `/` language redirect and for a 304 revalidation;
  * start-up time to the first served page, resident memory with every language loaded;
  * how those grow with 1x, 10x and 100x the pages (generated in a temporary folder);
  * resident memory over a 60-second load, to show there is no leak.
Load comes from wrk on 127.0.0.1 only, bounded in time.

`python -m bench scale` measures a generated library of thousands of articles instead (bench/scale.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "back-pain-miscarriage"
LANGUAGES = ["en", "ar", "zh-hans", "hi"]


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_served(url: str, timeout: float = 60) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if httpx2.get(url, timeout=2).status_code < 500:
                return time.monotonic() - start
        except httpx2.TransportError:
            time.sleep(0.01)
    raise RuntimeError(f"{url} was not served within {timeout}s")


def _percentile_ms(output: str, percent: int) -> float:
    """A latency percentile from wrk's --latency distribution, in milliseconds (nan if absent)."""
    found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if not found:
        return float("nan")
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[found.group(2)]


def wrk(url: str, seconds: int, headers: dict[str, str] | None = None, script: Path | None = None) -> Load:
    command = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not found:
        raise RuntimeError(f"wrk printed no rate for {url}:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses:|timeout) (\d+)", output))
    return Load(float(found.group(1)), _percentile_ms(output, 50), _percentile_ms(output, 99), errors)


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]


@contextmanager
def uvicorn(target: str, port: int, env: dict[str, str], factory: bool = False) -> Iterator[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port),
               "--workers", "1", "--no-access-log", "--log-level", "warning"]  # fmt: skip
    if factory:
        command.append("--factory")
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def nginx(export: Path, port: int) -> Iterator[None]:
    folder = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    config = (ROOT / "deploy/nginx.conf").read_text()
    config = config.replace("/srv/site", str(export)).replace("127.0.0.1:8080", f"127.0.0.1:{port}")
    config = config.replace("/run/", f"{folder}/").replace("worker_processes auto;", "worker_processes 1;")
    (folder / "nginx.conf").write_text(config)
    shutil.copy(ROOT / "deploy/security-headers.conf", folder)  # nginx.conf includes it from its own folder
    user = " user root;" if os.geteuid() == 0 else ""
    process = subprocess.Popen(["nginx", "-c", str(folder / "nginx.conf"), "-e", "stderr", "-g", "daemon off;" + user])
    try:
        wait_until_served(f"http://127.0.0.1:{port}/robots.txt")
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def site_env(content: Path | None = None, locales: Path | None = None) -> dict[str, str]:
    env = {"SITE_RELOAD_INTERVAL": "2"}
    if content:
        env["SITE_CONTENT_DIR"] = str(content)
    if locales:
        env["SITE_LOCALES_DIR"] = str(locales)
    return env


def all_urls(base: str) -> list[str]:
    sitemap = httpx2.get(base + "/sitemap.xml").text
    return [base + re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)]


def warm(urls: list[str]) -> None:
    with httpx2.Client(timeout=30) as client:
        for url in urls:
            client.get(url)


def scaled_content(copies: int, folder: Path) -> Path:
    """The site's content with each article copied `copies` times under new slugs.

    The copies have the same text, so every language's catalogs already translate them.
    """
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    for article in ("back-pain-miscarriage", "back-pain-third-trimester"):
        source = (ROOT / "content" / f"{article}.md").read_text()
        for index in range(1, copies):
            slug = f"{article}-{index}"
            (content / f"{slug}.md").write_text(source.replace(f'slug = "{article}"', f'slug = "{slug}"', 1))
    return content


def row(name: str, load: Load, ceiling: Load | None = None) -> str:
    ratio = f"{load.requests_per_second / ceiling.requests_per_second:5.2f}" if ceiling else "     "
    return (f"| {name:<44} | {load.requests_per_second:9.0f} | {load.p50_ms:7.2f} | {load.p99_ms:7.2f} "
            f"| {ratio} | {load.errors:6d} |")  # fmt: skip


def main() -> int:
    if sys.argv[1:2] == ["scale"]:
        from .scale import main as scale

        return scale(sys.argv[2:])
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.split("\n")[0],
        epilog="python -m bench scale [--articles 5000] [--languages 10]: the library at size (see --help there)",
    )
    parser.add_argument("--seconds", type=int, default=8, help="length of each load run (default 8)")
    parser.add_argument("--soak", type=int, default=60, help="length of the memory soak (default 60)")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install wrk nginx libnginx-mod-http-brotli-static")
            return 2
    lines = [f"Machine: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
             f"{platform.platform()}; {args.seconds}s per run, 2 wrk threads, 64 connections", ""]  # fmt: skip
    lines += ["| what | req/s | p50 ms | p99 ms | ratio | errors |", "|---|---:|---:|---:|---:|---:|"]
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        site_port, constant_port, nginx_port = free_port(), free_port(), free_port()
        base = f"http://127.0.0.1:{site_port}"
        export = work / "export"
        subprocess.run(
            [sys.executable, "-m", "server", "build", str(export)], cwd=ROOT, check=True, capture_output=True
        )
        body_file = export / "public" / "en" / f"{ARTICLE}.html"
        with (
            uvicorn("server.web.app:create_app", site_port, site_env(), factory=True) as site,
            uvicorn("bench.constant_app:app", constant_port, {"BENCH_BODY_FILE": str(body_file)}),
            nginx(export, nginx_port),
        ):
            wait_until_served(f"{base}/en/{ARTICLE}")
            wait_until_served(f"http://127.0.0.1:{constant_port}/en/{ARTICLE}")
            warm(all_urls(base))
            ceiling = wrk(f"http://127.0.0.1:{constant_port}/en/{ARTICLE}", args.seconds)
            lines.append(row("constant Starlette response (ceiling)", ceiling))
            pages = []
            for language in LANGUAGES:
                load = wrk(f"{base}/{language}/{ARTICLE}", args.seconds)
                pages.append(load)
                lines.append(row(f"article /{language}/ under uvicorn", load, ceiling))
            nginx_load = wrk(f"http://127.0.0.1:{nginx_port}/en/{ARTICLE}", args.seconds)
            lines.append(row("article /en/ from the export under nginx", nginx_load, ceiling))
            redirect = wrk(f"{base}/", args.seconds, {"Accept-Language": "es;q=0.9, fr;q=0.8"})
            lines.append(row("/ language redirect under uvicorn", redirect, ceiling))
            etag = httpx2.get(f"{base}/en/{ARTICLE}").headers["etag"]
            revalidation = wrk(f"{base}/en/{ARTICLE}", args.seconds, {"If-None-Match": etag})
            lines.append(row("304 revalidation of /en/ under uvicorn", revalidation, ceiling))
            memory_all = rss_kib(site.pid)
        median_page = statistics.median(load.requests_per_second for load in pages)
        lines += ["", "| ratio | measured | target |", "|---|---:|---|"]
        lines.append(
            f"| article (median of languages) / ceiling | {median_page / ceiling.requests_per_second:.2f} | >= 0.90 |"
        )
        lines.append(
            f"| 304 / article /en/ | {revalidation.requests_per_second / pages[0].requests_per_second:.2f} | >= 1.00 |"
        )
        nginx_ratio = nginx_load.requests_per_second / pages[0].requests_per_second
        lines.append(f"| nginx export / uvicorn article /en/ | {nginx_ratio:.2f} | |")

        lines += ["", "| pages (x) | start-up to first page s | RSS after start MiB | RSS all pages served MiB "
                  "| article req/s |", "|---:|---:|---:|---:|---:|"]  # fmt: skip
        for copies in (1, 10, 100):
            folder = work / f"scale-{copies}"
            content = scaled_content(copies, folder)
            port = free_port()
            started = time.monotonic()
            with uvicorn("server.web.app:create_app", port, site_env(content), factory=True) as site:
                url = f"http://127.0.0.1:{port}"
                wait_until_served(f"{url}/en/{ARTICLE}")
                startup = time.monotonic() - started
                rss_start = rss_kib(site.pid)
                urls = all_urls(url)
                warm(urls)
                rss_all = rss_kib(site.pid)
                load = wrk(f"{url}/en/{ARTICLE}", max(3, args.seconds // 2))
            lines.append(f"| {copies}x ({len(urls)} URLs) | {startup:.2f} | {rss_start / 1024:.1f} | "
                         f"{rss_all / 1024:.1f} | {load.requests_per_second:.0f} |")  # fmt: skip

        lines += ["", f"Memory under {args.soak}s of load on every page (RSS MiB, sampled every 10 s):"]
        script = work / "rotate.lua"
        with uvicorn("server.web.app:create_app", site_port, site_env(), factory=True) as site:
            wait_until_served(f"{base}/en/{ARTICLE}")
            paths = [re.sub(r"^https?://[^/]+", "", u) for u in all_urls(base)]
            warm([base + path for path in paths])
            script.write_text(
                "local paths = {" + ",".join(f'"{p}"' for p in paths) + "}\nlocal i = 0\n"
                "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
            )
            samples = [rss_kib(site.pid)]
            soak = subprocess.Popen(["wrk", "-t2", "-c64", f"-d{args.soak}s", "-s", str(script), base],
                                    stdout=subprocess.PIPE, text=True)  # fmt: skip
            for _ in range(args.soak // 10):
                time.sleep(10)
                samples.append(rss_kib(site.pid))
            output = soak.communicate(timeout=args.soak + 30)[0]
        total = re.search(r"(\d+) requests in", output)
        lines.append("  " + " -> ".join(f"{sample / 1024:.1f}" for sample in samples)
                     + f"  ({total.group(1) if total else '?'} requests; growth after warm-up "
                     f"{(samples[-1] - samples[1]) / 1024:+.1f} MiB)")  # fmt: skip
        lines.append(f"RSS with all seven languages loaded and every page served once: {memory_all / 1024:.1f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
