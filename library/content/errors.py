"""Errors of the content domain, with the facts a caller needs to react."""

from __future__ import annotations

from library.errors import N_, Conflict, Invalid, Localized, NotFound


class SectionNotFound(Localized, NotFound):
    template = N_("No section has the slug {slug}.")

    def __init__(self, slug: str) -> None:
        super().__init__(f"No section has the slug {slug!r}.", slug=slug)


class ArticleNotFound(Localized, NotFound):
    template = N_("No article has the slug {slug}.")

    def __init__(self, slug: str) -> None:
        super().__init__(f"No article has the slug {slug!r}.", slug=slug)


class VariantNotFound(NotFound):
    def __init__(self, slug: str, language: str) -> None:
        super().__init__(f"Article {slug!r} has no {language} variant.", slug=slug, language=language)


class DuplicateSlug(Conflict):
    def __init__(self, kind: str, slug: str) -> None:
        super().__init__(f"A {kind} with the slug {slug!r} already exists.", kind=kind, slug=slug)


class StaleRevision(Conflict):
    """A write based on an older revision than the current one: somebody else saved first."""

    def __init__(self, slug: str, language: str, expected: int, actual: int) -> None:
        super().__init__(
            f"The {language} variant of {slug!r} is at revision {actual}, not {expected}: "
            f"somebody saved a newer text first.",
            slug=slug,
            language=language,
            expected=expected,
            current_revision=actual,
        )
        self.expected = expected
        self.actual = actual


class InvalidContent(Invalid):
    pass
