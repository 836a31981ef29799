"""Domain errors shared by every part of the library.

Services raise these with a human ``detail`` and the facts as attributes; the web layer
(`library.web.problems`) maps them to RFC 9457 problem details and the CLI prints ``detail``.
Nothing here knows about HTTP.
"""

from __future__ import annotations


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
