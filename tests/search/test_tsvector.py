"""The PostgreSQL index's documents are written as literals in Python (`library.search.tsvector`):
they must be the very value ``to_tsvector`` made, so an index built before holds the same lexemes,
places and weights, and queries find and rank the same."""

from __future__ import annotations

from sqlalchemy import text

from library.search import rebuild as rebuilding
from library.search.analyzer import indexed_text
from library.search.index import plain_text
from library.search.tsvector import LAST_PLACE, tsquery, tsvector
from library.storage import session_scope
from tests.factories import make_article
from tests.search.test_index import TEXTS


def test_places_count_on_from_the_title_and_the_title_is_weighted_a():
    assert tsvector("a b a", "c a b") == "'a':1A,3A,5 'b':2A,6 'c':4"
    assert tsvector("", "c a") == "'c':1 'a':2"
    assert tsvector("x", "") == "'x':1A"
    assert tsvector("", "") == ""


def test_places_stop_at_postgresql_s_last():
    written = tsvector("", " ".join(f"w{n}" for n in range(1, LAST_PLACE + 5)))  # word n at place n
    last = LAST_PLACE
    assert f"'w{last - 1}':{last - 1} 'w{last}':{last} 'w{last + 1}':{last} " in written
    assert written.endswith(f"'w{last + 4}':{last}")


def test_quotes_and_backslashes_are_doubled_though_keys_have_none():
    assert tsvector("o'k", "a\\b") == "'o''k':1A 'a\\\\b':2"
    assert tsquery("o'k") == "'o''k'"


def _texts() -> list[tuple[str, str]]:
    """(title keys, body keys) of real texts in every language, and of texts at PostgreSQL's limits."""
    keys = [(indexed_text(title.format(n=n), language), indexed_text(plain_text(body.format(n=n)), language))
            for language, (title, body) in TEXTS.items() for n in (1, 2024)]
    many = " ".join(f"w{n % 5000}" for n in range(LAST_PLACE + 3000))
    return [*keys, ("", keys[0][1]), (keys[0][0], ""), ("", ""), ("су су", "су " * 100), ("", many),
            ("2024 1e5 abc123 кітап2020", "0x1f v2 ǆ straße"), ("w1 " * 3, many)]


def test_the_literal_is_the_value_to_tsvector_made(engine, db_kind):
    if db_kind != "postgres":
        return  # a PostgreSQL type; SQLite's index holds the keys themselves
    with engine.connect() as conn:
        for title, body in _texts():
            made, written = conn.execute(text(
                "SELECT setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :body), "
                "'D'), CAST(:literal AS tsvector)"), {"title": title, "body": body,
                                                     "literal": tsvector(title, body)}).one()
            assert written == made, (title[:40], body[:40])
            for key in set((title + " " + body).split()[:50]):
                assert conn.execute(text("SELECT CAST(:q AS tsquery) = plainto_tsquery('simple', :k)"),
                                    {"q": tsquery(key), "k": key}).scalar_one(), key


def test_a_quote_or_a_backslash_in_a_key_reaches_the_index_as_it_is_by_either_way_of_writing(engine, db_kind):
    if db_kind != "postgres":
        return  # COPY and the tsvector literal are PostgreSQL's
    with session_scope(engine) as session:
        make_article(session, slug="water", source_language="kk", title="Су", body="<p>Таза су.</p>")
    with engine.connect() as conn:
        variant, article, revision = conn.execute(text(
            "SELECT variant_id, article_id, revision_id FROM search_index")).one()
        conn.execute(text("DELETE FROM search_index"))
        documents = [(variant, article, "kk", revision, "o'k", "a\\b c")]
        assert rebuilding._load(conn, rebuilding._lines(documents, "postgresql"), "search_index") == 1
        copied = conn.execute(text("SELECT tsvector_to_array(document) FROM search_index")).scalar_one()
        inserted = conn.execute(text("SELECT tsvector_to_array(CAST(:v AS tsvector))"),
                                {"v": tsvector("o'k", "a\\b c")}).scalar_one()
        conn.rollback()
    assert sorted(copied) == sorted(inserted) == ["a\\b", "c", "o'k"]
