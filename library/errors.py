"""Domain errors shared by every part of the library.

Services raise these with a human ``detail`` and the facts as attributes; the web layer
(`library.web.problems`) maps them to RFC 9457 problem details and the CLI prints ``detail``.
Nothing here knows about HTTP.

An error whose detail readers see in their own language is `Localized`: it keeps an English
``template`` (marked for the catalogs with `N_` where it is defined) and its facts apart, and the web
layer asks it for the detail through the reader's translator. So every message lives with its error:
the web keeps a table of statuses, not a second copy of the words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol


def N_(message: str) -> str:
    """Mark ``message`` for extraction into the catalogs (translated later, where it is shown)."""
    return message


Translate = Callable[[str], str]
"""A gettext function: an English message -> the same message in some language."""


class MessageLanguage(Protocol):
    """The language a message is rendered in: its gettext, the Babel locale of what it formats
    (language names, numbers), and its transform of text formatted in that locale (identity, but
    Kazakh Cyrillic -> Latin for kk-Latn). `library.catalogs.runtime.Translator` is one."""

    locale: str

    def gettext(self, message: str) -> str: ...

    def script(self, text: str) -> str: ...


class _English:
    """Messages as they are written: the language of the templates, and of the CLI and the logs."""

    locale = "en"

    def gettext(self, message: str) -> str:
        return message

    def script(self, text: str) -> str:
        return text


ENGLISH: MessageLanguage = _English()


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
    """Mixin: ``detail`` is ``template`` filled with the facts, in English or in another language."""

    template = ""
    facts: dict[str, object]

    def message_facts(self) -> Mapping[str, object]:
        """What fills the template's fields (the facts themselves, unless an error words them for people,
        e.g. a list of languages as one string)."""
        return self.facts

    def localized(self, language: MessageLanguage) -> tuple[str, dict[str, object]]:
        """(detail, facts) in ``language``."""
        return render(self.template, self.message_facts(), language.gettext), self.facts
