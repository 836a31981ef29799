"""The term base as files: CSV for spreadsheets, TBX for CAT tools (OmegaT, memoQ, Trados).

CSV: a header row, then one term per row. Columns: ``key``, one column per language with its form
(``en``, ``ru``, ``kk``), ``forbidden_<lang>`` with forbidden forms separated by ``|``, and ``note``.
UTF-8 (a byte-order mark from Excel is accepted).

TBX: written as TBX-Basic in the TBX 2 (ISO 30042:2008) "martif" structure that OmegaT's and memoQ's
glossary importers read: ``martifHeader``, then per term a ``termEntry`` (its id is the key, its
``note`` the note) with a ``langSet`` per language holding ``tig``/``term`` elements; the form to use
is marked ``administrativeStatus`` ``preferredTerm-admn-sts``, each forbidden form
``deprecatedTerm-admn-sts``. Reading also accepts ``ntig``/``termGrp`` entries, TBX v3
(``tbx``/``conceptEntry``/``langSec``/``termSec``), region subtags (``en-US`` is ``en``), and entry
notes in ``descrip``; what it cannot keep comes back as warnings, and a file it cannot read as
`InvalidTermFile`. Files that declare entities are refused (no entity expansion attacks).
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from library.content import limits
from library.quality.errors import InvalidTermFile
from library.quality.terms import TermData, make_key

FORBIDDEN_PREFIX = "forbidden_"
SEPARATOR = "|"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TBX3 = "urn:iso:std:iso:30042:ed-2"
PREFERRED = "preferredTerm-admn-sts"
FORBIDDEN_STATUSES = {"deprecatedTerm-admn-sts", "supersededTerm-admn-sts", "deprecatedTerm", "supersededTerm",
                      "forbidden", "notRecommended"}


@dataclass(frozen=True)
class FileWarning:
    """Something in an imported file that was left out, and where."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def write_csv(terms: Sequence[TermData], languages: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["key", *languages, *(FORBIDDEN_PREFIX + lang for lang in languages), "note"])
    for term in terms:
        writer.writerow([term.key, *(term.forms.get(lang, "") for lang in languages),
                         *(f" {SEPARATOR} ".join(term.forbidden.get(lang, ())) for lang in languages), term.note])
    return out.getvalue()


def _column_kind(name: str) -> tuple[str, str]:
    if name in ("key", "note"):
        return name, ""
    if name.startswith(FORBIDDEN_PREFIX) and re.fullmatch(r"[a-z]{2,3}", name[len(FORBIDDEN_PREFIX):]):
        return "forbidden", name[len(FORBIDDEN_PREFIX):]
    if re.fullmatch(r"[a-z]{2,3}", name):
        return "form", name
    raise InvalidTermFile(f"CSV column {name!r} is none of key, note, a language code or forbidden_<code>.",
                          line=1, column=name)


def read_csv(text: str) -> list[TermData]:
    """Terms of a CSV file (see the module docstring); a malformed row raises `InvalidTermFile`, a control
    character `limits.ControlCharacter` naming its line."""
    limits.check_lines(text)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise InvalidTermFile("The CSV file is empty: it needs a header row (key, en, ru, kk, ...).", line=1) from None
    kinds = [_column_kind(name) for name in header]
    if len(set(header)) != len(header):
        raise InvalidTermFile("The CSV header names a column twice.", line=1)
    terms = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise InvalidTermFile(f"Line {reader.line_num} has {len(row)} cells; the header has {len(header)}.",
                                  line=reader.line_num)
        values: dict[str, object] = {"key": "", "note": "", "forms": {}, "forbidden": {}}
        for (kind, lang), cell in zip(kinds, row, strict=False):
            if kind in ("key", "note"):
                values[kind] = cell.strip()
            elif kind == "form":
                values["forms"][lang] = cell
            elif cell.strip():
                values["forbidden"][lang] = [part for part in cell.split(SEPARATOR) if part.strip()]
        terms.append(TermData(values["key"], values["forms"], values["forbidden"], values["note"]))  # type: ignore[arg-type]
    return terms


def write_tbx(terms: Sequence[TermData], languages: Sequence[str]) -> bytes:
    """A TBX-Basic (martif) document of ``terms``, UTF-8, indented."""
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: languages[0] if languages else "en"})
    header = ET.SubElement(root, "martifHeader")
    source = ET.SubElement(ET.SubElement(header, "fileDesc"), "sourceDesc")
    ET.SubElement(source, "p").text = "Term base exported by library"
    ET.SubElement(ET.SubElement(header, "encodingDesc"), "p", {"type": "XCSURI"}).text = "TBXBasicXCSV02.xcs"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for term in terms:
        entry = ET.SubElement(body, "termEntry", {"id": term.key})
        if term.note:
            ET.SubElement(entry, "note").text = term.note
        for lang in languages:
            if lang not in term.forms:
                continue
            lang_set = ET.SubElement(entry, "langSet", {XML_LANG: lang})
            _tig(lang_set, term.forms[lang], PREFERRED)
            for value in term.forbidden.get(lang, ()):
                _tig(lang_set, value, "deprecatedTerm-admn-sts")
    ET.indent(root)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n").encode()


def _tig(lang_set: ET.Element, text: str, status: str) -> None:
    tig = ET.SubElement(lang_set, "tig")
    ET.SubElement(tig, "term").text = text
    ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: ET.Element, *names: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) in names]


def _parse(data: bytes) -> ET.Element:
    limits.check_lines(data.decode("utf-8", "replace"), xml=True)
    if re.search(rb"<!ENTITY", data):
        raise InvalidTermFile("The TBX file declares entities, which are not accepted.")
    try:
        return ET.fromstring(data)
    except ET.ParseError as error:
        raise InvalidTermFile(f"The TBX file is not well-formed XML: {error}.", line=error.position[0]) from None


def read_tbx(data: bytes) -> tuple[list[TermData], list[FileWarning]]:
    """Terms of a TBX file (TBX-Basic/martif or TBX v3), and what could not be kept."""
    root = _parse(data)
    if _local(root.tag) not in ("martif", "tbx"):
        raise InvalidTermFile(f"Not a TBX file: the root element is <{_local(root.tag)}>, not <martif> or <tbx>.")
    entries = [e for e in root.iter() if _local(e.tag) in ("termEntry", "conceptEntry")]
    terms, warnings = [], []
    for number, entry in enumerate(entries, start=1):
        where = f"entry {number}" + (f" ({entry.get('id')})" if entry.get("id") else "")
        term, entry_warnings = _read_entry(entry, where)
        terms.append(term)
        warnings += entry_warnings
    return terms, warnings


def _read_entry(entry: ET.Element, where: str) -> tuple[TermData, list[FileWarning]]:
    notes = ["".join(child.itertext()).strip() for child in _children(entry, "note", "descrip")]
    forms: dict[str, str] = {}
    forbidden: dict[str, list[str]] = {}
    warnings = []
    for lang_set in _children(entry, "langSet", "langSec"):
        lang = (lang_set.get(XML_LANG) or "").split("-")[0].split("_")[0].lower()
        if not lang:
            raise InvalidTermFile(f"TBX {where}: a langSet has no xml:lang.", entry=where)
        for text, status in _terms_of(lang_set):
            if status in FORBIDDEN_STATUSES:
                forbidden.setdefault(lang, []).append(text)
            elif lang not in forms:
                forms[lang] = text
            else:
                warnings.append(FileWarning(where, f"a second {lang} term {text!r} was left out (one form per "
                                                   f"language; the first, {forms[lang]!r}, is kept)"))
    key = entry.get("id") or make_key(forms)
    return TermData(key, forms, forbidden, "\n".join(note for note in notes if note)), warnings


def _terms_of(lang_set: ET.Element) -> list[tuple[str, str]]:
    """(term, administrative status) for each term of a language section, in order."""
    found = []
    for group in _children(lang_set, "tig", "ntig", "termSec"):
        holder = (_children(group, "termGrp") or [group])[0]
        term = next(iter(_children(holder, "term")), None)
        if term is None or not "".join(term.itertext()).strip():
            continue
        status = next(((note.text or "").strip() for note in group.iter()
                       if _local(note.tag) == "termNote" and note.get("type") == "administrativeStatus"), "")
        found.append((" ".join("".join(term.itertext()).split()), status))
    return found
