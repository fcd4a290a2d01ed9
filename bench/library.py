"""`python -m bench.library OUT`: the site with thousands of generated articles, machine-translated and reviewed.

Makes, in OUT, a copy of the repository's content/, templates/ and locales/ (only the chosen
languages) plus generated topic and article pages, then goes through the translator's workflow:
`python -m server update` extracts and merges, every untranslated message of every catalog under
`locales/<ll>/LC_MESSAGES/` (searched recursively, so one catalog per domain or one per page) gets
a deterministic "translation" (the English after a language marker, so placeholders and Markdown
stay intact), and a review record for every page makes the translations public.

The text comes from a seeded generator: the same arguments make the same pages and the same translations.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
# The repository's translated languages, most different first (script, direction, plural rules),
# so that a small library still covers right-to-left text and a many-form plural.
LANGUAGE_ORDER = ("fr", "ar", "zh_Hans", "pl", "de", "es", "hi", "pt_BR", "uk", "bn", "ur")
EXTRA_LANGUAGES = ("it", "ja", "ko", "tr", "vi", "nl", "sv", "ro", "el", "he")  # started with `init` if asked for
TOPIC_COUNT = 20  # topic pages the articles are filed under
REVIEW_DATE = datetime.date(2026, 11, 30)  # fixed, so that two generated libraries are identical
REVIEWER = "bench"
MANIFEST = "bench-library.json"  # in the library's folder: how it was made, for `python -m bench scale --library`
COMMAND_TIMEOUT = 3 * 3600  # seconds; `update` on a large library in the one-catalog layout is slow

SUBJECTS = (
    "nausea", "sleep", "nutrition", "exercise", "back-care", "blood-pressure", "blood-sugar", "iron",
    "headaches", "swelling", "heartburn", "mood", "skin", "teeth", "travel", "work", "medicines",
    "vaccines", "labour", "feeding",
)  # fmt: skip
TOPIC_TITLES = {
    "nausea": "Nausea and sickness", "sleep": "Sleep", "nutrition": "Food and drink", "exercise": "Exercise",
    "back-care": "Looking after your back", "blood-pressure": "Blood pressure", "blood-sugar": "Blood sugar",
    "iron": "Iron and anaemia", "headaches": "Headaches", "swelling": "Swelling", "heartburn": "Heartburn",
    "mood": "Mood and feelings", "skin": "Skin changes", "teeth": "Teeth and gums", "travel": "Travel",
    "work": "Work", "medicines": "Medicines", "vaccines": "Vaccines", "labour": "Signs of labour",
    "feeding": "Feeding your baby",
}  # fmt: skip
SYMPTOMS = (
    "nausea", "tiredness", "back pain", "heartburn", "swollen ankles", "headaches", "leg cramps",
    "dizziness", "shortness of breath", "bleeding gums", "itchy skin", "trouble sleeping", "low mood",
    "pelvic pain", "constipation", "a blocked nose", "pain under the ribs", "restless legs",
)  # fmt: skip
PERIODS = (
    "first trimester", "second trimester", "third trimester", "early weeks", "last few weeks",
    "first months after the birth", "middle of pregnancy",
)  # fmt: skip
ADVICE = (
    "eating small meals often", "drinking plenty of water", "resting on your left side", "a short daily walk",
    "gentle stretching", "wearing flat shoes", "keeping a food diary", "sleeping with an extra pillow",
    "avoiding spicy food late in the evening", "asking for help with lifting", "taking breaks at work",
    "swimming once or twice a week", "keeping your feet up in the evening", "a warm (not hot) bath",
)  # fmt: skip
PROFESSIONALS = ("midwife", "doctor", "pharmacist", "health visitor", "obstetrician", "dentist", "GP")
CAUSES = (
    "changing hormones", "the growing baby", "extra weight", "a change in posture", "low iron",
    "stress", "a lack of sleep", "the pressure of the womb", "extra blood in the body", "dehydration",
)  # fmt: skip
FREQUENCIES = ("often", "sometimes", "rarely", "usually", "for a few days", "for a week or two", "at night")
OPENERS = (
    "Many women", "Some women", "Most pregnant women", "A few women", "Women who have been pregnant before",
    "First-time mothers", "Women carrying twins", "Women who work on their feet",
)  # fmt: skip
TITLES = (
    "{symptom} in the {period}", "{symptom} in the {period}: does {advice} help?", "Why {cause} can bring {symptom}",
    "{advice} for {symptom}", "{symptom} and {cause}: what to know", "Questions about {symptom} in the {period}",
    "Coping with {symptom} in the {period}", "Is {symptom} in the {period} normal?",
)  # fmt: skip
HEADINGS = (
    "What causes {symptom}?", "When to contact your {professional}", "What you can do at home",
    "How {symptom} changes in the {period}", "Is {symptom} a sign of a problem?", "Treatment",
    "Medicines and {symptom}", "How your partner can help", "Questions to ask at your appointment",
    "Looking after yourself", "What the research says", "After the birth", "Living with {symptom}",
)  # fmt: skip
CALLOUTS = (
    "Contact your {professional} straight away if you have {symptom} together with bleeding, a high "
    "temperature or severe pain.",
    "Call an ambulance if you have sudden severe {symptom}, blurred vision or fits.",
    "Do not take any medicine for {symptom} without asking your {professional} or pharmacist first.",
    "Tell your {professional} the same day if your baby moves less than usual.",
)  # fmt: skip
NOTES = (
    "{professional}: use the usual word for this profession in your country.",
    "Keep the tone calm and plain; readers may be worried.",
    "“{period}”: use the term readers know, not the medical one.",
)  # fmt: skip


# --- The text ------------------------------------------------------------------------------------


def article_subject(seed: int, index: int) -> str:
    """The subject (and so the main topic) of generated article `index`."""
    return random.Random(f"{seed}/subject/{index}").choice(SUBJECTS[:TOPIC_COUNT])


def article_slug(seed: int, index: int) -> str:
    """The slug of generated article `index`: its subject, a word, and its number.

    >>> article_slug(1, 7) == article_slug(1, 7), article_slug(1, 7).endswith("-00007")
    (True, True)
    """
    word = random.Random(f"{seed}/slug/{index}").choice(("guide", "facts", "advice", "questions", "basics"))
    return f"{article_subject(seed, index)}-{word}-{index:05d}"


def topic_slug(subject: str) -> str:
    return f"library-{subject}"


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        symptom=rng.choice(SYMPTOMS),
        period=rng.choice(PERIODS),
        professional=rng.choice(PROFESSIONALS),
        advice=rng.choice(ADVICE),
        cause=rng.choice(CAUSES),
        frequency=rng.choice(FREQUENCIES),
        opener=rng.choice(OPENERS),
    )


SENTENCES = (
    "{opener} notice {symptom} in the {period}.",
    "It is {frequency} caused by {cause}, and it usually gets better on its own.",
    "Your {professional} can check whether {symptom} is linked to {cause}.",
    "{opener} find that {advice} helps with {symptom}.",
    "If {symptom} lasts longer than a few days, mention it at your next appointment.",
    "There is no need to put up with {symptom} in silence: your {professional} has heard it before.",
    "{opener} say that {symptom} was worse in the {period} than later on.",
    "Try {advice}, and keep a note of what makes {symptom} better or worse.",
    "{symptom_cap} can feel worrying, but on its own it is rarely a sign that something is wrong.",
    "Keep your appointments, even when you feel well, so that your {professional} can check on you both.",
    "Some people are told that {advice} is unsafe in pregnancy; for most women it is not.",
    "{cause_cap} may also make {symptom} more likely, especially in the {period}.",
)


def sentence(rng: random.Random) -> str:
    template = rng.choice(SENTENCES)
    symptom, cause = rng.choice(SYMPTOMS), rng.choice(CAUSES)
    return template.format(
        symptom=symptom,
        symptom_cap=symptom[0].upper() + symptom[1:],
        cause_cap=cause[0].upper() + cause[1:],
        period=rng.choice(PERIODS),
        professional=rng.choice(PROFESSIONALS),
        advice=rng.choice(ADVICE),
        cause=cause,
        frequency=rng.choice(FREQUENCIES),
        opener=rng.choice(OPENERS),
    )


def paragraph(rng: random.Random, sentences: tuple[int, int] = (2, 5)) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(*sentences)))


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def article_source(seed: int, index: int, total: int) -> str:
    """The Markdown of generated article `index` of `total`: front matter, then 8–15 blocks."""
    rng = random.Random(f"{seed}/article/{index}")
    slug, subject = article_slug(seed, index), article_subject(seed, index)
    title = rng.choice(TITLES).format(
        symptom=rng.choice(SYMPTOMS), period=rng.choice(PERIODS), advice=rng.choice(ADVICE), cause=rng.choice(CAUSES)
    )
    title = title[0].upper() + title[1:]
    summary = f"{sentence(rng)} {sentence(rng)}"
    topics = [topic_slug(subject)] + ([topic_slug(rng.choice(SUBJECTS[:TOPIC_COUNT]))] if rng.random() < 0.3 else [])
    others = [other for other in rng.sample(range(total), min(total, 4)) if other != index][:3]
    related = [article_slug(seed, other) for other in others]
    lines = [
        "+++",
        f'slug = "{slug}"',
        'kind = "article"',
        f"title = {_toml_string(title)}",
        f"summary = {_toml_string(summary)}",
        f"topics = {json.dumps(list(dict.fromkeys(topics)))}",
        f"related = {json.dumps(related)}",
        f"reviewed = {REVIEW_DATE.isoformat()}",
        "+++",
        "",
    ]
    blocks = 0
    wanted = rng.randint(8, 15)
    lines += [paragraph(rng), ""]
    blocks += 1
    while blocks < wanted:
        lines += [f"## {_fill(rng.choice(HEADINGS), rng)}", ""]
        blocks += 1
        choice = rng.random()
        if choice < 0.25 and blocks + 3 <= wanted:
            marker = "1." if rng.random() < 0.3 else "-"
            items = rng.randint(3, 5)
            lines += [f"{marker} {sentence(rng)}" for _ in range(items)] + [""]
            blocks += items
            continue
        if choice < 0.4:
            lines += [f"<!-- TRANSLATORS: {_fill(rng.choice(NOTES), rng)} -->"]
        text = paragraph(rng)
        extra = rng.random()
        if extra < 0.3 and related:
            text += f" Read more in [our article on {rng.choice(SYMPTOMS)}](page:{rng.choice(related)})."
        elif extra < 0.45:
            text += f" See [{TOPIC_TITLES[subject].lower()}](topic:{topic_slug(subject)}) for more."
        elif extra < 0.6:
            text = f"*{sentence(rng)}* {text}"
        elif extra < 0.7:
            text += f" About {rng.randint(2, 60)}% of women have {rng.choice(SYMPTOMS)} at some point."
        lines += [text, ""]
        blocks += 1
        if rng.random() < 0.3 and blocks < wanted:
            lines += ["<!-- important -->", _fill(rng.choice(CALLOUTS), rng), ""]
            blocks += 1
    return "\n".join(lines).rstrip("\n") + "\n"


def topic_source(seed: int, subject: str) -> str:
    rng = random.Random(f"{seed}/topic/{subject}")
    title = TOPIC_TITLES[subject]
    return "\n".join(
        [
            "+++",
            f'slug = "{topic_slug(subject)}"',
            'kind = "topic"',
            f"title = {_toml_string(title)}",
            f"summary = {_toml_string(f'Articles about {title.lower()} in pregnancy and after the birth.')}",
            "+++",
            "",
            paragraph(rng, (2, 3)),
            "",
        ]
    )


def write_pages(content_dir: Path, seed: int, articles: int) -> int:
    """Generated topics in content/topics/, articles in content/generated/; returns the number of files."""
    (content_dir / "topics").mkdir(parents=True, exist_ok=True)
    for subject in SUBJECTS[:TOPIC_COUNT]:
        (content_dir / "topics" / f"{topic_slug(subject)}.md").write_text(topic_source(seed, subject), "utf-8")
    for index in range(articles):
        write_article(content_dir, seed, index, articles)
    return TOPIC_COUNT + articles


def write_article(content_dir: Path, seed: int, index: int, total: int) -> Path:
    path = content_dir / "generated" / f"{article_slug(seed, index)}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article_source(seed, index, total), encoding="utf-8")
    return path


# --- The translator's workflow ----------------------------------------------------------------------


def folder_options(root: Path) -> list[str]:
    """The options that point `python -m server …` at a library."""
    return ["--content", str(root / "content"), "--locales", str(root / "locales"),
            "--templates", str(root / "templates")]  # fmt: skip


def library_env(root: Path) -> dict[str, str]:
    """The environment of a server or command on the library: its page cache lives beside it, not in the repository."""
    return {"SITE_CACHE_DIR": str(root / ".cache")}


def run_server_command(arguments: Sequence[str], root: Path | None = None, timeout: float = COMMAND_TIMEOUT) -> str:
    """`python -m server ARGUMENTS`, on the library in `root` if given; its output, or RuntimeError saying why."""
    command = [sys.executable, "-m", "server", *arguments, *(folder_options(root) if root else [])]
    env = {**os.environ, **(library_env(root) if root else {})}
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"`python -m server {arguments[0]}` took longer than {timeout:.0f} s") from None
    if done.returncode != 0:
        tail = " | ".join((done.stdout + done.stderr).strip().splitlines()[-3:])
        raise RuntimeError(f"`python -m server {arguments[0]}` exited with {done.returncode}: {tail}")
    return done.stdout


def marker(locale_name: str) -> str:
    """What a machine "translation" starts with: the language, so a reader can tell it apart."""
    return f"[{locale_name}]"


def machine_translation(locale_name: str, english: str) -> str:
    """The English after the language marker: placeholders, %%, Markdown and link targets stay intact.

    >>> machine_translation("fr", "See [terms](page:terms): 50%% of %(count)s.")
    '[fr] See [terms](page:terms): 50%% of %(count)s.'
    """
    return f"{marker(locale_name)} {english}"


Translations = dict[tuple[str, str | None], str | tuple[str, ...]]  # (msgid or singular, context) -> msgstr


def set_aside(locales_dir: Path, locale_name: str, aside: Path) -> None:
    """Move a language's catalogs out of LC_MESSAGES (kept there, empty), so that `update` starts them afresh."""
    folder = locales_dir / locale_name / "LC_MESSAGES"
    for path in sorted(folder.rglob("*.po")):
        target = aside / locale_name / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)


def _key(message: Message) -> str:
    """The msgid, or a plural message's singular."""
    return str(message.id[0]) if isinstance(message.id, tuple | list) else str(message.id)


def _forms(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(str(form or "") for form in string) if isinstance(string, tuple | list) else (str(string or ""),)


def finished_translations(folder: Path) -> Translations:
    """Every finished (translated, not fuzzy) message of the catalogs in a folder, at any depth."""
    found: Translations = {}
    for path in sorted(folder.rglob("*.po")):
        with path.open("rb") as file:
            catalog = read_po(file)
        for message in catalog:
            forms = _forms(message)
            if message.id and not message.fuzzy and all(forms):
                found[(_key(message), message.context)] = forms if isinstance(message.id, tuple | list) else forms[0]
    return found


def fill_catalog(path: Path, locale_name: str, known: Translations) -> tuple[int, int, int]:
    """Translate every untranslated or fuzzy message of one .po, from `known` or by machine.

    Returns (restored from `known`, filled by machine, messages in all).
    """
    with path.open("rb") as file:
        catalog = read_po(file)
    restored = filled = total = 0
    for message in catalog:
        if not message.id:
            continue
        total += 1
        plural = isinstance(message.id, tuple | list)
        if all(_forms(message)) and not message.fuzzy:
            continue
        earlier = known.get((_key(message), message.context))
        if plural and isinstance(earlier, tuple) and len(earlier) == catalog.num_plurals:
            message.string, restored = earlier, restored + 1
        elif not plural and isinstance(earlier, str):
            message.string, restored = earlier, restored + 1
        elif plural:
            english = str(message.id[1])
            message.string = tuple(machine_translation(locale_name, english) for _ in range(catalog.num_plurals))
            filled += 1
        else:
            message.string, filled = machine_translation(locale_name, _key(message)), filled + 1
        message.flags.discard("fuzzy")
        message.user_comments = [line for line in message.user_comments if not line.startswith("|")]  # `#|` lines
    if filled or restored:
        catalog.fuzzy = False
        temporary = path.with_name(path.name + ".tmp")
        with temporary.open("wb") as file:
            write_po(file, catalog, width=0)
        os.replace(temporary, path)
    return restored, filled, total


def fill_language(locales_dir: Path, locale_name: str, earlier: Path) -> tuple[int, int, int, int]:
    """Fill every catalog under locales/<ll>/LC_MESSAGES/, at any depth; (files, restored, filled, total).

    The translations of the catalogs set aside in `earlier` come first; the rest is machine "translation".
    """
    known = finished_translations(earlier) if earlier.is_dir() else {}
    counts = [0, 0, 0, 0]
    for path in sorted((locales_dir / locale_name / "LC_MESSAGES").rglob("*.po")):
        counts = [a + b for a, b in zip(counts, (1, *fill_catalog(path, locale_name, known)), strict=True)]
    return counts[0], counts[1], counts[2], counts[3]


def record_reviews(root: Path, locale_names: Sequence[str]) -> int:
    """A review record for every page whose latest review is missing or of other English; returns how many."""
    from server.core.content import load_page
    from server.core.reviews import REVIEWS_FILE, format_review, load_reviews, page_key

    pages = [load_page(path) for path in sorted((root / "content").rglob("*.md"))]
    written = 0
    for name in locale_names:
        path = root / "locales" / name / REVIEWS_FILE
        latest = load_reviews(path)
        records = [
            format_review(page, REVIEWER, ["revision"], REVIEW_DATE, "generated by bench.library")
            for page in pages
            if page_key(page) not in latest or latest[page_key(page)].english != page.english
        ]
        with path.open("a", encoding="utf-8") as file:
            file.write("".join(records))
        written += len(records)
    return written


def choose_languages(count: int) -> list[str]:
    """The first `count` languages of LANGUAGE_ORDER that the repository has, then new ones to `init`."""
    have = [name for name in LANGUAGE_ORDER if (ROOT / "locales" / name / "LC_MESSAGES").is_dir()]
    chosen = have[:count] + list(EXTRA_LANGUAGES[: max(0, count - len(have))])
    if len(chosen) < count:
        raise ValueError(f"at most {len(have) + len(EXTRA_LANGUAGES)} languages can be generated, not {count}")
    return chosen


def copy_site(out: Path, locale_names: Sequence[str]) -> None:
    """content/, templates/ and the chosen languages' folders of locales/ (no .mo files)."""
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"{out} is not empty: give a new or empty folder")
    out.mkdir(parents=True, exist_ok=True)
    for folder in ("content", "templates"):
        shutil.copytree(ROOT / folder, out / folder)
    locales = out / "locales"
    locales.mkdir()
    for entry in (ROOT / "locales").iterdir():
        if entry.is_dir() and (entry / "LC_MESSAGES").is_dir():
            if entry.name in locale_names:
                shutil.copytree(entry, locales / entry.name, ignore=shutil.ignore_patterns("*.mo"))
        elif entry.is_dir():
            shutil.copytree(entry, locales / entry.name)  # catalog templates, in a folder of their own
        else:
            shutil.copy2(entry, locales / entry.name)


@contextmanager
def step(name: str, timings: list[tuple[str, float]]) -> Iterator[None]:
    print(f"  {name} …", file=sys.stderr, flush=True)
    started = time.monotonic()
    yield
    timings.append((name, time.monotonic() - started))
    print(f"  {name}: {timings[-1][1]:.1f} s", file=sys.stderr, flush=True)


def generate(out: Path, articles: int, languages: int, seed: int = 2026) -> list[str]:
    """Make the library in `out`; returns the lines that describe it and how long each step took."""
    names = choose_languages(languages)
    timings: list[tuple[str, float]] = []
    with step("copy the site", timings):
        copy_site(out, names)
    for name in names:
        if not (out / "locales" / name).is_dir():
            with step(f"init {name}", timings):
                run_server_command(["init", name], out)
    with step(f"write {articles} articles and {TOPIC_COUNT} topics", timings):
        pages = write_pages(out / "content", seed, articles)
    aside = out / "catalogs-set-aside"
    for name in names:
        set_aside(out / "locales", name, aside)
    with step("python -m server update", timings):
        changes = run_server_command(["update"], out).splitlines()
    with step(f"fill every untranslated message in {len(names)} languages", timings):
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            results = list(
                pool.map(fill_language, itertools.repeat(out / "locales"), names, [aside / name for name in names])
            )
    shutil.rmtree(aside)
    shutil.rmtree(out / ".cache", ignore_errors=True)  # a server's first start on the library starts cold
    manifest = {"articles": articles, "languages": names, "seed": seed}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    with step("record reviews", timings):
        reviews = record_reviews(out, names)
    files, restored, filled, total = (sum(column) for column in zip(*results, strict=True))
    size = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
    lines = [
        f"library in {out}: {pages} generated pages ({articles} articles, {TOPIC_COUNT} topics) "
        f"beside the site's own; languages: en + {', '.join(names)}",
        f"catalogs: {files} .po files, {total} messages: {restored} translations from the repository, "
        f"{filled} by machine; "
        f"update printed {len(changes)} lines; {reviews} review records; {size / 2**20:.0f} MiB on disk",
        "time: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings),
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.library", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="a new or empty folder for the library")
    parser.add_argument("--articles", type=int, default=5000, help="generated articles (default 5000)")
    parser.add_argument("--languages", type=int, default=10, help="target languages besides English (default 10)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the text generator (default 2026)")
    args = parser.parse_args(argv)
    try:
        lines = generate(args.out, args.articles, args.languages, args.seed)
    except (ValueError, RuntimeError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
