"""The export's jobs (a page in a language, a status page, a sitemap part…), and the processes that do them.

A job renders its responses, records what it read (core/inputs.py), and writes its files itself:
worker processes send back only the record, never the bytes.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.content import Page
from ..core.inputs import Input, recording, summarized
from ..core.languages import Language
from ..core.settings import Settings
from ..core.site import Site
from ..core.urls import page_path
from ..render.assets import Asset, load_assets
from ..render.responses import (
    asset_response,
    not_found_response,
    page_response,
    robots_response,
    sitemap_response,
    status_response,
)
from ..render.sitemap import page_groups, part_count, part_path
from ..render.stored import Rendered
from .manifest import LISTED, Decision, Job, JobRecord, Output, Pair
from .table_cache import TableCache

VARIANTS = (("br", ".br"), ("gzip", ".gz"))  # content-coding -> suffix of the file beside the identity body
WHOLE_SITE = ("status", "sitemap")  # jobs that read a language's every catalog, or many pages' publication
TASKS_PER_WORKER = 8  # page jobs are cut into at least this many tasks per worker, so that all finish together
MAX_BATCH = 200  # jobs per task at most: a few seconds of work, then the worker reports back
# A whole-site job (a status page: a language's every catalog, thousands of rows) costs about this many pages.
PAGES_PER_WHOLE_SITE_JOB = 1000
PRELOAD_JOBS = 1000  # from this many pages on, loading every kept catalog costs less than parsing theirs

Exported = list[tuple[str, Rendered]]  # (URL path, rendered response)


class BuildError(RuntimeError):
    """Why a build stopped, in one sentence."""


def file_for(url_path: str) -> str:
    """The file in the export that answers a URL path.

    >>> file_for("/zh-hans/"), file_for("/en/privacy"), file_for("/en/topics/back-ache"), file_for("/robots.txt")
    ('zh-hans/index.html', 'en/privacy.html', 'en/topics/back-ache.html', 'robots.txt')
    """
    path = url_path.lstrip("/")
    if not path or path.endswith("/"):
        return path + "index.html"
    return path if "." in path.rsplit("/", 1)[-1] else path + ".html"


def static_urls(assets: Mapping[str, Asset]) -> dict[str, str]:
    return {name: asset.url for name, asset in assets.items()}


def export_languages(site: Site) -> list[Language]:
    return [language for language in site.languages if not language.is_pseudo]


def list_jobs(site: Site, assets: Mapping[str, Asset]) -> list[Job]:
    """Every job of the export; a page's languages come together, as they read the same catalogs."""
    languages = export_languages(site)
    found: list[Job] = [("status", language.code) for language in languages]
    parts = part_count(site)
    found += [("sitemap",), *(("sitemap", str(number)) for number in range(1, parts + 1) if parts > 1)]
    found += [("page", language.code, page.key) for page in site.every_page() for language in languages]
    found += [("not-found", language.code) for language in languages]
    found += [("not-found",), ("robots",), *(("asset", name) for name in assets), ("favicon",)]
    return found


def describe(job: Job) -> str:
    """A job in words, for an error message.

    >>> describe(("page", "fr", "topics/back-ache")), describe(("status", "de")), describe(("sitemap", "2"))
    ('the page topics/back-ache in fr', 'the status page in de', 'part 2 of the sitemap')
    """
    if job[0] == "page":
        return f"the page {job[2]} in {job[1]}"
    if job[0] in ("status", "not-found") and len(job) > 1:
        return f"the {job[0]} page in {job[1]}"
    if job[0] == "sitemap":
        return f"part {job[1]} of the sitemap" if len(job) > 1 else "the sitemap"
    return {"not-found": "the 404 page", "robots": "robots.txt"}.get(job[0], " ".join(job))


def decide(site: Site, page: Page, language: Language) -> Decision:
    """Whether a page is published in a language, and what that was decided from.

    `is_published` records only its answer (renders depend on the answer, not on how it was
    reached); the export runs without review mode, where the answer is `is_published_for_readers`,
    which records what it reads.
    """
    with recording() as read:
        site.is_published_for_readers(page, language)
    return Decision(site.is_published(page, language), frozenset({("page", page.key), *summarized(read)}))


@dataclass(frozen=True)
class Outcome:
    exported: Exported
    inputs: frozenset[Input]  # everything the job's responses (or its decision to export nothing) read
    decision: Decision | None = None  # a page job's: whether the page is published in the language


def render_job(site: Site, assets: Mapping[str, Asset], job: Job) -> Outcome:
    """What a job exports, and from what. A page is exported only where it is published."""
    kind = job[0]
    if kind == "page":
        language, page = site.language(job[1]), site.page_by_key(job[2])
        if language is None or page is None:  # changed on disk since the build began: the next build sees it
            return Outcome([], frozenset({("pages",), ("page", job[2])}))
        decision = decide(site, page, language)
        # its own page is passed in, not looked up, so it is not recorded by the render itself
        inputs = frozenset({("page", page.key), ("published", language.code, page.key)})
        if not decision.published:
            return Outcome([], inputs, decision)
        response = page_response(site, language, page)
        return Outcome([(page_path(language, page), response)], inputs | response.inputs, decision)
    if kind == "status":
        language = site.language(job[1])
        if language is None:
            return Outcome([], frozenset())
        response = status_response(site, language)
        return Outcome([(f"/{language.url_code}/translation-status", response)], response.inputs | {("pages",)})
    if kind == "not-found":
        language = site.language(job[1]) if len(job) > 1 else site.source
        if language is None:
            return Outcome([], frozenset())
        response = not_found_response(site, language)
        return Outcome([(f"/{language.url_code}/404.html" if len(job) > 1 else "/404.html", response)], response.inputs)
    if kind == "sitemap":
        number = int(job[1]) if len(job) > 1 else 0
        sitemap = sitemap_response(site, number)
        if sitemap is None:  # fewer parts since the build began: the next build sees it
            return Outcome([], frozenset({("pages",)}))
        # Which pages a part lists, where and with what date come from the page list, read without recording.
        groups = page_groups(site)
        shown = groups[number - 1] if number else groups[0] if len(groups) == 1 else []
        inputs = sitemap.inputs | {("pages",)} | {(LISTED, page.key) for page in shown}
        return Outcome([(part_path(number) if number else "/sitemap.xml", sitemap)], inputs)
    if kind == "robots":
        return Outcome([("/robots.txt", robots_response(site))], frozenset())
    if kind == "asset":
        return Outcome([(assets[job[1]].url, asset_response(assets[job[1]]))], frozenset())
    if kind == "favicon":  # the icon itself, as the server answers
        return Outcome([("/favicon.ico", asset_response(assets["favicon.svg"]))], frozenset())
    raise ValueError(f"unknown export job {job!r}")


@dataclass(frozen=True)
class Task:
    """A batch of jobs for one worker, and where their files go."""

    settings: Settings
    root: Path  # the web root being written: public/, or the fresh tree of a full build
    scratch: Path | None  # files are written here, then renamed into place; None: a fresh tree, written directly
    jobs: tuple[tuple[Job, Mapping[str, str]], ...]  # each job with its outputs' digests in the export, by URL
    tables: TableCache | None = None  # given to whole-site tasks, which read every catalog of their languages
    # (every worker loads what is kept when there are such tasks: topic pages read many catalogs too)


@dataclass(frozen=True)
class Done:
    job: Job
    record: JobRecord
    decision: Decision | None
    written: tuple[str, ...]  # the URLs whose files were written (the others were already as rendered)


def make_tasks(
    settings: Settings,
    root: Path,
    scratch: Path | None,
    jobs: Sequence[Job],
    digests: Mapping[Job, Mapping[str, str]],
    workers: int,
    tables: TableCache,
) -> list[Task]:
    """Batches for the workers: the whole-site jobs first, then the pages in order, a page's languages together.

    The whole-site jobs each read every catalog. Among many pages, one worker does them all (reading
    every catalog once) while the others start on the pages; when they are most of the work (an
    incremental build), they are shared out, each worker reading every catalog for its share.
    """
    whole_site = [job for job in jobs if job[0] in WHOLE_SITE]
    rest = [job for job in jobs if job[0] not in WHOLE_SITE]
    shares = workers if len(rest) < PAGES_PER_WHOLE_SITE_JOB * len(whole_site) else 1
    batches = [whole_site[share::shares] for share in range(shares) if whole_site[share::shares]]
    size = max(1, min(MAX_BATCH, -(-len(rest) // (workers * TASKS_PER_WORKER))))
    batches += [rest[start : start + size] for start in range(0, len(rest), size)]
    return [
        Task(
            settings,
            root,
            scratch,
            tuple((job, digests.get(job, {})) for job in batch),
            tables if batch[0][0] in WHOLE_SITE else None,
        )
        for batch in batches
    ]


def run_tasks(
    tasks: list[Task],
    workers: int,
    site: Site,
    assets: Mapping[str, Asset],
    decisions: Mapping[Pair, bool],
    tables: TableCache,
) -> list[Done]:
    """Every task: here with the given site (one worker), or in a pool of processes that load their own.

    `decisions` are the publications already known (by (language, page key)): no worker decides them
    again; nor does any parse a catalog kept in `tables` since it last changed.
    """
    if not tasks:
        return []
    if not any(task.tables for task in tasks) and sum(len(task.jobs) for task in tasks) < PRELOAD_JOBS:
        tables = replace(tables, files={})  # a few pages: parsing their catalogs costs less than loading all
    if workers == 1 or len(tasks) == 1:
        _prepare(site, decisions, tables)
        return [done for task in tasks for done in run_task(task, (site, assets))]
    results: list[Done] = []
    # forkserver: each worker starts from a clean process, not a copy of this one (its threads, its open files)
    context = multiprocessing.get_context("forkserver")
    start = (tasks[0].settings, dict(decisions), tables)
    with ProcessPoolExecutor(min(workers, len(tasks)), context, _start_worker, start) as pool:
        futures: list[Future[list[Done]]] = [pool.submit(run_task, task) for task in tasks]
        wait(futures, return_when=FIRST_EXCEPTION)
        for future in futures:
            error = future.exception()
            if error is not None:
                pool.shutdown(wait=True, cancel_futures=True)
                if isinstance(error, BuildError):
                    raise error
                raise BuildError(f"a worker process failed ({type(error).__name__}: {error})")
            results += future.result()
    return results


def run_task(task: Task, loaded: tuple[Site, Mapping[str, Asset]] | None = None) -> list[Done]:
    """Render and write a batch of jobs, with this process's own Site unless one is given."""
    site, assets = loaded or _worker_site(task.settings)
    done = []
    for job, digests in task.jobs:
        try:
            done.append(run_job(site, assets, task, job, digests))
        except Exception as error:  # noqa: BLE001 - whatever went wrong, say which job and stop the build
            raise BuildError(f"{describe(job)} could not be exported ({type(error).__name__}: {error})") from None
    if task.tables is not None:
        task.tables.keep(site)
    return done


def _start_worker(settings: Settings, decisions: Mapping[Pair, bool], tables: TableCache) -> None:
    site, _assets = _worker_site(settings)
    _prepare(site, decisions, tables)


def _prepare(site: Site, decisions: Mapping[Pair, bool], tables: TableCache) -> None:
    for (code, key), published in decisions.items():
        site.publication.setdefault(code, {})[key] = published
    tables.preload(site)


@functools.cache
def _worker_site(settings: Settings) -> tuple[Site, dict[str, Asset]]:
    """A worker's Site, loaded once from the same settings as the others'."""
    assets = load_assets()
    return Site.load(settings, static_urls=static_urls(assets)), assets


def run_job(site: Site, assets: Mapping[str, Asset], task: Task, job: Job, digests: Mapping[str, str]) -> Done:
    """Render one job and write the files whose bytes changed (in a fresh tree, all of them)."""
    outcome = render_job(site, assets, job)
    outputs, written = [], []
    for url, response in outcome.exported:
        stored = response.stored
        output = Output(url, stored.etag.strip('"'), bool(stored.encoded))  # the etag is the body's SHA-256
        if digests.get(url) != output.digest or not is_present(task.root, [output]):
            target = task.root / file_for(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            for coding, suffix in VARIANTS:
                variant = target.with_name(target.name + suffix)
                if coding in stored.encoded:
                    put(variant, stored.encoded[coding], task.scratch)
                else:
                    variant.unlink(missing_ok=True)
            put(target, stored.body, task.scratch)
            written.append(url)
        outputs.append(output)
    return Done(job, JobRecord(outcome.inputs, tuple(outputs)), outcome.decision, tuple(written))


def put(path: Path, data: bytes, scratch: Path | None) -> None:
    """Write a file; with `scratch`, whole or not at all (written there, then renamed over the old one)."""
    if scratch is None:
        path.write_bytes(data)
        return
    temporary = scratch / secrets.token_hex(12)
    temporary.write_bytes(data)  # not tempfile's: its files are private (0600), and nginx must read these
    os.replace(temporary, path)


def is_present(root: Path, outputs: Iterable[Output]) -> bool:
    """Whether each output's file is there, with exactly the variants it should have."""
    folder = str(root)  # os.path, not pathlib: this runs for every file of the export
    for output in outputs:
        target = os.path.join(folder, file_for(output.url))
        if not os.path.isfile(target):
            return False
        for _coding, suffix in VARIANTS:
            if os.path.isfile(target + suffix) != output.compressed:
                return False
    return True


def remove_outputs(root: Path, outputs: Iterable[Output]) -> set[str]:
    """Delete these outputs' files (and the folders they leave empty); returns their URLs."""
    removed = set()
    for output in outputs:
        target = root / file_for(output.url)
        for path in (target, *(target.with_name(target.name + suffix) for _coding, suffix in VARIANTS)):
            path.unlink(missing_ok=True)
        folder = target.parent
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
        removed.add(output.url)
    return removed
