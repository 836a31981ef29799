"""Compiled .mo files hold only complete translations, deterministically, and the shipped ones are in step."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from library.catalogs.compile import compile_bytes, compile_catalogs, mo_in_step, stale_languages
from library.catalogs.files import load_po
from tests.catalogs.helpers import LANGUAGES, LOCALES, copy_locales, edit_entry, write_po

CRAFTED = """
msgid "translated"
msgstr "переведено"

#, fuzzy
msgid "fuzzy"
msgstr "неточно"

msgid "untranslated"
msgstr ""

msgctxt "menu"
msgid "Archive"
msgstr "Архив"

msgid "{count} page"
msgid_plural "{count} pages"
msgstr[0] "{count} страница"
msgstr[1] "{count} страницы"
msgstr[2] "{count} страниц"

msgid "{count} view"
msgid_plural "{count} views"
msgstr[0] "{count} просмотр"
msgstr[1] ""
msgstr[2] ""

msgid "{count} file"
msgid_plural "{count} files"
msgstr[0] "{count} файл"
msgstr[1] "{count} файла"

#~ msgid "obsolete"
#~ msgstr "устарело"
"""


@pytest.fixture
def crafted_mo(tmp_path: Path) -> gettext.GNUTranslations:
    po = load_po(write_po(tmp_path / "messages.po", CRAFTED))
    mo = tmp_path / "messages.mo"
    mo.write_bytes(compile_bytes(po))
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda t: t.gettext("translated"), "переведено"),
        (lambda t: t.pgettext("menu", "Archive"), "Архив"),
        (lambda t: t.ngettext("{count} page", "{count} pages", 5), "{count} страниц"),
        # Left out, so a fallback catalog (or the msgid) answers instead of an empty or English text:
        (lambda t: t.gettext("fuzzy"), "fuzzy"),
        (lambda t: t.gettext("untranslated"), "untranslated"),
        (lambda t: t.gettext("obsolete"), "obsolete"),
        (lambda t: t.ngettext("{count} view", "{count} views", 5), "{count} views"),  # msgstr[1], [2] empty
        (lambda t: t.ngettext("{count} file", "{count} files", 5), "{count} files"),  # 2 forms, nplurals=3
    ],
)
def test_mo_holds_only_complete_translations(crafted_mo: gettext.GNUTranslations, call, expected: str) -> None:
    assert call(crafted_mo) == expected


def test_same_po_content_gives_same_bytes(tmp_path: Path) -> None:
    po = load_po(write_po(tmp_path / "a.po", CRAFTED))
    reordered = polib.POFile()
    reordered.metadata = dict(po.metadata)
    for entry in reversed(po):
        reordered.append(entry)
    reordered.save(str(tmp_path / "b.po"))  # polib's own layout and order differ from the original
    assert compile_bytes(po) == compile_bytes(load_po(tmp_path / "a.po"))
    assert compile_bytes(po) == compile_bytes(load_po(tmp_path / "b.po"))


def test_messages_match_msgfmt_for_complete_and_fuzzy_entries(tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("GNU msgfmt not found: install gettext (apt-get install gettext)", pytrace=False)
    # Without the partial plural entries, which msgfmt keeps and the library leaves out on purpose.
    body = CRAFTED.split('msgid "{count} view"')[0]
    po_path = write_po(tmp_path / "messages.po", body)
    theirs = tmp_path / "msgfmt.mo"
    subprocess.run([msgfmt, "-o", str(theirs), str(po_path)], check=True, env={**os.environ, "LC_ALL": "C"})
    ours = tmp_path / "ours.mo"
    ours.write_bytes(compile_bytes(load_po(po_path)))

    def messages(path: Path) -> set[tuple]:
        return {(e.msgctxt, e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(path))}

    assert messages(ours) == messages(theirs)


def test_shipped_mo_files_are_in_step_with_their_po() -> None:
    assert stale_languages(LOCALES, LANGUAGES) == []


def test_editing_a_po_puts_its_mo_out_of_step_until_compiled(tmp_path: Path) -> None:
    locales = copy_locales(tmp_path)
    edit_entry(locales, "kk", "Goals", msgstr="")
    assert stale_languages(locales, LANGUAGES) == ["kk"]
    results = {result.language: result for result in compile_catalogs(locales, LANGUAGES)}
    assert [code for code, result in results.items() if result.changed] == ["kk"]
    assert results["kk"].messages == results["ru"].messages - 1
    assert mo_in_step(locales, "kk")


def test_python_gettext_falls_back_per_string_with_these_mo_files(tmp_path: Path) -> None:
    locales = copy_locales(tmp_path)
    edit_entry(locales, "kk", "Goals", msgstr="")
    compile_catalogs(locales, LANGUAGES)
    kk = gettext.translation("messages", str(locales), languages=["kk", "ru", "en"])
    assert kk.gettext("Goals") == "Цели"
    assert kk.gettext("Library") == "Кітапхана"
