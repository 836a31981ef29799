"""Languages: the registry of supported languages and their fallback chains (a leaf: no database, no web)."""

from library.languages.registry import Language, LanguageRegistry

__all__ = ["Language", "LanguageRegistry"]
