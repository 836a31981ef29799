"""The term base service: adding, changing, importing all-or-nothing, and notes for translators."""

from __future__ import annotations

import pytest

from library.quality import terms
from library.quality.errors import DuplicateTerm, InvalidTerm, TermNotFound
from library.quality.terms import TermData

LANGUAGES = ("en", "ru", "kk")
IWG = TermData("iwg", {"en": "Interdepartmental Working Group (IWG)", "ru": "Межведомственная рабочая группа (МРГ)",
                       "kk": "Ведомствоаралық жұмыс тобы (ВЖТ)"}, {"en": ["Ministry of Internal Affairs"]},
               "One of five groups.")


def test_create_get_update_delete(session) -> None:
    created = terms.create_term(session, IWG, languages=LANGUAGES, by="editor")
    assert created.key == "iwg" and created.updated_by == "editor"
    assert terms.get_term(session, "iwg").forbidden == {"en": ["Ministry of Internal Affairs"]}
    changed = TermData("iwg-5p", {"en": "  Interdepartmental   Working Group "}, note="renamed")
    terms.update_term(session, "iwg", changed, languages=LANGUAGES)
    assert terms.get_term(session, "iwg-5p").forms == {"en": "Interdepartmental Working Group"}
    with pytest.raises(TermNotFound):
        terms.get_term(session, "iwg")
    terms.delete_term(session, "iwg-5p")
    assert terms.list_terms(session) == []


def test_a_key_is_made_from_the_english_form(session) -> None:
    term = terms.create_term(session, TermData("", IWG.forms), languages=LANGUAGES)
    assert term.key == "interdepartmental-working-group-iwg"
    assert terms.make_key({"kk": "Әкімдік"}) == "term"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (TermData("Bad Key", {"en": "x"}), "not a valid term key"),
        (TermData("9lives", {"en": "x"}), "not a valid term key"),
        (TermData("k", {}), "at least one language"),
        (TermData("k", {"en": "  "}), "at least one language"),
        (TermData("k", {"de": "Arbeitsgruppe"}), "'de' is not a supported language"),
        (TermData("k", {"en": "..."}), "must have a word"),
        (TermData("k", {"en": "Group"}, {"ru": ["группа"]}), "need the ru form"),
        (TermData("k", {"en": "Group"}, {"en": ["group"]}), "the form itself"),
        (TermData("k", {"en": "Group"}, note="x" * 5000), "note is longer"),
    ],
)
def test_invalid_terms_are_refused_with_the_rule_they_break(session, data: TermData, words: str) -> None:
    with pytest.raises(InvalidTerm, match=words):
        terms.create_term(session, data, languages=LANGUAGES)


def test_duplicate_keys_are_a_conflict(session) -> None:
    terms.create_term(session, IWG, languages=LANGUAGES)
    with pytest.raises(DuplicateTerm):
        terms.create_term(session, IWG, languages=LANGUAGES)
    other = terms.create_term(session, TermData("sdg", {"en": "SDG"}), languages=LANGUAGES)
    with pytest.raises(DuplicateTerm):
        terms.update_term(session, other.key, TermData("iwg", {"en": "SDG"}), languages=LANGUAGES)


def test_import_adds_updates_and_counts(session) -> None:
    terms.create_term(session, IWG, languages=LANGUAGES)
    terms.create_term(session, TermData("old", {"en": "Old name"}), languages=LANGUAGES)
    result = terms.import_terms(session, [IWG, TermData("sdg", {"en": "SDG"}), TermData("old", {"en": "New name"})],
                                languages=LANGUAGES)
    assert (result.created, result.updated, result.unchanged, result.deleted) == (1, 1, 1, 0)
    result = terms.import_terms(session, [IWG], languages=LANGUAGES, replace=True)
    assert result.deleted == 2 and [t.key for t in terms.list_terms(session)] == ["iwg"]


@pytest.mark.parametrize(
    "batch",
    [
        [TermData("sdg", {"en": "SDG"}), TermData("bad key", {"en": "x"})],
        [TermData("sdg", {"en": "SDG"}), TermData("sdg", {"en": "SDGs"})],
    ],
)
def test_import_is_all_or_nothing(engine, batch) -> None:
    from library.storage import session_scope

    with pytest.raises(InvalidTerm), session_scope(engine) as session:
        terms.import_terms(session, batch, languages=LANGUAGES)
    with session_scope(engine) as session:
        assert terms.list_terms(session) == []


def test_list_filters_by_language_and_text(session) -> None:
    terms.create_term(session, IWG, languages=LANGUAGES)
    terms.create_term(session, TermData("sdg", {"en": "Sustainable Development Goals", "ru": "ЦУР"}),
                      languages=LANGUAGES)
    assert [t.key for t in terms.list_terms(session, language="kk")] == ["iwg"]
    assert [t.key for t in terms.list_terms(session, query="цур")] == ["sdg"]


def test_term_notes_name_the_forms_for_the_translator(session) -> None:
    terms.create_term(session, IWG, languages=LANGUAGES)
    terms.create_term(session, TermData("sdg", {"en": "SDG", "ru": "ЦУР"}), languages=LANGUAGES)
    notes = terms.term_notes(session, "<p>Заседание межведомственной рабочей группы</p>", "ru", "en")
    assert notes == ["Term: Межведомственная рабочая группа (МРГ) -> Interdepartmental Working Group (IWG) "
                     "(not: Ministry of Internal Affairs). One of five groups."]
    assert terms.term_notes(session, "Состав МРГ", "ru", "kk") == [
        "Term: Межведомственная рабочая группа (МРГ) -> Ведомствоаралық жұмыс тобы (ВЖТ). One of five groups."]
    assert terms.term_notes(session, "Ничего об этом", "ru", "en") == []
