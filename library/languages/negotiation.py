"""Pick the language of a response from the URL, the ``library_lang`` cookie and Accept-Language.

The HTTP API and the web pages both call `negotiate`, so a reader gets the same language from either.
Babel has no Accept-Language parser (``babel.negotiate_locale`` ignores q-values and ``*``), hence ours.
Headers come from strangers: anything malformed in one is skipped, never raised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

from library.languages.registry import UnsupportedLanguage

COOKIE_NAME = "library_lang"
"""Cookie that remembers a reader's explicit choice of language."""

MAX_HEADER_LENGTH = 4096
"""Characters of Accept-Language read; the rest is ignored (browsers send well under 200)."""

MAX_ITEMS = 32
"""Non-empty list elements of Accept-Language read; later ones are ignored."""

# Both patterns are ASCII-only on purpose: `\d` and `str.lower` know Unicode digits and the Kelvin sign.
_LANGUAGE_RANGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*")
_QVALUE = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")  # RFC 9110 section 12.4.2

Source = Literal["explicit", "cookie", "header", "default"]


class SupportedLanguages(Protocol):
    """What negotiation needs from a `LanguageRegistry`: its codes in display order and the default."""

    @property
    def codes(self) -> tuple[str, ...]: ...

    default: str


@dataclass(frozen=True)
class Negotiated:
    language: str
    """A code of the registry, spelled as the registry spells it."""

    source: Source
    """What decided: lets the web layer store a cookie only for an explicit choice and send ``Vary``."""


def parse_accept_language(header: str | None) -> list[tuple[str, float]]:
    """Acceptable language ranges, lower-cased, most wanted first (ties keep header order).

    Ranges with q=0 ("not acceptable") are left out; `negotiate` still honours them.
    """
    return _by_preference(_weighted_ranges(header))


def negotiate(
    registry: SupportedLanguages,
    *,
    explicit: str | None = None,
    cookie: str | None = None,
    accept_language: str | None = None,
) -> Negotiated:
    """The language to answer in: explicit choice, then cookie, then Accept-Language, then the site default.

    ``explicit`` is ``?lang=`` or the ``/{lang}/`` URL prefix; an empty value means no choice (a form's
    "automatic" option). A value the registry lacks raises `UnsupportedLanguage` (the web layer's 400),
    while a stale or forged cookie is ignored. Codes match case-insensitively, as BCP 47 tags do.
    """
    if explicit:
        code = _supported(registry, explicit)
        if code is None:
            raise UnsupportedLanguage(explicit, tuple(_codes(registry)))
        return Negotiated(code, "explicit")
    if cookie and (code := _supported(registry, cookie)):
        return Negotiated(code, "cookie")
    if code := _from_header(registry, accept_language):
        return Negotiated(code, "header")
    return Negotiated(registry.default, "default")


def _weighted_ranges(header: str | None) -> list[tuple[str, float]]:
    """Every well-formed ``range[;q=value]`` element, q=0 included, in header order."""
    if not header:
        return []
    pieces = header[:MAX_HEADER_LENGTH].split(",")
    if len(header) > MAX_HEADER_LENGTH:
        pieces.pop()  # the cut may have fallen inside the last element
    elements = [piece for piece in pieces if piece.strip()][:MAX_ITEMS]
    return [item for item in map(_weighted_range, elements) if item is not None]


def _weighted_range(element: str) -> tuple[str, float] | None:
    """``"kk-KZ; q=0.8"`` -> ``("kk-kz", 0.8)``; None for anything RFC 9110 does not allow."""
    tag, *params = (part.strip() for part in element.split(";"))
    if not _LANGUAGE_RANGE.fullmatch(tag) or len(params) > 1:
        return None
    q = 1.0
    if params:
        name, sep, value = params[0].partition("=")
        value = value.strip()
        if name.strip().lower() != "q" or not sep or not _QVALUE.fullmatch(value):
            return None
        q = float(value)
    return tag.lower(), q


def _by_preference(ranges: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Ranges with q > 0, highest q first; sorted() is stable with reverse=True too."""
    return sorted(((tag, q) for tag, q in ranges if q > 0), key=lambda item: item[1], reverse=True)


def _supported(registry: SupportedLanguages, value: str) -> str | None:
    """The registry code equal to ``value`` ignoring ASCII case, else None."""
    if not value.isascii():
        return None
    by_lower = {code.lower(): code for code in _codes(registry)}
    return by_lower.get(value.lower())


def _codes(registry: SupportedLanguages) -> tuple[str, ...]:
    """What a reader may ask for: a `LanguageRegistry`'s derived languages (kk-Latn) included."""
    return getattr(registry, "reader_codes", registry.codes)


def _from_header(registry: SupportedLanguages, header: str | None) -> str | None:
    """The first acceptable registry language in preference order, or None.

    A range with q=0 excludes every registry code it matches by RFC 4647 basic filtering
    (``kk;q=0`` excludes ``kk`` and ``kk-Latn``; ``*;q=0`` excludes all), whichever other
    element names it. ``*`` stands for the site default, or when that is excluded, the first
    acceptable language in display order.
    """
    ranges = _weighted_ranges(header)
    refused = [tag for tag, q in ranges if q == 0]
    acceptable = [code for code in _codes(registry) if not _matches_any(refused, code)]
    if not acceptable:
        return None
    for tag, _q in _by_preference(ranges):
        if tag == "*":
            return registry.default if registry.default in acceptable else acceptable[0]
        code = _lookup(registry, tag)
        if code in acceptable:
            return code
    return None


def _lookup(registry: SupportedLanguages, tag: str) -> str | None:
    """RFC 4647 lookup: drop subtags from the end until a registry code matches.

    ``kk-latn-kz`` tries ``kk-latn`` (a script variant, if the registry has one) before ``kk``;
    ``ru-ru`` and ``en-gb`` reach ``ru`` and ``en``.
    """
    subtags = tag.split("-")
    for end in range(len(subtags), 0, -1):
        if code := _supported(registry, "-".join(subtags[:end])):
            return code
    return None


def _matches_any(ranges: Iterable[str], code: str) -> bool:
    """RFC 4647 basic filtering: ``kk`` matches ``kk`` and ``kk-Latn``, ``*`` matches everything."""
    code = code.lower()
    return any(r == "*" or code == r or code.startswith(r + "-") for r in ranges)
