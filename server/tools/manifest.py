"""The build manifest: what each exported file was made from, so that the next build redoes only what changed.

Each job of the export (a page in a language, a status page, the sitemaps…) is recorded with the
inputs its render read (core/inputs.py) and the digest of each input's value then; a digest of
everything every render depends on (templates, assets, code, settings) stands beside them. An
input's digest is computed from its files, without parsing them, so comparing costs little more
than reading them. Publication is the one input decided rather than read: each decision is kept
with what it was decided from, and decided again only when one of those changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
import sys
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

from ..core.catalogs import catalog_path, page_catalog_path, page_template_path, template_path
from ..core.inputs import FULL_LENGTH, Input
from ..core.reviews import reviews_path
from ..core.site import Site

MANIFEST = ".build-manifest.json"  # in OUT/, beside public/: never served
UNSURE_FILE = ".build-unsure.json"  # the jobs a build is redoing, until it has written the manifest
FORMAT = 1  # bumped when the manifest's layout or meaning changes: an older one then means a full build
# Libraries whose version can change the bytes of an export: rendering, Markdown, compression.
OUTPUT_LIBRARIES = ("babel", "jinja2", "markupsafe", "markdown-it-py", "brotli", "starlette")
# Settings that only tune a running server: changing them changes no exported byte.
SERVER_ONLY_SETTINGS = ("reload", "reload_interval", "debug", "cache_dir", "store_bytes", "catalog_cache")
INTERFACE = "interface"  # the catalog domain of templates' strings (catalogs.DOMAINS)
ABSENT = b"\0absent"  # what a missing file hashes as: distinct from every file's bytes, empty ones included

Job = tuple[str, ...]  # ("page", code, key), ("status", code), ("sitemap", part)… (export_jobs.list_jobs)
# Recorded among a job's inputs while it is being redone, with a digest no input ever has: a build
# interrupted then leaves the job to be redone by the next, even if its inputs changed back meanwhile.
UNSURE: Input = ("unsure",)
UNKNOWN = ""  # the digest of a file whose bytes are not known: no body has it
# An input of the export's own: where a page stands in the page list, its URL and its date, as a sitemap
# part lists it (the sitemap reads the list unrecorded; the rest of the page's Markdown does not show).
LISTED = "listed"
KEY = "\0key\0"  # stands for the page key in a catalog path made once per language


@dataclass(frozen=True)
class Output:
    """One exported URL: the digest of its body, and whether .gz and .br variants lie beside it."""

    url: str
    digest: str
    compressed: bool


@dataclass(frozen=True)
class JobRecord:
    inputs: frozenset[Input]
    outputs: tuple[Output, ...]


@dataclass(frozen=True)
class Decision:
    """Whether a page is published in a language, and the inputs that decided it."""

    published: bool
    inputs: frozenset[Input]


Pair = tuple[str, str]  # (language code, page key)


@dataclass(frozen=True)
class Manifest:
    everything: str  # digest of what every render depends on: when it differs, nothing recorded holds
    digests: Mapping[Input, str]  # each recorded input's digest when its jobs ran
    jobs: Mapping[Job, JobRecord]
    decisions: Mapping[Pair, Decision]
    # language code -> digest of its reviews.toml: while it is the same, its records' digests are too
    review_files: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def load(cls, out: Path) -> Manifest | None:
        """The manifest of the export in `out`, or None if there is none that this code can read."""
        try:
            data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return None
            inputs = [tuple(item) for item, _digest in data["inputs"]]
            digests = {inputs[index]: digest for index, (_item, digest) in enumerate(data["inputs"])}
            jobs = {
                tuple(job): JobRecord(
                    frozenset(map(inputs.__getitem__, indexes)),
                    tuple(Output(url, digest, compressed) for url, digest, compressed in outputs),
                )
                for job, indexes, outputs in data["jobs"]
            }
            decisions = {
                (code, key): Decision(published, frozenset(map(inputs.__getitem__, indexes)))
                for code, key, published, indexes in data["decisions"]
            }
            unsure = {tuple(job) for job in _unsure_jobs(out)} & jobs.keys()
            if unsure:
                jobs = {job: _unsure(record) if job in unsure else record for job, record in jobs.items()}
                digests[UNSURE] = "unsure"
            return cls(data["everything"], digests, jobs, decisions, data["review_files"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            return None  # damaged or from another version: the build starts afresh

    def save(self, out: Path) -> None:
        """Write the manifest atomically: a reader sees the old one or the new one, never half of one."""
        recorded = {item for record in self.jobs.values() for item in record.inputs}
        table = sorted(recorded | {item for decision in self.decisions.values() for item in decision.inputs})
        index = {item: number for number, item in enumerate(table)}
        data = {
            "format": FORMAT,
            "everything": self.everything,
            "inputs": [[list(item), self.digests[item]] for item in table],
            "jobs": [
                [
                    list(job),
                    list(map(index.__getitem__, record.inputs)),
                    [[output.url, output.digest, output.compressed] for output in record.outputs],
                ]
                for job, record in sorted(self.jobs.items())
            ],
            "decisions": [
                [code, key, decision.published, list(map(index.__getitem__, decision.inputs))]
                for (code, key), decision in sorted(self.decisions.items())
            ],
            "review_files": dict(self.review_files),
        }
        temporary = out / f".manifest-{secrets.token_hex(6)}"
        temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, out / MANIFEST)


def mark_unsure(out: Path, jobs: Iterable[Job]) -> None:
    """Note, before redoing these jobs, that their files may be old or new: until the manifest is written
    again, loading it marks them to be redone, whatever their inputs are then."""
    temporary = out / f".unsure-{secrets.token_hex(6)}"
    temporary.write_text(json.dumps([list(job) for job in jobs]), encoding="utf-8")
    os.replace(temporary, out / UNSURE_FILE)


def clear_unsure(out: Path) -> None:
    (out / UNSURE_FILE).unlink(missing_ok=True)


def _unsure_jobs(out: Path) -> list[list[str]]:
    try:
        found = json.loads((out / UNSURE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    if not isinstance(found, list):
        raise ValueError(f"{out / UNSURE_FILE} is not a list of jobs")
    return found


def _unsure(record: JobRecord) -> JobRecord:
    """A job being redone: done again by the next build whatever its inputs, and its files rewritten,
    as their bytes are no longer known (the URLs stay, for deleting those no longer exported)."""
    return JobRecord(record.inputs | {UNSURE}, tuple(replace(output, digest=UNKNOWN) for output in record.outputs))


def _sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:32]


def _read(path: Path | str) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read()
    except FileNotFoundError:
        return ABSENT


class InputDigests:
    """The current digest of each input (inputs.py), computed from the files that hold it.

    `("page", key)`: the page's Markdown; `("catalog", code, key)`: the page's .po in that language
    and its template .pot; `("review", code, key)`: the page's latest review record;
    `("interface", code)`: the language's interface.po; `("pages",)`: which pages exist;
    `("published", code, key)`: the decision, from `decisions` or else decided now. A shorter
    input (`("catalog",)`) stands for every input it begins: its digest covers all of theirs.
    """

    def __init__(self, site: Site, previous: Manifest | None = None) -> None:
        """With `previous`, the records of a reviews.toml unchanged since are not parsed again."""
        self.site = site
        self.previous = previous
        self.decisions: dict[Pair, bool] = {}  # known publication, by (language, page key)
        self._paths = {page.key: Path(page.path) for page in site.every_page()}
        self._files: dict[str, str] = {}
        self._catalogs: dict[Pair, str] = {}  # the path of each page catalog
        self._review_files: dict[str, str] = {}  # language code -> digest of its reviews.toml
        self._templates: dict[str, str] = {}  # page key -> digest of its template (.pot)
        self._catalog_folders: dict[str, str] = {}  # language code -> its page catalogs' path, KEY for the key
        self._known: dict[Input, str] = {}
        self._universe: list[Input] | None = None
        self._prefixes: dict[Input, list[Input]] | None = None
        self._positions: dict[str, int] | None = None  # page key -> its place in the page list

    def snapshot(self) -> None:
        """Compute every input read from a file now, before anything renders: a file edited during the build
        then differs from its recorded digest, and the next build redoes what it touched."""
        for language in self.site.languages:
            self.review_file(language.code)  # first: its records are read after it, never before
        for item in self.universe():
            if item[0] != "published":
                self(item)

    def _beginning(self, prefix: Input) -> list[Input]:
        """The full-length inputs that begin with `prefix`: ("catalog", "de") stands for German's every catalog."""
        if self._prefixes is None:
            self._prefixes = {}
            for item in self.universe():
                for end in range(1, len(item)):
                    self._prefixes.setdefault(item[:end], []).append(item)
        return self._prefixes.get(prefix, [])

    def universe(self) -> list[Input]:
        """Every full-length input of the site, in a stable order."""
        if self._universe is None:
            self._universe = self._list_universe()
        return self._universe

    def _list_universe(self) -> list[Input]:
        keys = sorted(self._paths)
        codes = [language.code for language in self.site.languages]
        items: list[Input] = [("pages",)]
        items += [("page", key) for key in keys]
        items += [("interface", code) for code in codes]
        items += [("catalog", code, key) for code in codes for key in keys]
        items += [("review", code, key) for code in codes for key in keys]
        items += [("published", code, key) for code in codes for key in keys]
        return items

    def __call__(self, item: Input) -> str:
        found = self._known.get(item)
        if found is None:
            found = self._known[item] = self._compute(item)
        return found

    def _compute(self, item: Input) -> str:
        kind = item[0]
        if kind == LISTED and len(item) == 2:
            return self._listed(item[1])
        if item == UNSURE or kind not in FULL_LENGTH:  # a kind this code does not know: redo what read it
            return "to be redone " + secrets.token_hex(8)
        if len(item) < FULL_LENGTH[kind]:
            return _sha(*(self(full).encode() for full in self._beginning(item)))
        site = self.site
        if item == ("pages",):
            return _sha("\n".join(sorted(self._paths)).encode())
        if kind == "page":
            return self.file(self._paths[item[1]]) if item[1] in self._paths else _sha(ABSENT)
        language = site.language(item[1])
        if language is None:
            return _sha(ABSENT, *(part.encode() for part in item))  # a language the site no longer has
        if kind == "interface":
            return self.file(catalog_path(site.settings.locales_dir, language.catalog_name, INTERFACE))
        if kind == "catalog":
            key = item[2]
            template = self._templates.get(key) or self._templates.setdefault(
                key, self.file(page_template_path(site.settings.locales_dir, key))
            )
            if language.is_pseudo:  # made from the page's English, not from a file
                return _sha(self(("page", key)).encode(), template.encode())
            catalog = self.file(self.catalog_path(language.code, key))
            return _sha(catalog.encode(), template.encode())
        if kind == "published":
            return "published" if self._published(language.code, item[2]) else "not published"
        if kind == "review":
            previous = self.previous
            if previous is not None and item in previous.digests:
                if previous.review_files.get(language.code) == self.review_file(language.code):
                    return previous.digests[item]
            review = site.reviews.get(language.code, {}).get(item[2])
            if review is None:
                return _sha(ABSENT)
            compared = [getattr(review, f.name) for f in dataclasses.fields(review) if f.compare]  # not its line
            return _sha(repr(compared).encode())
        raise ValueError(f"unknown kind of input: {item!r}")

    def _listed(self, key: str) -> str:
        if self._positions is None:
            self._positions = {page.key: number for number, page in enumerate(self.site.every_page())}
        page = self.site.page_by_key(key)
        if page is None:
            return _sha(ABSENT)
        return _sha(repr((self._positions.get(key), page.kind, page.slug, page.reviewed)).encode())

    def review_file(self, code: str) -> str:
        """The digest of a language's reviews.toml."""
        found = self._review_files.get(code)
        if found is None:
            language = self.site.language(code)
            path = reviews_path(self.site.settings.locales_dir, language.catalog_name) if language else None
            found = self._review_files[code] = self.file(path) if path else ""
        return found

    def _published(self, code: str, key: str) -> bool:
        found = self.decisions.get((code, key))
        if found is None:
            language, page = self.site.language(code), self.site.page_by_key(key)
            found = self.decisions[(code, key)] = (
                language is not None and page is not None and self.site.is_published(page, language)
            )
        return found

    def catalog_path(self, code: str, key: str) -> str:
        """The path of a page's catalog in a language (of a language the site has)."""
        found = self._catalogs.get((code, key))
        if found is None:
            folder = self._catalog_folders.get(code)
            if folder is None:  # made by page_catalog_path once per language, which stays the one place that knows
                language = self.site.language(code)
                if language is None:
                    raise ValueError(f"the site has no language {code!r}")
                locales = self.site.settings.locales_dir
                folder = self._catalog_folders[code] = str(page_catalog_path(locales, language.catalog_name, KEY))
            found = self._catalogs[(code, key)] = folder.replace(KEY, key)
        return found

    def catalog_files(self) -> dict[tuple[str, ...], tuple[str, str]]:
        """(path, digest) of each page catalog and template there is, named as the site's catalogs name them:
        ("table", language, page key) and ("template", page key)."""
        found: dict[tuple[str, ...], tuple[str, str]] = {}
        for key in self._paths:
            path = str(page_template_path(self.site.settings.locales_dir, key))
            if self.file(path) != ABSENT_DIGEST:
                found[("template", key)] = (path, self.file(path))
        for language in self.site.languages:
            if language.code != self.site.source.code and not language.is_pseudo:
                for key in self._paths:
                    path = self.catalog_path(language.code, key)
                    if self.file(path) != ABSENT_DIGEST:
                        found[("table", language.code, key)] = (path, self.file(path))
        return found

    def file(self, path: Path | str) -> str:
        """A file's digest, read once per build."""
        name = str(path)
        found = self._files.get(name)
        if found is None:
            found = self._files[name] = file_digest(name)
        return found


def file_digest(path: Path | str) -> str:
    return _sha(_read(path))


def code_digest() -> str:
    """A digest of the package's files: its code and static assets."""
    package = Path(__file__).resolve().parents[1]
    return _sha(*_folder_parts(package))


def _folder_parts(folder: Path) -> list[bytes]:
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts += [str(path.relative_to(folder)).encode(), _read(path)]
    return parts


def everything_digest(site: Site) -> str:
    """A digest of what every render depends on: the code, the libraries that make the bytes, the settings
    that show in the output, the languages, the templates and the interface template. The package's files
    are the code and the static assets."""
    settings = site.settings
    shown = {
        field.name: repr(getattr(settings, field.name))
        for field in dataclasses.fields(settings)
        if field.name not in SERVER_ONLY_SETTINGS
    }
    parts = [
        f"format {FORMAT}".encode(),
        code_digest().encode(),
        f"python {sys.version_info[:2]} zlib {zlib.ZLIB_RUNTIME_VERSION}".encode(),
        repr([(name, _version(name)) for name in OUTPUT_LIBRARIES]).encode(),
        repr(sorted(shown.items())).encode(),
        repr([language.code for language in site.languages]).encode(),
        _read(template_path(settings.locales_dir, INTERFACE)),
    ]
    return _sha(*parts, *_folder_parts(settings.templates_dir))


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


ABSENT_DIGEST = _sha(ABSENT)  # a missing file's
