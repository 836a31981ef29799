"""PO files for CAT tools (polib): one entry per segment, msgctxt ``slug|segment|lang@revision``.

The msgid is the segment's text with its inline markup as tokens (``{1}link{/1}``); extracted
comments (``#.``, the comments addressed to translators) carry the article's URL, why it is in the
queue, what each token stands for, the term base's forms for the terms its source uses and each of the
translation memory's suggestions; ``#:`` names the article, the field and the paragraph. An outdated
translation's untouched segments come translated; a segment whose source changed comes pre-filled with
its old translation, flagged ``fuzzy``, with the old source as ``#| msgid`` so the CAT tool shows what
changed; an untranslated segment whose source the memory matches at `PREFILL_MATCH` % or more comes
pre-filled and ``fuzzy`` too, the memory's source as ``#| msgid`` when it differs. Reading checks the
syntax line by line first, because polib silently accepts some broken lines (a missing closing quote)
and the import must name them instead.
"""

from __future__ import annotations

import re
from datetime import datetime

import polib

from library import __version__
from library.memory.suggest import Suggestion
from library.workflow.exchange.units import ExportUnit, ReadFile, ReadUnit
from library.workflow.messages import N_

MEDIA_TYPE = "text/x-gettext-translation"
#: A memory match at least this good (percent) pre-fills an untranslated unit, flagged fuzzy.
PREFILL_MATCH = 95
_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD_LINE = re.compile(rf"^(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+{_STRING}$")
_CONTINUATION = re.compile(rf"^{_STRING}$")


def write_po(units: list[ExportUnit], language: str, *, exported_at: datetime) -> bytes:
    po = polib.POFile(wrapwidth=78)
    po.header = f"Translations into {language} exported from the library for a CAT tool."
    po.metadata = {
        "Project-Id-Version": f"library {__version__}",
        "POT-Creation-Date": exported_at.strftime("%Y-%m-%d %H:%M+0000"),
        "PO-Revision-Date": exported_at.strftime("%Y-%m-%d %H:%M+0000"),
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"library {__version__}",
    }
    for unit in units:
        fuzzy = bool(unit.target) and not unit.final
        previous = unit.previous_source if fuzzy and unit.previous_source not in (None, unit.source) else None
        target = unit.target
        if not target and (best := _prefill(unit)) is not None:
            target, fuzzy = best.target, True
            previous = best.source if best.source != unit.source else None
        po.append(polib.POEntry(
            msgctxt=str(unit.key), msgid=unit.source, msgstr=target,
            comment="\n".join((unit.url, f"{unit.reason}; asked for by readers {unit.demand} time(s)",
                               *unit.code_notes(), *unit.terms, *_memory_note(unit))),
            occurrences=[(f"articles/{unit.key.article}/{unit.key.field}", str(unit.segment.block or ""))],
            flags=["fuzzy"] if fuzzy else [],
            previous_msgid=previous,
        ))
    return str(po).encode("utf-8") + b"\n"


def _prefill(unit: ExportUnit) -> Suggestion | None:
    """The memory's best suggestion when it is good enough to pre-fill an untranslated unit."""
    for suggestion in unit.suggestions:
        if suggestion.kind == "memory" and (suggestion.match or 0) >= PREFILL_MATCH:
            return suggestion
    return None


def _memory_note(unit: ExportUnit) -> list[str]:
    """One translator's comment per suggestion: what a CAT tool without XLIFF's alt-trans still shows."""
    notes = []
    for suggestion in unit.suggestions:
        kind = (f"Translation memory, {suggestion.match}% match" if suggestion.kind == "memory"
                else f"Machine translation ({suggestion.origin})")
        broken = f" (does not keep the terms: {', '.join(suggestion.breaks_terms)})" if suggestion.breaks_terms else ""
        notes.append(f"{kind}{broken}: {suggestion.target}")
    return notes


def _syntax_problems(text: str) -> list[tuple[str, str, dict[str, object]]]:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not (_KEYWORD_LINE.match(stripped) or _CONTINUATION.match(stripped)):
            problems.append(((N_("line {line}"), {"line": number}), N_("not a valid PO line: {text}"),
                             {"text": stripped[:80]}))
    return problems


def read_po(data: bytes) -> ReadFile:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        where = (N_("byte {offset}"), {"offset": error.start})
        return ReadFile(None, [], [(where, N_("the file is not UTF-8 text"), {})])
    problems = _syntax_problems(text)
    if problems:
        return ReadFile(None, [], problems)
    try:
        po = polib.pofile(text)
    except (OSError, ValueError) as error:
        return ReadFile(None, [], [((N_("the file"), {}), N_("not a PO file: {reason}"), {"reason": str(error)})])
    units = []
    for entry in po:
        if entry.obsolete:
            continue
        where = ((N_("line {line}, unit {unit}"), {"line": entry.linenum, "unit": entry.msgctxt}) if entry.msgctxt
                 else (N_("line {line}"), {"line": entry.linenum}))
        problem = (N_("plural entries cannot carry article text"), {}) if entry.msgid_plural else None
        units.append(ReadUnit(where=where, raw_key=entry.msgctxt, source=entry.msgid, target=entry.msgstr,
                              done=bool(entry.msgstr) and "fuzzy" not in entry.flags, problem=problem))
    return ReadFile(po.metadata.get("Language", "").strip() or None, units, [])
