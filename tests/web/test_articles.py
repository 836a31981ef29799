"""Reading articles over HTTP on the demo library: fallback, drafts, outdated texts, ETags, listings."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from library.content.models import Variant
from library.demo.loader import read_demo
from library.storage import read_only, session_scope
from tests.factories import make_article

RU_ONLY = "iwg-peace-partnership-joint-meeting-2024-11"


def _variants(engine) -> int:
    return read_only(engine, lambda s: s.scalar(select(func.count()).select_from(Variant)))


def test_a_kazakh_reader_gets_the_russian_text_flagged_with_its_headers(demo, client):
    variants = _variants(demo)
    response = client.get(f"/api/v1/articles/{RU_ONLY}", params={"lang": "kk"})
    assert response.status_code == 200
    body = response.json()
    assert (body["language"], body["requested_language"], body["fallback"]) == ("ru", "kk", True)
    assert body["available_languages"] == ["ru"] and body["outdated"] is False
    assert body["title"].startswith("МРГ") and body["views"] == 0 and body["published_at"] == "2024-11-06T09:00:00Z"
    assert [(link["slug"], link["language"], link["fallback"]) for link in body["see_also"]] == [
        ("kazakhstan-sdg-architecture", "kk", False), ("astana-sdg-forum-2024", "kk", False)]
    headers = response.headers
    assert headers["content-language"] == "ru"
    assert headers["vary"] == "Accept-Language, Cookie, Accept-Encoding"
    assert re.fullmatch(r'"[0-9a-f]{24}-gzip"', headers["etag"])  # strong (no W/), of the gzip body httpx asked for
    assert headers["link"] == (
        f'</api/v1/articles/{RU_ONLY}?lang=ru>; rel="alternate"; hreflang="ru", '
        f'</api/v1/articles/{RU_ONLY}>; rel="alternate"; hreflang="x-default"')
    assert _variants(demo) == variants  # the fallback is never written back as a Kazakh variant


def test_alternate_links_name_every_published_language(demo, client):
    links = client.get("/api/v1/articles/what-are-the-sdgs?lang=en").headers["link"]
    assert re.findall(r'hreflang="([^"]+)"', links) == ["en", "ru", "kk", "kk-Latn", "x-default"]


@pytest.mark.parametrize(
    ("slug", "language"),
    [("sdg-13-climate-action-carbon-neutrality", "kk"), ("third-vnr-preparation-launch", "kk"),
     ("third-vnr-preparation-launch", "en"), ("bns-sdg-data-platform-update-b", "en")],
)
def test_draft_and_in_review_texts_are_never_served(demo, client, slug, language):
    unpublished = next(a for a in read_demo()[1] if a["slug"] == slug)["variants"][language]
    assert unpublished["status"] in ("draft", "in_review")
    body = client.get(f"/api/v1/articles/{slug}", params={"lang": language}).json()
    assert body["language"] == "ru" and body["fallback"] is True
    assert language not in body["available_languages"]
    assert body["title"] != unpublished["title"] and body["body"] != unpublished["body"]


def test_an_outdated_translation_is_served_and_flagged(demo, client):
    kk = client.get("/api/v1/articles/iwg-planet-meeting-2023-09", params={"lang": "kk"}).json()
    ru = client.get("/api/v1/articles/iwg-planet-meeting-2023-09", params={"lang": "ru"}).json()
    assert (kk["language"], kk["fallback"], kk["outdated"]) == ("kk", False, True)
    assert (ru["language"], ru["outdated"]) == ("ru", False)
    assert kk["saved_at"] < ru["saved_at"]  # the source was corrected after the translation


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [("{etag}", 304), ("W/{etag}", 304), ('"other", {etag}', 304), ("*", 304), ('"other"', 200), ("", 200)],
)
def test_if_none_match(demo, client, if_none_match, status):
    first = client.get(f"/api/v1/articles/{RU_ONLY}?lang=kk")
    etag = first.headers["etag"]
    headers = {"If-None-Match": if_none_match.format(etag=etag)}
    again = client.get(f"/api/v1/articles/{RU_ONLY}?lang=kk", headers=headers)
    assert again.status_code == status
    assert again.headers["etag"] == etag and again.headers["content-language"] == "ru"
    assert (again.content == b"") is (status == 304)


def test_each_requested_language_has_its_own_etag(demo, client):
    etags = {lang: client.get(f"/api/v1/articles/{RU_ONLY}", params={"lang": lang}).headers["etag"]
             for lang in ("kk", "ru", "en")}
    assert len(set(etags.values())) == 3


def test_unknown_and_unpublished_articles_are_404_problems(demo, client, engine):
    with session_scope(engine) as session:
        make_article(session, slug="only-a-draft", status="draft")
    for slug in ("no-such-article", "only-a-draft"):
        response = client.get(f"/api/v1/articles/{slug}")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["slug"] == slug and response.json()["status"] == 404


def test_the_kazakh_listing_shows_every_readable_article_newest_first(demo, client):
    page = client.get("/api/v1/articles", params={"lang": "kk", "per_page": 100}).json()
    assert page["total"] == 44 == len(page["items"]) and page["pages"] == 1
    dates = [item["published_at"] for item in page["items"]]
    assert dates == sorted(dates, reverse=True)
    ru_only = next(item for item in page["items"] if item["slug"] == RU_ONLY)
    assert (ru_only["language"], ru_only["fallback"]) == ("ru", True)
    assert all(item["fallback"] == (item["language"] != "kk") for item in page["items"])


def test_listing_pages_and_links(demo, client):
    response = client.get("/api/v1/articles", params={"lang": "ru", "per_page": 10, "page": 2, "section": None})
    page = response.json()
    assert (page["total"], page["page"], page["per_page"], page["pages"], len(page["items"])) == (44, 2, 10, 5, 10)
    links = dict((rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["link"]))
    assert links == {"first": "/api/v1/articles?lang=ru&page=1&per_page=10",
                     "prev": "/api/v1/articles?lang=ru&page=1&per_page=10",
                     "next": "/api/v1/articles?lang=ru&page=3&per_page=10",
                     "last": "/api/v1/articles?lang=ru&page=5&per_page=10"}
    following = client.get(links["next"]).json()["items"]
    assert not {i["slug"] for i in following} & {i["slug"] for i in page["items"]}
    beyond = client.get("/api/v1/articles", params={"lang": "ru", "page": 9, "per_page": 10})
    assert beyond.status_code == 200 and beyond.json()["items"] == [] and beyond.json()["total"] == 44
    assert 'rel="next"' not in beyond.headers["link"]


def _demo_count(section=None, year=None, month=None) -> int:
    """Demo articles matching the filters, counted from the demo's own data (each has a published source)."""
    return sum(1 for a in read_demo()[1]
               if section in (None, a["section"]) and year in (None, int(a["published_at"][:4]))
               and month in (None, int(a["published_at"][5:7])))


@pytest.mark.parametrize(
    "params",
    [{"section": "events"}, {"year": 2024}, {"year": 2024, "month": 11}, {"section": "goals", "year": 2023},
     {"year": 2019}],
)
def test_listing_filters_agree_with_the_archive(demo, client, params):
    page = client.get("/api/v1/articles", params={"lang": "kk", **params}).json()
    total = _demo_count(**params)
    assert page["total"] == total and len(page["items"]) == min(total, 20)
    assert all(item["section"] == params.get("section", item["section"]) for item in page["items"])
    calendar = client.get("/api/v1/archive", params={"lang": "kk", "section": params.get("section")}).json()
    years = {y["year"]: y for y in calendar["years"]}
    if "month" in params:
        expected = sum(m["count"] for m in years[params["year"]]["months"] if m["month"] == params["month"])
    elif "year" in params:
        expected = years.get(params["year"], {"count": 0})["count"]
    else:
        expected = calendar["total"]
    assert expected == total


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"per_page": 0}, "per_page"), ({"per_page": 101}, "per_page"), ({"page": 0}, "page"),
     ({"page": -3}, "page"), ({"month": 13, "year": 2024}, "month"), ({"month": 0, "year": 2024}, "month"),
     ({"month": 5}, "month"), ({"year": 0}, "year"), ({"year": 99999}, "year"), ({"page": 10**9}, "page"),
     ({"page": "abc"}, None), ({"per_page": "1.5"}, None), ({"year": "2024x"}, None),
     ({"page": "9" * 40}, None)],
)
def test_bad_listing_parameters_are_400_problems(demo, client, params, parameter):
    response = client.get("/api/v1/articles", params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert {"type", "title", "status", "detail"} <= set(problem) and problem["status"] == 400
    if parameter:
        assert problem["parameter"] == parameter and parameter in problem["detail"]


@pytest.mark.parametrize("path", ["/api/v1/articles", "/api/v1/archive"])
def test_an_unknown_section_is_a_404_problem(demo, client, path):
    response = client.get(path, params={"section": "no-such-section"})
    assert response.status_code == 404 and response.json()["slug"] == "no-such-section"
