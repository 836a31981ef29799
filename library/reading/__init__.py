"""Reading: what a reader is served. Each article resolved along the language's fallback chain to its
first published revision, listings and the archive in a constant number of queries.

Every function takes the reader's `Language` and returns what that reader is shown, a derived
language's (kk-Latn) view included: callers make one call and transform nothing themselves.
Readers only ever get published revisions' text (``Variant.published_revision``), never a working copy.
"""

from library.reading.errors import ArticleUnavailable, InvalidQuery
from library.reading.listing import (
    ListingQuery,
    MonthCounts,
    archive,
    archive_counts,
    list_articles,
    list_sections,
    listed_ids,
    section_name,
)
from library.reading.resolve import ARTICLE, ResolvedArticle, article_of, read_article

__all__ = [
    "ARTICLE",
    "MonthCounts",
    "ArticleUnavailable",
    "InvalidQuery",
    "ListingQuery",
    "ResolvedArticle",
    "archive",
    "archive_counts",
    "list_articles",
    "listed_ids",
    "list_sections",
    "section_name",
    "article_of",
    "read_article",
]
