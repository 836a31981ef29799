"""Compile .po catalogs to .mo files that contain only complete, reviewed translations.

``pybabel compile`` writes untranslated and half-filled plural entries with the English text
(python-babel/babel#697), which would stop the per-string fallback kk -> ru -> en: a Kazakh page would
show English where Russian exists. Here untranslated, fuzzy and incomplete plural entries (an empty form,
or a number of forms other than the header's nplurals) are left out, so the runtime falls back. The
output depends only on the .po (entries sorted, no timestamps), so a .mo can be checked against its .po.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polib

from library.catalogs.files import load_catalogs, load_po, mo_path, po_path
from library.catalogs.plurals import PluralRule


def declared_nplurals(po: polib.POFile) -> int | None:
    """nplurals from the header, or None when the header has no valid Plural-Forms."""
    try:
        return PluralRule.parse(po.metadata.get("Plural-Forms", "")).nplurals
    except ValueError:
        return None


def is_complete(entry: polib.POEntry, nplurals: int | None) -> bool:
    """True for a live, non-fuzzy entry whose every form is filled (and, for plurals, counted right)."""
    if entry.obsolete or entry.fuzzy:
        return False
    if not entry.msgid_plural:
        return bool(entry.msgstr)
    forms = entry.msgstr_plural
    return nplurals is not None and sorted(forms) == list(range(nplurals)) and all(forms[index] for index in forms)


def complete_catalog(po: polib.POFile) -> polib.POFile:
    """A copy of ``po`` holding its header and only its complete entries (no comments, no flags)."""
    nplurals = declared_nplurals(po)
    kept = polib.POFile(encoding="utf-8", check_for_duplicates=False)
    kept.metadata = dict(po.metadata)
    kept.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    for entry in po:
        if is_complete(entry, nplurals):
            kept.append(
                polib.POEntry(
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural,
                    msgstr=entry.msgstr,
                    msgstr_plural=dict(entry.msgstr_plural),
                )
            )
    return kept


def compile_bytes(po: polib.POFile) -> bytes:
    """The .mo image of ``po``: header plus complete entries, sorted by msgid as msgfmt sorts them."""
    return complete_catalog(po).to_binary()


@dataclass(frozen=True)
class Compiled:
    language: str
    path: Path
    messages: int
    """Translations written (the header not counted)."""

    changed: bool
    """False when the .mo already had exactly these bytes (the file was left untouched)."""


def compile_language(locales_dir: Path, language: str, po: polib.POFile | None = None) -> Compiled:
    po = po if po is not None else load_po(po_path(locales_dir, language))
    kept = complete_catalog(po)
    image = kept.to_binary()
    target = mo_path(locales_dir, language)
    changed = not target.is_file() or target.read_bytes() != image
    if changed:
        target.write_bytes(image)
    return Compiled(language, target, len(kept), changed)


def compile_catalogs(locales_dir: Path, languages: tuple[str, ...]) -> list[Compiled]:
    """Compile every language's catalog; all .po files are read first, so a malformed one writes nothing."""
    catalogs = load_catalogs(locales_dir, languages)
    return [compile_language(locales_dir, language, po) for language, po in catalogs.items()]


def mo_in_step(locales_dir: Path, language: str) -> bool:
    """True when the .mo on disk has exactly the bytes its .po compiles to now."""
    target = mo_path(locales_dir, language)
    if not target.is_file():
        return False
    return target.read_bytes() == compile_bytes(load_po(po_path(locales_dir, language)))


def stale_languages(locales_dir: Path, languages: tuple[str, ...]) -> list[str]:
    """Languages whose .mo is missing or out of step with the .po (run ``catalogs compile``)."""
    return [language for language in languages if not mo_in_step(locales_dir, language)]
