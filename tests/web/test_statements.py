"""SQL statements per request: a small constant, whatever the number of links or the page size."""

from __future__ import annotations

import pytest

from library.content import service
from library.storage import session_scope
from tests.factories import make_article, make_section, translate
from tests.web.conftest import count_statements


@pytest.fixture
def library(engine):
    """An article linking to 0, 3 and 30 others, and 60 articles to list, some translated."""
    with session_scope(engine) as session:
        section = make_section(session, "news")
        articles = [make_article(session, slug=f"a-{i:03d}", section=section) for i in range(60)]
        for article in articles[::3]:
            translate(session, article, "kk", f"Мақала {article.slug}")
        for links in (0, 3, 30):
            linking = make_article(session, slug=f"links-{links}", section=section)
            service.set_see_also(session, linking, [a.slug for a in articles[:links]])


def _count(client, url: str) -> int:
    with count_statements(client.app.state.engine) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("links", [0, 3, 30])
def test_an_article_read_is_one_statement_whatever_its_links(library, make_client, links):
    client = make_client(LIBRARY_CACHE_MB="0", LIBRARY_FLUSH_INTERVAL="3600")
    assert _count(client, f"/api/v1/articles/links-{links}?lang=kk") == 1
    assert len(client.get(f"/api/v1/articles/links-{links}?lang=kk").json()["see_also"]) == links


@pytest.mark.parametrize("per_page", [1, 10, 100])
def test_a_listing_page_is_two_statements_whatever_its_size(library, make_client, per_page):
    client = make_client(LIBRARY_CACHE_MB="0", LIBRARY_FLUSH_INTERVAL="3600")
    assert _count(client, f"/api/v1/articles?lang=kk&per_page={per_page}") == 2
    assert _count(client, f"/api/v1/articles?lang=kk&per_page={per_page}&section=news&year=2024") == 2


@pytest.mark.parametrize("url", ["/api/v1/archive?lang=kk", "/api/v1/archive?lang=ru&section=news",
                                 "/api/v1/sections?lang=en"])
def test_the_archive_and_sections_are_one_statement(library, make_client, url):
    client = make_client(LIBRARY_CACHE_MB="0", LIBRARY_FLUSH_INTERVAL="3600")
    assert _count(client, url) == 1


@pytest.mark.parametrize("url", ["/api/v1/articles/links-30?lang=kk", "/api/v1/articles?lang=kk&per_page=100",
                                 "/api/v1/archive?lang=kk", "/api/v1/sections?lang=kk", "/api/v1/languages"])
def test_a_cached_response_costs_no_statement(library, make_client, url):
    client = make_client(LIBRARY_FLUSH_INTERVAL="3600")
    client.get(url)
    assert _count(client, url) == 0
