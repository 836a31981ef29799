"""Errors of the reading side, with the facts a client needs to correct its request.

Each keeps its English message template (marked for the catalogs) so readers get it in their language.
"""

from __future__ import annotations

from library.errors import N_, Invalid, Localized, NotFound


class ArticleUnavailable(Localized, NotFound):
    """No article has the slug, or it has no published text in any language.

    ``article_id`` is set when the article exists (so its demand can still be counted); it is not
    one of the problem's facts, readers have no use for internal ids.
    """

    title = "Article not found"
    not_found = N_("No article has the slug {slug}.")
    unpublished = N_("Article {slug} is not published in any language.")

    def __init__(self, slug: str, language: str, article_id: int | None = None) -> None:
        super().__init__(f"No published article has the slug {slug!r}.", slug=slug, language=language)
        self.slug = slug
        self.language = language
        self.article_id = article_id
        self.template = self.not_found if article_id is None else self.unpublished


class InvalidQuery(Localized, Invalid):
    """A listing filter or page parameter that is not a whole number in its range, or lacks a companion."""

    title = "Invalid query parameter"
    out_of_range = N_("{name} must be a whole number between {low} and {high}.")
    # Translators: {name} and {other} are query parameters, such as month and year.
    needs_another = N_("{name} can only be given together with {other}.")

    def __init__(self, parameter: str, value: object, *, low: int | None = None, high: int | None = None,
                 requires: str | None = None) -> None:
        if requires is not None:
            detail = f"{parameter} can only be given together with {requires}."
            self.template, self.bounds = self.needs_another, {"other": requires}
        else:
            detail = f"{parameter} must be a whole number between {low} and {high}."
            self.template, self.bounds = self.out_of_range, {"low": low, "high": high}
        super().__init__(detail, parameter=parameter, value=str(value)[:100])
        self.parameter = parameter

    def message_facts(self) -> dict[str, object]:
        return {"name": self.parameter, **self.bounds}
