"""Checks that catalogs are complete and plausible before they ship (``library catalogs check``).

msgfmt, polib and Babel accept things that break a page: a Russian header with two plural forms, a
plural entry with only ``msgstr[0]``, English text in a Kazakh msgstr, Russian in an English one. Each
problem becomes a `Finding` naming the file and line; recoverable, so all are reported at once.

Whether a translation is in its catalog's language is decided by the one language detector,
`library.languages.detect`, which this package does not import (catalogs are a leaf): the caller
passes its judgement (`library.quality.interface`); its "unsure" on short strings is never a finding.

A reviewed exception is recorded on the entry with a marker in a translator comment (``# library:
allow-identical`` in the .po) or an extracted comment (the same line just above the string in the
source). ``library: allow-identical`` allows a translation that is identical to the original or to the
Russian one, or written without Cyrillic; ``library: language-ok`` allows one the detector takes for
another language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polib

from library.catalogs.compile import stale_languages
from library.catalogs.files import load_catalogs, load_po, mo_path, po_path, pot_path
from library.catalogs.placeholders import mismatch, strip_placeholders
from library.catalogs.plurals import PluralRule, rule_problem

ALLOW_IDENTICAL = "library: allow-identical"
DEFAULT_REQUIRED = ("en", "ru", "kk")
CYRILLIC_LANGUAGES = frozenset({"ru", "kk"})

LanguageJudge = Callable[[str, polib.POEntry, str], Iterable[tuple[str, str]]]
"""(catalog language, entry, one of its texts) -> (code, message) for each way the text is in the wrong
language or script. The catalogs do not judge languages themselves: `library.quality.interface`
passes the one language detector's judgement (`check_catalogs(..., judge=...)`)."""
#: A word of Latin letters only (placeholders aside): a message worth translating, not a code or a number.
_LATIN_WORD = re.compile(r"(?<![^\W\d_])[A-Za-z]{2,}(?![^\W\d_])")


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    """polib's line number of the entry: the first line of its block (a comment or ``msgid``); 0 for a whole file."""

    msgid: str
    code: str
    """Stable name of the problem (``untranslated``, ``placeholders``, ``wrong-script``, ...)."""

    message: str
    severity: str = "error"
    """``error`` fails ``catalogs check``; ``warning`` is evidence worth a look."""

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        msgid = self.msgid.replace("\n", "\\n")
        return f"{self.file}:{self.line}: {msgid}: {prefix}{self.message} [{self.code}]"


@dataclass(frozen=True)
class _Catalog:
    """One language's catalog and what the entry checks need to know about it."""

    language: str
    path: Path
    po: polib.POFile
    rule: PluralRule | None
    required: bool

    def finding(self, entry: polib.POEntry | None, code: str, message: str, *, error: bool = True) -> Finding:
        line, msgid = (entry.linenum, entry.msgid) if entry is not None else (_header_line(self.path), "")
        return Finding(str(self.path), line, msgid, code, message, "error" if error else "warning")


def _header_line(path: Path) -> int:
    for number, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if text.startswith('msgid ""'):
            return number
    return 1


def allowed(entry: polib.POEntry, marker: str = ALLOW_IDENTICAL) -> bool:
    """Whether a reviewer marked ``entry`` with ``marker`` (a translator or an extracted comment)."""
    return marker in f"{entry.comment}\n{entry.tcomment}"


def forms(entry: polib.POEntry) -> list[str]:
    """The entry's translations: its msgstr, or each plural form in order."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _has_words(text: str) -> bool:
    return _LATIN_WORD.search(strip_placeholders(text)) is not None


def check_header(catalog: _Catalog) -> Iterator[Finding]:
    header = catalog.po.metadata.get("Plural-Forms")
    if not header:
        yield catalog.finding(None, "plural-header", "the header has no Plural-Forms line")
        return
    if catalog.rule is None:
        try:
            PluralRule.parse(header)
        except ValueError as exc:
            yield catalog.finding(None, "plural-header", str(exc))
        return
    if problem := rule_problem(catalog.language, catalog.rule):
        yield catalog.finding(None, "plural-header", problem)


def check_completeness(catalog: _Catalog, entry: polib.POEntry) -> Iterator[Finding]:
    texts = forms(entry)
    nplurals = catalog.rule.nplurals if catalog.rule else None
    if entry.msgid_plural and nplurals is not None and len(texts) != nplurals:
        yield catalog.finding(
            entry, "plural-count", f"has {len(texts)} plural forms, the header declares nplurals={nplurals}"
        )
    if not any(texts):
        yield catalog.finding(entry, "untranslated", "not translated", error=catalog.required)
    elif not all(texts):
        yield catalog.finding(entry, "plural-incomplete", "some plural forms are empty", error=catalog.required)
    if entry.fuzzy:
        yield catalog.finding(entry, "fuzzy", "marked fuzzy: review it and remove the flag", error=catalog.required)


def check_placeholders(catalog: _Catalog, entry: polib.POEntry) -> Iterator[Finding]:
    if not entry.msgid_plural:
        if entry.msgstr and (problem := mismatch(entry.msgid, entry.msgstr)):
            yield catalog.finding(entry, "placeholders", problem)
        return
    only_one = catalog.rule.forms_only_for_one() if catalog.rule else frozenset()
    for index, form in enumerate(forms(entry)):
        if form and (problem := mismatch(entry.msgid_plural, form, may_omit=index in only_one)):
            yield catalog.finding(entry, "placeholders", f"msgstr[{index}]: {problem}")


def check_language(catalog: _Catalog, entry: polib.POEntry, judge: LanguageJudge) -> Iterator[Finding]:
    """Text in the wrong script or language, as ``judge`` finds it, reported once per code."""
    reported: set[str] = set()
    for text in filter(None, forms(entry)):
        for code, message in judge(catalog.language, entry, text):
            if code not in reported:
                reported.add(code)
                yield catalog.finding(entry, code, message)


_Index = dict[tuple[str | None, str], polib.POEntry]


def _index(po: polib.POFile) -> _Index:
    """Live, non-fuzzy entries by (context, msgid)."""
    return {(entry.msgctxt, entry.msgid): entry for entry in po if not entry.obsolete and not entry.fuzzy}


def check_identical_to_russian(catalog: _Catalog, entry: polib.POEntry, russian: _Index) -> Iterator[Finding]:
    if catalog.language != "kk" or allowed(entry) or not _has_words(entry.msgid):
        return
    other = russian.get((entry.msgctxt, entry.msgid))
    if other is None:
        return
    same = {form for form in forms(entry) if form} & {form for form in forms(other) if form}
    if same:
        yield catalog.finding(
            entry, "identical-to-ru", f"Kazakh translation identical to the Russian one: {min(same)!r}"
        )


def check_entries(catalog: _Catalog, russian: _Index | None, judge: LanguageJudge | None) -> Iterator[Finding]:
    for entry in catalog.po:
        if entry.obsolete:
            continue
        yield from check_completeness(catalog, entry)
        if entry.fuzzy:
            continue  # not shipped (left out of the .mo); content is reviewed when the flag goes
        yield from check_placeholders(catalog, entry)
        if judge is not None:
            yield from check_language(catalog, entry, judge)
        if russian is not None:
            yield from check_identical_to_russian(catalog, entry, russian)


def check_merged(catalog: _Catalog, template: polib.POFile, template_path: Path) -> Iterator[Finding]:
    """Messages of the template that the catalog lacks: ``catalogs update`` was not run after extraction."""
    present = {(entry.msgctxt, entry.msgid) for entry in catalog.po if not entry.obsolete}
    for entry in template:
        if not entry.obsolete and (entry.msgctxt, entry.msgid) not in present:
            yield Finding(
                str(template_path),
                entry.linenum,
                entry.msgid,
                "not-merged",
                f"missing from {catalog.path}; run `library catalogs update`",
                "error" if catalog.required else "warning",
            )


def _open(locales_dir: Path, language: str, po: polib.POFile, required: bool) -> _Catalog:
    try:
        rule = PluralRule.parse(po.metadata.get("Plural-Forms", ""))
    except ValueError:
        rule = None
    return _Catalog(language, po_path(locales_dir, language), po, rule, required)


def check_catalogs(
    locales_dir: Path,
    languages: tuple[str, ...],
    required: tuple[str, ...] = DEFAULT_REQUIRED,
    *,
    check_compiled: bool = True,
    judge: LanguageJudge | None = None,
) -> list[Finding]:
    """Every finding for the catalogs of ``languages``, sorted by file and line.

    With ``judge``, each translation is also checked to be in its catalog's language and script
    (`library.quality.interface.check_interface_catalogs` passes the language detector's judgement).

    Untranslated, incomplete and fuzzy entries are errors in ``required`` languages and warnings in
    the others (they fall back at run time). With ``check_compiled``, a .mo out of step with its .po
    is an error too. A missing or malformed file raises `Invalid` instead.
    """
    locales_dir = Path(locales_dir)
    catalogs = {
        language: _open(locales_dir, language, po, language in required)
        for language, po in load_catalogs(locales_dir, languages).items()
    }
    template_path = pot_path(locales_dir)
    template = load_po(template_path) if template_path.is_file() else None
    russian = _index(catalogs["ru"].po) if "ru" in catalogs else None
    findings: list[Finding] = []
    for catalog in catalogs.values():
        findings += check_header(catalog)
        findings += check_entries(catalog, russian, judge)
        if template is not None:
            findings += check_merged(catalog, template, template_path)
    if check_compiled:
        for language in stale_languages(locales_dir, tuple(catalogs)):
            findings.append(
                Finding(
                    str(mo_path(locales_dir, language)),
                    0,
                    "",
                    "stale-mo",
                    "out of step with its .po; run `library catalogs compile`",
                )
            )
    return sorted(findings)
