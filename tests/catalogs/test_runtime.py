"""The runtime translator: per-string fallback along the chain, plural rules of the supplying language,
miss counting, the frontend catalog and lazy strings."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from library.bootstrap import language_registry
from library.catalogs import Catalogs, MissCounter, Translator, lazy_gettext, lazy_ngettext, use_translator
from library.catalogs.compile import compile_catalogs
from library.catalogs.runtime import recording_misses
from library.languages.registry import LanguageRegistry, UnsupportedLanguage
from library.settings import DEFAULT_FALLBACKS, load_settings
from library.web.chrome import VIEWS, view_count
from tests.catalogs.helpers import LANGUAGES, LOCALES, copy_locales, edit_entry

VIEW, VIEWS_PLURAL = "{count} view", "{count} views"
REGISTRY = LanguageRegistry(LANGUAGES, "kk", DEFAULT_FALLBACKS)


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2024, 5, 9, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture(scope="module")
def shipped() -> Catalogs:
    return Catalogs(REGISTRY, LOCALES)


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    return copy_locales(tmp_path)


def catalogs_after(locales: Path, clock: FakeClock | None = None) -> Catalogs:
    compile_catalogs(locales, LANGUAGES)
    return Catalogs(REGISTRY, locales, MissCounter(clock) if clock else None)


@pytest.mark.parametrize(("language", "expected"), [("kk", "Мақсаттар"), ("ru", "Цели"), ("en", "Goals")])
def test_each_language_reads_its_own_catalog(shipped: Catalogs, language: str, expected: str) -> None:
    assert shipped.translator(language).gettext("Goals") == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 просмотр"),
        (2, "2 просмотра"),
        (5, "5 просмотров"),
        (21, "21 просмотр"),
        (22, "22 просмотра"),
        (25, "25 просмотров"),
        (111, "111 просмотров"),
        (0, "0 просмотров"),
        (11, "11 просмотров"),
        (12, "12 просмотров"),
        (14, "14 просмотров"),
    ],
)
def test_russian_plural_selection(shipped: Catalogs, n: int, expected: str) -> None:
    assert view_count(shipped.translator("ru"), n) == expected


@pytest.mark.parametrize(("n", "expected"), [(1, "1 қаралым"), (2, "2 қаралым"), (5, "5 қаралым")])
def test_kazakh_plural_selection(shipped: Catalogs, n: int, expected: str) -> None:
    assert view_count(shipped.translator("kk"), n) == expected


@pytest.mark.parametrize(("n", "expected"), [(1, "1 view"), (2, "2 views")])
def test_english_plural_selection(shipped: Catalogs, n: int, expected: str) -> None:
    assert view_count(shipped.translator("en"), n) == expected


def test_a_missing_kazakh_label_falls_back_to_russian_and_is_counted(locales: Path) -> None:
    edit_entry(locales, "kk", "Goals", msgstr="")
    catalogs = catalogs_after(locales, FakeClock())
    kk = catalogs.translator("kk")
    assert [kk.gettext("Goals"), kk.gettext("Goals"), kk.gettext("Library")] == ["Цели", "Цели", "Кітапхана"]
    (miss,) = catalogs.misses.drain()
    assert (miss.language, miss.msgid, miss.context, miss.count) == ("kk", "Goals", None, 2)
    assert miss.first_seen < miss.last_seen and miss.last_seen.tzinfo is UTC
    assert catalogs.misses.drain() == []


def test_a_fuzzy_kazakh_label_falls_back_too(locales: Path) -> None:
    edit_entry(locales, "kk", "Events", flags=["fuzzy"])
    catalogs = catalogs_after(locales)
    assert catalogs.translator("kk").gettext("Events") == "События"


def test_a_plural_falls_back_with_the_rule_of_the_language_that_supplies_it(locales: Path) -> None:
    edit_entry(locales, "kk", VIEW, msgstr_plural={0: "", 1: ""})
    catalogs = catalogs_after(locales)
    kk = catalogs.translator("kk")
    # Russian text needs the Russian rule: with the Kazakh rule, 5 would take form 1 ("просмотра").
    assert [view_count(kk, n) for n in (1, 2, 5, 21)] == ["1 просмотр", "2 просмотра", "5 просмотров", "21 просмотр"]
    (miss,) = catalogs.misses.drain()
    assert (miss.msgid, miss.count) == (VIEW, 4)


def test_a_partly_filled_plural_is_never_shown_empty(locales: Path) -> None:
    edit_entry(locales, "ru", VIEW, msgstr_plural={0: "{count} просмотр", 1: "", 2: ""})
    catalogs = catalogs_after(locales)
    assert view_count(catalogs.translator("ru"), 5) == "5 views"


def test_a_string_no_catalog_has_is_shown_as_its_msgid_and_counted() -> None:
    catalogs = Catalogs(REGISTRY, LOCALES)
    kk = catalogs.translator("kk")
    assert kk.gettext("Not in any catalog") == "Not in any catalog"
    assert kk.ngettext("{count} apple", "{count} apples", 3) == "{count} apples"
    assert kk.gettext("") == ""
    assert {(m.msgid, m.count) for m in catalogs.misses.drain()} == {("Not in any catalog", 1), ("{count} apple", 1)}


def test_pgettext_keeps_contexts_apart(locales: Path) -> None:
    import polib

    for language, text in (("ru", "Архив новостей"), ("kk", "Жаңалықтар мұрағаты")):
        path = locales / language / "LC_MESSAGES" / "messages.po"
        po = polib.pofile(str(path))
        po.append(polib.POEntry(msgctxt="newsletter", msgid="Archive", msgstr=text))
        po.save()
    catalogs = catalogs_after(locales)
    kk = catalogs.translator("kk")
    assert (kk.pgettext("newsletter", "Archive"), kk.gettext("Archive")) == ("Жаңалықтар мұрағаты", "Мұрағат")
    en = catalogs.translator("en")
    assert en.pgettext("newsletter", "Archive") == "Архив новостей"  # en -> ru -> kk
    (miss,) = catalogs.misses.drain()
    assert (miss.language, miss.context, miss.qualified_msgid) == ("en", "newsletter", "newsletter\x04Archive")


def test_an_unsupported_language_is_refused(shipped: Catalogs) -> None:
    with pytest.raises(UnsupportedLanguage):
        shipped.translator("fr")


def test_catalogs_from_settings_use_the_configured_chain(locales: Path) -> None:
    edit_entry(locales, "kk", "Goals", msgstr="")
    compile_catalogs(locales, LANGUAGES)
    settings = load_settings({"LIBRARY_LOCALES_DIR": str(locales), "LIBRARY_FALLBACKS": "kk:en,ru"})
    assert Catalogs(language_registry(settings), settings.locales_dir).translator("kk").gettext("Goals") == "Goals"


def test_miss_counter_is_thread_safe() -> None:
    counter = MissCounter()

    def record() -> None:
        for _ in range(2000):
            counter.record("kk", "Goals")

    threads = [threading.Thread(target=record) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (miss,) = counter.drain()
    assert miss.count == 16000


def test_miss_counter_keeps_first_and_last_seen_until_drained() -> None:
    clock = FakeClock()
    counter = MissCounter(clock)
    counter.record("kk", "Goals")
    counter.record("ru", "Goals")
    counter.record("kk", "Goals")
    pending = {m.language: m for m in counter.pending()}
    assert pending["kk"].count == 2
    assert pending["kk"].last_seen - pending["kk"].first_seen == timedelta(seconds=2)
    assert len(counter.drain()) == 2 and counter.pending() == []


def test_a_recording_within_a_recording_is_the_outer_ones_too() -> None:
    """A part rendered once within a page (the menu) misses strings the cached page must count again."""
    counter = MissCounter()
    with recording_misses() as page:
        counter.record("kk", "Title")
        with recording_misses() as part:
            counter.record("kk", "Goals", "menu")
        counter.record("ru", "Views")
    assert part == [("kk", "Goals", "menu")]
    assert page == [("kk", "Title", None), ("kk", "Goals", "menu"), ("ru", "Views", None)]
    with recording_misses() as alone:
        pass
    counter.record("kk", "Outside")  # no recording: only counted
    assert alone == [] and sum(m.count for m in counter.drain()) == 4


def test_frontend_catalog_is_complete_and_says_what_fell_back(locales: Path) -> None:
    edit_entry(locales, "kk", "Goals", msgstr="")
    catalogs = catalogs_after(locales)
    frontend = catalogs.catalog_for_frontend("kk")
    assert frontend.messages["Goals"] == "Цели" and frontend.filled_by_fallback == ["Goals"]
    assert frontend.messages["Library"] == "Кітапхана"
    assert frontend.messages[VIEW] == ["{count} қаралым", "{count} қаралым"]
    assert frontend.plural_forms[VIEW] == "nplurals=2; plural=(n != 1);"
    assert catalogs.misses.pending() == []  # a bulk export is not reader demand


def test_frontend_etag_is_stable_and_follows_the_content(locales: Path, shipped: Catalogs) -> None:
    first = shipped.catalog_for_frontend("kk")
    assert first.filled_by_fallback == []
    assert first.etag == Catalogs(REGISTRY, LOCALES).catalog_for_frontend("kk").etag
    assert first.etag.startswith('"') and first.etag.endswith('"')
    assert first.etag != shipped.catalog_for_frontend("ru").etag
    edit_entry(locales, "kk", "Goals", msgstr="Мақсаттарымыз")
    assert catalogs_after(locales).catalog_for_frontend("kk").etag != first.etag


def test_lazy_strings_follow_the_current_translator(shipped: Catalogs) -> None:
    label = lazy_gettext(VIEWS)
    count = lazy_ngettext(VIEW, VIEWS_PLURAL, 5)
    assert str(label) == "Views"  # no translator: the English msgid
    with use_translator(shipped.translator("kk")):
        assert (str(label), str(count)) == ("Қаралымдар саны", "{count} қаралым")
    with use_translator(shipped.translator("ru")):
        assert (str(label), str(count)) == ("Просмотры", "{count} просмотров")
    assert str(label) == "Views"


def test_translator_is_one_per_language(shipped: Catalogs) -> None:
    assert shipped.translator("kk") is shipped.translator("kk")
    assert isinstance(shipped.translator("kk"), Translator) and shipped.translator("kk").language == "kk"


@pytest.mark.parametrize(("language", "expected"),
                         [("en", "2,490 views"), ("ru", "2\u00a0490 просмотров"), ("kk", "2\u00a0490 қаралым")])
def test_view_counts_are_grouped_the_way_each_language_writes_numbers(shipped: Catalogs, language, expected):
    assert view_count(shipped.translator(language), 2490) == expected
