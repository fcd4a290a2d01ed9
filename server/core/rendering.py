"""The Jinja environment: autoescaped templates with per-render, escaping gettext."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup


@pass_context
def _gettext(context: Context, message: str, **variables: Any) -> Markup:
    return context["translator"].gettext(message, variables)  # type: ignore[no-any-return]


@pass_context
def _ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> Markup:
    return context["translator"].ngettext(singular, plural, num, variables)  # type: ignore[no-any-return]


# How templates are read, which decides their msgids: shared with Babel's Jinja extractor (tools/workflow).
EXTRACTION_SETTINGS = {"trim_blocks": True, "lstrip_blocks": True, "trimmed": True, "newstyle_gettext": True}


def make_environment(templates_dir: Path, static_urls: Mapping[str, str]) -> Environment:
    """Templates translate through the `translator` in each render's context.

    The i18n extension is used for `{% trans %}` and `_()`, but its callables are ours:
    Jinja's would mark a translation safe, and a translator's `<script>` would be served.
    Nothing language-specific is ever installed on the shared environment.
    """
    environment = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=StrictUndefined,
        auto_reload=False,  # the site reloads changed templates itself, with a last-good fallback
        extensions=["jinja2.ext.i18n"],
        trim_blocks=EXTRACTION_SETTINGS["trim_blocks"],
        lstrip_blocks=EXTRACTION_SETTINGS["lstrip_blocks"],
    )
    # re-indenting a template must not change msgids
    environment.policies["ext.i18n.trimmed"] = EXTRACTION_SETTINGS["trimmed"]
    environment.newstyle_gettext = EXTRACTION_SETTINGS["newstyle_gettext"]  # type: ignore[attr-defined]
    environment.globals.update(gettext=_gettext, ngettext=_ngettext, static_url=static_urls.__getitem__)
    return environment
