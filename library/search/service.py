"""Search for readers (issue 17): ranked matches in the reader's language, then in the languages a
reader of it is served by fallback, each resolved by the reading side exactly as listings are.

A query is analysed once per language of the reader's chain (Kazakh keys for the kk pass, Snowball
ones for ru and en). Each pass asks the index for the variants of that language holding every key,
ranked by BM25 (SQLite FTS5) or ts_rank_cd (PostgreSQL), the title weighted 10 to 1 over the body.
Later passes keep a match only when the article is served in that language to this reader
(`library.reading.resolve.served_languages`, the listings' own `choose`): an article published in
Kazakh is never shown to a Kazakh reader as its Russian text.

Cost is bounded: stop words are not keys, a query has at most `MAX_KEYS` keys and `MAX_QUERY`
characters, and each pass ranks at most `CANDIDATES` matches (the most recently indexed on SQLite,
the first found on PostgreSQL); beyond that the page says ``exact: false``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from library.content.errors import SectionNotFound
from library.errors import N_, Invalid, Localized
from library.languages.registry import Language
from library.reading.errors import InvalidQuery
from library.reading.listing import RANGES, listed_texts, whole_number
from library.reading.resolve import served_languages
from library.search.analyzer import normalise, query_keys
from library.search.snippets import snippet
from library.search.tsvector import tsquery
from library.search.types import SearchHit, SearchPage

MAX_QUERY = 500
"""Characters of a query that are read; the rest is ignored (a URL holds at most 8 KB anyway)."""
MAX_KEYS = 12
"""Distinct words of a query that are searched for."""
CANDIDATES = 1000
"""Matches ranked per language at most."""
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 50
TITLE_WEIGHT = 10.0


class EmptyQuery(Localized, Invalid):
    title = "Invalid query parameter"
    template = N_("The search query q must not be empty.")

    def __init__(self) -> None:
        super().__init__(self.template, parameter="q")


@dataclass(frozen=True)
class SearchQuery:
    """A reader's search: the text, filters and page. `parse` checks query-string values."""

    text: str
    section: str | None = None
    year: int | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def parse(cls, q: str | None, section: str | None = None, year: str | None = None,
              page: str | None = None, per_page: str | None = None) -> SearchQuery:
        """Raises `EmptyQuery` for a query without any letter or digit, `InvalidQuery` for a bad number."""
        q = q or ""
        if len(q) > MAX_QUERY:  # cut at a space: a word cut in half would be searched for as it is
            q = q[: MAX_QUERY + 1].rsplit(None, 1)[0] if not q[MAX_QUERY].isspace() else q[:MAX_QUERY]
        query_text = " ".join(q[:MAX_QUERY].split())
        if not any(c.isalnum() for c in query_text):
            raise EmptyQuery()
        number, size = whole_number("page", page), whole_number("per_page", per_page, 1, MAX_PER_PAGE)
        if size is not None and not 1 <= size <= MAX_PER_PAGE:
            raise InvalidQuery("per_page", size, low=1, high=MAX_PER_PAGE)
        query = cls(text=query_text, section=section or None, year=whole_number("year", year),
                    page=1 if number is None else number, per_page=size or DEFAULT_PER_PAGE)
        for name in ("page", "year"):
            value, (low, high) = getattr(query, name), RANGES[name]
            if value is not None and not low <= value <= high:
                raise InvalidQuery(name, value, low=low, high=high)
        return query


@dataclass(frozen=True)
class SearchOutcome:
    """A page of results, with what the web layer counts but never shows (article ids)."""

    page: SearchPage
    article_ids: list[int]
    """Of ``page.items``, in order."""

    @property
    def only_fallbacks(self) -> bool:
        """Results were found, none in the requested language: demand for translations."""
        return self.page.total > 0 and self.page.own == 0

    @property
    def nothing(self) -> bool:
        return self.page.total == 0


def _filters(query: SearchQuery, dialect: str) -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    if query.section is not None:
        clauses.append("a.section_id = (SELECT id FROM section WHERE slug = :section)")
        params["section"] = query.section
    if query.year is not None:
        year = "substr(a.published_at, 1, 4)" if dialect == "sqlite" else "to_char(a.published_at, 'YYYY')"
        clauses.append(f"{year} = :year")
        params["year"] = f"{query.year:04d}"
    return "".join(f" AND {clause}" for clause in clauses), params


def _matches(session: Session, language: str, keys: list[tuple[str, ...]],
             query: SearchQuery) -> tuple[list[tuple[int, float]], bool]:
    """(article id, score: higher is better) of the variants in ``language`` holding every key, best
    first, at most `CANDIDATES`; and whether there were more."""
    dialect = session.get_bind().dialect.name
    where, params = _filters(query, dialect)
    params.update(language=language, cap=CANDIDATES + 1)
    joined = "JOIN article a ON a.id = s.article_id" if where else ""
    if dialect == "sqlite":
        # Keys are letters and digits, quoted: never FTS syntax. A word with two keys matches either.
        params["match"] = " AND ".join("(" + " OR ".join(f'"{k}"' for k in word) + ")" for word in keys)
        statement = (
            f"SELECT article_id, score FROM (SELECT s.article_id AS article_id, "
            f"-bm25(search_index, {TITLE_WEIGHT}, 1.0) AS score FROM search_index s {joined} "
            f"WHERE search_index MATCH :match AND s.language = :language{where} "
            f"ORDER BY s.rowid DESC LIMIT :cap) ORDER BY score DESC, article_id DESC"
        )
    else:
        # Each key is a lexeme as the index holds it (`library.search.tsvector`); a word with two keys
        # matches either (||), words are ANDed (&&).
        words, query_sql = {}, []
        for n, word in enumerate(keys):
            alternatives = []
            for m, k in enumerate(word):
                words[f"k{n}_{m}"] = tsquery(k)
                alternatives.append(f"CAST(:k{n}_{m} AS tsquery)")
            query_sql.append("(" + " || ".join(alternatives) + ")")
        params.update(words)
        wanted = " && ".join(query_sql)
        statement = (
            f"SELECT article_id, ts_rank_cd(document, {wanted}) AS score FROM (SELECT s.article_id, s.document "
            f"FROM search_index s {joined} WHERE s.document @@ ({wanted}) "
            f"AND s.language = :language{where} LIMIT :cap) found ORDER BY score DESC, article_id DESC"
        )
    rows = [(row[0], float(row[1])) for row in session.execute(text(statement), params).all()]
    return rows[:CANDIDATES], len(rows) > CANDIDATES


def search(session: Session, language: Language, query: SearchQuery) -> SearchOutcome:
    """The page ``query.page`` of results for a reader of ``language`` (see the module's docstring).

    Raises `SectionNotFound` when ``query.section`` names no section.
    """
    chain = language.chain
    ranked: list[tuple[int, str, list[tuple[str, ...]]]] = []  # (article id, matched language, its keys)
    exact, own = True, 0
    for position, code in enumerate(chain):
        keys = query_keys(query.text, code, MAX_KEYS)
        if not keys:
            continue
        matches, more = _matches(session, code, keys, query)
        exact = exact and not more
        if position > 0:
            served = served_languages(session, [article for article, _ in matches], chain)
            matches = [(article, score) for article, score in matches if served.get(article) == code]
        else:
            own = len(matches)
        ranked += [(article, code, keys) for article, _ in matches]
    if not ranked and query.section is not None and session.execute(
            text("SELECT 1 FROM section WHERE slug = :s"), {"s": query.section}).first() is None:
        raise SectionNotFound(query.section)
    start = (query.page - 1) * query.per_page
    shown = ranked[start : start + query.per_page]
    texts = listed_texts(session, language, [article for article, _, _ in shown])
    items, ids = [], []
    for article, code, keys in shown:
        found = texts.get(article)
        if found is None:
            continue
        item = found.item
        transform = language.transform if language.base is not None and item.language == language.code else None
        hit = SearchHit(**{field: getattr(item, field) for field in item.__struct_fields__},
                        snippet=snippet(found.body, code, {k for word in keys for k in word}, transform))
        items.append(hit)
        ids.append(article)
    total = len(ranked)
    page = SearchPage(query=query.text, language=language.code, total=total, exact=exact, page=query.page,
                      per_page=query.per_page, pages=-(-total // query.per_page), own=own, items=items)
    return SearchOutcome(page, ids)


def miss_key(query: str) -> str:
    """How a query that found nothing is counted: normalised, spaces collapsed, at most 200 characters."""
    return " ".join(normalise(query).split())[:200]
