"""GET /api/v1/catalogs/{lang}: interface strings for front ends, with fallback and ETags."""

from __future__ import annotations

import shutil

import polib
import pytest
from litestar.testing import TestClient

from library.catalogs.compile import compile_language
from library.settings import load_settings
from library.web.app import create_app


def test_a_complete_catalog_has_nothing_filled_by_fallback(client):
    response = client.get("/api/v1/catalogs/kk")
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == "kk" and body["filled_by_fallback"] == []
    assert body["messages"]["See also"] == "Сондай-ақ қараңыз"
    assert response.headers["content-language"] == "kk"


def test_etag_and_304(client):
    etag = client.get("/api/v1/catalogs/ru").headers["etag"]
    again = client.get("/api/v1/catalogs/ru", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/v1/catalogs/kk", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag


def test_unsupported_language_is_a_400_problem(client):
    response = client.get("/api/v1/catalogs/de")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["supported"] == ["en", "ru", "kk", "kk-Latn"]


def test_the_kk_latn_catalog_is_the_kazakh_one_transliterated(client):
    from library.languages import to_latin

    kk = client.get("/api/v1/catalogs/kk").json()
    latn = client.get("/api/v1/catalogs/kk-Latn")
    assert latn.status_code == 200 and latn.headers["content-language"] == "kk-Latn"
    body = latn.json()
    assert body["filled_by_fallback"] == kk["filled_by_fallback"]
    own = [key for key, text in kk["messages"].items() if isinstance(text, str) and key not in kk["filled_by_fallback"]]
    assert own and all(body["messages"][key] == to_latin(kk["messages"][key]) for key in own)


@pytest.fixture
def locales_without_a_kazakh_label(tmp_path, settings):
    locales = tmp_path / "locales"
    shutil.copytree(settings.locales_dir, locales)
    po_path = locales / "kk" / "LC_MESSAGES" / "messages.po"
    po = polib.pofile(str(po_path))
    po.find("See also").msgstr = ""
    po.save()
    compile_language(locales, "kk")
    return locales


def test_a_missing_kazakh_string_is_filled_from_russian(settings, locales_without_a_kazakh_label):
    app = create_app(load_settings({"LIBRARY_DATABASE_URL": settings.database_url,
                                    "LIBRARY_LOCALES_DIR": str(locales_without_a_kazakh_label)}))
    with TestClient(app) as client:
        body = client.get("/api/v1/catalogs/kk").json()
    assert body["messages"]["See also"] == "См. также"
    assert body["filled_by_fallback"] == ["See also"]
