"""A label missing from the Kazakh catalog, end to end: served in Russian, counted, reported."""

from __future__ import annotations

import shutil

import polib
from litestar.testing import TestClient

from library.catalogs.compile import compile_language
from library.settings import load_settings
from library.web.app import create_app


def test_a_removed_kazakh_label_is_served_in_russian_and_reported_with_its_count(demo, settings, tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(settings.locales_dir, locales)
    po = polib.pofile(str(locales / "kk" / "LC_MESSAGES" / "messages.po"))
    po.find("Goals").msgstr = ""
    po.save()
    compile_language(locales, "kk")
    env = {"LIBRARY_DATABASE_URL": settings.database_url, "LIBRARY_LOCALES_DIR": str(locales),
           "LIBRARY_FLUSH_INTERVAL": "3600"}
    with TestClient(create_app(load_settings(env))) as client:
        for _ in range(3):
            page = client.get("/kk/")
            assert page.status_code == 200
            assert ">Цели</a>" in page.text and ">Мақсаттар</a>" not in page.text
    # Leaving the app flushed the buffered misses; a new app reports them.
    with TestClient(create_app(load_settings(env))) as client:
        report = client.get("/api/v1/untranslated", params={"lang": "kk"}).json()
    (kk,) = report["languages"]
    misses = {m["msgid"]: m["count"] for m in kk["interface"]}
    # Every lookup counts: the home page shows the label twice (in the menu and as a section heading).
    assert misses == {"Goals": 6}
