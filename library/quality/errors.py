"""Errors of the quality domain, with the facts a caller needs to react."""

from __future__ import annotations

from collections.abc import Sequence

from library.errors import Conflict, Invalid, NotFound


class QualityBlocked(Conflict):
    """A revision with error findings was to be published without an override reason.

    ``findings`` are the errors as plain values (code, message, facts), so an API client or the CLI
    can show each one; the detail names them in English.
    """

    title = "Blocked by content checks"

    def __init__(self, slug: str, language: str, revision: int, errors: Sequence[dict[str, object]]) -> None:
        listed = " ".join(f"({number}) {error['message']}" for number, error in enumerate(errors, start=1))
        super().__init__(
            f"The {language} variant of {slug!r} cannot be published: revision {revision} has "
            f"{len(errors)} error(s): {listed} Correct the text, or give an override reason.",
            slug=slug,
            language=language,
            revision=revision,
            findings=list(errors),
        )
        self.errors = list(errors)


class TermNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__(f"The term base has no term {key!r}.", key=key)


class DuplicateTerm(Conflict):
    def __init__(self, key: str) -> None:
        super().__init__(f"The term base already has a term {key!r}.", key=key)


class InvalidTerm(Invalid):
    pass


class InvalidTermFile(Invalid):
    """A CSV or TBX file that cannot be imported; ``line`` (CSV) or ``entry`` (TBX) says where."""
