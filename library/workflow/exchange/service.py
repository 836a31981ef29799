"""Exchange files in and out: the queue of a language as PO or XLIFF, and imports checked as a whole.

The web API and the CLI both call these two functions with a session and a principal, so the same
permission checks, validation and report apply wherever a file comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from library.content import limits
from library.content.service import PreparedText
from library.languages.registry import LanguageRegistry
from library.memory.machine import MachineTranslator
from library.memory.service import suggestions_for_segments
from library.memory.text import in_tokens_of, markup_of
from library.quality.terms import notes_for, term_entries
from library.storage.types import utcnow
from library.workflow.errors import ImportRejected, UnknownFormat
from library.workflow.exchange import ingest, po, xliff
from library.workflow.exchange.report import ImportReport, Kind
from library.workflow.exchange.units import ExportUnit, ReadFile, units_of
from library.workflow.messages import N_
from library.workflow.permissions import Principal, require_language
from library.workflow.queue import queue

FORMATS = {
    "po": (po.write_po, po.read_po, po.MEDIA_TYPE, "po"),
    "xliff": (xliff.write_xliff, xliff.read_xliff, xliff.MEDIA_TYPE, "xlf"),
}


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    data: bytes
    units: int


def _format(name: str):
    if name not in FORMATS:
        raise UnknownFormat(format=name, supported=", ".join(FORMATS))
    return FORMATS[name]


def guess_format(filename: str | None, data: bytes) -> str:
    """``xliff`` for XML (by name or content), else ``po``."""
    name = (filename or "").lower()
    if name.endswith((".xlf", ".xliff", ".xml")) or data.lstrip()[:5] in (b"<?xml", b"<xlif"):
        return "xliff"
    return "po"


def export_file(session: Session, registry: LanguageRegistry, principal: Principal, language: str, fmt: str, *,
                base_url: str, section: str | None = None, at: datetime | None = None,
                engine: MachineTranslator | None = None) -> ExportFile:
    """The whole queue of ``language`` (or of one section) as a file for a CAT tool, with a note on
    each term of the term base a unit's source uses, and the translation memory's suggestions (XLIFF:
    ``<alt-trans>``; PO: an untranslated unit pre-filled, fuzzy, from a match of at least
    `po.PREFILL_MATCH` %)."""
    write, _, media_type, extension = _format(fmt)
    page = queue(session, registry, principal, language, section=section, limit=None)
    terms = term_entries(session, notes=True)
    units = [replace(unit, terms=tuple(notes_for(terms, unit.source, unit.key.source_language, language)))
             for unit in units_of(page, base_url)]
    units = _with_suggestions(session, units, language, terms, engine)
    data = write(units, language, exported_at=at or utcnow())
    name = f"library-{language}{'-' + section if section else ''}.{extension}"
    return ExportFile(name, media_type, data, len(units))


def _with_suggestions(session: Session, units: list[ExportUnit], language: str, terms,
                      engine: MachineTranslator | None) -> list[ExportUnit]:
    """``units`` with their suggestions, asked of the memory once per source language by each segment's
    HTML, and written back in the segment's tokens (what the file's msgid or source holds)."""
    by_source: dict[str, list[int]] = {}
    for index, unit in enumerate(units):
        by_source.setdefault(unit.key.source_language, []).append(index)
    found: dict[int, tuple] = {}
    for source_language, indexes in by_source.items():
        answers = suggestions_for_segments(session, source_language, language,
                                           [markup_of(units[i].segment) for i in indexes], terms=terms, engine=engine)
        for index, answer in zip(indexes, answers, strict=True):
            segment = units[index].segment
            found[index] = tuple(replace(s, source=in_tokens_of(s.source, segment),
                                         target=in_tokens_of(s.target, segment)) for s in answer)
    return [replace(unit, suggestions=found[index]) for index, unit in enumerate(units)]


@dataclass(frozen=True)
class PreparedImport:
    """An import's work done before its writing unit of work (issue 13): the file read, and the
    content checks of every text it would write, as the library stood then."""

    language: str
    fmt: str
    data: bytes
    found: ReadFile
    texts: Mapping[str, PreparedText]
    """By article slug."""

    def fits(self, language: str, fmt: str, data: bytes) -> bool:
        return (self.language, self.fmt) == (language, fmt) and self.data == data


def _read(registry: LanguageRegistry, principal: Principal, language: str, data: bytes, fmt: str,
          prepared: PreparedImport | None = None, *, max_text_kb: int | None = limits.DEFAULT_MAX_TEXT_KB) -> ReadFile:
    """The file as its format's reader finds it. A control character anywhere refuses it, naming the line;
    so does a translation longer than ``max_text_kb`` (`library.content.limits`)."""
    registry.get(language)
    require_language(principal, language)
    _, read, _, _ = _format(fmt)
    if prepared is not None and prepared.fits(language, fmt, data):
        return prepared.found
    try:
        limits.check_lines(data.decode("utf-8", "replace"), xml=fmt == "xliff")
    except limits.ControlCharacter as error:
        return ReadFile(None, [], [(error.where, limits.CONTROL_IN_TEXT, dict(error.facts))])
    found = read(data)
    for unit in found.units:
        if (problem := limits.text_problem(unit.target, max_kb=max_text_kb)) is not None:
            found.problems.append((unit.where, problem[0], problem[1]))
    return found


def _usable(found: ReadFile, language: str, report: ImportReport) -> bool:
    """Whether the file as a whole can be imported (the report says why not)."""
    for where, template, facts in found.problems:
        report.add(Kind.ERROR, where, template, **facts)
    if found.problems:
        return False
    if found.language != language:
        report.add(Kind.ERROR, (N_("the file"), {}), N_("its language is “{found}”, not “{language}”"),
                   found=found.language or "-", language=language)
        return False
    return True


def prepare_import(session: Session, registry: LanguageRegistry, principal: Principal, language: str, data: bytes,
                   fmt: str, *, max_text_kb: int | None = limits.DEFAULT_MAX_TEXT_KB) -> PreparedImport:
    """What `import_file` computes without writing: call it in a read-only unit of work and pass the
    result as ``prepared``, so the writing one only checks the file against the library again and writes."""
    report = ImportReport(language, fmt)
    found = _read(registry, principal, language, data, fmt, max_text_kb=max_text_kb)
    texts = {}
    if _usable(found, language, report):
        plans = ingest.check(session, language, found.units, report, max_text_kb=max_text_kb)
        texts = ingest.prepare(session, language, plans) if report.ok else {}
    return PreparedImport(language, fmt, data, found, texts)


def import_file(session: Session, registry: LanguageRegistry, principal: Principal, language: str, data: bytes,
                fmt: str, *, dry_run: bool = False, at: datetime | None = None,
                prepared: PreparedImport | None = None,
                max_text_kb: int | None = limits.DEFAULT_MAX_TEXT_KB) -> ImportReport:
    """Check a whole file, then (unless ``dry_run``) apply it; the report says what happened.

    A control character anywhere in the file refuses it, naming the line; so does a translation longer
    than ``max_text_kb``. All or nothing: a file with any error raises `ImportRejected` (carrying the
    report) before anything is written, so the caller's unit of work rolls back whatever it holds. ``prepared`` is what
    `prepare_import` computed for the same file before this unit of work.
    """
    report = ImportReport(language, fmt)
    found = _read(registry, principal, language, data, fmt, prepared, max_text_kb=max_text_kb)
    plans = (ingest.check(session, language, found.units, report, max_text_kb=max_text_kb)
             if _usable(found, language, report) else [])
    if not report.ok:
        raise ImportRejected(report)
    if not dry_run:
        texts = prepared.texts if prepared is not None else {}
        ingest.apply(session, principal, language, plans, report, at=at, prepared=texts)
    else:
        for plan in plans:
            report.add(Kind.READY, (N_("article {article}"), {"article": plan.slug}), N_("ready to import"))
    return report
