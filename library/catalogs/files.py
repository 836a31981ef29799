"""Where catalogs live (``<locales>/<lang>/LC_MESSAGES/messages.po|.mo`` and ``<locales>/messages.pot``)
and how they are read, so that a missing folder or a malformed file becomes one readable `Invalid`.
"""

from __future__ import annotations

from pathlib import Path

import polib

from library.errors import Invalid

DOMAIN = "messages"

#: The language the msgids are written in. Its catalog is "translated" too (msgstr = the English text),
#: so that an English miss is detected like any other.
SOURCE_LANGUAGE = "en"


def pot_path(locales_dir: Path) -> Path:
    return Path(locales_dir) / f"{DOMAIN}.pot"


def po_path(locales_dir: Path, language: str) -> Path:
    return Path(locales_dir) / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locales_dir: Path, language: str) -> Path:
    return po_path(locales_dir, language).with_suffix(".mo")


def require_locales_dir(locales_dir: Path) -> Path:
    """The folder itself, or `Invalid` saying it is missing (the first thing every command needs)."""
    locales_dir = Path(locales_dir)
    if not locales_dir.is_dir():
        raise Invalid(f"locales folder {locales_dir} does not exist (set LIBRARY_LOCALES_DIR or --locales-dir)")
    return locales_dir


def load_po(path: Path) -> polib.POFile:
    """Parse a .po or .pot file; a missing or malformed one raises `Invalid` naming the file."""
    path = Path(path)
    if not path.is_file():
        raise Invalid(f"{path} does not exist", path=str(path))
    try:
        return polib.pofile(str(path), wrapwidth=76)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        # polib reports syntax errors as OSError("Syntax error in po file ... (line N)").
        reason = str(exc).replace(f" in po file {path}", "")  # polib repeats the path
        raise Invalid(f"{path}: cannot be read as a PO catalog: {reason}", path=str(path)) from None


def load_catalogs(locales_dir: Path, languages: tuple[str, ...]) -> dict[str, polib.POFile]:
    """The .po catalog of each language, in the order given."""
    locales_dir = require_locales_dir(locales_dir)
    return {language: load_po(po_path(locales_dir, language)) for language in languages}
