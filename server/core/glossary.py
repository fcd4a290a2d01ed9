"""Approved terminology per language: a PO glossary that Poedit and Weblate open, checked against translations.

`locales/<ll>/glossary.po` holds one entry per English term:

    #. accepted: poronienie, poronienia, poronieniu
    #. forbidden: aborcja, przerwanie ciąży
    #. english: miscarriages
    #, safety
    msgid "miscarriage"
    msgstr "poronienie"

`msgstr` is the approved rendering; `accepted` lists the inflected forms that count as it;
`forbidden` lists renderings that must not be used (a forbidden word inside an approved form,
like the bare word for abortion inside the term for miscarriage, is not a violation);
`english` lists other English spellings of the term. Terms flagged `safety` are errors, others
warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .catalogs import read_catalog

GLOSSARY_FILE = "glossary.po"
SAFETY_FLAG = "safety"
MAX_TERM_LENGTH = 100  # a term is a few words; longer entries are mistakes, not terms


@dataclass(frozen=True)
class Term:
    english: tuple[str, ...]  # the term and its other English spellings, lower case
    approved: tuple[str, ...]  # the approved rendering and its accepted forms
    forbidden: tuple[str, ...]
    is_safety: bool
    lineno: int

    def occurs_in(self, source: str) -> bool:
        folded = source.casefold()
        return any(_contains_word(folded, english) for english in self.english)


@dataclass(frozen=True)
class Finding:
    term: Term
    kind: str  # "missing": none of the approved forms; "forbidden": a forbidden rendering
    found: str = ""  # the forbidden rendering that was used

    @property
    def is_error(self) -> bool:
        return self.term.is_safety

    def __str__(self) -> str:
        english = self.term.english[0]
        approved = " / ".join(self.term.approved[:4])
        if self.kind == "forbidden":
            return f"glossary: {self.found!r} must not be used for {english!r}; write {approved}"
        return f"glossary: the English says {english!r}, but none of the approved forms ({approved}) is used"


@dataclass(frozen=True)
class Glossary:
    path: str
    terms: tuple[Term, ...]

    def findings(self, source: str, translation: str) -> list[Finding]:
        """Terms of the English that the translation renders otherwise than the glossary says."""
        if not translation:
            return []
        folded = translation.casefold()
        findings = []
        for term in self.terms:
            if not term.occurs_in(source):
                continue
            if not any(form.casefold() in folded for form in term.approved):
                findings.append(Finding(term, "missing"))
            remainder = folded
            for form in sorted(term.approved, key=len, reverse=True):
                remainder = remainder.replace(form.casefold(), " ")
            for bad in term.forbidden:
                if bad.casefold() in remainder:
                    findings.append(Finding(term, "forbidden", bad))
        return findings

    def hits(self, source: str) -> list[Term]:
        return [term for term in self.terms if term.occurs_in(source)]


EMPTY_GLOSSARY = Glossary("", ())


def glossary_path(locales_dir: Path, catalog_name: str) -> Path:
    return locales_dir / catalog_name / GLOSSARY_FILE


def load_glossary(path: Path) -> Glossary:
    """Read a PO glossary; raises CatalogError (file:line) for a file that is not valid PO."""
    if not path.exists():
        return Glossary(str(path), ())
    catalog = read_catalog(path)
    terms = []
    for message in catalog:
        if not isinstance(message.id, str) or not message.id or not isinstance(message.string, str):
            continue
        fields = _comment_fields(message.auto_comments)
        approved = _unique([message.string, *fields.get("accepted", [])])
        english = _unique([message.id, *fields.get("english", [])])
        terms.append(
            Term(
                english=tuple(term.casefold() for term in english if len(term) <= MAX_TERM_LENGTH),
                approved=tuple(form for form in approved if form and len(form) <= MAX_TERM_LENGTH),
                forbidden=tuple(form for form in fields.get("forbidden", []) if len(form) <= MAX_TERM_LENGTH),
                is_safety=SAFETY_FLAG in message.flags,
                lineno=message.lineno or 1,
            )
        )
    return Glossary(str(path), tuple(term for term in terms if term.approved and term.english))


def _comment_fields(comments: list[str]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for comment in comments:
        name, separator, values = comment.partition(":")
        if separator and name.strip().lower() in ("accepted", "forbidden", "english"):
            fields.setdefault(name.strip().lower(), []).extend(
                value.strip() for value in values.split(",") if value.strip()
            )
    return fields


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value.strip() for value in values if value.strip()))


def _contains_word(text: str, word: str) -> bool:
    """`word` starts a word in `text` (so "miscarriage" is found in "miscarriages", not in "nomiscarriage").

    >>> _contains_word("two miscarriages", "miscarriage"), _contains_word("labourer", "labour")
    (True, True)
    >>> _contains_word("collaboration", "labour")
    False
    """
    start = 0
    while (index := text.find(word, start)) >= 0:
        if index == 0 or not text[index - 1].isalnum():
            return True
        start = index + 1
    return False


# The terms every language's glossary starts with: (English, other English spellings, is a safety term).
STARTER_TERMS = (
    ("miscarriage", (), True),
    ("threatened miscarriage", (), True),
    ("pregnancy", (), False),
    ("back pain", ("backache",), False),
    ("bleeding", (), True),
    ("emergency number", (), True),
    ("emergency department", (), True),
    ("doctor", (), True),
    ("midwife", (), True),
    ("gynecologist", ("gynaecologist",), True),
    ("medical advice", (), True),
    ("diagnosis", (), False),
    ("treatment", (), False),
    ("third trimester", (), False),
    ("labour", ("labor",), False),
    ("stillbirth", (), False),
    ("preterm", (), False),
)


def starter_glossary(language_code: str) -> str:
    """A new language's glossary.po: the site's key terms, waiting for their approved renderings.

    An entry with an empty msgstr is not checked yet, so the file can be filled in term by term.
    """
    header = (
        f'# Approved terminology for {language_code}: see TRANSLATING.md, "Glossary".\n'
        'msgid ""\nmsgstr ""\n'
        '"Project-Id-Version: Pregnancy Health Library glossary\\n"\n'
        '"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"\n'
        '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"\n'
        f'"Language-Team: {language_code}\\n"\n'
        f'"Language: {language_code}\\n"\n'
        '"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n'
    )
    entries = []
    for english, spellings, is_safety in STARTER_TERMS:
        lines = ["#. accepted:", "#. forbidden:"]
        if spellings:
            lines.append(f"#. english: {', '.join(spellings)}")
        if is_safety:
            lines.append(f"#, {SAFETY_FLAG}")
        lines += [f'msgid "{english}"', 'msgstr ""']
        entries.append("\n".join(lines) + "\n")
    return header + "\n" + "\n".join(entries)
