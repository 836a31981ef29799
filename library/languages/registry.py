"""The one registry of supported languages, their names (from CLDR via Babel) and fallback chains.

Every other part asks this registry rather than hard-coding ``("en", "ru", "kk")``: which codes are
valid, what a language is called in another language, and which languages to try, in order, when a
text is missing in the one a reader asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError

from library.errors import ConfigurationError, Invalid

if TYPE_CHECKING:
    from library.settings import Settings


@lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


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

    @property
    def locale(self) -> Locale:
        """The Babel locale for dates, numbers and plural rules."""
        return _locale(self.code)

    @property
    def native_name(self) -> str:
        """The language's name in itself, capitalised for menus ("Қазақ тілі", "Русский", "English")."""
        return _capitalised(language_name(self.code, self.code))

    def name_in(self, other: str) -> str:
        """The language's name written in ``other``, as CLDR spells it (lower case in ru and kk)."""
        return language_name(self.code, other)

    @property
    def chain(self) -> tuple[str, ...]:
        """This language followed by its fallbacks: the order in which texts are looked for."""
        return (self.code, *self.fallbacks)


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

    @classmethod
    def from_settings(cls, settings: Settings) -> LanguageRegistry:
        return cls(settings.languages, settings.default_language, settings.fallbacks)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._languages)

    def __iter__(self):
        return iter(self._languages.values())

    def __contains__(self, code: object) -> bool:
        return code in self._languages

    def get(self, code: str) -> Language:
        """The language for ``code``; an unsupported code raises `UnsupportedLanguage`."""
        try:
            return self._languages[code]
        except KeyError:
            raise UnsupportedLanguage(code, self.codes) from None

    def chain(self, code: str) -> tuple[str, ...]:
        return self.get(code).chain


class UnsupportedLanguage(Invalid):
    """A language code that is not one of the supported languages."""

    title = "Unsupported language"

    def __init__(self, code: str, supported: tuple[str, ...]) -> None:
        super().__init__(
            f"{code!r} is not a supported language; use one of: {', '.join(supported)}",
            language=code,
            supported=list(supported),
        )
        self.code = code
        self.supported = supported
