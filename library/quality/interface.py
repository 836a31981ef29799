"""The language check of the interface catalogs: the one language detector applied to each translation.

`library.catalogs.checks` finds what is structurally wrong with a catalog (untranslated, plural forms,
placeholders, stale .mo files) and stays a leaf; this module adds the judgement of
`library.languages.detect` (script, Kazakh letters, Russian function words, a statistical model), so
that an English page cannot ship a Russian sentence. ``library catalogs check`` runs both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polib

from library.catalogs.checks import DEFAULT_REQUIRED, Finding, allowed, check_catalogs
from library.catalogs.files import SOURCE_LANGUAGE
from library.languages.detect import SUPPRESSION_MARKER, LanguageCheck, check_entry, is_copy

_LANGUAGE_NAMES = {"en": "an English", "ru": "a Russian", "kk": "a Kazakh"}


def check_interface_catalogs(locales_dir: Path, languages: tuple[str, ...],
                             required: tuple[str, ...] = DEFAULT_REQUIRED, *,
                             check_compiled: bool = True) -> list[Finding]:
    """Every finding for the catalogs of ``languages``: `check_catalogs` with the language judgement."""
    return check_catalogs(locales_dir, languages, required, check_compiled=check_compiled, judge=language_problems)


def language_problems(language: str, entry: polib.POEntry, text: str) -> Iterator[tuple[str, str]]:
    """(code, message) when the detector finds ``text`` in the wrong script or language for ``language``."""
    if language not in _LANGUAGE_NAMES:
        return
    plural_copy = bool(entry.msgid_plural) and is_copy(entry.msgid_plural, text)
    result = check_entry(language, entry.msgid_plural if plural_copy else entry.msgid, text)
    if not result.wrong or result.reason is None:
        return
    if result.reason in ("identical-to-source", "wrong-script") and language != SOURCE_LANGUAGE and allowed(entry):
        return
    if result.reason == "wrong-language" and allowed(entry, SUPPRESSION_MARKER):
        return
    yield result.reason, _message(language, text, result)


def _message(language: str, text: str, result: LanguageCheck) -> str:
    name = _LANGUAGE_NAMES[language]
    if result.reason == "identical-to-source":
        return f"{name} translation identical to the English original"
    if result.reason == "wrong-script" and language == SOURCE_LANGUAGE:
        return f"Cyrillic text in an English translation: {text!r}"
    if result.reason == "wrong-script":
        return f"{name} translation in Latin letters: {text!r} ({result.evidence[0]})"
    if result.reason == "mixed-script":
        return result.evidence[0].replace("Latin and Cyrillic letters mixed in", "mixes Latin and Cyrillic letters in")
    found = _LANGUAGE_NAMES.get(result.language or "", "another").split(" ", 1)[-1]
    return f"{found} text in {name} translation: {'; '.join(result.evidence)}"
