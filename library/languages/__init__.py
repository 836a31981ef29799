"""Languages: the registry of supported languages and their fallback chains, negotiation of a request's
language, and Kazakh Cyrillic -> Latin (a leaf: no database, no web)."""

from library.languages.kk_latin import latin_lower, latin_upper, to_latin
from library.languages.negotiation import Negotiated, negotiate, parse_accept_language
from library.languages.registry import Language, LanguageRegistry, UnsupportedLanguage

__all__ = [
    "Language",
    "LanguageRegistry",
    "Negotiated",
    "UnsupportedLanguage",
    "latin_lower",
    "latin_upper",
    "negotiate",
    "parse_accept_language",
    "to_latin",
]
