"""Small helpers for catalog tests: the shipped catalogs, copies of them, crafted .po files."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib

PROJECT = Path(__file__).resolve().parents[2]
LOCALES = PROJECT / "locales"
LANGUAGES = ("en", "ru", "kk")
RU_PLURALS = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"


def copy_locales(target: Path) -> Path:
    """A copy of the shipped locales folder that a test may break."""
    return Path(shutil.copytree(LOCALES, target / "locales"))


def po_file(locales: Path, language: str) -> Path:
    return locales / language / "LC_MESSAGES" / "messages.po"


def edit_entry(locales: Path, language: str, msgid: str, **changes: object) -> int:
    """Change attributes of one entry (``msgstr=``, ``msgstr_plural=``, ``flags=``, ``tcomment=``);
    returns the entry's line number in the rewritten file, as polib reports it."""
    path = po_file(locales, language)
    po = polib.pofile(str(path))
    entry = po.find(msgid)
    assert entry is not None, msgid
    for name, value in changes.items():
        setattr(entry, name, value)
    po.save(str(path))
    return polib.pofile(str(path)).find(msgid).linenum


def write_po(path: Path, body: str, plural_forms: str = RU_PLURALS) -> Path:
    """A crafted catalog: a UTF-8 header with ``plural_forms``, then ``body``."""
    header = f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {plural_forms}\\n"\n\n'
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body, encoding="utf-8")
    return path
