"""Reader pages over HTTP: negotiation, links for search engines, errors in the reader's language."""

from __future__ import annotations

import re

import pytest

HREFLANG = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')


@pytest.fixture
def pages(demo, client):
    client.follow_redirects = False
    return client


@pytest.mark.parametrize(
    ("headers", "cookies", "expected"),
    [
        ({}, {}, "/kk/"),
        ({"Accept-Language": "ru-RU,ru;q=0.9"}, {}, "/ru/"),
        ({"Accept-Language": "en-GB, kk;q=0.5"}, {}, "/en/"),
        ({"Accept-Language": "en"}, {"library_lang": "ru"}, "/ru/"),
        ({"Accept-Language": ";;;garbage"}, {}, "/kk/"),
    ],
)
def test_the_root_redirects_to_the_negotiated_language(pages, headers, cookies, expected):
    pages.cookies.clear()
    for name, value in cookies.items():
        pages.cookies.set(name, value)
    response = pages.get("/", headers=headers)
    assert response.status_code == 302 and response.headers["location"] == expected
    assert "Accept-Language" in response.headers["vary"]


def test_choosing_a_language_sets_a_long_lived_cookie(pages):
    response = pages.get("/language/kk", params={"next": "/kk/articles/x"})
    assert response.status_code == 303 and response.headers["location"] == "/kk/articles/x"
    cookie = response.headers["set-cookie"]
    assert "library_lang=kk" in cookie and "Max-Age=31536000" in cookie


def test_an_open_redirect_is_not_possible(pages):
    response = pages.get("/language/ru", params={"next": "//evil.example/"})
    assert response.headers["location"] == "/ru/"


def test_article_page_links_every_published_language(pages):
    response = pages.get("/en/articles/iwg-planet-meeting-2023-09")
    assert response.status_code == 200
    links = dict(HREFLANG.findall(response.text))
    assert set(links) == {"en", "ru", "kk", "kk-Latn", "x-default"}
    assert '<link rel="canonical" href="/en/articles/iwg-planet-meeting-2023-09">' in response.text
    assert response.headers["content-language"] == "en"
    # The language is in the URL: the same page for every visitor (compressed for those who accept it).
    assert response.headers["vary"] == "Accept-Encoding"


def test_a_fallback_page_is_honest_and_canonical_to_the_served_language(pages, demo):
    from sqlalchemy import select

    from library.content.models import Article, Variant
    from library.storage import session_scope

    with session_scope(demo, write=False) as session:
        published = {}
        for slug, language in session.execute(
                select(Article.slug, Variant.language).join(Variant, Variant.article_id == Article.id)
                .where(Variant.published_revision.is_not(None))):
            published.setdefault(slug, set()).add(language)
    slug = next(s for s, langs in sorted(published.items()) if langs == {"ru"} or langs == {"ru", "kk"})
    response = pages.get(f"/en/articles/{slug}")
    assert "This article is not yet available in English." in response.text
    assert '<article lang="ru">' in response.text or '<article lang="kk">' in response.text
    assert response.headers["content-language"] in {"en, ru", "en, kk"}
    assert "hreflang=\"en\"" not in response.text


@pytest.mark.parametrize(("path", "text", "detail"), [
    ("/kk/articles/no-such-article", "Бет табылмады", "no-such-article идентификаторы бар мақала табылмады."),
    ("/ru/articles/no-such-article", "Страница не найдена", "Статья с идентификатором no-such-article не найдена."),
    ("/en/no/such/page/at/all", "Page not found", None),
])
def test_not_found_is_a_page_in_the_readers_language(pages, path, text, detail):
    response = pages.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert text in response.text
    # What was wrong, in the page's language, where the error can say it in that language.
    if detail is None:
        assert 'id="problem-detail"' not in response.text
    else:
        assert f'<p class="problem-detail" id="problem-detail">{detail}</p>' in response.text


def test_a_bad_page_number_is_an_error_page_not_a_500(pages):
    response = pages.get("/ru/sections/events", params={"page": "0"})
    assert response.status_code == 400 and "text/html" in response.headers["content-type"]


def test_the_api_keeps_problem_details(pages):
    response = pages.get("/api/v1/articles/no-such-article")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_form_post_from_another_site_is_refused(pages):
    response = pages.post("/ru/newsletter", data={"email": "a@example.kz", "language": "ru", "next": "/"},
                          headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 403


SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
"""What a browser sends with a form posted from one of this site's pages (see tests/pages/test_shared_pages.py)."""


def test_an_invalid_address_shows_the_form_again_with_an_error(pages):
    response = pages.post("/ru/newsletter", data={"email": "not-an-address", "language": "ru", "next": "/"},
                          headers=SAME_ORIGIN)
    assert response.status_code == 400
    assert "Введите правильный адрес электронной почты." in response.text
    assert 'value="not-an-address"' in response.text


def test_a_subscription_redirects_with_a_flash_message(pages):
    response = pages.post("/kk/newsletter", data={"email": "a@example.kz", "language": "kk", "next": "/"},
                          headers=SAME_ORIGIN)
    assert response.status_code == 303 and response.headers["location"] == "/kk/"
    page = pages.get("/kk/")
    assert "Операция сәтті аяқталды." in page.text
    assert "Операция сәтті аяқталды." not in pages.get("/kk/").text  # shown once


def test_static_assets_are_cached(pages):
    response = pages.get("/static/site.css")
    assert response.status_code == 200 and "max-age" in response.headers["cache-control"]


def test_kk_latn_pages_are_served_at_kk_latn(pages):
    response = pages.get("/kk-latn/articles/what-are-the-sdgs")
    assert response.status_code == 200
    assert response.headers["content-language"] == "kk-Latn"
    assert '<html lang="kk-Latn">' in response.text and '<article lang="kk-Latn">' in response.text
    links = dict(HREFLANG.findall(response.text))
    assert links["kk-Latn"] == "/kk-latn/articles/what-are-the-sdgs"
    assert links["kk"] == "/kk/articles/what-are-the-sdgs"
    assert "Qazaq tılı" in response.text
    assert pages.get("/kk/articles/what-are-the-sdgs").text.count('hreflang="kk-Latn"') >= 1
    assert pages.get("/kk-latn/").status_code == 200
    assert pages.get("/kk-latn/sections/news").status_code in (200, 404)
    assert pages.get("/ru-latn/").status_code == 404
