"""Command line: serve (the default), and the commands for translators and deployers."""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..core.reviews import METHODS
from ..core.settings import Settings

# uvicorn restarts for code and assets; catalogs, content and templates are reloaded in
# place by the site itself (SITE_RELOAD), so a translator's edit shows without a restart.
# Without watchfiles, uvicorn polls *.py files only, and warns if given these patterns.
RELOAD_INCLUDES = ["*.py", "*.css", "*.svg"]
CODE_DIR = Path(__file__).resolve().parents[1]  # the whole package: a change to any layer restarts


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach a server bound to `host`.

    >>> [is_loopback(host) for host in ("127.0.0.1", "127.8.9.10", "::1", "localhost", "0.0.0.0", "::", "example.org")]
    [True, True, True, True, False, False, False]
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_or_warn(host: str, settings: Settings, *, strict: bool) -> bool:
    """On a public address, warn about each placeholder setting; with --strict, refuse. True to go on."""
    placeholders = [] if is_loopback(host) else settings.placeholders()
    if strict and placeholders:
        remedies = " and ".join(f"{placeholder.variable} to {placeholder.remedy}" for placeholder in placeholders)
        print(f"error: not serving on {host} with placeholder settings: set {remedies}.", file=sys.stderr)
        return False
    for placeholder in placeholders:
        print(
            f"warning: {placeholder.variable} is left at its default, so {placeholder.consequence}: "
            f"set it to {placeholder.remedy}.",
            file=sys.stderr,
        )
    return True


def reload_notice(settings: Settings, *, has_watchfiles: bool) -> str:
    """The one line --reload logs: what is watched, and what a change to it does."""
    patterns = ", ".join(RELOAD_INCLUDES) if has_watchfiles else "*.py"
    folders = f"{settings.locales_dir}, {settings.content_dir}, {settings.templates_dir}"
    return (
        f"Reloading: a change to {patterns} in {CODE_DIR} restarts the worker; catalogs, content and "
        f"templates ({folders}) are reloaded in place on the next request."
    )


def _add_path_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, help="content folder (SITE_CONTENT_DIR)")
    parser.add_argument("--locales", type=Path, help="locales folder (SITE_LOCALES_DIR)")
    parser.add_argument("--templates", type=Path, help="templates folder (SITE_TEMPLATES_DIR)")


def _settings(args: argparse.Namespace, environ: dict[str, str]) -> Settings:
    """Flags win over environment variables, which win over the defaults."""
    for flag, variable in (
        ("content", "SITE_CONTENT_DIR"),
        ("locales", "SITE_LOCALES_DIR"),
        ("templates", "SITE_TEMPLATES_DIR"),
    ):
        value = getattr(args, flag, None)
        if value is not None:
            environ[variable] = str(value.resolve())
    if getattr(args, "reload", False):
        environ["SITE_RELOAD"] = "1"
    if getattr(args, "pseudo_locales", False):
        environ["SITE_PSEUDO_LOCALES"] = "1"
    if getattr(args, "review", False):
        environ["SITE_REVIEW_MODE"] = "1"
    return Settings.from_env(environ)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="run the web server (the default)")
    for target in (parser, serve):
        target.add_argument("--host", default="127.0.0.1")
        target.add_argument("--port", type=int, default=8000)
        target.add_argument("--workers", type=int, default=1)
        target.add_argument("--reload", action="store_true", help="restart on code changes; show edits at once")
        target.add_argument("--pseudo-locales", action="store_true", help="also serve en-XA and ar-XB")
        target.add_argument(
            "--review",
            action="store_true",
            help="review mode: side-by-side views at /review/LANG/PAGE, unreviewed translations shown",
        )
        target.add_argument(
            "--strict", action="store_true", help="on a public address, refuse to start with placeholder settings"
        )
        _add_path_options(target)
    check = commands.add_parser("check", help="find mistakes in content and catalogs (exit 1 on errors)")
    stats = commands.add_parser("stats", help="translation status per language and page")
    stats.add_argument("language", nargs="?", help="only this language, e.g. pt_BR or pt-BR")
    stats.add_argument("--all", action="store_true", dest="every_page", help="list every page, also finished ones")
    extract = commands.add_parser(
        "extract", help="extract messages into the templates (.pot) only; update does this too"
    )
    extract.add_argument("--all", action="store_true", dest="everything", help="extract every page, changed or not")
    update = commands.add_parser("update", help="extract messages and update every language's catalogs")
    update.add_argument(
        "--all",
        action="store_true",
        dest="everything",
        help="extract every page and update every catalog, not only those whose English changed "
        "(after upgrading Babel or changing how pages are parsed)",
    )
    init = commands.add_parser("init", help="start a new language, e.g. `init pt_BR`")
    init.add_argument("locale", help="POSIX locale name for the folder under locales/, e.g. pt_BR or zh_Hant")
    compile_ = commands.add_parser("compile", help="check, then write .mo files for other gettext tools")
    record = commands.add_parser("review", help="record a review of a page's translation against its current English")
    record.add_argument("language", help="the language reviewed, e.g. pt_BR or pt-BR")
    record.add_argument("page", help="the page's slug, e.g. back-pain-miscarriage, or topics/back-ache")
    record.add_argument("--reviewer", required=True, help="a role or initials (no personal data), e.g. BT-2")
    record.add_argument(
        "--method",
        action="append",
        required=True,
        choices=sorted(METHODS),
        help="how it was reviewed; repeat for several",
    )
    record.add_argument("--notes", default="", help="what was checked and changed, in one line")
    build = commands.add_parser("build", help="write the whole site as static files, for a CDN or nginx")
    build.add_argument("out", type=Path, help="output folder: OUT/public is the web root")
    for command in (check, stats, extract, update, init, compile_, build, record):
        _add_path_options(command)
    return parser


def run_check(settings: Settings) -> int:
    from .check import check_all

    problems = check_all(settings)
    for problem in problems:
        print(problem)
    errors = sum(problem.is_error for problem in problems)
    print(f"{errors} error{'s' if errors != 1 else ''} found" if errors else "no problems found")
    return 1 if errors else 0


def run_stats(settings: Settings, language: str | None, every_page: bool = False) -> int:
    from ..core.site import Site
    from ..core.stats import format_status, translation_status

    site = Site.load(settings)
    statuses = translation_status(site)
    if language is not None:
        wanted = language.replace("_", "-").lower()  # a folder name under locales/, or a BCP 47 tag
        chosen = [status for status in statuses if status.code.lower() == wanted]
        if not chosen:
            codes = ", ".join(status.code for status in statuses) or "none"
            print(f"error: the site has no translation into {language!r}; its translations are: {codes}.")
            return 2
        statuses = chosen
    print(format_status(statuses, every_page=every_page))
    return 0


def run_build(settings: Settings, out: Path) -> int:
    from .export import BuildError, build

    try:
        summary = build(settings, out)
    except (BuildError, ValueError, OSError) as error:  # ValueError: a broken content file or template
        print(f"error: {error}")
        return 1
    print(summary.line())
    return 0


def run_workflow(args: argparse.Namespace, settings: Settings) -> int:
    from .workflow import WorkflowError, compile_catalogs, extract, init, update

    try:
        if args.command == "extract":
            found = extract(
                settings.locales_dir, settings.content_dir, settings.templates_dir, everything=args.everything
            )
            for path in sorted(found.written):
                print(f"{path}: written")
            for path in found.removed:
                print(f"{path}: removed (its page is gone)")
            unchanged = len(found.pages) + 1 - len(found.written)  # every page's template and the interface's
            print(f"{unchanged} templates up to date; `python -m server update` brings the catalogs up to date")
        elif args.command == "update":
            summary = update(
                settings.locales_dir,
                content_dir=settings.content_dir,
                templates_dir=settings.templates_dir,
                everything=args.everything,
            )
            for line in summary.lines():
                print(line)
        elif args.command == "init":
            summary = init(
                settings.locales_dir,
                args.locale,
                content_dir=settings.content_dir,
                templates_dir=settings.templates_dir,
            )
            for line in summary.lines():
                print(line)
            print("next: translate these files, then run `python -m server check` (see TRANSLATING.md)")
        elif args.command == "compile":
            if run_check(settings):
                print("error: not compiling: fix the problems above first")
                return 1
            for line in compile_catalogs(settings.locales_dir):
                print(line)
    except WorkflowError as error:
        print(f"error: {error}")
        return 1
    return 0


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..web.logs import log_config

    environ = dict(os.environ)
    try:
        settings = _settings(args, environ)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not refuse_or_warn(args.host, settings, strict=args.strict):
        return 2
    os.environ.update({key: value for key, value in environ.items() if key.startswith("SITE_")})
    from ..web.app import create_app

    try:
        app = create_app(settings)  # fail here, in one sentence, rather than in every worker
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.reload:
        has_watchfiles = importlib.util.find_spec("watchfiles") is not None  # as uvicorn chooses its reloader
        uvicorn.run(
            "server.web.app:create_app",  # reloading needs an import string
            factory=True,
            host=args.host,
            port=args.port,
            reload=True,
            reload_includes=RELOAD_INCLUDES if has_watchfiles else None,
            reload_dirs=[str(CODE_DIR)],
            server_header=False,
            log_config=log_config(reload_notice(settings, has_watchfiles=has_watchfiles)),
        )
        return 0
    if args.workers > 1:
        # Each worker imports the app and reads the same SITE_* variables.
        uvicorn.run(
            "server.web.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            server_header=False,
            log_config=log_config(),
        )
        return 0
    uvicorn.run(app, host=args.host, port=args.port, server_header=False, log_config=log_config())
    return 0


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "serve"):
        return serve(args)
    try:
        settings = _settings(args, dict(os.environ))
    except ValueError as error:
        print(f"error: {error}")
        return 2
    if args.command == "check":
        return run_check(settings)
    if args.command == "stats":
        return run_stats(settings, args.language, args.every_page)
    if args.command == "build":
        return run_build(settings, args.out)
    if args.command == "review":
        from .recording import RecordError, record_review

        try:
            print(record_review(settings, args.language, args.page, args.reviewer, args.method, args.notes))
        except RecordError as error:
            print(f"error: {error}")
            return 2
        return 0
    return run_workflow(args, settings)
