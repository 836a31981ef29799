"""Markers and lazy strings for text defined at import time but shown in each reader's language.

``N_`` only marks a string for extraction. ``lazy_gettext`` returns a `babel.support.LazyProxy` that
translates each time it is rendered, with the translator of the current request read from a
ContextVar: Babel's default proxy caches its first value, so the first reader's language would stick
for everyone (I18N-NOTES). Outside `use_translator` a lazy string renders as its msgid (English).
msgspec cannot encode a LazyProxy: the web layer registers ``type_encoders={LazyProxy: str}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from babel.support import LazyProxy

if TYPE_CHECKING:
    from library.catalogs.runtime import Translator

_current: ContextVar[Translator | None] = ContextVar("library_translator", default=None)


def N_(message: str) -> str:
    """Mark ``message`` for extraction and return it unchanged (translate it later, where it is shown)."""
    return message


def current_translator() -> Translator | None:
    return _current.get()


@contextmanager
def use_translator(translator: Translator) -> Iterator[Translator]:
    """Make ``translator`` the one lazy strings use inside the block (one request, one task)."""
    token = _current.set(translator)
    try:
        yield translator
    finally:
        _current.reset(token)


def _gettext(msgid: str) -> str:
    translator = _current.get()
    return translator.gettext(msgid) if translator else msgid


def _ngettext(singular: str, plural: str, n: int) -> str:
    translator = _current.get()
    if translator is None:
        return singular if n == 1 else plural
    return translator.ngettext(singular, plural, n)


def _pgettext(context: str, msgid: str) -> str:
    translator = _current.get()
    return translator.pgettext(context, msgid) if translator else msgid


def lazy_gettext(msgid: str) -> LazyProxy:
    return LazyProxy(_gettext, msgid, enable_cache=False)


def lazy_ngettext(singular: str, plural: str, n: int) -> LazyProxy:
    return LazyProxy(_ngettext, singular, plural, n, enable_cache=False)


def lazy_pgettext(context: str, msgid: str) -> LazyProxy:
    return LazyProxy(_pgettext, context, msgid, enable_cache=False)
