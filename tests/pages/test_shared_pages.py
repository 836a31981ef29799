"""Reader pages a shared cache may keep (issue 16): the same bytes for every visitor, caching headers
that say so, and the newsletter form protected without a token in the page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from library.newsletter.models import Subscription
from library.storage import read_only

READER_PAGES = ["/kk/", "/ru/articles/iwg-planet-meeting-2023-09", "/en/sections/events", "/kk-latn/",
                "/ru/archive/2023/9"]
VISITORS = [
    ({}, {}),
    ({"Accept-Language": "en-GB,en;q=0.9"}, {"library_lang": "ru", "library_csrf": "old-token"}),
    ({"Accept-Language": "kk"}, {"library_session": "not-a-real-session", "analytics": "x"}),
]
CONFIRM = re.compile(r'name="_confirm" value="([0-9a-f]+)"')
FORM = {"email": "Reader@Example.KZ", "language": "ru", "next": "/"}


@pytest.fixture
def pages(demo, client):
    client.follow_redirects = False
    return client


def _get(client, path, headers, cookies):
    client.cookies.clear()
    for name, value in cookies.items():
        client.cookies.set(name, value)
    return client.get(path, headers=headers)


@pytest.mark.parametrize("path", READER_PAGES)
def test_a_reader_page_is_the_same_bytes_for_every_visitor_and_says_a_shared_cache_may_keep_it(pages, path):
    answers = [_get(pages, path, headers, cookies) for headers, cookies in VISITORS]
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    for answer in answers:
        assert "set-cookie" not in answer.headers
        assert answer.headers["vary"] == "Accept-Encoding"  # not on the cookie or the language: it is in the URL
        assert "_csrf_token" not in answer.text
        control = answer.headers["cache-control"]
        for directive in ("public", "max-age=0", "s-maxage=60", "stale-while-revalidate=", "stale-if-error="):
            assert directive in control
        keys = answer.headers["xkey"].split()
        assert keys[0] == "library" and "archive" in keys  # every page shows the calendar
    language = path.split("/")[1]
    assert f"lang-{language}" in answers[0].headers["xkey"].split()


def test_an_article_page_names_the_article_and_the_articles_it_links_to(pages, demo):
    from library.content.models import Article, ArticleLink

    slug = "iwg-planet-meeting-2023-09"
    article_id, linked = read_only(demo, lambda s: (
        s.scalar(select(Article.id).where(Article.slug == slug)),
        set(s.scalars(select(ArticleLink.target_id).join(Article, Article.id == ArticleLink.article_id)
                      .where(Article.slug == slug)))))
    keys = set(pages.get(f"/en/articles/{slug}").headers["xkey"].split())
    assert f"article-{article_id}" in keys
    assert {f"article-{i}" for i in linked} <= keys
    api = pages.get(f"/api/v1/articles/{slug}?lang=en")
    assert set(api.headers["xkey"].split()) == {"library", "lang-en", f"article-{article_id}",
                                                *(f"article-{i}" for i in linked)}
    assert "s-maxage=60" in api.headers["cache-control"]


@pytest.mark.parametrize(("path", "key"), [
    ("/api/v1/articles?lang=ru", "listings"), ("/api/v1/archive?lang=kk", "archive"),
    ("/api/v1/sections?lang=en", "listings"), ("/api/v1/languages?lang=ru", "lang-ru"),
])
def test_reader_api_answers_carry_shared_caching_and_their_keys(pages, path, key):
    answer = pages.get(path)
    assert answer.status_code == 200
    assert answer.headers["cache-control"].startswith("public, max-age=0, s-maxage=60")
    assert key in answer.headers["xkey"].split()


@pytest.mark.parametrize("path", [
    "/ru/login", "/ru/editor/coverage", "/api/v1/articles/no-such-article?lang=ru", "/ru/articles/no-such-article",
    "/api/v1/health", "/", "/articles/iwg-planet-meeting-2023-09", "/language/ru?next=/ru/", "/api/v1/workflow/queue",
])
def test_staff_personal_negotiated_and_error_answers_are_private(pages, path):
    answer = pages.get(path)
    assert answer.headers["cache-control"] == "private, no-store", (path, answer.status_code)
    assert "xkey" not in answer.headers


def test_a_page_showing_a_visitors_own_flash_message_is_private(pages):
    pages.cookies.set("library_flash", "subscribed")
    answer = pages.get("/kk/")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "private, no-store"


def test_the_page_setting_can_shorten_the_shared_lifetime(demo, make_client):
    client = make_client(LIBRARY_SHARED_MAX_AGE="5")
    assert "s-maxage=5," in client.get("/kk/").headers["cache-control"]


def test_staff_forms_keep_their_csrf_cookie_and_token(pages):
    form = pages.get("/ru/login")
    assert "library_csrf=" in form.headers["set-cookie"] and "_csrf_token" in form.text
    refused = pages.post("/ru/session", data={"username": "x", "password": "y"})
    assert refused.status_code == 403


def _subscriptions(engine) -> list[tuple[str, str]]:
    return read_only(engine, lambda s: [tuple(row) for row in s.execute(
        select(Subscription.email, Subscription.language))])


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver.local"},
    {"Origin": "https://elsewhere.example"},
    {"Origin": "null"},
    {"Origin": "http://testserver.local.elsewhere.example"},
])
def test_a_newsletter_form_sent_from_another_site_is_refused_in_the_readers_language(pages, demo, headers):
    answer = pages.post("/kk/newsletter", data=FORM, headers=headers)
    assert answer.status_code == 403
    assert "Бұл форма басқа сайттан жіберілді." in answer.text
    assert answer.headers["cache-control"] == "private, no-store"
    assert _subscriptions(demo) == []


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver.local"}])
def test_a_newsletter_form_sent_from_this_site_subscribes_at_once(pages, demo, headers):
    answer = pages.post("/ru/newsletter", data=FORM, headers=headers)
    assert answer.status_code == 303 and answer.headers["location"] == "/ru/"
    assert _subscriptions(demo) == [("Reader@example.kz", "ru")]


def test_a_browser_that_does_not_say_where_its_form_came_from_confirms_in_a_round_trip(pages, demo):
    first = pages.post("/ru/newsletter", data=FORM)
    assert first.status_code == 200 and _subscriptions(demo) == []
    assert "Подтвердите подписку" in first.text and 'value="Reader@Example.KZ"' in first.text
    assert first.headers["cache-control"] == "private, no-store"
    cookie = first.headers["set-cookie"]
    assert cookie.startswith("library_form=") and "samesite=strict" in cookie.lower() and "HttpOnly" in cookie
    token = CONFIRM.search(first.text).group(1)

    second = pages.post("/ru/newsletter", data={**FORM, "_confirm": token})
    assert second.status_code == 303
    assert _subscriptions(demo) == [("Reader@example.kz", "ru")]


def test_a_round_trip_token_is_worth_nothing_without_its_cookie_or_for_another_address(pages, demo):
    token = CONFIRM.search(pages.post("/ru/newsletter", data=FORM).text).group(1)
    other_address = pages.post("/ru/newsletter", data={**FORM, "email": "other@example.kz", "_confirm": token})
    assert other_address.status_code == 200 and "_confirm" in other_address.text  # asked to confirm again
    pages.cookies.clear()
    pages.cookies.set("library_form", "an-attackers-own-cookie")
    assert pages.post("/ru/newsletter", data={**FORM, "_confirm": token}).status_code == 200
    pages.cookies.clear()
    assert pages.post("/ru/newsletter", data={**FORM, "_confirm": "0" * 64}).status_code == 200
    assert pages.post("/ru/newsletter", data={**FORM, "_confirm": "x" * 10_000}).status_code == 200
    assert _subscriptions(demo) == []


def test_an_invalid_address_is_refused_before_any_round_trip(pages, demo):
    answer = pages.post("/ru/newsletter", data={**FORM, "email": "not-an-address"})
    assert answer.status_code == 400 and "_confirm" not in answer.text
    assert "set-cookie" not in answer.headers
