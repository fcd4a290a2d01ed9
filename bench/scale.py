"""`python -m bench scale`: the library at size (thousands of articles, ten languages), measured against its targets.

Generates a library (bench/library.py) in a temporary folder, or copies one made before, then
measures, in one run on this machine, through the command line and HTTP only:
  * the server: start-up to the first page, a hot page's p99 while 8 clients ask for cold pages,
    memory once every page of every language was served, the response store's hit rate on a
    random sample, stored pages against the constant-bytes ceiling under wrk, and how long an
    edited .po takes to show;
  * `python -m server build`: a full build, a second build after one catalog edit, and whether
    that second output is byte-identical to a fresh full build;
  * `python -m server update`: after one changed sentence, after one new article, and a full extraction.
Prints a table and writes it into bench/README.md ("At size"). Every server is stopped and every
temporary folder removed, whatever happens.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import filecmp
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
from babel.messages.pofile import read_po, write_po

from . import library
from .__main__ import Load, _percentile_ms, free_port, rss_kib, uvicorn, wrk

ROOT = Path(__file__).resolve().parents[1]
README = Path(__file__).resolve().parent / "README.md"
RESULTS_START = "<!-- scale results: written by `python -m bench scale`; edit the text around them instead -->"
RESULTS_END = "<!-- end of scale results -->"
COLD_CLIENTS = 8  # clients asking for never-served pages while one client measures a hot page
PASS_CLIENTS = 4  # concurrent clients while every page is requested once (the server has one worker)
SAMPLE = 2000  # URLs re-requested at random to estimate the response store's hit rate
ROTATION = 200  # pages wrk turns over, as stored pages: about 6 MiB with their compressed variants
CONTROL = 100  # never-served pages asked for one at a time: what a render costs the server
POLL = 0.05  # seconds between looks for an edit on the running server


@dataclass(frozen=True)
class Row:
    what: str
    measured: str
    target: str
    met: bool | None  # None: no target, or not measured

    def line(self) -> str:
        verdict = "—" if self.met is None else ("met" if self.met else "**not met**")
        return f"| {self.what} | {self.measured} | {self.target or '—'} | {verdict} |"


def say(what: str) -> None:
    print(f"  {what} …", file=sys.stderr, flush=True)


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.0f} s"


def within(what: str, value: float, limit: float, target: str, shown: str | None = None) -> Row:
    return Row(what, shown or seconds(value), target, value <= limit)


def failed(what: str, target: str, error: BaseException) -> Row:
    reason = " ".join(str(error).split())[:160] or type(error).__name__
    return Row(what, f"not measured: {reason}", target, False if target else None)


def server_command(arguments: Sequence[str], root: Path, timeout: float) -> float:
    """Seconds `python -m server ARGUMENTS` on the library took; RuntimeError if it failed or ran out of time."""
    started = time.monotonic()
    library.run_server_command(arguments, root, timeout)
    return time.monotonic() - started


# --- A server on the library ----------------------------------------------------------------------


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def last_error(self) -> str:
        lines = [line for line in self.log.read_text(errors="replace").splitlines() if line.strip()]
        return lines[-1][:200] if lines else f"exit status {self.process.poll()}"


def site_env(root: Path, port: int) -> dict[str, str]:
    return {
        **library.library_env(root),
        "SITE_CONTENT_DIR": str(root / "content"),
        "SITE_LOCALES_DIR": str(root / "locales"),
        "SITE_TEMPLATES_DIR": str(root / "templates"),
        "SITE_BASE_URL": f"http://127.0.0.1:{port}",
        "SITE_RELOAD_INTERVAL": "2",
    }


def logging_config(work: Path) -> Path:
    """uvicorn's logging, plus the server's own INFO lines (reloads, the response store's summary at shutdown)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["server"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    path = work / "logging.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


@contextmanager
def library_server(root: Path, work: Path) -> Iterator[Server]:
    """The site on the library under uvicorn (one worker, no access log, as `python -m bench`); always stopped."""
    port = free_port()
    log = work / f"server-{port}.log"
    command = [sys.executable, "-m", "uvicorn", "server.web.app:create_app", "--factory", "--host", "127.0.0.1",
               "--port", str(port), "--workers", "1", "--no-access-log", "--log-level", "warning",
               "--log-config", str(logging_config(work))]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **site_env(root, port)}, stdout=output, stderr=output
        )
    try:
        yield Server(f"http://127.0.0.1:{port}", process, log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def wait_for_page(server: Server, path: str, timeout: float) -> float:
    """Seconds until `path` answers 200; RuntimeError if the server exits or the time runs out."""
    started = time.monotonic()
    with httpx2.Client(timeout=timeout) as client:
        while time.monotonic() - started < timeout:
            if server.process.poll() is not None:
                raise RuntimeError(f"the server exited: {server.last_error()}")
            try:
                if client.get(server.base + path).status_code == 200:
                    return time.monotonic() - started
            except httpx2.TransportError:
                pass
            time.sleep(0.02)
    raise RuntimeError(f"{path} did not answer 200 within {timeout:.0f} s")


def page_paths(server: Server, timeout: float) -> list[str]:
    """Every page's path, from /sitemap.xml, or from each /sitemaps/N.xml when it is an index."""
    with httpx2.Client(timeout=timeout) as client:
        index = client.get(server.base + "/sitemap.xml")
        index.raise_for_status()
        locations = re.findall(r"<loc>([^<]+)</loc>", index.text)
        if "<sitemapindex" in index.text:
            parts = [client.get(server.base + re.sub(r"^https?://[^/]+", "", loc)) for loc in locations]
            locations = [loc for part in parts for loc in re.findall(r"<loc>([^<]+)</loc>", part.text)]
    return [re.sub(r"^https?://[^/]+", "", loc) for loc in locations]


@dataclass(frozen=True)
class Pass:
    latencies: dict[str, float]  # seconds per path
    errors: int
    finished: bool


def request_all(server: Server, paths: Sequence[str], clients: int, timeout: float) -> Pass:
    """GET every path once from `clients` threads; stops when `timeout` seconds have passed."""
    latencies: dict[str, float] = {}
    errors = 0
    lock = threading.Lock()
    queue = iter(paths)
    deadline = time.monotonic() + timeout
    step = max(1000, len(paths) // 10)

    def work() -> None:
        nonlocal errors
        with httpx2.Client(timeout=120) as client:
            while time.monotonic() < deadline:
                with lock:
                    path = next(queue, None)
                if path is None:
                    return
                started = time.monotonic()
                try:
                    status = client.get(server.base + path).status_code
                except httpx2.TransportError:
                    status = 0
                elapsed = time.monotonic() - started
                with lock:
                    latencies[path] = elapsed
                    errors += status != 200
                    if len(latencies) % step == 0:
                        print(f"  … {len(latencies)} of {len(paths)} pages", file=sys.stderr, flush=True)

    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(work) for _ in range(clients)]:
            future.result()
    return Pass(latencies, errors, len(latencies) == len(paths))


def rotation_script(paths: Sequence[str], folder: Path, name: str) -> Path:
    """A wrk script that asks for each path in turn (per wrk thread)."""
    script = folder / name
    listed = ",".join(json.dumps(path) for path in paths)  # a JSON string is a Lua string here: ASCII paths
    script.write_text(
        f"local paths = {{{listed}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
    )
    return script


def run_wrk(arguments: Sequence[str], duration: int) -> str:
    done = subprocess.run(["wrk", *arguments], capture_output=True, text=True, timeout=duration + 120)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr.strip()[:200]}")
    return done.stdout


def requests_made(output: str) -> int:
    found = re.search(r"(\d+) requests in", output)
    return int(found.group(1)) if found else 0


# --- Edits --------------------------------------------------------------------------------------


def edit_translation(locales_dir: Path, locale_name: str, slug: str, english: str, token: str) -> Path:
    """Change the translation of `english` in the page's catalog (or whichever holds it); returns that file.

    The page's own catalog (`…/<slug>.po`, one catalog per page) comes first: a title may be shared.
    Written to a temporary file and renamed over the catalog, as editors save, so a reader never sees half.
    """
    quoted = json.dumps(english, ensure_ascii=False)  # the msgid line as PO writes it, for a quick search
    catalogs = sorted((locales_dir / locale_name / "LC_MESSAGES").rglob("*.po"), key=lambda path: path.stem != slug)
    for path in catalogs:
        if f"msgid {quoted}" not in path.read_text(encoding="utf-8"):
            continue
        with path.open("rb") as file:
            catalog = read_po(file)
        message = catalog.get(english)
        if message is None or not message.string:
            continue
        message.string = f"{message.string} ({token})"
        temporary = path.with_name(path.name + ".edit")
        with temporary.open("wb") as file:
            write_po(file, catalog, width=0)
        os.replace(temporary, path)
        return path
    raise RuntimeError(f"no catalog of {locale_name} translates {english!r}")


def url_code(locale_name: str) -> str:
    """A language's prefix in URLs: `zh-hans` for the folder `zh_Hans`."""
    from server.core.languages import Language, code_from_catalog_name

    return Language.from_code(code_from_catalog_name(locale_name)).url_code


def article_title(root: Path, slug: str) -> str:
    from server.core.content import load_page

    return load_page(root / "content" / "generated" / f"{slug}.md").title.text


def change_one_sentence(path: Path) -> None:
    """Reword the first sentence of the article's first body paragraph."""
    text = path.read_text(encoding="utf-8")
    body_start = text.index("+++", 3) + 3
    first_stop = text.index(". ", body_start)
    path.write_text(text[:first_stop] + ", as many readers know" + text[first_stop:], encoding="utf-8")


def compare_trees(first: Path, second: Path) -> tuple[int, list[str]]:
    """(files compared, paths that differ or exist in one tree only), leaving out the build's own bookkeeping
    in OUT/ (`.build-manifest.json`, `.build-cache/`: what the next build reads, never served)."""

    def output(root: Path) -> set[str]:
        found = (path.relative_to(root) for path in root.rglob("*") if path.is_file())
        return {path.as_posix() for path in found if not path.parts[0].startswith(".")}

    names, others = output(first), output(second)
    different = sorted(names ^ others)
    for name in sorted(names & others):
        if not filecmp.cmp(first / name, second / name, shallow=False):
            different.append(name)
    return len(names | others), different


# --- The measurements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    """How the library was made (bench.library writes it beside the library)."""

    articles: int
    languages: tuple[str, ...]
    seed: int

    @classmethod
    def read(cls, root: Path) -> Manifest:
        data = json.loads((root / library.MANIFEST).read_text(encoding="utf-8"))
        return cls(int(data["articles"]), tuple(str(name) for name in data["languages"]), int(data["seed"]))


@dataclass(frozen=True)
class Options:
    seconds: int
    startup_timeout: float
    pass_timeout: float
    build_timeout: float
    update_timeout: float


def measure_server(root: Path, work: Path, manifest: Manifest, options: Options) -> tuple[list[Row], list[str]]:
    rows: list[Row] = []
    notes: list[str] = []
    hot = f"/en/{library.article_slug(manifest.seed, 0)}"
    rng = random.Random(manifest.seed)
    with library_server(root, work) as server:
        # The first start on a machine parses every page once and keeps them in the page cache: it has no target
        what = "first start ever, no page cache: every page parsed (GET /en/)"
        say(what)
        try:
            rows.append(Row(what, seconds(wait_for_page(server, "/en/", options.startup_timeout)), "", None))
        except (RuntimeError, httpx2.HTTPError) as error:
            return [failed(what, "", error)], notes
        rss_start = rss_kib(server.process.pid)
        started = time.monotonic()
        paths = page_paths(server, options.startup_timeout)
        notes.append(f"{len(paths)} page URLs from the sitemap (listed in {time.monotonic() - started:.1f} s); "
                     f"RSS after start-up {rss_start / 1024:.0f} MiB")  # fmt: skip
        if hot not in paths:
            raise RuntimeError(f"{hot} is not in the sitemap: was the library made by bench.library?")
        wait_for_page(server, hot, options.startup_timeout)
        # Pages no one asks for until the memory pass, where they are asked for one at a time: what a render costs.
        cold = [path for path in paths if path not in (hot, "/en/")]
        rng.shuffle(cold)
        control, cold = cold[:CONTROL], cold[CONTROL:]
        rows.append(hot_under_cold_load(server, hot, cold, work, options, notes))
        memory, render_cpu = every_page_once(server, paths, control, options)
        rows.append(memory)
        sample = rng.sample(paths, min(SAMPLE, len(paths)))
        what = f"response store hit rate, {len(sample)} random pages requested again"
        say(what)
        try:
            rows.append(Row(what, hit_rate(server, hot, sample, render_cpu), "", None))
        except (RuntimeError, httpx2.HTTPError) as error:
            rows.append(failed(what, "", error))
        rows += measure_against_ceiling(server, hot, sample[:ROTATION], work, options)
        rows.append(edit_while_serving(server, root, manifest, f"edited {rng.randrange(10**6)}", options))
        if server.process.poll() is not None:
            notes.append(f"the server exited during the run: {server.last_error()}")
    summary = re.search(r"response store at shutdown: (.*)", server.log.read_text(errors="replace"))
    if summary:
        notes.append(f"the server's own count over the whole run, logged at shutdown: {summary.group(1)}")
    if (root / ".cache").is_dir():
        what = "start-up to the first page served (GET /en/), the page cache current"
        say(what)
        try:
            with library_server(root, work) as again:
                rows.insert(1, within(what, wait_for_page(again, "/en/", options.startup_timeout), 2, "≤ 2 s"))
        except (RuntimeError, httpx2.HTTPError) as error:
            rows.insert(1, failed(what, "≤ 2 s", error))
    return rows, notes


def hot_under_cold_load(
    server: Server, hot: str, cold: Sequence[str], work: Path, options: Options, notes: list[str]
) -> Row:
    """wrk with one connection on a stored page while another wrk's 8 connections ask for never-served pages."""
    what = f"hot page p99 while {COLD_CLIENTS} clients request cold pages"
    say(what)
    try:
        script = rotation_script(cold, work, "cold.lua")
        alone = run_wrk(["-t1", "-c1", "-d5s", "--latency", "--timeout", "10s", server.base + hot], 5)
        loaded = subprocess.Popen(
            ["wrk", "-t1", f"-c{COLD_CLIENTS}", f"-d{options.seconds + 4}s", "--timeout", "60s", "--latency",
             "-s", str(script), server.base],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            time.sleep(2)  # the cold clients are busy before the hot one starts
            measured = run_wrk(
                ["-t1", "-c1", f"-d{options.seconds}s", "--latency", "--timeout", "10s", server.base + hot],
                options.seconds,
            )
            cold_output = loaded.communicate(timeout=options.seconds + 120)[0]
        finally:
            if loaded.poll() is None:
                loaded.kill()
                loaded.wait()
    except (RuntimeError, subprocess.SubprocessError, OSError) as error:
        return failed(what, "≤ 20 ms", error)
    p99 = _percentile_ms(measured, 99)
    cold_count = requests_made(cold_output)
    if cold_count > len(cold):
        notes.append("the cold clients ran out of never-served pages: some cold requests were repeats")
    shown = (f"{p99:.1f} ms (alone {_percentile_ms(alone, 99):.1f} ms; {requests_made(measured)} hot and "
             f"{cold_count} cold requests, cold p50 {_percentile_ms(cold_output, 50):.0f} ms)")  # fmt: skip
    return Row(what, shown, "≤ 20 ms", p99 <= 20 if not math.isnan(p99) else False)


def every_page_once(
    server: Server, paths: Sequence[str], control: Sequence[str], options: Options
) -> tuple[Row, float]:
    """RSS once every page was asked for; and the CPU one render costs, from `control` asked for one at a time."""
    what = "RSS after every page of every language was served once"
    say(what)
    try:
        started = time.monotonic()
        before = cpu_seconds(server.process.pid)
        renders = request_all(server, control, 1, options.pass_timeout)
        render_cpu = (cpu_seconds(server.process.pid) - before) / max(1, len(renders.latencies))
        first = request_all(server, paths, PASS_CLIENTS, options.pass_timeout)
        elapsed = time.monotonic() - started
        rss = rss_kib(server.process.pid) / 1024
    except (RuntimeError, httpx2.HTTPError, OSError) as error:
        return failed(what, "< 150 MiB", error), 0.0
    done = "" if first.finished else f"; stopped after {options.pass_timeout:.0f} s"
    rate = len(first.latencies) / elapsed
    shown = (f"{rss:.0f} MiB ({len(first.latencies)} of {len(paths)} URLs in {elapsed:.0f} s, "
             f"{rate:.0f}/s with {PASS_CLIENTS} clients; {first.errors} errors{done})")  # fmt: skip
    return Row(what, shown, "< 150 MiB", rss < 150 and first.finished and not first.errors), render_cpu


def edit_while_serving(server: Server, root: Path, manifest: Manifest, token: str, options: Options) -> Row:
    """Seconds from renaming an edited catalog over the old one until a served page shows the edit."""
    what = "an edited .po shown by the running server"
    say(what)
    language, slug = manifest.languages[0], library.article_slug(manifest.seed, 1)
    try:
        edited = edit_translation(root / "locales", language, slug, article_title(root, slug), token)
        written = time.monotonic()
        with httpx2.Client(timeout=options.startup_timeout) as client:
            while token not in client.get(f"{server.base}/{url_code(language)}/{slug}").text:
                if time.monotonic() - written > options.startup_timeout:
                    raise RuntimeError(f"not shown after {options.startup_timeout:.0f} s")
                time.sleep(POLL)
    except (RuntimeError, ValueError, httpx2.HTTPError, OSError, KeyError) as error:
        return failed(what, "", error)
    return Row(what, f"{seconds(time.monotonic() - written)} ({edited.relative_to(root).as_posix()})", "", None)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used (utime and stime of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def hit_rate(server: Server, hot: str, sample: Sequence[str], render_cpu: float) -> str:
    """The share of `sample` answered from the response store, estimated from the server's CPU time.

    The server does not say which answers were stored, and wall-clock times on a shared machine are
    too noisy to tell, but its own CPU time is not: asking for `sample` costs the CPU of as many
    stored answers (timed on a page surely stored) plus one `render_cpu` per page it had to render.
    """
    with httpx2.Client(timeout=120) as client:

        def cpu_for(paths: Sequence[str]) -> float:
            before = cpu_seconds(server.process.pid)
            for path in paths:
                if client.get(server.base + path).status_code != 200:
                    raise RuntimeError(f"{path} did not answer 200")
            return cpu_seconds(server.process.pid) - before

        stored = cpu_for([hot] * len(sample)) / len(sample)
        spent = cpu_for(sample)
    if render_cpu <= stored * 2:
        raise RuntimeError(f"a render ({render_cpu * 1000:.1f} ms CPU) is too cheap to tell from a stored page")
    misses = min(len(sample), max(0.0, (spent - stored * len(sample)) / (render_cpu - stored)))
    return (
        f"{100 * (1 - misses / len(sample)):.1f} % (from the server's CPU time: {spent:.2f} s for the sample; "
        f"a stored page costs {stored * 1000:.2f} ms, a render {render_cpu * 1000:.1f} ms)"
    )


def wait_for_constant(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx2.get(f"http://127.0.0.1:{port}/", timeout=2)
            return
        except httpx2.TransportError:
            time.sleep(0.05)
    raise RuntimeError("the constant-bytes app did not start")


def measure_against_ceiling(server: Server, hot: str, pages: Sequence[str], work: Path, options: Options) -> list[Row]:
    """Stored pages under wrk against the constant-bytes Starlette app sending the hot page's body.

    `pages`, asked for once just before, are few enough to fit any sensible store: turning over more
    pages than the store holds would measure renders, as least-recently-used eviction then drops each
    page just before it is asked for again.
    """
    one, many = "one stored page / constant-bytes ceiling, under wrk", f"{len(pages)} stored pages in turn / ceiling"
    say("stored pages against the constant-bytes ceiling")
    try:
        request_all(server, pages, 1, options.pass_timeout)
        body = work / "hot-page.html"
        body.write_bytes(httpx2.get(server.base + hot, timeout=60).content)
        constant_port = free_port()
        rotation = rotation_script(pages, work, "stored.lua")
        with uvicorn("bench.constant_app:app", constant_port, {"BENCH_BODY_FILE": str(body)}):
            wait_for_constant(constant_port)
            constant = f"http://127.0.0.1:{constant_port}"
            ceiling = wrk(constant + hot, options.seconds)
            # wrk running a script per request is a slower client: the ceiling is measured with the same script
            ceiling_turns = wrk(constant, options.seconds, script=rotation)
        hot_load = wrk(server.base + hot, options.seconds)
        turns = wrk(server.base, options.seconds, script=rotation)
    except (RuntimeError, subprocess.SubprocessError, httpx2.HTTPError, OSError) as error:
        return [failed(one, "≥ 0.90", error), failed(many, "≥ 0.90", error)]
    return [ratio_row(one, hot_load, ceiling), ratio_row(many, turns, ceiling_turns)]


def ratio_row(what: str, load: Load, ceiling: Load) -> Row:
    ratio = load.requests_per_second / ceiling.requests_per_second
    shown = (f"{ratio:.3f} ({load.requests_per_second:.0f} against {ceiling.requests_per_second:.0f} req/s; "
             f"p99 {load.p99_ms:.1f} ms; {load.errors} errors)")  # fmt: skip
    return Row(what, shown, "≥ 0.90", ratio >= 0.9 and not load.errors)


def measure_build(root: Path, work: Path, manifest: Manifest, options: Options) -> list[Row]:
    rows: list[Row] = []
    seed, language = manifest.seed, manifest.languages[0]
    first, fresh = work / "build", work / "build-fresh"
    what = "`build` of the whole library"
    say(what)
    try:
        rows.append(within(what, server_command(["build", str(first)], root, options.build_timeout), 600, "≤ 10 min"))
    except RuntimeError as error:
        return [failed(what, "≤ 10 min", error)]
    what = f"second `build` after editing one article's catalog ({language})"
    say(what)
    try:
        slug = library.article_slug(seed, 2)
        edit_translation(root / "locales", language, slug, article_title(root, slug), "edited for the build")
        took = server_command(["build", str(first)], root, options.build_timeout)
        rows.append(within(what, took, 30, "≤ 30 s"))
    except RuntimeError as error:
        return [*rows, failed(what, "≤ 30 s", error)]
    what = "second build's output = a fresh full build's"
    say(what)
    try:
        server_command(["build", str(fresh)], root, options.build_timeout)
        count, different = compare_trees(first, fresh)
        shown = f"identical ({count} files)" if not different else (
            f"{len(different)} of {count} files differ, e.g. {', '.join(different[:3])}"
        )  # fmt: skip
        rows.append(Row(what, shown, "identical", not different))
    except RuntimeError as error:
        rows.append(failed(what, "identical", error))
    finally:
        shutil.rmtree(first, ignore_errors=True)
        shutil.rmtree(fresh, ignore_errors=True)
    return rows


def measure_update(root: Path, manifest: Manifest, options: Options) -> list[Row]:
    rows: list[Row] = []
    seed, articles = manifest.seed, manifest.articles

    def change_sentence() -> None:
        change_one_sentence(root / "content" / "generated" / f"{library.article_slug(seed, 3)}.md")

    def add_article() -> None:
        library.write_article(root / "content", seed, articles, articles + 1)

    steps: list[tuple[str, str, float, Callable[[], None], list[str]]] = [
        ("`update` after changing one sentence of one article", "≤ 5 s", 5, change_sentence, ["update"]),
        ("`update` after adding one article", "≤ 5 s", 5, add_article, ["update"]),
        ("full extraction: `extract --all` (every page's template)", "≤ 60 s", 60, nothing, ["extract", "--all"]),
        ("`update --all` (extraction, then every catalog merged)", "", math.inf, nothing, ["update", "--all"]),
    ]  # fmt: skip
    for what, target, limit, prepare, command in steps:
        say(what)
        try:
            prepare()
            taken = server_command(command, root, options.update_timeout)
            rows.append(within(what, taken, limit, target) if target else Row(what, seconds(taken), "", None))
        except (RuntimeError, OSError, ValueError) as error:
            rows.append(failed(what, target, error))
    return rows


def nothing() -> None:
    pass


# --- The report ---------------------------------------------------------------------------------


def server_revision() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "server"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    return head.stdout.strip() + (" with uncommitted changes in server/" if dirty.stdout.strip() else "")


def report(rows: Sequence[Row], notes: Sequence[str], header: Sequence[str]) -> str:
    lines = [*header, "", "| what | measured | target | |", "|---|---|---|---|", *(row.line() for row in rows)]
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines)


def write_readme(text: str) -> None:
    """Put the results between the markers of the "At size" section, adding the section if it is missing."""
    readme = README.read_text(encoding="utf-8")
    block = f"{RESULTS_START}\n\n{text}\n\n{RESULTS_END}"
    if RESULTS_START in readme and RESULTS_END in readme:
        before, rest = readme.split(RESULTS_START, 1)
        after = rest.split(RESULTS_END, 1)[1]
        readme = before + block + after
    else:
        readme = readme.rstrip("\n") + f"\n\n## At size\n\n{block}\n"
    README.write_text(readme, encoding="utf-8")


STEPS = ("server", "build", "update")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scale", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000, help="generated articles (default 5000)")
    parser.add_argument("--languages", type=int, default=10, help="target languages besides English (default 10)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the text generator (default 2026)")
    parser.add_argument("--library", type=Path, help="measure a copy of a library made by `python -m bench.library`")
    parser.add_argument("--steps", default=",".join(STEPS), help=f"which measurements (default {','.join(STEPS)})")
    parser.add_argument("--seconds", type=int, default=8, help="length of each load run (default 8)")
    parser.add_argument("--pass-timeout", type=float, default=4 * 3600, help="seconds for requesting every page")
    parser.add_argument("--build-timeout", type=float, default=2 * 3600, help="seconds for one `build`")
    parser.add_argument("--update-timeout", type=float, default=1800, help="seconds for one `update`")
    parser.add_argument("--startup-timeout", type=float, default=900, help="seconds for start-up and for a reload")
    parser.add_argument("--no-readme", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    steps = [name.strip() for name in args.steps.split(",") if name.strip()]
    if unknown := set(steps) - set(STEPS):
        parser.error(f"unknown steps {', '.join(sorted(unknown))}: choose from {', '.join(STEPS)}")
    if shutil.which("wrk") is None and "server" in steps:
        print("error: wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that servers are stopped and folders removed
    options = Options(args.seconds, args.startup_timeout, args.pass_timeout, args.build_timeout, args.update_timeout)
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    rows: list[Row] = []
    notes: list[str] = []
    try:
        root = work / "library"
        started = time.monotonic()
        if args.library:
            print(f"copying {args.library} …", file=sys.stderr, flush=True)
            shutil.copytree(args.library, root, ignore=shutil.ignore_patterns(".cache"))  # a cold first start
            made = [f"library: a copy of {args.library}"]
        else:
            print(f"generating {args.articles} articles in {args.languages} languages …", file=sys.stderr, flush=True)
            made = [line.replace(str(root), "a temporary folder") for line in library.generate(
                root, args.articles, args.languages, args.seed)]  # fmt: skip
        manifest = Manifest.read(root)
        notes += [*made, f"library ready in {time.monotonic() - started:.0f} s"]
        if "server" in steps:
            print("measuring the server …", file=sys.stderr, flush=True)
            server_rows, server_notes = measure_server(root, work, manifest, options)
            rows += server_rows
            notes += server_notes
        if "build" in steps:
            print("measuring build …", file=sys.stderr, flush=True)
            rows += measure_build(root, work, manifest, options)
        if "update" in steps:
            print("measuring update …", file=sys.stderr, flush=True)
            rows += measure_update(root, manifest, options)
    except (RuntimeError, ValueError, OSError, KeyError, httpx2.HTTPError) as error:
        print(f"error: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)
    articles, languages = manifest.articles, len(manifest.languages)
    header = [
        f"Measured on {datetime.date.today().isoformat()} at server commit {server_revision()}, with "
        f"{articles} generated articles in {languages + 1} languages (en, {', '.join(manifest.languages)}).",
        "",
        f"Machine: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.platform()}; server: uvicorn, 1 worker, no access log; wrk runs {args.seconds} s",
        "",
        "```sh",
        f"python -m bench scale --articles {articles} --languages {languages}"
        + (f" --steps {','.join(steps)}" if steps != list(STEPS) else ""),
        f"python -m bench.library /tmp/library --articles {articles} --languages {languages}   # the library alone",
        "```",
    ]
    text = report(rows, notes, header)
    print(text)
    if not args.no_readme:
        write_readme(text)
        print(f"\nwritten to {README}", file=sys.stderr)
    return 0
