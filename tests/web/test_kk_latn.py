"""The Kazakh Latin view over HTTP: kk-Latn made on the fly from the Kazakh texts, never stored."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from library.content.models import Variant
from library.demo.loader import read_demo
from library.languages import to_latin
from library.storage import read_only

CYRILLIC = re.compile("[\u0400-\u04ff]")
KK = "what-are-the-sdgs"
RU_ONLY = "iwg-peace-partnership-joint-meeting-2024-11"


def _kazakh(slug: str) -> dict:
    return next(a for a in read_demo()[1] if a["slug"] == slug)["variants"]["kk"]


def test_lang_kk_latn_serves_the_kazakh_text_in_latin(demo, client):
    before = read_only(demo, lambda s: s.scalar(select(func.count()).select_from(Variant)))
    response = client.get(f"/api/v1/articles/{KK}", params={"lang": "kk-Latn"})
    assert response.status_code == 200
    assert response.headers["content-language"] == "kk-Latn"
    body = response.json()
    assert (body["language"], body["requested_language"], body["fallback"]) == ("kk-Latn", "kk-Latn", False)
    kazakh = _kazakh(KK)
    assert body["title"] == to_latin(kazakh["title"]) and body["title"] != kazakh["title"]
    assert not CYRILLIC.search(body["title"] + body["summary"])
    assert "kk-Latn" in body["available_languages"]
    assert 'hreflang="kk-Latn"' in response.headers["link"]
    # never stored: no variant appears
    assert read_only(demo, lambda s: s.scalar(select(func.count()).select_from(Variant))) == before


def test_a_russian_fallback_is_not_transliterated(demo, client):
    body = client.get(f"/api/v1/articles/{RU_ONLY}", params={"lang": "kk-Latn"}).json()
    assert (body["language"], body["requested_language"], body["fallback"]) == ("ru", "kk-Latn", True)
    assert CYRILLIC.search(body["title"])  # Russian stays Russian, labelled ru
    assert body["notices"] and not CYRILLIC.search(body["notices"][0])  # the Kazakh notice, in Latin


def test_accept_language_kk_latn_negotiates_it(demo, client):
    response = client.get(f"/api/v1/articles/{KK}", headers={"Accept-Language": "kk-Latn, kk;q=0.8"})
    assert response.headers["content-language"] == "kk-Latn"
    assert response.json()["title"] == to_latin(_kazakh(KK)["title"])


def test_each_language_gets_its_own_cache_entry(demo, client):
    kk = client.get(f"/api/v1/articles/{KK}", params={"lang": "kk"})
    latn = client.get(f"/api/v1/articles/{KK}", params={"lang": "kk-Latn"})
    again = client.get(f"/api/v1/articles/{KK}", params={"lang": "kk"})
    assert kk.json()["title"] == again.json()["title"] == _kazakh(KK)["title"]
    assert latn.json()["title"] == to_latin(kk.json()["title"])
    assert latn.headers["etag"] != kk.headers["etag"]


def test_listing_and_calendar_in_kk_latn(demo, client):
    listing = client.get("/api/v1/articles", params={"lang": "kk-Latn", "per_page": 50}).json()
    assert listing["language"] == "kk-Latn"
    for item in listing["items"]:
        assert (item["language"] == "kk-Latn") != bool(CYRILLIC.search(item["title"]) and item["fallback"])
    calendar = client.get("/api/v1/archive", params={"lang": "kk-Latn"})
    assert calendar.headers["content-language"] == "kk-Latn"
    names = [m["name"] for y in calendar.json()["years"] for m in y["months"]]
    assert names and not any(CYRILLIC.search(name) for name in names)


def test_an_unknown_script_variant_is_still_a_400(demo, client):
    response = client.get(f"/api/v1/articles/{KK}", params={"lang": "ru-Latn"})
    assert response.status_code == 400
    assert "kk-Latn" in response.json()["supported"]
