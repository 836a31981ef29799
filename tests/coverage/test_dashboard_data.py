"""What the dashboard shows besides the matrix: interface catalogs, top requested, outdated items."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from library.content import service
from library.content.models import Status
from library.content.service import VariantText
from library.coverage.interface import interface_coverage
from library.coverage.report import coverage_report
from library.coverage.worklists import flagged_items, outdated_items, top_requested
from library.demand.models import Demand, InterfaceMiss
from library.errors import Invalid
from tests.coverage.build import LANGUAGES
from tests.factories import make_article, make_section, translate

AT = datetime(2025, 3, 1, tzinfo=UTC)
KK_CATALOG = '''msgid ""
msgstr ""
"Language: kk\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Home"
msgstr "Басты бет"

msgid "Search"
msgstr "Іздеу"

#, fuzzy
msgid "Archive"
msgstr "Мұрағат"

#, fuzzy
msgid "Sections"
msgstr ""

msgid "Contact"
msgstr ""

msgid "{n} article"
msgid_plural "{n} articles"
msgstr[0] "{n} мақала"
msgstr[1] ""

msgid "{n} page"
msgid_plural "{n} pages"
msgstr[0] ""
msgstr[1] "{n} бет"

#~ msgid "Old"
#~ msgstr "Ескі"
'''


def _locales(tmp_path: Path, **catalogs: str) -> Path:
    for language, text in catalogs.items():
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text(text, encoding="utf-8")
    return tmp_path


def _miss(language: str, msgid: str, count: int) -> InterfaceMiss:
    return InterfaceMiss(language=language, msgid=msgid, count=count, first_seen=AT, last_seen=AT)


def test_interface_counts_catalogs_as_msgfmt_does_plus_runtime_misses(session, tmp_path):
    locales = _locales(tmp_path, kk=KK_CATALOG)
    session.add_all([_miss("kk", "Contact", 5), _miss("kk", "Sections", 2), _miss("ru", "Contact", 1)])
    session.flush()
    en, ru, kk = interface_coverage(session, LANGUAGES, locales)
    # Empty first msgstr: untranslated even when fuzzy; fuzzy otherwise; a plural with msgstr[0] counts.
    counts = (kk.catalog.translated, kk.catalog.fuzzy, kk.catalog.untranslated, kk.catalog.obsolete)
    assert counts == (3, 1, 3, 1)
    assert (kk.total, kk.percent_translated, kk.missed_strings, kk.missed_requests) == (7, 42.9, 2, 7)
    assert (ru.catalog, ru.percent_translated, ru.missed_strings, ru.missed_requests) == (None, None, 1, 1)
    assert (en.missed_strings, en.missed_requests) == (0, 0)


def test_a_malformed_catalog_is_one_readable_error(session, tmp_path):
    locales = _locales(tmp_path, kk='msgid "a"\nmsgstr "b"\nmsgstr "c"\n"')
    with pytest.raises(Invalid, match="cannot be read as a PO catalog"):
        interface_coverage(session, ("kk",), locales)


def _demand(session, article, language: str, count: int) -> None:
    session.add(Demand(article_id=article.id, language=language, count=count, first_seen=AT, last_seen=AT))


def test_top_requested_lists_what_readers_cannot_read_most_requested_first(session):
    section = make_section(session, "alpha")
    missing = make_article(session, slug="missing", section=section, title="Нет перевода")
    drafted = make_article(session, slug="drafted", section=section)
    translate(session, drafted, "kk", status=Status.DRAFT)
    done = make_article(session, slug="done", section=section)
    translate(session, done, "kk")
    for article, language, count in ((missing, "kk", 5), (drafted, "kk", 9), (done, "kk", 50), (missing, "en", 1)):
        _demand(session, article, language, count)
    session.flush()
    requested = top_requested(session, LANGUAGES)
    assert [(r.article, r.language, r.requests, r.state) for r in requested] == [
        ("drafted", "kk", 9, "draft"), ("missing", "kk", 5, "missing"), ("missing", "en", 1, "missing")]
    assert requested[1].title == "Нет перевода" and requested[1].section == "alpha"
    assert [r.article for r in top_requested(session, ["en"])] == ["missing"]
    assert len(top_requested(session, LANGUAGES, limit=1)) == 1


def test_outdated_items_say_how_far_behind_they_are(session):
    section = make_section(session, "alpha")
    far = make_article(session, slug="far", section=section)
    translate(session, far, "kk")
    near = make_article(session, slug="near", section=section)
    translate(session, near, "kk", status=Status.DRAFT)
    translate(session, near, "en")
    text = VariantText("Исправлено", "", "<p>Новый текст статьи.</p>")
    for _ in range(2):
        service.save_variant(session, far, "ru", text, status=Status.PUBLISHED)
    service.save_variant(session, far, "ru", text, status=Status.PUBLISHED, minor=True)  # not a new major
    service.save_variant(session, near, "ru", text, status=Status.PUBLISHED)
    items = outdated_items(session, LANGUAGES)
    assert [(i.article, i.language, i.source_revision, i.current_source_revision, i.behind, i.published)
            for i in items] == [("far", "kk", 1, 3, 2, True), ("near", "en", 1, 2, 1, True),
                                ("near", "kk", 1, 2, 1, False)]
    assert items[0].title == "Исправлено" and items[0].source_words == 4
    assert [i.article for i in outdated_items(session, ["kk"], [section.id], limit=1)] == ["far"]


def test_flagged_items_list_the_current_texts_with_findings_errors_first(session):
    section = make_section(session, "alpha")
    russian_body = "<p>Министерство опубликовало доклад о ходе достижения целей устойчивого развития в стране.</p>"
    texts = {  # article -> the Kazakh text saved last
        "pasted": VariantText("Доклад о целях устойчивого развития", "", russian_body),  # Russian as Kazakh: error
        "fixed": VariantText("Тұрақты даму мақсаттары туралы баяндама", "",
                             "<p>Министрлік елдегі тұрақты даму мақсаттарына қол жеткізу барысы туралы баяндама "
                             "жариялады.</p>"),
    }
    for slug, text in texts.items():
        article = make_article(session, slug=slug, section=section, body=russian_body)
        if slug == "fixed":  # an error on an older revision does not count
            service.save_variant(session, article, "kk", texts["pasted"], translated_from="ru")
        service.save_variant(session, article, "kk", text, translated_from="ru")
    items = flagged_items(session, LANGUAGES)
    assert [(i.article, i.language, i.errors) for i in items if i.errors] == [("pasted", "kk", True)]
    assert "fixed" not in [i.article for i in items if i.errors]
    assert items[0].article == "pasted" and items[0].title == "Доклад о целях устойчивого развития"
    assert flagged_items(session, ["en"]) == []


def test_the_report_gathers_everything_for_the_dashboard(session, tmp_path):
    section = make_section(session, "alpha")
    article = make_article(session, section=section)
    _demand(session, article, "kk", 3)
    session.flush()
    report = coverage_report(session, LANGUAGES, ["alpha"], locales_dir=_locales(tmp_path, kk=KK_CATALOG))
    assert report.coverage.cell("kk", "alpha").demand == 3
    assert [r.article for r in report.requested] == [article.slug]
    assert report.outdated == [] and report.flagged == [] and [s.language for s in report.history] == list(LANGUAGES)
    assert report.coverage.interface[2].catalog.translated == 3
