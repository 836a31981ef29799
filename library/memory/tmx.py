"""TMX 1.4b files: the whole memory for a translator's CAT tool (OmegaT, memoQ, Trados), and back.

Written: one ``<tu>`` per unit with its source language as ``srclang``, the unit's source and target
as two ``<tuv xml:lang>``, who and when as ``creationid``/``creationdate``, and the article, revision,
place and origin as ``<prop type="x-library-...">``. Inline HTML travels as native code: a tag whose
partner is in the same segment as ``<bpt i>``/``<ept i>``, any other as ``<ph>``, so a CAT tool shows
protected tags.

Read: every ``<tu>`` gives a unit from its source ``<tuv>`` (the ``srclang`` of the ``<tu>``, else of
the header, else its first ``<tuv>``) to each other ``<tuv>``; inline codes are read back as the HTML
they carry, ``<hi>`` as its text. Reading is defensive: lxml never resolves entities, loads no DTD and
no URL; a DOCTYPE (the door to entity bombs), nesting deeper than `MAX_DEPTH`, a file over
`max_bytes`, a control character, a segment over the text limit (`library.content.limits`) or any
malformed unit refuses the whole file, every problem named with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

from library import __version__
from library.catalogs.lazy import N_
from library.content import limits
from library.memory.text import TAG

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPE = "application/x-tmx+xml"
#: TMX is shallow (tmx, body, tu, tuv, seg, inline codes); anything deeper is an attack or a mistake.
MAX_DEPTH = 16
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$")
_CODES = {"bpt", "ept", "ph", "it", "ut"}


@dataclass(frozen=True)
class TmxUnit:
    """A unit as a TMX file carries it."""

    source_language: str
    target_language: str
    source: str
    target: str
    line: int = 0
    at: datetime | None = None
    by: str | None = None
    props: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    facts: dict[str, object] = field(default_factory=dict)


@dataclass
class ReadTmx:
    units: list[TmxUnit]
    problems: list[Problem]
    """Each refuses the file (all or nothing)."""
    skipped: int = 0
    """Translations into languages the library does not hold, left out."""


# --- writing ----------------------------------------------------------------------------------------

def _date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fill_segment(seg: etree._Element, html: str) -> None:
    """``html`` into ``seg`` with each tag as native code (paired tags as bpt/ept)."""
    matches = list(TAG.finditer(html))
    pairs: dict[int, int] = {}
    stack: list[tuple[str, int]] = []
    for index, match in enumerate(matches):
        closing, name = match.group(1), match.group(2).lower()
        if match.group(0).rstrip(">").rstrip().endswith("/"):
            continue
        if not closing:
            stack.append((name, index))
        elif stack and stack[-1][0] == name:
            pairs[stack.pop()[1]] = index
    closes = {close: open_ for open_, close in pairs.items()}
    last, position = None, 0
    seg.text = ""
    for index, match in enumerate(matches):
        before = html[position:match.start()]
        if last is None:
            seg.text += before
        else:
            last.tail = (last.tail or "") + before
        if index in pairs:
            last = etree.SubElement(seg, "bpt", i=str(len([k for k in pairs if k <= index])))
        elif index in closes:
            last = etree.SubElement(seg, "ept", i=str(len([k for k in pairs if k <= closes[index]])))
        else:
            last = etree.SubElement(seg, "ph")
        last.text = match.group(0)
        position = match.end()
    rest = html[position:]
    if last is None:
        seg.text += rest
    else:
        last.tail = (last.tail or "") + rest


def write_tmx(units: Iterable[TmxUnit], *, exported_at: datetime) -> bytes:
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", {
        "creationtool": "library", "creationtoolversion": __version__, "datatype": "html",
        "segtype": "paragraph", "adminlang": "en", "srclang": "*all*", "o-tmf": "library",
        "creationdate": _date(exported_at)})
    body = etree.SubElement(root, "body")
    for unit in units:
        attributes = {"srclang": unit.source_language}
        if unit.at is not None:
            attributes["creationdate"] = _date(unit.at)
        if unit.by:
            attributes["creationid"] = unit.by
        tu = etree.SubElement(body, "tu", attributes)
        for name, value in unit.props.items():
            etree.SubElement(tu, "prop", type=f"x-library-{name}").text = value
        for language, text in ((unit.source_language, unit.source), (unit.target_language, unit.target)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: language})
            _fill_segment(etree.SubElement(tuv, "seg"), text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- reading ----------------------------------------------------------------------------------------

def _primary(language: str | None) -> str | None:
    if not language or not _LANGUAGE.match(language):
        return None
    return re.split(r"[-_]", language)[0].lower()


def _flatten(element: etree._Element, depth: int) -> tuple[str, str | None]:
    """The HTML a ``<seg>`` (or ``<hi>``) stands for, or the name of an element it cannot hold."""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        name = etree.QName(child).localname
        if name in _CODES:
            parts.append("".join(child.itertext()))
        elif name == "hi" and depth < MAX_DEPTH:
            inner, problem = _flatten(child, depth + 1)
            if problem:
                return "", problem
            parts.append(inner)
        else:
            return "", name
        parts.append(child.tail or "")
    return "".join(parts), None


def _when(value: str | None) -> datetime | None | bool:
    if value is None:
        return None
    match = _DATE.match(value)
    if not match:
        return False
    try:
        return datetime(*(int(part) for part in match.groups()), tzinfo=UTC)
    except ValueError:
        return False


def _too_deep(root: etree._Element) -> int | None:
    """The line of an element nested deeper than `MAX_DEPTH`, or None (iteratively: no recursion)."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            return element.sourceline or 0
        stack.extend((child, depth + 1) for child in element)
    return None


def read_tmx(data: bytes, languages: Sequence[str], *, max_bytes: int, max_text_kb: int | None) -> ReadTmx:
    """The units of a TMX file into and out of ``languages``, or the problems that refuse it."""
    if len(data) > max_bytes:
        return ReadTmx([], [Problem(0, N_("the file holds {size} KB; at most {limit} KB are accepted"),
                                    {"size": -(-len(data) // 1024), "limit": max_bytes // 1024})])
    try:
        limits.check_lines(data.decode("utf-8"), xml=True)
    except UnicodeDecodeError as error:
        return ReadTmx([], [Problem(data.count(b"\n", 0, error.start) + 1, N_("the file is not UTF-8 text"))])
    except limits.ControlCharacter as error:
        return ReadTmx([], [Problem(int(error.where[1]["line"]), limits.CONTROL_IN_TEXT, dict(error.facts))])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno or (error.position[0] if error.position else 0)
        return ReadTmx([], [Problem(line, N_("the file is not well-formed XML: {reason}"), {"reason": error.msg})])
    if root.getroottree().docinfo.doctype or root.getroottree().docinfo.internalDTD is not None:
        return ReadTmx([], [Problem(1, N_("a DOCTYPE is not allowed in a TMX file"))])
    if (line := _too_deep(root)) is not None:
        return ReadTmx([], [Problem(line, N_("elements are nested more than {limit} deep"), {"limit": MAX_DEPTH})])
    if root.tag != "tmx" or root.get("version") not in ("1.4", "1.4b"):
        return ReadTmx([], [Problem(root.sourceline or 1,
                                    N_("not a TMX 1.4 document: the root must be <tmx version=\"1.4\">"))])
    header, body = root.find("header"), root.find("body")
    if header is None or body is None:
        return ReadTmx([], [Problem(root.sourceline or 1, N_("a TMX document needs a <header> and a <body>"))])
    default_source = _primary(header.get("srclang")) if header.get("srclang") != "*all*" else None
    found = ReadTmx([], [])
    for tu in body.iter("tu"):
        _read_tu(tu, default_source, languages, max_text_kb, found)
    return found


def _read_tu(tu: etree._Element, default_source: str | None, languages: Sequence[str], max_text_kb: int | None,
             found: ReadTmx) -> None:
    line = tu.sourceline or 0
    texts: list[tuple[str, str, int]] = []
    for tuv in tu.findall("tuv"):
        language = _primary(tuv.get(XML_LANG) or tuv.get("lang"))
        seg = tuv.find("seg")
        if language is None or seg is None:
            found.problems.append(Problem(tuv.sourceline or line, N_("a <tuv> needs an xml:lang and a <seg>")))
            return
        text, problem = _flatten(seg, 1)
        if problem:
            found.problems.append(Problem(seg.sourceline or line,
                                          N_("<{element}> is not an inline element of TMX 1.4b"), {"element": problem}))
            return
        if (too_large := limits.text_problem(text, max_kb=max_text_kb)) is not None:
            found.problems.append(Problem(seg.sourceline or line, too_large[0], too_large[1]))
            return
        texts.append((language, text.strip(), tuv.sourceline or line))
    if len(texts) < 2:
        found.problems.append(Problem(line, N_("a <tu> needs at least two <tuv>: a source and a translation")))
        return
    when = _when(tu.get("changedate") or tu.get("creationdate"))
    if when is False:
        found.problems.append(Problem(line, N_("a date must read YYYYMMDDThhmmssZ")))
        return
    source_language = _primary(tu.get("srclang")) or default_source or texts[0][0]
    sources = [t for t in texts if t[0] == source_language]
    if not sources:
        found.problems.append(Problem(line, N_("no <tuv> in its source language {language}"),
                                      {"language": source_language}))
        return
    source = sources[0][1]
    props = {prop.get("type", "")[len("x-library-"):]: (prop.text or "") for prop in tu.findall("prop")
             if prop.get("type", "").startswith("x-library-")}
    for language, text, tuv_line in texts:
        if language == source_language:
            continue
        if language not in languages or source_language not in languages:
            found.skipped += 1
            continue
        if source and text:
            found.units.append(TmxUnit(source_language, language, source, text, tuv_line, when or None,
                                       tu.get("changeid") or tu.get("creationid"), props))
