"""Statistics are counted exactly as GNU msgfmt --statistics counts them (run here for comparison)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from library.catalogs.files import load_po
from library.catalogs.stats import catalog_stats, stats_for
from tests.catalogs.helpers import LANGUAGES, LOCALES, po_file, write_po

CRAFTED = {
    "fuzzy and untranslated": """
msgid "a"
msgstr "А"

#, fuzzy
msgid "b"
msgstr "Б"

msgid "c"
msgstr ""
""",
    "fuzzy with an empty msgstr is untranslated": """
#, fuzzy
msgid "a"
msgstr ""

msgid "b"
msgstr "Б"
""",
    "plural entries": """
msgid "{count} view"
msgid_plural "{count} views"
msgstr[0] "{count} просмотр"
msgstr[1] ""
msgstr[2] ""

msgid "{count} file"
msgid_plural "{count} files"
msgstr[0] ""
msgstr[1] "{count} файла"
msgstr[2] ""

msgid "{count} page"
msgid_plural "{count} pages"
msgstr[0] "{count} страница"
msgstr[1] "{count} страницы"
msgstr[2] "{count} страниц"

#, fuzzy
msgid "{count} day"
msgid_plural "{count} days"
msgstr[0] "{count} день"
msgstr[1] "{count} дня"
msgstr[2] "{count} дней"
""",
    "obsolete entries are not counted": """
msgid "a"
msgstr "А"

#~ msgid "old"
#~ msgstr "старый"

#, fuzzy
#~ msgid "older"
#~ msgstr "старее"
""",
    "only untranslated": """
msgid "a"
msgstr ""
""",
    "empty catalog": "",
    "contexts count separately": """
msgctxt "menu"
msgid "Archive"
msgstr "Архив"

msgid "Archive"
msgstr ""
""",
}


@pytest.fixture(scope="session")
def msgfmt() -> str:
    path = shutil.which("msgfmt")
    if path is None:
        pytest.fail("GNU msgfmt not found: install gettext (apt-get install gettext)", pytrace=False)
    return path


def msgfmt_statistics(msgfmt: str, path: Path) -> str:
    run = subprocess.run(
        [msgfmt, "--statistics", "-o", os.devnull, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""},
        check=True,
    )
    return run.stderr.strip()


@pytest.mark.parametrize("name", CRAFTED)
def test_counts_equal_msgfmt_statistics(msgfmt: str, tmp_path: Path, name: str) -> None:
    path = write_po(tmp_path / "messages.po", CRAFTED[name])
    stats = catalog_stats(load_po(path), "ru")
    assert stats.msgfmt_line() == msgfmt_statistics(msgfmt, path)


def test_counts_of_a_mixed_catalog(tmp_path: Path) -> None:
    path = write_po(tmp_path / "messages.po", CRAFTED["plural entries"] + CRAFTED["obsolete entries are not counted"])
    stats = catalog_stats(load_po(path), "ru")
    # msgstr[0] filled counts as translated (as msgfmt does); msgstr[0] empty as untranslated.
    assert (stats.translated, stats.fuzzy, stats.untranslated, stats.obsolete) == (3, 1, 1, 2)
    assert stats.total == 5
    assert stats.percent_translated == 60.0
    assert stats.as_dict()["percent_fuzzy"] == 20.0


@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_check_accepts_shipped_catalog(msgfmt: str, language: str) -> None:
    run = subprocess.run(
        [msgfmt, "-c", "-o", os.devnull, str(po_file(LOCALES, language))],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert (run.returncode, run.stderr) == (0, "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_shipped_catalogs_are_completely_translated(msgfmt: str, language: str) -> None:
    (stats,) = stats_for(LOCALES, (language,))
    assert stats.percent_translated == 100.0
    assert (stats.fuzzy, stats.untranslated) == (0, 0)
    assert stats.total > 40
    assert stats.msgfmt_line() == msgfmt_statistics(msgfmt, po_file(LOCALES, language))
