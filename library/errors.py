"""Domain errors shared by every part of the library.

Services raise these with a human ``detail`` and the facts as attributes; the web layer
(`library.web.problems`) maps them to RFC 9457 problem details and the CLI prints ``detail``.
Nothing here knows about HTTP.

An error whose detail readers see in their own language is `Localized`: it keeps an English
``template`` (marked for the catalogs where it is defined) and its facts apart, and the web layer
asks it for the detail through the reader's translator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

Translate = Callable[[str], str]
"""A gettext function: an English message -> the same message in some language."""


def render(template: str, facts: Mapping[str, object], translate: Translate | None = None) -> str:
    """``template`` (translated first when ``translate`` is given) with ``{name}`` fields filled from ``facts``."""
    text = translate(template) if translate else template
    try:
        return text.format(**facts)
    except (KeyError, IndexError, ValueError):
        # A catalog entry with a broken placeholder must not turn an error message into a 500.
        return template.format(**facts)


class LibraryError(Exception):
    """Base of every error the library raises on purpose."""

    #: Short, stable English name of the kind of error (the problem ``title`` before translation).
    title = "Library error"

    def __init__(self, detail: str, **facts: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.facts = facts

    def __str__(self) -> str:
        return self.detail


class NotFound(LibraryError):
    title = "Not found"


class Invalid(LibraryError):
    """The caller sent something the library cannot accept (bad value, malformed file)."""

    title = "Invalid input"


class Conflict(LibraryError):
    """The request is well formed but clashes with the current state (duplicate, stale revision)."""

    title = "Conflict"


class Forbidden(LibraryError):
    title = "Forbidden"


class ConfigurationError(LibraryError):
    """A setting has a value the library cannot run with."""

    title = "Configuration error"


class Localized:
    """Mixin: ``detail`` is ``template`` filled with the facts, in English or through ``translate``."""

    template = ""
    facts: dict[str, object]

    def localized(self, translate: Translate, language: str = "en",
                  script: Translate = str) -> tuple[str, dict[str, object]]:
        """(detail, facts) in the language of ``translate``; ``language`` is its Babel locale and
        ``script`` its transform of text formatted in that locale (kk-Latn), for errors that name
        languages or format numbers."""
        return render(self.template, self.facts, translate), self.facts
