"""Accessibility checks run in a real browser. Each returns a list of problems; empty means pass.

They are plain functions so that tests can run them on the real pages and, to prove each check
can fail, on deliberately broken pages (tests/test_browser_checks.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from .conftest import ROOT

AXE_SOURCE = ROOT / "node_modules/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-block-end: 2em !important; }
"""


def axe(page: Page, *, only_rules: list[str] | None = None) -> list[str]:
    """axe-core violations: rule, element and page for each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))  # add_script_tag would be blocked by our CSP
    options: dict[str, Any] = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    if only_rules:
        options["runOnly"] = {"type": "rule", "values": only_rules}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node.get('failureSummary', '')[:200]}"
        f" on {page.url}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def accessibility_tree(page: Page) -> list[dict[str, Any]]:
    session = page.context.new_cdp_session(page)
    try:
        nodes: list[dict[str, Any]] = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    return [node for node in nodes if not node.get("ignored")]


def _value(node: dict[str, Any], key: str) -> Any:
    return (node.get(key) or {}).get("value")


def _property(node: dict[str, Any], name: str) -> Any:
    for prop in node.get("properties", []):
        if prop["name"] == name:
            return prop["value"].get("value")
    return None


def screen_reader_problems(page: Page, *, lang: str, direction: str, is_article: bool) -> list[str]:
    """What a screen reader gets: headings, landmarks, names, languages."""
    problems = []
    nodes = accessibility_tree(page)
    levels = [int(_property(node, "level") or 0) for node in nodes if _value(node, "role") == "heading"]
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} level-1 headings, expected exactly one")
    for previous, level in zip([0, *levels], levels, strict=False):
        if level > previous + 1:
            problems.append(f"heading level skipped: h{previous} then h{level}")
    roles = [_value(node, "role") for node in nodes]
    for landmark in ("banner", "navigation", "main", "contentinfo"):
        if landmark not in roles:
            problems.append(f"no {landmark} landmark")
    for landmark in ("banner", "main", "contentinfo"):
        if roles.count(landmark) > 1:
            problems.append(f"{roles.count(landmark)} {landmark} landmarks")
    navigation_names = [_value(node, "name") for node in nodes if _value(node, "role") == "navigation"]
    if any(not name for name in navigation_names):
        problems.append("a navigation landmark has no name")
    if len(set(navigation_names)) != len(navigation_names):
        problems.append(f"navigation landmarks share a name: {navigation_names}")
    for node in nodes:
        if (
            _value(node, "role") in ("link", "button", "textbox", "combobox")
            and not (_value(node, "name") or "").strip()
        ):
            problems.append(f"a {_value(node, 'role')} has no accessible name")
    if is_article:
        named_regions = [
            _value(node, "name")
            for node in nodes
            if _value(node, "role") in ("complementary", "region", "note") and _value(node, "name")
        ]
        if not named_regions:
            problems.append("the disclaimer is not a labeled region, complementary landmark or note")
    dom = page.evaluate(
        """() => ({
            lang: document.documentElement.lang,
            dir: document.documentElement.dir,
            computed: getComputedStyle(document.body).direction,
            switcher: [...document.querySelectorAll('.language-nav li > a, .language-nav li > span')]
                .map(el => el.matches('.unavailable') ? el.querySelector('[lang]')?.lang : el.lang),
        })"""
    )
    if dom["lang"] != lang or dom["dir"] != direction or dom["computed"] != direction:
        problems.append(f"html lang/dir is {dom['lang']}/{dom['dir']} ({dom['computed']}), expected {lang}/{direction}")
    if not dom["switcher"] or not all(dom["switcher"]):
        problems.append(f"language switcher entries without their own lang: {dom['switcher']}")
    return problems


FOCUS_STYLE_JS = """el => { const s = getComputedStyle(el);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.color].join('|'); }"""


def keyboard_problems(page: Page, *, direction: str) -> list[str]:
    """Skip link first; every focusable element reached by Tab, in visual order, with a visible focus."""
    problems = []
    focusables = page.evaluate(
        """() => [...document.querySelectorAll(
                'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')]
            .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
                && !el.closest('details:not([open]) > :not(summary)'))  // a closed disclosure hides its content
            .length"""
    )
    unfocused = page.evaluate(
        f"""() => [...document.querySelectorAll('a[href], [tabindex]')].map(el => ({FOCUS_STYLE_JS})(el))"""
    )
    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement.getAttribute('href')")
    if first != "#main-content":
        problems.append(f"the first Tab lands on {first!r}, not the skip link")
    else:
        page.keyboard.press("Enter")
        if not page.evaluate("() => !!document.activeElement.closest('main')"):
            problems.append("activating the skip link does not move focus into main")
    page.goto(page.url.split("#")[0])  # start again from the top; the skip link left a #fragment
    page.keyboard.press("Tab")
    visited: list[dict[str, Any]] = []
    for _ in range(focusables + 5):
        info = page.evaluate(
            f"""() => {{ const el = document.activeElement;
                if (!el || el === document.body) return null;
                // a link that wraps has one box per line: compare where one ends with where the next starts
                const boxes = [...el.getClientRects()].filter(b => b.width > 0);
                const r = el.getBoundingClientRect(), first = boxes[0] || r, last = boxes[boxes.length - 1] || r;
                const all = [...document.querySelectorAll('a[href], [tabindex]')];
                return {{index: all.indexOf(el), text: (el.textContent || '').trim().slice(0, 40),
                        top: first.top + scrollY, bottom: first.bottom + scrollY, left: first.left, right: first.right,
                        endTop: last.top + scrollY, endBottom: last.bottom + scrollY,
                        endLeft: last.left, endRight: last.right,
                        style: ({FOCUS_STYLE_JS})(el), skip: el.classList.contains('skip-link')}}; }}"""
        )
        if info is None or (visited and info["index"] == visited[0]["index"]):
            break
        visited.append(info)
        page.keyboard.press("Tab")
    if len(visited) < focusables:
        problems.append(f"Tab reached {len(visited)} of {focusables} focusable elements")
    for item in visited:
        before = unfocused[item["index"]] if 0 <= item["index"] < len(unfocused) else ""
        outline_style, outline_width, *_ = item["style"].split("|")
        if item["style"] == before or (outline_style == "none" and "rgb" not in item["style"].split("|")[3]):
            problems.append(f"no visible focus indicator on {item['text']!r}")
        elif outline_style != "none" and float(outline_width.removesuffix("px") or 0) < 2:
            problems.append(f"focus outline thinner than 2px on {item['text']!r}")
    content = [item for item in visited if not item["skip"]]
    for previous, current in zip(content, content[1:], strict=False):
        # below: starts under the middle of the previous link's last line (tall scripts such as Nastaliq
        # have inline boxes a few pixels taller than their lines, so boxes on consecutive lines overlap)
        below = current["top"] >= (previous["endTop"] + previous["endBottom"]) / 2
        same_row = not below and current["bottom"] > previous["endTop"]
        forward = (
            current["left"] >= previous["endRight"] - 2
            if direction == "ltr"
            else current["right"] <= previous["endLeft"] + 2
        )
        if not (below or (same_row and forward)):
            problems.append(f"Tab order jumps against the visual order: {previous['text']!r} -> {current['text']!r}")
    return problems


def disclosure_problems(page: Page) -> list[str]:
    """The language disclosure opens from the keyboard, and its links then follow its summary in Tab order."""
    summary = page.locator(".language-nav summary")
    if summary.count() == 0:
        return ["no language disclosure"]
    summary.focus()
    if page.evaluate("() => document.activeElement.tagName") != "SUMMARY":
        return ["the language disclosure cannot take the keyboard focus"]
    page.keyboard.press("Enter")
    if not page.evaluate("() => document.querySelector('.language-nav details').open"):
        return ["Enter does not open the language disclosure"]
    page.keyboard.press("Tab")
    inside = page.evaluate("() => !!document.activeElement.closest('.language-nav ul')")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    closed = not page.evaluate("() => document.querySelector('.language-nav details').open")
    problems = [] if inside else ["after opening the disclosure, Tab does not reach its languages"]
    return problems + ([] if closed else ["Enter does not close the language disclosure again"])


def reflow_problems(page: Page) -> list[str]:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    return [f"horizontal scrolling of {overflow}px at {page.viewport_size}"] if overflow > 0 else []


def clipped_text(page: Page) -> list[str]:
    """Elements whose text no longer fits and is cut off (WCAG 1.4.12 text spacing)."""
    clipped: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(el => {
            if (el.closest('.visually-hidden, .skip-link')) return false;
            const s = getComputedStyle(el);
            const clips = ['hidden', 'clip'].includes(s.overflowX) || ['hidden', 'clip'].includes(s.overflowY);
            return clips && (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1);
        }).map(el => el.tagName + '.' + el.className + ': ' + (el.textContent || '').trim().slice(0, 40))"""
    )
    return [f"text clipped: {item}" for item in clipped] + reflow_problems(page)


def forced_colors_problems(page: Page) -> list[str]:
    """In forced colors, links must stay distinguishable and focus must stay visible."""
    problems = []
    links = page.evaluate(
        """() => [...document.querySelectorAll('main a[href], footer a[href]')].map(a => {
            const s = getComputedStyle(a);
            return {text: a.textContent.trim().slice(0, 30), line: s.textDecorationLine, color: s.color,
                    background: getComputedStyle(document.body).backgroundColor};
        })"""
    )
    for link in links:
        if "underline" not in link["line"] or link["color"] == link["background"]:
            problems.append(f"link {link['text']!r} is not distinguishable in forced colors")
    page.keyboard.press("Tab")
    for _ in range(3):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
        )
        if outline[0] == "none" or outline[1] == "0px":
            problems.append("focus is not visible in forced colors")
    return problems


def mirroring_problems(page: Page) -> list[str]:
    """In right-to-left pages the skip link, breadcrumbs and switcher start at the right edge."""
    problems = []
    page.keyboard.press("Tab")
    width = page.evaluate("() => document.documentElement.clientWidth")
    boxes = page.evaluate(
        """() => { const box = sel => { const el = document.querySelector(sel);
                if (!el) return null; const r = el.getBoundingClientRect(); return {left: r.left, right: r.right}; };
            return {skip: box('.skip-link'), crumbs: box('.breadcrumbs li:first-child a'),
                    crumbsList: box('.breadcrumbs ol'), switcher: box('.language-nav li:first-child'),
                    switcherList: box('.language-nav ul'), siteName: box('.site-name')}; }"""
    )
    if boxes["skip"] and boxes["skip"]["left"] < width / 2:
        problems.append("the skip link is not at the right edge")
    for item, container in (("crumbs", "crumbsList"), ("switcher", "switcherList")):
        if boxes[item] and abs(boxes[item]["right"] - boxes[container]["right"]) > 2:
            problems.append(f"{item} do not start at the right edge of their container")
    if boxes["siteName"] and boxes["siteName"]["left"] < width / 2 - 100:
        problems.append("the site name is not on the right")
    return problems


def print_problems(page: Page, *, is_article: bool) -> list[str]:
    page.emulate_media(media="print")
    try:
        shown = page.evaluate(
            """() => Object.fromEntries(
                ['.site-header', '.breadcrumbs', '.language-nav', 'footer nav', 'main', 'article', '.disclaimer']
                .map(sel => [sel, !!document.querySelector(sel)
                    && getComputedStyle(document.querySelector(sel)).display !== 'none'
                    && document.querySelector(sel).getClientRects().length > 0]))"""
        )
    finally:
        page.emulate_media(media="screen")
    problems = [
        f"{sel} is printed" for sel in (".site-header", ".breadcrumbs", ".language-nav", "footer nav") if shown[sel]
    ]
    if not shown["main"]:
        problems.append("the main content is not printed")
    if is_article and not (shown["article"] and shown[".disclaimer"]):
        problems.append("the article or its disclaimer is not printed")
    return problems


def vnu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """Validate many pages with one Nu HTML Checker run (Java and `npm ci` needed)."""
    if shutil.which("java") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("java is missing: .ci/run must install default-jre-headless for the Nu HTML Checker")
        pytest.skip("java not found: apt-get install default-jre-headless to run the Nu HTML Checker")

    files = {}
    for index, (url, html) in enumerate(pages.items()):
        path = folder / f"page{index}.html"
        path.write_text(html, encoding="utf-8")
        files[path.as_uri()] = url
    jar = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
    result = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--stdout", *[str(folder / Path(uri).name) for uri in files]],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stdout or "{}").get("messages", [])
    errors = []
    for message in messages:
        if message.get("type") == "error" or message.get("subType") == "fatal":
            url = files.get(message.get("url", ""), message.get("url", ""))
            errors.append(f"{url}:{message.get('lastLine')}: {message.get('message')}")
    return errors
