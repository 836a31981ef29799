"""What the reading side returns: plain msgspec structs, encoded as they are by the JSON API.

Field docstrings become the OpenAPI descriptions, so they are written for API clients.
"""

from __future__ import annotations

from datetime import datetime

import msgspec


class ArticleBase(msgspec.Struct, kw_only=True):
    """Which article, and the language it is served in: the fields every view of an article starts with.

    Every struct here is keyword-only, so a subclass's fields follow these in the JSON and the schema.
    """

    slug: str
    section: str
    published_at: datetime
    language: str
    """The language served: the requested one, or the first of its fallback chain with a published text."""


class ArticleRef(ArticleBase, kw_only=True):
    """An article named in a list (a see-also link, a listing item), resolved for the reader."""

    fallback: bool
    """True when ``language`` is not the requested language."""
    outdated: bool
    """True when the served text was translated from an older revision of its source than the source's current one."""
    title: str


class SeeAlso(ArticleRef, kw_only=True):
    """A linked article, resolved along the same fallback chain as the article that links to it."""

    notice: str | None = None
    """With a fallback: a label saying so, in the requested language ("Shown in another language")."""


class ArticleView(ArticleBase, kw_only=True):
    """An article in the language a reader asked for, or the first published fallback."""

    requested_language: str
    fallback: bool
    """True when the article is served in another language than the one requested."""
    outdated: bool
    """True when the served text was translated from an older revision of its source than the source's current one."""
    available_languages: list[str]
    """Languages with a published text, in the site's display order."""
    title: str
    summary: str
    body: str
    """HTML."""
    views: int
    """Reads counted so far (buffered counts are flushed every few seconds)."""
    saved_at: datetime
    """When the served text was saved."""
    see_also: list[SeeAlso]
    notices: list[str] = msgspec.field(default_factory=list)
    """What a reader should know, in the requested language: that the text is a fallback (and in which
    language), that the original was updated since this translation."""
    help_translate_url: str | None = None
    """With a fallback, where readers can help translate (when the site has such a place)."""


class ListedArticle(ArticleRef, kw_only=True):
    summary: str
    notice: str | None = None
    """With a fallback: a label saying so, in the requested language."""


class ArticlePage(msgspec.Struct, kw_only=True):
    """One page of articles, newest first."""

    language: str
    """The requested language; each item says which language it is served in."""
    total: int
    """Articles matching the filters, over all pages."""
    page: int
    per_page: int
    pages: int
    items: list[ListedArticle]


class ArchiveMonth(msgspec.Struct, kw_only=True):
    month: int
    name: str
    """The month's stand-alone name in the requested language ("Қаңтар", "январь", "January")."""
    count: int


class ArchiveYear(msgspec.Struct, kw_only=True):
    year: int
    count: int
    months: list[ArchiveMonth]
    """Only months with articles, newest first."""


class Archive(msgspec.Struct, kw_only=True):
    """The portal's calendar: years and months that have articles readable in some language."""

    language: str
    section: str | None
    total: int
    years: list[ArchiveYear]
    """Newest first."""


class SectionView(msgspec.Struct, kw_only=True):
    slug: str
    name: str
    name_language: str
    """The language ``name`` is in: the requested one, or the first fallback that names the section."""
    position: int
    articles: int
    """Articles readable in some language."""


class SectionList(msgspec.Struct, kw_only=True):
    language: str
    sections: list[SectionView]


class LanguageView(msgspec.Struct, kw_only=True):
    code: str
    native_name: str
    name: str
    """The language's name in the requested language."""
    fallbacks: list[str]
    """Languages tried, in order, when a text is missing in this one."""
    default: bool
    derived_from: str | None = None
    """For a language made on the fly and never stored (kk-Latn): the stored language it is made
    from, whose texts (and fallbacks) it shows transformed; null for a stored language."""


class LanguageList(msgspec.Struct, kw_only=True):
    language: str
    """The requested language (the one ``name`` is written in)."""
    default: str
    languages: list[LanguageView]
