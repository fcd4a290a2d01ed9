"""What a reload changed: the inputs (inputs.py) that differ between two sites, given the files that changed."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from .catalogs import CONTENT_FOLDER
from .content import key_for
from .inputs import Input
from .site import DISCLAIMER_SLUG, Site


def changes_since(new: Site, old: Site, paths: Collection[Path]) -> frozenset[Input] | None:
    """The inputs (inputs.py) that changed when `paths` changed, or None if everything may have."""
    settings = new.settings
    if old.settings != settings or [lang.code for lang in old.languages] != [lang.code for lang in new.languages]:
        return None
    codes = {language.catalog_name: language.code for language in new.languages}
    old_keys = {page.path: page.key for page in old.every_page()}
    new_keys = {page.path: page.key for page in new.every_page()}
    changed: set[Input] = set()
    for path in paths:
        if path.is_relative_to(settings.content_dir):
            keys = {old_keys.get(str(path)), new_keys.get(str(path))} - {None}
            changed |= {("page", key) for key in keys if key}
            if old_keys.get(str(path)) != new_keys.get(str(path)):
                changed.add(("pages",))
            continue
        if not path.is_relative_to(settings.locales_dir):
            return None  # templates, assets
        parts = path.relative_to(settings.locales_dir).parts
        key = Path(*parts[2:]).with_suffix("").as_posix() if len(parts) > 2 else ""
        if parts[0] == CONTENT_FOLDER:  # a page's template: its catalog in every language
            key = Path(*parts[1:]).with_suffix("").as_posix()
            changed |= {("catalog", language.code, key) for language in new.languages}
        elif parts[0] not in codes:
            return None  # interface.pot, or a folder that is no language
        elif parts[1:2] == ("reviews.toml",):
            code = codes[parts[0]]
            before = old.reviews.loaded(code)
            if before is None:  # nothing shown was read from them
                continue
            after = new.reviews[code]
            changed |= {("review", code, k) for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        elif parts[1:2] == ("glossary.po",):
            continue  # shown only in the review view, which is never stored
        elif parts[1:3] == ("LC_MESSAGES", "interface.po"):
            changed.add(("interface", codes[parts[0]]))
        elif parts[1:3] == ("LC_MESSAGES", CONTENT_FOLDER):
            changed.add(("catalog", codes[parts[0]], Path(*parts[3:]).with_suffix("").as_posix()))
        else:
            return None
    return frozenset(changed | _publication_changes(new, old, changed))


def _publication_changes(new: Site, old: Site, changed: set[Input]) -> set[Input]:
    """("published", language, key) for each page whose publication the changed inputs changed.

    Also carries the old site's decisions over for every page they cannot have changed.
    """
    codes = [language.code for language in new.languages]
    articles = [page.key for page in new.pages.unrecorded().values() if page.kind == "article"]
    disclaimer = key_for("page", DISCLAIMER_SLUG)
    candidates: set[tuple[str, str]] = set()
    for item in changed:
        kind, *rest = item
        if kind in ("catalog", "review"):
            code, key = rest
            candidates.add((code, key))
            if key == disclaimer:  # its title and summary are required beside every article
                candidates |= {(code, article) for article in articles}
        elif kind == "page":
            candidates |= {(code, rest[0]) for code in codes}
            if rest[0] == disclaimer:
                candidates |= {(code, article) for code in codes for article in articles}
    for code, decided in old.publication.items():
        kept = new.publication.setdefault(code, {})
        kept.update((key, value) for key, value in decided.items() if (code, key) not in candidates)
    differ: set[Input] = set()
    for code, key in candidates:
        page, language = new.page_by_key(key), new.language(code)
        now = new.is_published(page, language) if page is not None and language is not None else None
        if now is None or old.publication.get(code, {}).get(key) is not now:
            differ.add(("published", code, key))
    return differ
