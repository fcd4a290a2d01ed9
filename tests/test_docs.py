"""The README documents every setting, and its two commands are the ones CI runs."""

from __future__ import annotations

import dataclasses
import re

from server.settings import Settings

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    source = (ROOT / "server/settings.py").read_text(encoding="utf-8")
    variables = set(re.findall(r'"(SITE_[A-Z_]+)"', source))
    assert len(variables) >= len(dataclasses.fields(Settings))
    for variable in variables:
        assert f"`{variable}`" in README, f"{variable} is not in the README"


def test_ci_runs_the_readmes_test_command() -> None:
    test_command = re.search(r"## Test it\s+```sh\n(.+?)\n```", README, re.DOTALL)
    assert test_command is not None
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert ci.rstrip().endswith(test_command.group(1).strip())
    assert "apt-get update" in ci and "chromium" in ci
