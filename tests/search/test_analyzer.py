"""The analyzer and the Kazakh stemmer: one key for every form people type."""

from __future__ import annotations

from pathlib import Path

import pytest

from library.languages.kk_latin import to_cyrillic, to_latin
from library.search.analyzer import MAX_KEYS, indexed_text, keys, query_keys
from library.search.kk_stem import stem, stems

WORDS = Path(__file__).resolve().parents[2] / "library" / "search" / "data" / "kk_words.tsv"


@pytest.mark.parametrize(("form", "lemma"), [
    ("кітаптар", "кітап"), ("кітаптың", "кітап"), ("кітабы", "кітап"), ("кітаптарын", "кітап"),
    ("кітапханасы", "кітапхана"), ("кітапхананың", "кітапхана"), ("кітапханаларға", "кітапхана"),
    ("Қазақстанның", "Қазақстан"), ("Қазақстандағы", "Қазақстан"), ("мақсаттарына", "мақсат"),
    ("елдер", "ел"), ("елдің", "ел"), ("мектептерде", "мектеп"), ("әйелдердің", "әйел"), ("судың", "су"),
    ("дамуына", "даму"), ("өңірлерде", "өңір"), ("білімнің", "білім"),
])
def test_inflected_kazakh_forms_share_their_lemmas_stem(form, lemma):
    assert stem(form.lower()) == stem(lemma.lower())


@pytest.mark.parametrize(("word", "other"), [
    ("кітап", "кітапхана"),          # a library is not a book
    ("Қазақстан", "Қазақ"),           # -стан is not the ablative -тан
    ("ел", "елу"),
])
def test_different_words_keep_different_stems(word, other):
    assert stem(word.lower()) != stem(other.lower())


def test_vowel_harmony_refuses_a_suffix_of_the_other_row():
    # -лер is front, мақсат back: "мақсатлер" is no Kazakh form, and is not cut.
    assert stem("мақсатлер") != stem("мақсат")
    # -тер after a back stem ending in ы is refused too
    assert stem("жылтер").endswith("тер")


def test_an_ending_with_two_readings_gives_both_stems():
    assert stems("кеңесі") == ("кене", "кенес") and stems("баласы") == ("бала", "балас")
    assert set(stems("кеңестің")) & set(stems("кеңесі")) and set(stems("балалар")) & set(stems("баласы"))


def test_the_labelled_word_list_is_stemmed_right_at_least_95_percent():
    rows = [line.split("\t") for line in WORDS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    assert len(rows) >= 150
    right = sum(bool(set(stems(form.lower())) & set(stems(lemma.lower()))) for form, lemma in rows)
    assert right / len(rows) >= 0.95


@pytest.mark.parametrize(("typed", "written"), [
    ("китапхана", "кітапхана"), ("казакстан", "Қазақстан"), ("онир", "өңір"), ("кунделикти", "күнделікті"),
    ("kitaphana", "кітапхана"), ("Qazaqstan", "Қазақстан"), ("QAZAQSTANNYŊ", "Қазақстанның"),
])
def test_russian_keyboard_and_latin_spellings_give_the_kazakh_key(typed, written):
    assert keys(typed, "kk") == keys(written, "kk")


def test_latin_round_trip_of_the_2021_alphabet():
    text = "Тұрақты даму мақсаттары Қазақстанда"
    assert keys(to_cyrillic(to_latin(text)), "kk") == keys(text, "kk")


@pytest.mark.parametrize(("language", "one", "other"), [
    ("ru", "ёлка", "елки"), ("ru", "Цели", "целей"), ("ru", "УСТОЙЧИВОГО", "устойчивое"),
    ("en", "Goals", "goal"), ("en", "developing", "development"),
])
def test_russian_and_english_are_stemmed_and_case_folded(language, one, other):
    assert keys(one, language) == keys(other, language)


def test_stop_words_are_not_keys():
    assert keys("и в на", "ru") == []
    assert keys("the of and", "en") == []
    assert keys("және мен үшін", "kk") == []


def test_hostile_text_gives_bounded_letters_only_keys():
    junk = '"NEAR(a b)" * - : ^ {title}: <script>alert(1)</script> ' + "я" * 100 + " \u200bсу\u00ad"
    found = keys(junk, "kk")
    assert all(k.isalnum() for k in found)
    assert "я" * 100 not in found and "су" in found
    assert len(keys("су " * (MAX_KEYS + 10), "kk")) == MAX_KEYS
    assert len(query_keys("а б в г д е ж з и к л м н о п р", "kk", 5)) == 5


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("text", [
    "Кітапханалар «Қазақстан», мектептерде; (кітабы) — su_jol: a-b/c",
    "Ёлки, ЁЛКИ… «Цели»: устойчивого развития №17 — 2030",
    "Goals, developing (development)! e-mail: x_y@z.kz 3½ ﬁre",
    "Qazaqstan-nyŋ KITAPHANASY «kitaptar»",
    "кі\u00adтап\u200bхана \u2060су\ufeff",
    "и в на the of and және мен",
    "x" * 60 + " кітап " + "ы" * 41,
    "  ",
    "",
])
def test_the_index_build_path_gives_the_same_keys_as_the_analyzer(text, language):
    assert indexed_text(text, language) == " ".join(keys(text, language))


@pytest.mark.parametrize("text", [" ".join(f"кітап{n}" for n in range(30)), "-".join(f"w{n}" for n in range(30)),
                                  "a-" * 10, "ﬁ-" * 10])
def test_the_index_build_path_keeps_the_limit_of_keys(text):
    assert indexed_text(text, "kk", limit=10) == " ".join(keys(text, "kk", limit=10))


def test_keys_are_letters_and_digits_only_whatever_the_text():
    # The index build sends keys between tabs and lines, and PostgreSQL copies them as they are.
    text = "a\tb\nc\\d \"e\" 'f' q’ıŋ\x00g\u2028h ß ǅ ﬃ ⅷ ½ ① ٣ ๓ 𝔄 Ⅻ kitap\\tхана"
    for language in ("kk", "ru", "en"):
        found = keys(text, language)
        assert found and all(key.isalnum() for key in found)
        assert indexed_text(text, language) == " ".join(found)
