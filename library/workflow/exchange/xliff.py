"""XLIFF 1.2 files for CAT tools: one ``<file>`` per source language, one ``<group>`` per article,
one ``<trans-unit>`` per segment with the key ``slug|segment|lang@revision`` as its id.

A segment's tokens travel as the standard's inline elements for codes kept outside the file (the
library rebuilds the markup from the source, XLIFF 1.2 section 2.5.2): a pair of tags as ``<g>``
around the text it marks, a lone tag as ``<x/>``, each with the token's number as its id and a
``ctype`` (link, bold, italic, image...), so a CAT tool shows them as protected codes. Text of the source
that merely looks like a token travels as ``<ph>`` holding it. On the way back the ids name the
source's codes (the translator cannot change a link by editing a code); ``<mrk>`` segment markers that
tools add are read through. The output validates against the strict XLIFF 1.2 schema (tests/data/xliff).
"""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import datetime

from lxml import etree

from library import __version__
from library.content.segments import TOKEN, Segment
from library.memory.suggest import Suggestion
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


#: ``ctype`` of a pair (``<g>``) and of a lone tag (``<x/>``) by tag name; others are ``x-<name>``.
_PAIR_TYPES = {"a": "link", "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underlined"}
_LONE_TYPES = {"img": "image", "br": "lb"}


def _fill(element: etree._Element, text: str, segment: Segment) -> None:
    """Write the token ``text`` of ``segment`` (its source, or a translation of it) into ``element``:
    ``{n}…{/n}`` as ``<g id="n">``, ``{n/}`` as ``<x id="n"/>`` (``<ph>`` for a literal). A token that
    cannot nest, or that the segment has no code for (an old translation's), is written as text."""
    codes = {code.number: code for code in segment.codes}
    used: set[str] = set()  # each token once: a hostile text cannot nest elements beyond the codes
    stack: list[tuple[etree._Element, int]] = [(element, 0)]
    last: list[etree._Element | None] = [None]  # the last child written into each open element
    position = 0
    pending: list[str] = []  # text waiting for the next element: joined once (appending to lxml's text copies it)

    def add_text(value: str) -> None:
        if value:
            pending.append(value)

    def flush() -> None:
        if not pending:
            return
        value = "".join(pending)
        pending.clear()
        if last[-1] is None:
            stack[-1][0].text = (stack[-1][0].text or "") + value
        else:
            last[-1].tail = (last[-1].tail or "") + value

    for match in TOKEN.finditer(text):
        add_text(text[position:match.start()])
        position = match.end()
        closing, number, lone = match[1], int(match[2]), match[3]
        code = codes.get(number)
        if code is None or closing and lone or code.paired == bool(lone) or match.group() in used:
            add_text(match.group())
            continue
        used.add(match.group())
        flush()
        if not code.paired:
            if code.tag:
                child = etree.SubElement(stack[-1][0], _q("x"), id=str(number),
                                         ctype=_LONE_TYPES.get(code.tag, f"x-{code.tag}"))
            else:
                child = etree.SubElement(stack[-1][0], _q("ph"), id=str(number), ctype="x-text")
                child.text = html.unescape(code.opening)
            last[-1] = child
        elif not closing:
            child = etree.SubElement(stack[-1][0], _q("g"), id=str(number),
                                     ctype=_PAIR_TYPES.get(code.tag, f"x-{code.tag}"))
            last[-1] = child
            stack.append((child, number))
            last.append(None)
        elif stack[-1][1] == number:
            stack.pop()
            last.pop()
        else:
            add_text(match.group())
    add_text(text[position:])
    flush()


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
    _fill(source, unit.source, unit.segment)
    if unit.target:
        state = "translated" if unit.final else "needs-review-translation"
        target = etree.SubElement(element, _q("target"), {f"{{{XML_NS}}}lang": language, "state": state})
        _fill(target, unit.target, unit.segment)
    for term in unit.terms:
        etree.SubElement(element, _q("note"), {"from": "terms", "annotates": "source"}).text = term
    if unit.target and unit.previous_source not in (None, unit.source):
        note = etree.SubElement(element, _q("note"), {"from": "library"})
        note.text = f"The source changed since this translation was made. It was: {unit.previous_source}"
    for suggestion in unit.suggestions:
        _alt_trans(element, suggestion, unit.segment, source_language, language)


def _alt_trans(element: etree._Element, suggestion: Suggestion, segment: Segment, source_language: str,
               language: str) -> None:
    """A suggestion as ``<alt-trans>``: the memory's with its ``match-quality`` (percent) and the source it
    translated; a machine translation with ``origin="mt:<engine>"`` and no quality. Its texts are in the
    unit's tokens (`library.memory.service.in_tokens_of`), written with the unit's codes."""
    if suggestion.kind == "machine":
        attributes = {"origin": f"mt:{suggestion.origin}", "tool-id": "library"}
    else:
        attributes = {"match-quality": str(suggestion.match), "origin": f"library-memory:{suggestion.origin}",
                      "tool-id": "library"}
    alt = etree.SubElement(element, _q("alt-trans"), attributes)
    _fill(etree.SubElement(alt, _q("source"), {f"{{{XML_NS}}}lang": source_language}), suggestion.source, segment)
    _fill(etree.SubElement(alt, _q("target"), {f"{{{XML_NS}}}lang": language}), suggestion.target, segment)
    if suggestion.breaks_terms:
        etree.SubElement(alt, _q("note"), {"from": "library"}).text = (
            f"Does not keep the term base's forms of: {', '.join(suggestion.breaks_terms)}")


def _flatten(element: etree._Element) -> tuple[str, tuple | None]:
    """The token text an element stands for: ``<g id="n">`` as ``{n}…{/n}``, ``<x id="n"/>`` and ``<ph
    id="n">`` as ``{n/}``, ``<mrk>`` read through. Whether the ids are the source's is the import's
    question (`library.content.segments.token_problem`). Iterative: nesting depth costs no recursion."""
    parts: list[str] = []
    pending: list[object] = list(reversed(_children_with_text(element)))
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        child = item
        name = etree.QName(child).localname if isinstance(child.tag, str) else None
        tail = child.tail or ""
        if name not in ("g", "x", "ph", "mrk"):
            return "", (N_("unsupported inline element <{element}>"), {"element": name or "?"})
        code_id = child.get("id", "")
        if name != "mrk" and (not code_id.isdigit() or len(code_id) > 6):
            return "", (N_("the inline code <{element} id=\"{id}\"> is not one of the source's"),
                        {"element": name, "id": code_id[:20]})
        if name in ("x", "ph"):
            parts.append(f"{{{code_id}/}}")
            pending.append(tail)
            continue
        opening, closing = (f"{{{code_id}}}", f"{{/{code_id}}}") if name == "g" else ("", "")
        parts.append(opening)
        pending.append(tail)
        pending.append(closing)
        pending.extend(reversed(_children_with_text(child)))
    return "".join(parts), None


def _children_with_text(element: etree._Element) -> list[object]:
    """An element's text, then each child (whose tail follows it when it is handled)."""
    return [element.text or "", *element]


def _read_unit(element: etree._Element) -> ReadUnit:
    unit_id = element.get("id")
    where = (N_("unit {unit}, line {line}"), {"unit": unit_id or "-", "line": element.sourceline})
    source, target = element.find(_q("source")), element.find(_q("target"))
    source_text, problem = _flatten(source) if source is not None else ("", None)
    target_text = ""
    if problem is None and target is not None:
        target_text, problem = _flatten(target)
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
