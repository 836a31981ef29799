"""Extraction of interface strings into ``messages.pot`` and merging it into each language's catalog.

Thin wrappers over Babel's own extractor and `Catalog.update` (what ``pybabel extract`` and
``pybabel update`` run), with the project's keywords and comment tags fixed here, and with files left
untouched when nothing but the creation date or the tool's own spelling would change (a template is
compared by its messages), so that catalogs do not churn in review or with a new release of Babel.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import PoFileError, read_po, write_po

from library.catalogs.files import po_path, pot_path, require_locales_dir
from library.errors import Invalid

#: Call names whose string arguments are extracted (Babel's keyword specs).
KEYWORDS = {
    "N_": None,
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
#: Source comments just above a string that are copied to the catalogs as ``#.`` comments.
COMMENT_TAGS = ("Translators:", "library:")
WIDTH = 76
#: Shown as "Project-Id-Version: library 1.0"; fixed, so that a release does not rewrite every catalog.
VERSION = "1.0"
HEADER = "# Interface strings of library.\n# This file is distributed under the same license as the library project.\n#"


@dataclass(frozen=True)
class Written:
    path: Path
    messages: int
    changed: bool


def _mapping(mapping_file: Path) -> tuple[list, dict]:
    if not mapping_file.is_file():
        raise Invalid(f"extraction mapping {mapping_file} does not exist")
    with mapping_file.open(encoding="utf-8") as handle:
        return parse_mapping_cfg(handle, str(mapping_file))


def _render(catalog: Catalog) -> bytes:
    """The catalog as PO text. Locations name the file without its line ("#: library/web/chrome.py"):
    a translator still finds the string, and an edit above it no longer rewrites every catalog
    (which made every branch merge conflict on them).

    No ``#|`` previous msgids: Babel 2.18 wraps them as comment text, splitting the quoted string
    across lines, so a fuzzy entry whose old msgid is long makes a file polib and msgfmt reject
    (a test updates a catalog after such a change). Fuzzy entries keep their flag and old msgstr."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, include_previous=False, include_lineno=False)
    return buffer.getvalue()


#: Header fields that say when and by which tool a template was written, not what it holds.
_STAMPS = {"POT-Creation-Date", "PO-Revision-Date", "Generated-By"}


def _messages(image: bytes) -> tuple:
    """What a template says: its header less the stamps, and every message with its comments and
    locations. Two templates with the same messages are the same template, however a release of Babel
    spells or wraps them."""
    catalog = read_po(io.BytesIO(image))
    header = sorted((name, value) for name, value in catalog.mime_headers if name not in _STAMPS)
    messages = sorted(
        (message.context or "", repr(message.id), tuple(sorted(message.flags)), tuple(message.auto_comments),
         tuple(message.user_comments), tuple(message.locations))
        for message in catalog if message.id)
    return header, messages


def _write_if_changed(path: Path, image: bytes, *, by_messages: bool = False) -> bool:
    if path.is_file():
        old = path.read_bytes()
        if old == image or (by_messages and _messages(old) == _messages(image)):
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(image)
    return True


def extract(root: Path, locales_dir: Path, mapping_file: Path | None = None) -> Written:
    """Extract the strings of the sources under ``root`` (per ``babel.cfg``) into ``messages.pot``."""
    root, locales_dir = Path(root), require_locales_dir(locales_dir)
    method_map, options_map = _mapping(mapping_file or root / "babel.cfg")
    catalog = Catalog(project="library", version=VERSION, header_comment=HEADER, charset="utf-8", fuzzy=False)
    found = extract_from_dir(str(root), method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS)
    for filename, lineno, message, comments, context in found:
        location = (Path(os.path.normpath(filename)).as_posix(), lineno)
        catalog.add(message, None, [location], auto_comments=comments, context=context)
    target = pot_path(locales_dir)
    changed = _write_if_changed(target, _render(catalog), by_messages=True)
    return Written(target, len(catalog), changed)


def _read(path: Path, language: str | None = None) -> Catalog:
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=language, abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError, UnknownLocaleError) as exc:
        raise Invalid(f"{path}: cannot be read as a PO catalog: {exc}", path=str(path)) from None


def _new_catalog(template_path: Path, language: str) -> Catalog:
    """An empty catalog for ``language`` with the template's messages (what ``pybabel init`` writes)."""
    try:
        Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        raise Invalid(f"{language!r} is not a language known to CLDR") from None
    # The locale is given to the reader, not set afterwards: set later, Babel keeps nplurals=2.
    catalog = _read(template_path, language)
    catalog.fuzzy = False
    catalog.revision_date = catalog.creation_date
    catalog.last_translator = "library translators"
    catalog.language_team = f"{catalog.locale.get_display_name('en')} <{language}@library>"
    return catalog


def update(locales_dir: Path, languages: tuple[str, ...]) -> list[Written]:
    """Merge ``messages.pot`` into each language's catalog (created when missing).

    Translations and translator comments are kept; new messages arrive untranslated, changed ones
    fuzzy (with the translation of the nearest old msgid); removed ones become obsolete (``#~``).
    """
    locales_dir = require_locales_dir(locales_dir)
    template_path = pot_path(locales_dir)
    if not template_path.is_file():
        raise Invalid(f"{template_path} does not exist; run `library catalogs extract` first")
    template = _read(template_path)
    results = []
    for language in languages:
        path = po_path(locales_dir, language)
        catalog = _read(path, language) if path.is_file() else _new_catalog(template_path, language)
        catalog.update(template, update_header_comment=False)
        changed = _write_if_changed(path, _render(catalog))
        results.append(Written(path, len(catalog), changed))
    return results
