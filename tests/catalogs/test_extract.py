"""Extraction into messages.pot and merging into each catalog, over Babel, on a small project."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest

from library.catalogs.extract import extract, update
from library.catalogs.plurals import SAMPLE, PluralRule, expected_rule
from library.errors import Invalid
from library.web.chrome import FALLBACK_NOTICES, NAVIGATION
from tests.catalogs.helpers import LOCALES, PROJECT

SOURCE = """
from library.catalogs import N_

TITLE = N_("Marked")


def page(t, n):
    # Translators: a greeting.
    hello = t.gettext("Hello")
    # library: allow-identical
    code = _("SDG")
    archive = t.pgettext("menu", "Archive")
    return t.ngettext("{count} view", "{count} views", n), hello, code, archive
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(PROJECT / "babel.cfg", tmp_path / "babel.cfg")
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "page.py").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "locales").mkdir()
    return tmp_path


def entries(path: Path) -> dict[tuple[str | None, str], polib.POEntry]:
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path)) if not e.obsolete}


def test_extract_finds_every_keyword_with_comments_and_flags(project: Path) -> None:
    written = extract(project, project / "locales")
    pot = entries(written.path)
    assert set(pot) == {(None, "Marked"), (None, "Hello"), (None, "SDG"), ("menu", "Archive"), (None, "{count} view")}
    assert pot[(None, "{count} view")].msgid_plural == "{count} views"
    assert "python-brace-format" in pot[(None, "{count} view")].flags
    assert pot[(None, "Hello")].comment == "Translators: a greeting."
    assert pot[(None, "SDG")].comment == "library: allow-identical"
    # The file, not the line: an edit above a string must not rewrite the catalogs.
    assert pot[(None, "Hello")].occurrences == [("library/page.py", "")]


def test_extract_leaves_the_pot_alone_when_only_the_date_would_change(project: Path) -> None:
    first = extract(project, project / "locales")
    before = first.path.read_bytes()
    assert first.changed
    again = extract(project, project / "locales")
    assert not again.changed and again.path.read_bytes() == before


def test_extract_compares_the_template_by_its_messages_not_the_tools_spelling(project: Path) -> None:
    """Another Babel release stamps its own version and may wrap lines differently: same template."""
    first = extract(project, project / "locales")
    text = first.path.read_text(encoding="utf-8")
    respelled = text.replace('"Generated-By: Babel', '"Generated-By: Babel 99.0 (was').replace(
        'msgid "{count} view"', 'msgid ""\n"{count} "\n"view"')
    assert respelled != text
    first.path.write_text(respelled, encoding="utf-8")
    assert not extract(project, project / "locales").changed
    assert first.path.read_text(encoding="utf-8") == respelled  # left as it was
    first.path.write_text(respelled.replace('"Hello"', '"Hello there"'), encoding="utf-8")
    assert extract(project, project / "locales").changed  # a message that differs is a change


def test_update_creates_catalogs_with_the_expected_plural_headers(project: Path) -> None:
    extract(project, project / "locales")
    results = update(project / "locales", ("en", "ru", "kk"))
    for result, language in zip(results, ("en", "ru", "kk"), strict=True):
        po = polib.pofile(str(result.path))
        # The same rule, however Babel spells it: compared by the form it picks for n = 0..1000.
        written, expected = PluralRule.parse(po.metadata["Plural-Forms"]), expected_rule(language)
        assert written.nplurals == expected.nplurals
        assert [written(n) for n in SAMPLE] == [expected(n) for n in SAMPLE]
        assert po.metadata["Language"] == language
        assert len(entries(result.path)[(None, "{count} view")].msgstr_plural) == (3 if language == "ru" else 2)


def test_update_keeps_translations_and_adds_new_messages_untranslated(project: Path) -> None:
    locales = project / "locales"
    extract(project, locales)
    (ru,) = update(locales, ("ru",))
    po = polib.pofile(str(ru.path))
    po.find("Hello").msgstr = "Здравствуйте"
    po.find("Hello").tcomment = "library: allow-identical"
    po.save()
    source = project / "library" / "page.py"
    source.write_text(source.read_text(encoding="utf-8") + '\nNEW = N_("Brand new")\n', encoding="utf-8")
    extract(project, locales)
    update(locales, ("ru",))
    merged = entries(ru.path)
    assert merged[(None, "Hello")].msgstr == "Здравствуйте"
    assert merged[(None, "Hello")].tcomment == "library: allow-identical"
    assert merged[(None, "Brand new")].msgstr == "" and not merged[(None, "Brand new")].fuzzy
    (again,) = update(locales, ("ru",))
    assert not again.changed


LONG = ("The variant {language} of the article {slug} cannot be published: the content checks found errors "
        "in revision {revision}: {errors}")


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_a_long_message_changed_in_the_sources_leaves_a_catalog_msgfmt_and_polib_read(project: Path) -> None:
    """Babel 2.18 writes the ``#|`` previous msgid of a fuzzy entry wrapped as comment text, which
    breaks the file once that msgid is long; the catalogs are written without it."""
    import subprocess

    locales = project / "locales"
    source = project / "library" / "page.py"
    source.write_text(source.read_text(encoding="utf-8") + f'\nLONG = N_("{LONG}")\n', encoding="utf-8")
    extract(project, locales)
    (ru,) = update(locales, ("ru",))
    po = polib.pofile(str(ru.path))
    po.find(LONG).msgstr = "Вариант {language} статьи {slug} нельзя опубликовать: {errors} ({revision})"
    po.save()
    source.write_text(source.read_text(encoding="utf-8").replace(LONG, LONG + " Correct the text."), encoding="utf-8")
    extract(project, locales)
    update(locales, ("ru",))
    changed = entries(ru.path)[(None, LONG + " Correct the text.")]
    assert changed.fuzzy and changed.msgstr.startswith("Вариант")
    checked = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(ru.path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_update_without_a_template_says_to_extract(tmp_path: Path) -> None:
    (tmp_path / "locales").mkdir()
    with pytest.raises(Invalid, match="run `library catalogs extract` first"):
        update(tmp_path / "locales", ("ru",))


def test_committed_template_matches_the_sources(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    locales.mkdir()
    shutil.copy(LOCALES / "messages.pot", locales / "messages.pot")
    assert not extract(PROJECT, locales).changed, "run `library catalogs update` and commit the catalogs"


def test_chrome_has_the_menu_and_every_fallback_pair() -> None:
    assert [slug for slug, _ in NAVIGATION] == [
        "about", "goals", "working-groups", "vnr", "events",
        "coordination-council", "statistics", "library", "success-stories",
    ]  # fmt: skip
    pairs = {(a, b) for a in ("en", "ru", "kk") for b in ("en", "ru", "kk") if a != b}
    # The derived Kazakh Latin reader language reuses the Kazakh notices (transliterated when shown).
    derived = {("kk-Latn", "ru"), ("kk-Latn", "en")}
    assert set(FALLBACK_NOTICES) == pairs | derived
    assert all(FALLBACK_NOTICES[("kk-Latn", b)] == FALLBACK_NOTICES[("kk", b)] for _, b in derived)
    pot = entries(LOCALES / "messages.pot")
    assert all((None, label) in pot for _, label in NAVIGATION)
    assert all((None, notice) in pot for notice in FALLBACK_NOTICES.values())
