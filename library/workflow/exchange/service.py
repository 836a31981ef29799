"""Exchange files in and out: the queue of a language as PO or XLIFF, and imports checked as a whole.

The web API and the CLI both call these two functions with a session and a principal, so the same
permission checks, validation and report apply wherever a file comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from library.content import limits
from library.languages.registry import LanguageRegistry
from library.quality.terms import notes_for, term_entries
from library.storage.types import utcnow
from library.workflow.accounts import Principal, require_language
from library.workflow.errors import UnknownFormat
from library.workflow.exchange import ingest, po, xliff
from library.workflow.exchange.report import ImportReport, Kind
from library.workflow.exchange.units import units_of
from library.workflow.messages import N_
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
                base_url: str, section: str | None = None, at: datetime | None = None) -> ExportFile:
    """The whole queue of ``language`` (or of one section) as a file for a CAT tool, with a note on
    each term of the term base a unit's source uses."""
    write, _, media_type, extension = _format(fmt)
    page = queue(session, registry, principal, language, section=section, limit=None)
    terms = term_entries(session, notes=True)
    units = [replace(unit, terms=tuple(notes_for(terms, unit.source, unit.key.source_language, language)))
             for unit in units_of(page, base_url)]
    data = write(units, language, exported_at=at or utcnow())
    name = f"library-{language}{'-' + section if section else ''}.{extension}"
    return ExportFile(name, media_type, data, len(units))


def import_file(session: Session, registry: LanguageRegistry, principal: Principal, language: str, data: bytes,
                fmt: str, *, dry_run: bool = False, at: datetime | None = None,
                max_text_kb: int = limits.DEFAULT_MAX_TEXT_KB) -> ImportReport:
    """Check a whole file, then (unless ``dry_run`` or any error) apply it; the report says what happened.

    A control character anywhere in the file refuses it, naming the line; so does a translation longer
    than ``max_text_kb`` (`library.content.limits`).

    The caller raises `ImportRejected` for a report with errors, so its transaction writes nothing.
    """
    registry.get(language)
    require_language(principal, language)
    _, read, _, _ = _format(fmt)
    report = ImportReport(language, fmt)
    try:
        limits.check_lines(data.decode("utf-8", "replace"), xml=fmt == "xliff")
    except limits.ControlCharacter as error:
        report.add(Kind.ERROR, error.where, limits.CONTROL_IN_TEXT, **error.facts)
        return report
    found = read(data)
    for unit in found.units:
        if (problem := limits.text_problem(unit.target, max_kb=max_text_kb)) is not None:
            found.problems.append((unit.where, problem[0], problem[1]))
    for where, template, facts in found.problems:
        report.add(Kind.ERROR, where, template, **facts)
    if found.problems:
        return report
    if found.language != language:
        report.add(Kind.ERROR, (N_("the file"), {}), N_("its language is “{found}”, not “{language}”"),
                   found=found.language or "-", language=language)
        return report
    plans = ingest.check(session, language, found.units, report)
    if report.ok and not dry_run:
        ingest.apply(session, principal, language, plans, report, at=at)
    elif report.ok:
        for plan in plans:
            report.add(Kind.READY, (N_("article {article}"), {"article": plan.slug}), N_("ready to import"))
    return report
