"""Errors of the reading side, with the facts a client needs to correct its request."""

from __future__ import annotations

from library.errors import Invalid, NotFound


class ArticleUnavailable(NotFound):
    """No article has the slug, or it has no published text in any language.

    ``article_id`` is set when the article exists (so its demand can still be counted); it is not
    one of the problem's facts, readers have no use for internal ids.
    """

    title = "Article not found"

    def __init__(self, slug: str, language: str, article_id: int | None = None) -> None:
        super().__init__(f"No published article has the slug {slug!r}.", slug=slug, language=language)
        self.slug = slug
        self.language = language
        self.article_id = article_id


class InvalidQuery(Invalid):
    """A listing filter or page parameter out of its range."""

    title = "Invalid query parameter"

    def __init__(self, parameter: str, value: object, expected: str) -> None:
        super().__init__(f"{parameter}={value!r} is not valid: expected {expected}.",
                         parameter=parameter, value=str(value), expected=expected)
        self.parameter = parameter
