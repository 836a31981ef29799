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
    """A listing filter or page parameter that is not a whole number in its range, or lacks a companion."""

    title = "Invalid query parameter"

    def __init__(self, parameter: str, value: object, *, low: int | None = None, high: int | None = None,
                 requires: str | None = None) -> None:
        if requires is not None:
            detail = f"{parameter} can only be given together with {requires}."
            self.kind, self.bounds = "parameter-needs-another", {"other": requires}
        else:
            detail = f"{parameter} must be a whole number between {low} and {high}."
            self.kind, self.bounds = "number-out-of-range", {"low": low, "high": high}
        super().__init__(detail, parameter=parameter, value=str(value)[:100])
        self.parameter = parameter
