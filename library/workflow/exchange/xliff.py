"""XLIFF 1.2 files for CAT tools: one ``<file>`` per source language, one ``<group>`` per article,
one ``<trans-unit>`` per field with the key ``slug|field|lang@revision`` as its id.

HTML tags travel as ``<ph>`` inline codes, so a CAT tool shows them as protected placeholders; on
the way back each ``<ph>`` is replaced by the source's code with the same id (the translator cannot
change a link by editing a code). ``<mrk>`` segment markers that tools add are read through. The
output validates against the strict XLIFF 1.2 schema (tests/data/xliff).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from lxml import etree

from library import __version__
from library.memory.suggest import Suggestion
from library.workflow.exchange.markup import TAG
from library.workflow.exchange.units import ExportUnit, ReadFile, ReadUnit
from library.workflow.messages import N_

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MEDIA_TYPE = "application/x-xliff+xml"
#: Target states that mean "not finished": such units are not imported.
FILE = (N_("the file"), {})
UNFINISHED = {"new", "needs-translation", "needs-adaptation", "needs-l10n", "needs-review-translation",
              "needs-review-adaptation", "needs-review-l10n"}


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _fill(element: etree._Element, html: str, codes: dict[str, str] | None = None) -> None:
    """Write ``html`` into ``element`` with every tag as a ``<ph>``; ids follow ``codes`` when given."""
    used: set[str] = set()
    last, position = None, 0
    element.text = ""
    for counter, match in enumerate(TAG.finditer(html), start=1):
        text = html[position:match.start()]
        if last is None:
            element.text += text
        else:
            last.tail = (last.tail or "") + text
        code = match.group(0)
        ph_id = str(counter) if codes is None else _code_id(codes, code, used, counter)
        last = etree.SubElement(element, _q("ph"), id=ph_id)
        last.text = code
        position = match.end()
    rest = html[position:]
    if last is None:
        element.text += rest
    else:
        last.tail = (last.tail or "") + rest


def _code_id(codes: dict[str, str], code: str, used: set[str], counter: int) -> str:
    for ph_id, source_code in codes.items():
        if source_code == code and ph_id not in used:
            used.add(ph_id)
            return ph_id
    return f"x{counter}"


def _source_codes(html: str) -> dict[str, str]:
    return {str(n): m.group(0) for n, m in enumerate(TAG.finditer(html), start=1)}


def write_xliff(units: list[ExportUnit], language: str, *, exported_at: datetime) -> bytes:
    root = etree.Element(_q("xliff"), version="1.2", nsmap={None: NS})
    by_source: dict[str, list[ExportUnit]] = defaultdict(list)
    for unit in units:
        by_source[unit.key.source_language].append(unit)
    for source_language in sorted(by_source):
        file = etree.SubElement(root, _q("file"), {
            "original": f"library/{source_language}-{language}", "source-language": source_language,
            "target-language": language, "datatype": "html", "date": exported_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tool-id": "library"})
        header = etree.SubElement(file, _q("header"))
        etree.SubElement(header, _q("tool"), {"tool-id": "library", "tool-name": "library",
                                               "tool-version": __version__})
        body = etree.SubElement(file, _q("body"))
        groups: dict[str, etree._Element] = {}
        for unit in by_source[source_language]:
            if unit.key.article not in groups:
                groups[unit.key.article] = group = etree.SubElement(body, _q("group"), id=unit.key.article,
                                                                     resname=unit.key.article)
                note = etree.SubElement(group, _q("note"), {"from": "library"})
                note.text = f"{unit.url} ({unit.reason}; asked for by readers {unit.demand} time(s))"
            _unit(groups[unit.key.article], unit, source_language, language)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _unit(group: etree._Element, unit: ExportUnit, source_language: str, language: str) -> None:
    element = etree.SubElement(group, _q("trans-unit"), {"id": str(unit.key), "resname": unit.key.field,
                                                         f"{{{XML_NS}}}space": "preserve"})
    source = etree.SubElement(element, _q("source"), {f"{{{XML_NS}}}lang": source_language})
    _fill(source, unit.source)
    if unit.target:
        target = etree.SubElement(element, _q("target"), {f"{{{XML_NS}}}lang": language,
                                                          "state": "needs-review-translation"})
        _fill(target, unit.target, _source_codes(unit.source))
    for term in unit.terms:
        etree.SubElement(element, _q("note"), {"from": "terms", "annotates": "source"}).text = term
    if unit.target and unit.previous_source not in (None, unit.source):
        note = etree.SubElement(element, _q("note"), {"from": "library"})
        note.text = f"The source changed since this translation was made. It was: {unit.previous_source}"
    for suggestion in unit.suggestions:
        _alt_trans(element, suggestion, source_language, language)


def _alt_trans(element: etree._Element, suggestion: Suggestion, source_language: str, language: str) -> None:
    """A suggestion as ``<alt-trans>``: the memory's with its ``match-quality`` (percent) and the source it
    translated; a machine translation with ``origin="mt:<engine>"`` and no quality."""
    if suggestion.kind == "machine":
        attributes = {"origin": f"mt:{suggestion.origin}", "tool-id": "library"}
    else:
        attributes = {"match-quality": str(suggestion.match), "origin": f"library-memory:{suggestion.origin}",
                      "tool-id": "library"}
    alt = etree.SubElement(element, _q("alt-trans"), attributes)
    _fill(etree.SubElement(alt, _q("source"), {f"{{{XML_NS}}}lang": source_language}), suggestion.source)
    codes = _source_codes(suggestion.source)
    _fill(etree.SubElement(alt, _q("target"), {f"{{{XML_NS}}}lang": language}), suggestion.target, codes)
    if suggestion.breaks_terms:
        etree.SubElement(alt, _q("note"), {"from": "library"}).text = (
            f"Does not keep the term base's forms of: {', '.join(suggestion.breaks_terms)}")


def _flatten(element: etree._Element, codes: dict[str, str], *, is_source: bool) -> tuple[str, tuple | None]:
    """The HTML an inline-coded element stands for; source ``<ph>`` fill ``codes``, target ones read them."""
    parts = [element.text or ""]
    for child in element:
        name = etree.QName(child).localname if isinstance(child.tag, str) else None
        if name == "ph":
            ph_id = child.get("id", "")
            if is_source:
                codes[ph_id] = "".join(child.itertext())
            elif ph_id not in codes:
                return "", (N_("the target has an inline code <ph id=\"{id}\"> that its source does not"),
                            {"id": ph_id})
            parts.append(codes[ph_id])
        elif name == "mrk":
            inner, problem = _flatten(child, codes, is_source=is_source)
            if problem:
                return "", problem
            parts.append(inner)
        elif name is not None:
            return "", (N_("unsupported inline element <{element}>"), {"element": name})
        parts.append(child.tail or "")
    return "".join(parts), None


def _read_unit(element: etree._Element) -> ReadUnit:
    unit_id = element.get("id")
    where = (N_("unit {unit}, line {line}"), {"unit": unit_id or "-", "line": element.sourceline})
    source, target = element.find(_q("source")), element.find(_q("target"))
    codes: dict[str, str] = {}
    source_text, problem = _flatten(source, codes, is_source=True) if source is not None else ("", None)
    target_text = ""
    if problem is None and target is not None:
        target_text, problem = _flatten(target, codes, is_source=False)
    finished = target is not None and target.get("state") not in UNFINISHED
    return ReadUnit(where=where, raw_key=unit_id, source=source_text, target=target_text,
                    done=finished and bool(target_text.strip()), problem=problem)


def read_xliff(data: bytes) -> ReadFile:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                             remove_pis=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno or (error.position[0] if error.position else 0)
        where = (N_("line {line}"), {"line": line})
        return ReadFile(None, [], [(where, N_("the file is not well-formed XML: {reason}"), {"reason": error.msg})])
    if root.getroottree().docinfo.doctype:
        return ReadFile(None, [], [(FILE, N_("a DOCTYPE is not allowed in an exchange file"), {})])
    if root.tag != _q("xliff") or root.get("version") != "1.2":
        return ReadFile(None, [], [(FILE, N_("not an XLIFF 1.2 document: the root must be <xliff version=\"1.2\"> "
                                             "in the namespace {ns}"), {"ns": NS})])
    languages = {f.get("target-language") for f in root.iter(_q("file"))}
    problems = []
    if len(languages) > 1:
        problems.append((FILE, N_("the file mixes target languages: {languages}"),
                         {"languages": ", ".join(sorted(str(x) for x in languages))}))
    units = [_read_unit(element) for element in root.iter(_q("trans-unit"))]
    return ReadFile(next(iter(languages), None), units, problems)
