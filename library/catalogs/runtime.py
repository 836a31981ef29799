"""Interface strings at run time: catalogs loaded once, looked up per string along the fallback chain.

A Kazakh page whose catalog lacks one label shows that label in Russian (then English), never an empty
label, and shows the raw msgid only when no catalog has it. Every such miss is counted in a `MissCounter`
so that coverage can show translators which strings readers actually meet untranslated.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import polib
from babel.messages.plurals import get_plural

from library.catalogs.files import mo_path
from library.catalogs.plurals import PluralRule
from library.errors import Invalid


class ReaderLanguage(Protocol):
    """What the catalogs need to know of a reader language (`library.languages.registry.Language` is one)."""

    code: str
    base: str | None
    """For a derived language (kk-Latn): the language whose catalog it reads, transformed."""
    transform: Callable[[str], str]


class Languages(Protocol):
    """The supported languages and their fallback chains (`library.languages.LanguageRegistry` is one):
    declared here so the catalogs stay a leaf that imports no other part of the library."""

    @property
    def codes(self) -> tuple[str, ...]: ...

    def chain(self, code: str) -> tuple[str, ...]: ...

    def get(self, code: str) -> ReaderLanguage: ...

Key = tuple[str | None, str]
"""(context, msgid); context is None for messages without one."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Miss:
    """A string looked up in ``language`` and not found in its catalog, ``count`` times since the last drain."""

    language: str
    msgid: str
    context: str | None
    count: int
    first_seen: datetime
    last_seen: datetime

    @property
    def qualified_msgid(self) -> str:
        """The msgid, prefixed with ``context + "\\x04"`` when it has one (gettext's own key): one text
        column such as ``interface_miss.msgid`` keeps ``pgettext`` misses apart."""
        return self.msgid if self.context is None else f"{self.context}\x04{self.msgid}"


_TAPE: ContextVar[list[tuple[str, str, str | None]] | None] = ContextVar("library_miss_tape", default=None)


@contextmanager
def recording_misses() -> Iterator[list[tuple[str, str, str | None]]]:
    """Collect the misses recorded in this context (language, msgid, context), besides counting them:
    a page rendered once and sent to many readers replays them for each (`MissCounter.replay`).

    Nested, the inner context's misses are the outer's too (a part rendered once, within a page)."""
    outer = _TAPE.get()
    tape: list[tuple[str, str, str | None]] = []
    token = _TAPE.set(tape)
    try:
        yield tape
    finally:
        _TAPE.reset(token)
        if outer is not None:
            outer.extend(tape)


class MissCounter:
    """Thread-safe, in-memory tally of misses; a storage layer calls `drain` to flush it in batches."""

    def __init__(self, clock: Callable[[], datetime] = _utcnow) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str | None, str], Miss] = {}

    def record(self, language: str, msgid: str, context: str | None = None) -> None:
        if (tape := _TAPE.get()) is not None:
            tape.append((language, msgid, context))
        self._count(language, msgid, context)

    def replay(self, misses: Iterable[tuple[str, str, str | None]]) -> None:
        """Count again misses collected by `recording_misses` (a cached page met them once more)."""
        for language, msgid, context in misses:
            self._count(language, msgid, context)

    def _count(self, language: str, msgid: str, context: str | None) -> None:
        now = self._clock()
        key = (language, context, msgid)
        with self._lock:
            seen = self._pending.get(key)
            first, count = (seen.first_seen, seen.count) if seen else (now, 0)
            self._pending[key] = Miss(language, msgid, context, count + 1, first, now)

    def pending(self) -> list[Miss]:
        """The counts recorded since the last drain, without clearing them."""
        with self._lock:
            return list(self._pending.values())

    def drain(self) -> list[Miss]:
        """Return the counts recorded since the last drain and start afresh (first_seen/last_seen are UTC)."""
        with self._lock:
            drained, self._pending = list(self._pending.values()), {}
        return drained


@dataclass(frozen=True)
class LanguageCatalog:
    """One language's compiled translations (complete ones only: see `library.catalogs.compile`)."""

    language: str
    messages: Mapping[Key, str]
    plurals: Mapping[Key, tuple[str, ...]]
    rule: PluralRule

    @classmethod
    def load(cls, language: str, path: Path) -> LanguageCatalog:
        """Read ``path``; a missing file gives an empty catalog (every string falls back)."""
        if not path.is_file():
            return cls(language, {}, {}, PluralRule.parse(get_plural(language).plural_forms))
        try:
            mo = polib.mofile(str(path))
            rule = PluralRule.parse(mo.metadata.get("Plural-Forms") or get_plural(language).plural_forms)
        except (OSError, ValueError) as exc:
            raise Invalid(f"{path}: cannot be read as a compiled catalog: {exc}", path=str(path)) from None
        messages: dict[Key, str] = {}
        plurals: dict[Key, tuple[str, ...]] = {}
        for entry in mo:
            key = (entry.msgctxt or None, entry.msgid)
            if entry.msgid_plural:
                plurals[key] = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
            else:
                messages[key] = entry.msgstr
        return cls(language, messages, plurals, rule)

    def plural_text(self, key: Key, n: int) -> str | None:
        """The form for ``n`` chosen by this language's own rule, or None when the entry is absent."""
        forms = self.plurals.get(key)
        if forms is None:
            return None
        index = self.rule(n)
        return forms[index] if 0 <= index < len(forms) else None


class Translator:
    """The gettext callables for one language, with per-string fallback along the language's chain.

    Strings are returned unformatted; the caller fills placeholders (``.format(count=n)``, see
    `library.web.chrome`). Cheap and immutable: `Catalogs.translator` hands out one per language.
    """

    def __init__(self, language: str, chain: tuple[LanguageCatalog, ...], misses: MissCounter) -> None:
        self.language = language
        self.locale = language
        """The Babel locale for this language's dates and numbers (the base's, for a derived language)."""
        self._chain = chain
        self._misses = misses
        self._miss_language = language

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"

    def gettext(self, msgid: str) -> str:
        return self._text(None, msgid)

    def pgettext(self, context: str, msgid: str) -> str:
        return self._text(context, msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._plural(None, singular, plural, n)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self._plural(context, singular, plural, n)

    def script(self, text: str) -> str:
        """Text formatted in the base language (a Babel date) made this language's: identity here."""
        return text

    def _text(self, context: str | None, msgid: str) -> str:
        return self._lookup(context, msgid)[0] if msgid else ""

    def _lookup(self, context: str | None, msgid: str) -> tuple[str, int]:
        """The text and the position in the chain of the catalog that had it (len(chain) for the msgid)."""
        key = (context, msgid)
        for position, catalog in enumerate(self._chain):
            text = catalog.messages.get(key)
            if text is not None:
                if position:
                    self._misses.record(self._miss_language, msgid, context)
                return text, position
        self._misses.record(self._miss_language, msgid, context)
        return msgid, len(self._chain)

    def _plural(self, context: str | None, singular: str, plural: str, n: int) -> str:
        return self._plural_lookup(context, singular, plural, n)[0]

    def _plural_lookup(self, context: str | None, singular: str, plural: str, n: int) -> tuple[str, int]:
        key = (context, singular)
        for position, catalog in enumerate(self._chain):
            # Each catalog picks the form with its own rule: Russian text needs Russian forms.
            text = catalog.plural_text(key, n)
            if text is not None:
                if position:
                    self._misses.record(self._miss_language, singular, context)
                return text, position
        self._misses.record(self._miss_language, singular, context)
        return (singular if n == 1 else plural), len(self._chain)


class DerivedTranslator(Translator):
    """A derived reader language's strings (kk-Latn): its base's chain, and only what the base's own
    catalog supplies transformed; a Russian or English fallback stays as it is. Misses count for the
    base, the catalog a translator would fill."""

    def __init__(self, language: str, base: Translator, transform: Callable[[str], str]) -> None:
        super().__init__(language, base._chain, base._misses)
        self._miss_language = base.language
        self.locale = base.locale
        self._transform = transform

    def __repr__(self) -> str:
        return f"DerivedTranslator({self.language!r})"

    def script(self, text: str) -> str:
        return self._transform(text)

    def _text(self, context: str | None, msgid: str) -> str:
        if not msgid:
            return ""
        text, position = self._lookup(context, msgid)
        return self._transform(text) if position == 0 else text

    def _plural(self, context: str | None, singular: str, plural: str, n: int) -> str:
        text, position = self._plural_lookup(context, singular, plural, n)
        return self._transform(text) if position == 0 else text


@dataclass(frozen=True)
class FrontendCatalog:
    """Every message of one language for a browser, each filled along the fallback chain.

    ``messages`` maps a msgid (``"context\\x04msgid"`` when it has a context) to its text, or for a
    plural message to the list of forms; ``plural_forms`` gives, per plural msgid, the Plural-Forms
    expression of the language that supplied the forms. ``etag`` is a strong ETag (quoted) that changes
    exactly when the payload does.
    """

    language: str
    messages: dict[str, str | list[str]]
    filled_by_fallback: list[str]
    plural_forms: dict[str, str]
    etag: str


def _frontend_key(key: Key) -> str:
    context, msgid = key
    return msgid if context is None else f"{context}\x04{msgid}"


def _etag(payload: dict[str, object]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return '"' + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32] + '"'


class Catalogs:
    """The compiled catalogs of the registry's languages, loaded once at start and then read-only."""

    def __init__(self, registry: Languages, locales_dir: Path, misses: MissCounter | None = None) -> None:
        self.registry = registry
        self.misses = misses if misses is not None else MissCounter()
        self._catalogs = {code: LanguageCatalog.load(code, mo_path(Path(locales_dir), code)) for code in registry.codes}
        self._translators = {code: self._make_translator(code) for code in registry.codes}
        self._frontend: dict[str, FrontendCatalog] = {}

    def _make_translator(self, code: str) -> Translator:
        chain = tuple(self._catalogs[language] for language in self.registry.chain(code))
        return Translator(code, chain, self.misses)

    def translator(self, language: str) -> Translator:
        """The translator for a supported language, derived ones (kk-Latn) included; another code
        raises `UnsupportedLanguage`."""
        found = self.registry.get(language)
        if found.base is not None:
            return DerivedTranslator(found.code, self._translators[found.base], found.transform)
        return self._translators[language]

    def catalog_for_frontend(self, language: str) -> FrontendCatalog:
        """All messages known to any catalog, in ``language`` where it has them (no misses are counted)."""
        if language not in self._frontend:
            self._frontend[language] = self._build_frontend(language)
        return self._frontend[language]

    def _build_frontend(self, language: str) -> FrontendCatalog:
        chain = [self._catalogs[code] for code in self.registry.chain(language)]
        messages: dict[str, str | list[str]] = {}
        plural_forms: dict[str, str] = {}
        for catalog in reversed(chain):  # languages earlier in the chain overwrite later ones
            header = f"nplurals={catalog.rule.nplurals}; plural={catalog.rule.expression};"
            for key, text in catalog.messages.items():
                messages[_frontend_key(key)] = text
                plural_forms.pop(_frontend_key(key), None)
            for key, forms in catalog.plurals.items():
                messages[_frontend_key(key)] = list(forms)
                plural_forms[_frontend_key(key)] = header
        own = {_frontend_key(key) for key in (*chain[0].messages, *chain[0].plurals)}
        filled = sorted(key for key in messages if key not in own)
        transform = self.registry.get(language).transform  # kk-Latn: the Kazakh texts, transliterated
        for key in own:
            text = messages[key]
            messages[key] = transform(text) if isinstance(text, str) else [transform(form) for form in text]
        payload = {"language": language, "messages": messages, "plural_forms": plural_forms}
        return FrontendCatalog(language, messages, filled, plural_forms, _etag(payload))
