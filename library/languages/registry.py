"""The one registry of supported languages, their names (from CLDR via Babel) and fallback chains.

Every other part asks this registry rather than hard-coding ``("en", "ru", "kk")``: which codes are
valid, what a language is called in another language, and which languages to try, in order, when a
text is missing in the one a reader asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError

from library.errors import N_, ConfigurationError, Invalid, Localized
from library.languages.kk_latin import to_latin


@lru_cache(maxsize=64)
@cache  # CLDR data does not change while the process runs; Babel parses the identifier on every call
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def language_name(code: str, in_language: str) -> str:
    """CLDR name of language ``code`` written in ``in_language`` (``language_name("kk", "ru") == "казахский"``)."""
    return _locale(code).get_language_name(in_language) or code


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Language:
    code: str
    """BCP 47 primary tag used in URLs, cookies, the database and catalog folders."""

    fallbacks: tuple[str, ...]
    """Languages tried after this one, in order, when a text is missing."""

    base: str | None = None
    """For a derived reader language (kk-Latn): the stored language its texts are made from."""

    transform: Callable[[str], str] = field(default=str, compare=False, repr=False)
    """For a derived reader language: base-language text -> this language's text (identity otherwise)."""

    script: str | None = None
    """For a derived reader language: the ISO 15924 script that tells it from its base ("Latn")."""

    @property
    def stored(self) -> str:
        """The language texts are stored and catalogued in: the base of a derived language, else itself."""
        return self.base or self.code

    @property
    def locale(self) -> Locale:
        """The Babel locale for dates, numbers and plural rules (the base's for a derived language)."""
        return _locale(self.stored)

    @property
    def native_name(self) -> str:
        """The language's name in itself, capitalised for menus ("Қазақ тілі", "Русский", "English",
        and "Qazaq tılı" for kk-Latn: the base's name, transformed)."""
        return self.transform(_capitalised(language_name(self.stored, self.stored)))

    def name_in(self, other: str) -> str:
        """The language's name written in the stored language ``other``, as CLDR spells it (lower case
        in ru and kk); a derived language adds its script as CLDR names it: "Kazakh (Latin)",
        "казахский (латиница)". For a derived ``other`` use `LanguageRegistry.name_of`."""
        name = language_name(self.stored, other)
        if self.script is None:
            return name
        return f"{name} ({_locale(other).scripts.get(self.script, self.script)})"

    @property
    def chain(self) -> tuple[str, ...]:
        """This language followed by its fallbacks: the order in which texts are looked for.

        For a derived language the chain starts with its base: that is where its texts are stored.
        """
        return (self.stored, *self.fallbacks)


class LanguageRegistry:
    """Supported languages in display order, the site default, and each language's fallback chain."""

    def __init__(
        self,
        codes: tuple[str, ...],
        default: str,
        fallbacks: Mapping[str, tuple[str, ...]],
    ) -> None:
        if len(set(codes)) != len(codes):
            raise ConfigurationError(f"LIBRARY_LANGUAGES lists a language twice: {','.join(codes)}")
        for code in codes:
            try:
                _locale(code)
            except (UnknownLocaleError, ValueError):
                raise ConfigurationError(
                    f"LIBRARY_LANGUAGES: {code!r} is not a language known to CLDR"
                ) from None
        if default not in codes:
            raise ConfigurationError(
                f"LIBRARY_DEFAULT_LANGUAGE={default!r} is not one of LIBRARY_LANGUAGES ({', '.join(codes)})"
            )
        languages = {}
        for code in codes:
            chain = tuple(fallbacks.get(code, ()))
            unknown = [c for c in chain if c not in codes]
            if unknown or code in chain or len(set(chain)) != len(chain):
                raise ConfigurationError(
                    f"LIBRARY_FALLBACKS: the chain for {code!r} ({','.join(chain)}) must list other "
                    f"supported languages, each once"
                )
            # Languages the configuration leaves out are still reachable, last, in display order,
            # so a reader is never shown nothing while some language has the text.
            chain = chain + tuple(c for c in codes if c != code and c not in chain)
            languages[code] = Language(code=code, fallbacks=chain)
        self._languages = languages
        self.default = default
        self._derived = {
            code: Language(code=code, fallbacks=languages[base].fallbacks, base=base, transform=transform,
                           script=script)
            for code, (base, script, transform) in DERIVED.items() if base in languages
        }
        self._by_lower = {code.lower(): code for code in self.reader_codes}

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._languages)

    @property
    def reader_codes(self) -> tuple[str, ...]:
        """The stored languages and, after its base, each derived reader language (en, ru, kk, kk-Latn):
        what a reader may ask for."""
        return tuple(code for base in self._languages
                     for code in (base, *(c for c, d in self._derived.items() if d.base == base)))

    @property
    def readers(self) -> list[Language]:
        """Every language a reader may choose, in `reader_codes` order (for switchers)."""
        return [self.get(code) for code in self.reader_codes]

    def __iter__(self):
        return iter(self._languages.values())

    def __contains__(self, code: object) -> bool:
        """Whether ``code`` is a language a reader may ask for (a stored or a derived one)."""
        return code in self._languages or code in self._derived

    def canonical(self, code: str) -> str | None:
        """The registry's spelling of ``code`` matched ignoring ASCII case ("kk-latn" -> "kk-Latn")."""
        return self._by_lower.get(code.lower()) if code.isascii() else None

    def get(self, code: str) -> Language:
        """The language for ``code`` (stored or derived); an unsupported code raises `UnsupportedLanguage`."""
        language = self._languages.get(code) or self._derived.get(code)
        if language is None:
            raise UnsupportedLanguage(code, self.reader_codes)
        return language

    def readable(self, available: list[str] | tuple[str, ...]) -> list[str]:
        """``available`` stored languages with each derived one right after its base (for hreflang):
        ["ru", "kk"] -> ["ru", "kk", "kk-Latn"]."""
        return [code for base in available for code in (base, *(c for c, d in self._derived.items()
                                                                if d.base == base))]

    def name_of(self, code: str, in_language: str) -> str:
        """The name of reader language ``code`` written in reader language ``in_language``, derived
        ones included: ``name_of("kk-Latn", "en") == "Kazakh (Latin)"``, and for a kk-Latn reader
        the Kazakh name transliterated (``name_of("ru", "kk-Latn") == "orys tılı"``)."""
        reader = self.get(in_language)
        return reader.transform(self.get(code).name_in(reader.stored))

    def names_in(self, in_language: str) -> dict[str, str]:
        """Every reader language's name in ``in_language``, in `reader_codes` order."""
        return {code: self.name_of(code, in_language) for code in self.reader_codes}

    def derived(self, code: str) -> Language | None:
        """The derived reader language ``code``, or None when ``code`` is a stored language."""
        return self._derived.get(code)

    def chain(self, code: str) -> tuple[str, ...]:
        return self.get(code).chain


DERIVED: dict[str, tuple[str, str, Callable[[str], str]]] = {"kk-Latn": ("kk", "Latn", to_latin)}
"""Reader languages made on the fly from a stored one, never stored: code -> (base, script, transform).

Design: the registry's `codes` stay the real languages (stored variants, catalogs, coverage, chains of
other languages); a derived language is only something a reader can ask for. Its chain is its base's,
and only text that comes from the base is transformed: a Russian fallback shown to a kk-Latn reader
stays Russian and is marked ``lang="ru"``.
"""


class UnsupportedLanguage(Localized, Invalid):
    """A language code that is not one of the supported languages."""

    title = "Unsupported language"
    template = N_("{code} is not a supported language; use one of: {supported}.")

    def __init__(self, code: str, supported: tuple[str, ...]) -> None:
        super().__init__(
            f"{code!r} is not a supported language; use one of: {', '.join(supported)}",
            language=code,
            supported=list(supported),
        )
        self.code = code
        self.supported = supported

    def message_facts(self) -> dict[str, object]:
        return {"code": self.code, "supported": ", ".join(self.supported)}
