"""The README documents every setting, and its two commands are the ones CI runs."""

from __future__ import annotations

import dataclasses
import re

from server.core.settings import Settings
from server.tools.cli import build_parser

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    source = (ROOT / "server/core/settings.py").read_text(encoding="utf-8")
    variables = set(re.findall(r'"(SITE_[A-Z_]+)"', source))
    assert len(variables) >= len(dataclasses.fields(Settings))
    for variable in variables:
        assert f"`{variable}`" in README, f"{variable} is not in the README"


def test_every_serve_option_is_documented() -> None:
    options = set(re.findall(r"--[a-z][a-z-]+", build_parser().format_help())) - {"--help"}
    assert "--host" in options
    for option in options:
        assert f"`{option}`" in README, f"{option} is not in the README"


def test_security_md_says_what_the_logs_hold() -> None:
    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    logs = re.search(r"^## Logs\n(.+?)(?=^## |\Z)", security, re.MULTILINE | re.DOTALL)
    assert logs is not None, "SECURITY.md has no Logs section"
    assert "query string" in logs.group(1) and "test_the_access_log_has_the_time_and_no_query_string" in logs.group(1)


def test_ci_runs_the_readmes_test_command() -> None:
    test_command = re.search(r"## Test it\s+```sh\n(.+?)\n```", README, re.DOTALL)
    assert test_command is not None
    ci_lines = (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()
    assert test_command.group(1).strip() in ci_lines


def test_ci_installs_the_readmes_system_packages() -> None:
    readme_line = re.search(r"^apt-get install (.+)$", README, re.MULTILINE)
    assert readme_line is not None
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    for package in readme_line.group(1).split():
        assert re.search(rf"(?<![\w-]){re.escape(package)}(?![\w-])", ci), f".ci/run does not install {package}"


def test_ci_builds_fresh_environments() -> None:
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "rm -rf .venv .venv-latest" in ci and "--system-site-packages" not in ci
    assert "./dev test-latest" in ci


def test_every_lock_pin_is_exact_and_every_direct_dependency_is_locked() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for lock, requirements in (
        ("requirements.lock", project["dependencies"]),
        ("requirements-test.lock", project["dependencies"] + project["optional-dependencies"]["test"]),
    ):
        pins = {}
        for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith((" ", "#")):
                name, _, version = line.partition("==")
                assert version, f"{lock}: {line!r} is not pinned with =="
                pins[name.lower()] = version
        for requirement in requirements:
            name = re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0].lower()
            assert name in pins, f"{name} is declared in pyproject.toml but not locked in {lock}"


def test_every_imported_package_is_declared() -> None:
    import sys
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0].lower().replace("-", "_")
        for requirement in project["dependencies"] + project["optional-dependencies"]["test"]
    }
    import_names = {"markdown_it_py": "markdown_it", "pytest": "_pytest"}
    modules = {import_names.get(name, name) for name in declared} | {"pytest"}
    imported = set()
    for folder in ("server", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            imported |= set(re.findall(r"^\s*(?:from|import) ([a-zA-Z_][\w]*)", source, re.MULTILINE))
    third_party = {
        name for name in imported if name not in sys.stdlib_module_names and name not in ("server", "tests", "bench")
    }
    assert third_party <= modules, f"imported but not declared: {sorted(third_party - modules)}"


def test_no_private_name_of_a_dependency_is_imported() -> None:
    for folder in ("server", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                found = re.match(r"\s*from (babel|starlette|jinja2|uvicorn|markdown_it)[\w.]* import (.+)", line)
                if found:
                    names = [name.strip().split(" as ")[0] for name in found.group(2).strip("()").split(",")]
                    assert not any(name.startswith("_") for name in names if name), f"{path}: {line.strip()}"
