"""One article as a reader sees it, for the API and the pages alike: on PostgreSQL its statement is
awaited on the event loop (`ReaderDatabase.fetch`, `library.storage.async_reads`) and the response made
of its rows there too, with no thread; elsewhere it is read the blocking way (`off_the_loop`)."""

from __future__ import annotations

from typing import Any

from library import reading
from library.reading import ResolvedArticle


async def fetch_article(state: Any, slug: str) -> list[Any] | None:
    """The article's rows read on the event loop, or None when it is to be read by `resolve_article`."""
    return await state.readers.fetch(reading.ARTICLE, slug=slug)


def resolve_article(state: Any, slug: str, language: str, rows: list[Any] | None) -> ResolvedArticle:
    """The article ``slug`` for a reader of ``language``, from ``rows`` (`fetch_article`) or read now."""
    registry = state.languages
    if rows is None:
        return state.readers.read_statement(reading.read_article, slug, registry.get(language), registry.codes)
    return reading.article_of(rows, slug, registry.get(language), registry.codes)
