"""`python -m server build OUT/`: the whole site as files, byte for byte what the server sends.

Parallel: the export is cut into jobs (export_jobs.py), which worker processes, each with its own
Site, render and write. Incremental: OUT/.build-manifest.json (manifest.py) records what each job
read; the next build redoes only the jobs whose inputs changed, and deletes what is no longer
exported. When what every render reads changed (templates, code, settings), or there is no usable
manifest, the whole export is written beside the previous one and takes its place once complete.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from babel.core import get_global

from ..core.languages import Language
from ..core.policy import COOKIE_MAX_AGE, LANGUAGE_COOKIE, security_headers
from ..core.settings import Settings
from ..core.site import Site
from ..render.assets import Asset, load_assets
from .export_jobs import (
    BuildError,
    Done,
    decide,
    export_languages,
    is_present,
    list_jobs,
    make_tasks,
    remove_outputs,
    run_tasks,
    static_urls,
)
from .manifest import (
    MANIFEST,
    Decision,
    InputDigests,
    Job,
    JobRecord,
    Manifest,
    Pair,
    clear_unsure,
    code_digest,
    everything_digest,
    mark_unsure,
)
from .table_cache import TableCache

PUBLIC = "public"  # the web root inside OUT/
NGINX = "nginx"  # generated nginx includes inside OUT/
FRESH = "public.new"  # a full build is written here, then renamed to public/
REPLACED = "public.old"  # the previous public/ while the fresh one takes its place
SCRATCH = ".build-scratch"  # files being written, renamed into public/ once whole: on the same file system
LOCK = ".build-lock"  # held by the build writing to OUT/
# Every catalog of a large library stays parsed (a few kB each): the server's bound would parse them again and again.
BUILD_CATALOG_CACHE = 1_000_000

__all__ = ["PUBLIC", "BuildError", "Summary", "build", "nginx_include"]


@dataclass(frozen=True)
class Summary:
    """What a build did; `line()` is what the command prints."""

    exported: int  # URLs in the export
    written: frozenset[str]  # URLs whose files were written
    rendered: frozenset[str]  # URLs rendered again (and written, or found byte for byte as they were)
    removed: frozenset[str]  # URLs no longer exported, whose files were deleted
    full: bool  # everything was rendered: no usable manifest, or what every render reads changed
    seconds: float

    def line(self) -> str:
        written, removed = len(self.written), len(self.removed)
        return (
            f"{written} files written, {self.exported - written} unchanged, {removed} removed in {self.seconds:.1f} s"
        )


def build(settings: Settings, out: Path, *, workers: int | None = None) -> Summary:
    """Write the export to OUT/public (with .gz and .br variants) and its nginx maps to OUT/nginx.

    Raises BuildError, or ValueError for a content file or template the site cannot load; OUT/public
    is then as it was, or holds some files already brought up to date, each one whole.
    """
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    with _only_build(out):
        return _build(settings, out, workers or os.cpu_count() or 1, started)


@contextlib.contextmanager
def _only_build(out: Path) -> Iterator[None]:
    """Hold OUT/.build-lock while building: two builds writing one export would each undo the other's work."""
    with (out / LOCK).open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build is writing to {out}; try again once it has finished") from None
        yield  # the lock goes with the file's closing


def _build(settings: Settings, out: Path, workers: int, started: float) -> Summary:
    # For readers: reviewed pages only. Every catalog, once parsed, stays parsed for the whole build.
    settings = replace(settings, review_mode=False, catalog_cache=max(settings.catalog_cache, BUILD_CATALOG_CACHE))
    assets = load_assets()
    site = Site.load(settings, static_urls=static_urls(assets))
    everything = everything_digest(site)
    _tidy(out)
    public = out / PUBLIC
    previous = Manifest.load(out)
    full = previous is None or previous.everything != everything or not public.is_dir()
    digests = InputDigests(site, None if full else previous)
    digests.snapshot()  # before anything renders: a file edited during the build differs next time
    wanted = list_jobs(site, assets)
    if previous is None or full:
        previous = Manifest(everything, {}, {}, {}, {})
        root, scratch, stale, removed = out / FRESH, None, wanted, set()
        decisions: dict[Pair, Decision] = {}
        root.mkdir()
    else:
        root, scratch = public, out / SCRATCH
        decisions = _decisions(site, previous, digests)
        stale = _stale(previous, wanted, digests, public)
        gone = previous.jobs.keys() - set(wanted)
        removed = remove_outputs(public, [output for job in gone for output in previous.jobs[job].outputs])
        if stale:
            mark_unsure(out, stale)  # stopped from here on, the next build redoes them
        scratch.mkdir()
    try:
        tables = TableCache.open(out, code_digest(), digests.catalog_files())
        tasks = make_tasks(settings, root, scratch, stale, _output_digests(previous, stale), workers, tables)
        known = {pair: decision.published for pair, decision in decisions.items()}
        done = run_tasks(tasks, workers, site, assets, known, tables)
    except BuildError as error:
        if full:
            shutil.rmtree(root, ignore_errors=True)
        kept = "is as it was" if full else "holds only whole files, and the next build redoes the rest"
        raise BuildError(f"{error}; {public} {kept}") from None
    manifest = _manifest(previous, wanted, done, decisions, digests, export_languages(site))
    if not full:  # a page no longer published, a sitemap in fewer parts
        exported = {output.url for record in manifest.jobs.values() for output in record.outputs}
        before = [output for job in stale if job in previous.jobs for output in previous.jobs[job].outputs]
        removed |= remove_outputs(public, [output for output in before if output.url not in exported])
    _put_if_changed(out / NGINX / "site-maps.conf", nginx_include(site, assets).encode("utf-8"))
    if full:
        (out / MANIFEST).unlink(missing_ok=True)
        if public.is_dir():
            public.rename(out / REPLACED)
        root.rename(public)
    if manifest != previous:
        manifest.save(out)
    clear_unsure(out)
    _tidy(out)
    return Summary(
        exported=sum(len(record.outputs) for record in manifest.jobs.values()),
        written=frozenset(url for finished in done for url in finished.written),
        rendered=frozenset(output.url for finished in done for output in finished.record.outputs),
        removed=frozenset(removed),
        full=full,
        seconds=time.monotonic() - started,
    )


def _decisions(site: Site, previous: Manifest, digests: InputDigests) -> dict[Pair, Decision]:
    """Whether each page is published in each language: as recorded, unless what decided it changed."""
    changed = {item for item, digest in previous.digests.items() if item[0] != "published" and digests(item) != digest}
    decisions = {}
    for language in export_languages(site):
        for page in site.every_page():
            pair = (language.code, page.key)
            recorded = previous.decisions.get(pair)
            if recorded is not None and recorded.inputs.isdisjoint(changed):
                decisions[pair] = recorded
            else:
                decisions[pair] = decide(site, page, language)
            digests.decisions[pair] = decisions[pair].published
    return decisions


def _stale(previous: Manifest, wanted: list[Job], digests: InputDigests, public: Path) -> list[Job]:
    """The jobs to do again: new ones, those with an input that changed, and those whose files are missing."""
    changed = {item for item, digest in previous.digests.items() if digests(item) != digest}
    stale = []
    for job in wanted:
        record = previous.jobs.get(job)
        if record is None or not record.inputs.isdisjoint(changed) or not is_present(public, record.outputs):
            stale.append(job)
    return stale


def _output_digests(previous: Manifest, jobs: list[Job]) -> dict[Job, dict[str, str]]:
    """The digest of each output of these jobs now in the export: a job rendering the same bytes leaves it alone."""
    return {
        job: {output.url: output.digest for output in previous.jobs[job].outputs}
        for job in jobs
        if job in previous.jobs
    }


def _manifest(
    previous: Manifest,
    wanted: list[Job],
    done: list[Done],
    decisions: Mapping[Pair, Decision],
    digests: InputDigests,
    languages: list[Language],
) -> Manifest:
    """The manifest of the export now: the jobs done, and the others as they were recorded."""
    jobs: dict[Job, JobRecord] = {job: previous.jobs[job] for job in wanted if job in previous.jobs}
    made = dict(decisions)
    for finished in done:
        jobs[finished.job] = finished.record
        if finished.decision is not None:
            made[(finished.job[1], finished.job[2])] = finished.decision
    digests.decisions.update((pair, decision.published) for pair, decision in made.items())
    inputs = {item for record in jobs.values() for item in record.inputs}
    inputs |= {item for decision in made.values() for item in decision.inputs}
    review_files = {language.code: digests.review_file(language.code) for language in languages}
    return Manifest(previous.everything, {item: digests(item) for item in inputs}, jobs, made, review_files)


def _put_if_changed(path: Path, data: bytes) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.read_bytes() == data:
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    temporary.write_bytes(data)  # readable by nginx's workers, as tempfile's private files are not
    os.replace(temporary, path)


def _tidy(out: Path) -> None:
    """Clear what an interrupted build left: scratch files, a half-written fresh tree, a replaced one."""
    if not (out / PUBLIC).exists() and (out / REPLACED).is_dir():
        (out / REPLACED).rename(out / PUBLIC)  # stopped between the two renames of a full build
    for leftover in (SCRATCH, FRESH, REPLACED):
        shutil.rmtree(out / leftover, ignore_errors=True)
    for temporary in (*out.glob(".manifest-*"), *out.glob(".unsure-*")):
        temporary.unlink(missing_ok=True)


SUBTAG = "[a-z0-9]{1,8}"  # BCP 47 subtags are at most 8 characters; bounded, so nothing can run on
# A q-value other than 0, as RFC 9110 spells it (at most three decimals): q=0 means "not this one".
ACCEPTABLE_QUALITY = r"(?:\s*;\s*q=(?:1(?:\.0{0,3})?|0\.(?:[1-9][0-9]{0,2}|0[1-9][0-9]?|00[1-9])))?"


def nginx_include(site: Site, assets: dict[str, Asset]) -> str:
    """The maps deploy/nginx.conf needs, generated from the site's own languages and settings."""
    languages = [language for language in site.languages if not language.is_pseudo]
    source = site.source.url_code
    codes = "|".join(re.escape(language.url_code) for language in languages)
    sections = [
        "# Generated by `python -m server build`; included by deploy/nginx.conf.",
        _map("$cookie_site_language", "$chosen_language", {lang.code: lang.url_code for lang in languages}, '""'),
        _accept_language_map(languages),
        _map(
            "$first_accepted",
            "$negotiated_language",
            {f"~*^{re.escape(lang.locale.language)}(?:-|$)": lang.url_code for lang in languages},
            source,
        ),
        # The language of a URL, for its 404 page; a switcher link's is the language it names.
        _map("$uri", "$page_language", {f"~^/(?:choose-language/)?(?<code>{codes})/": "$code"}, source),
        _map("$page_language", "$content_language", {lang.url_code: lang.code for lang in languages}),
        _map("$chosen", "$language_cookie", {lang.url_code: _quoted(_cookie(site, lang)) for lang in languages}, '""'),
        _map("$rest", "$is_site_page", {_quoted(path): "1" for path in _switcher_paths(site)}, '""'),
        # `map ""`: a constant; an empty value means nginx sends no header at all.
        _map('""', "$strict_transport_security", {}, _quoted(_https_only(site, "Strict-Transport-Security"))),
    ]
    return "\n\n".join(sections) + "\n"


def _map(source: str, variable: str, entries: dict[str, str], default: str | None = None) -> str:
    lines = [f"map {source} {variable} {{"]
    if default is not None:
        lines.append(f"    default {default};")
    lines += [f"    {key} {value};" for key, value in entries.items()]
    return "\n".join([*lines, "}"])


def _quoted(value: str) -> str:
    """A map key or value in double quotes, where nginx keeps a regex's `\\s` and `\\.` as they are."""
    if re.search(r"\"|\\[\\'\"trn]", value):  # nginx would end the string there, or unescape these
        raise ValueError(f"not quotable for nginx as it stands: {value}")
    return f'"{value}"'


def _accept_language_map(languages: list[Language]) -> str:
    """The first supported language in header order, skipping q=0; the app also weighs q-values.

    Unanchored and without nested quantifiers, so PCRE tries each comma once: linear in the
    header, where `^(?:[^,]*,\\s*)*?` backtracked exponentially in the number of commas.
    """
    alternatives = []
    for language in languages:
        base = re.escape(language.locale.language)
        if language.locale.script:
            others = "|".join(_other_script_subtags(language.locale.language, language.locale.script))
            alternatives.append(f"{base}(?:-(?!(?:{others})(?:-|;|,|\\s|$)){SUBTAG})*")
        else:
            alternatives.append(f"{base}(?:-{SUBTAG})*")
    pattern = f"(?:^|,)\\s*(?<tag>{'|'.join(alternatives)}){ACCEPTABLE_QUALITY}\\s*(?:,|$)"
    return _map("$http_accept_language", "$first_accepted", {_quoted("~*" + pattern): "$tag"}, '""')


def _cookie(site: Site, language: Language) -> str:
    """The Set-Cookie value the app sends for a choice (Starlette's attribute order)."""
    secure = "; Secure" if site.settings.behind_https else ""
    return f"{LANGUAGE_COOKIE}={language.code}; HttpOnly; Max-Age={COOKIE_MAX_AGE}; Path=/; SameSite=lax{secure}"


def _switcher_paths(site: Site) -> list[str]:
    """What may follow /choose-language/{lang}/: the site's pages, as the app's routes accept them."""
    paths = [""]
    paths += [slug for slug, page in site.pages.items() if page.kind != "home"]
    paths += [f"topics/{slug}" for slug in site.topics]
    return paths


def _https_only(site: Site, header: str) -> str:
    """The app's value of a header it sends only behind HTTPS, or "" (nginx then sends none)."""
    return security_headers(site.settings.behind_https).get(header, "")


def _other_script_subtags(language: str, script: str) -> list[str]:
    """Subtags that make `language` another script: zh-TW, zh-HK, zh-Hant are not zh-Hans."""
    likely = get_global("likely_subtags")
    others = set()
    for key, value in likely.items():
        parts = key.split("_")
        if len(parts) == 2 and parts[0] == language and f"_{script}_" not in f"{value}_":
            others.add(parts[1].lower())
    return sorted(others)
