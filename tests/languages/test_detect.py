"""The language detector: deterministic evidence, honest "unsure" on short strings, no false alarm on
genuine Kazakh, and the rates of the evaluation script held as a test."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from pathlib import Path

import pytest

from library.languages.detect import (
    LanguageCheck,
    check,
    check_entry,
    identify,
    is_copy,
    word_count,
)
from library.languages.neutral import is_acronym, strip_neutral

PORTAL_SENTENCE = "Хорошая погода, не так ли?"
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _load_eval():
    spec = importlib.util.spec_from_file_location("eval_language_check", SCRIPTS / "eval_language_check.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is being made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def evaluation_script():
    return _load_eval()


@pytest.mark.parametrize(
    ("slot", "verdict", "language"),
    [("en", "wrong", "ru"), ("kk", "wrong", "ru"), ("ru", "ok", "ru")],
)
def test_the_portal_sentence_is_caught_outside_russian(slot, verdict, language):
    result = check(PORTAL_SENTENCE, slot)
    assert (result.verdict, result.language) == (verdict, language)
    assert result.evidence


def test_cyrillic_in_english_is_named_in_the_evidence():
    result = check(f"Wait please... {PORTAL_SENTENCE}", "en")
    assert result.wrong
    assert "Cyrillic letters in English text" in result.evidence[0]
    assert "'Хорошая'" in result.evidence[0]


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("Статистика", "kk"),  # the same word in Russian and Kazakh
        ("Статистика", "ru"),
        ("Новости", "kk"),
        ("Поиск", "kk"),
        ("Доступ запрещён", "kk"),  # two words, no Kazakh letter, no Russian function word
        ("Басты бет", "ru"),
        ("Жою", "ru"),
        ("Тапсырма орындалды", "ru"),
        ("%(count)s", "kk"),  # nothing left to judge
        ("SDG 4", "ru"),
        ("", "en"),
    ],
)
def test_short_strings_without_distinctive_evidence_are_unsure(text, slot):
    result = check(text, slot)
    assert result.verdict == "unsure", result
    assert result.language is None


@pytest.mark.parametrize(
    ("text", "slot", "language"),
    [
        ("Кіру", "ru", "kk"),  # a Kazakh-only letter: never Russian, however short
        ("Іздеу", "en", "kk"),
        ("Поиск", "en", None),  # Cyrillic in English, but Russian or Kazakh cannot be told
        ("Search", "kk", "en"),
        ("Read more", "ru", "en"),
        ("Все статьи", "kk", "ru"),  # two words, one a Russian function word the model agrees with
    ],
)
def test_short_strings_with_deterministic_evidence_are_decided(text, slot, language):
    result = check(text, slot)
    assert result.verdict == "wrong", result
    assert result.language == language


@pytest.mark.parametrize(
    ("text", "slot", "word"),
    [
        ("Bанк", "ru", "Bанк"),  # Latin B
        ("Национальный Bанк Казахстана", "ru", "Bанк"),
        ("Бiлiм беру жүйесі", "kk", "Бiлiм"),  # Latin i for Kazakh і, a classic of old fonts
        ("The Маrket is open", "en", "Маrket"),  # Cyrillic М
        ("Сайт Kazстат", "ru", "Kazстат"),
    ],
)
def test_mixed_script_words_are_flagged(text, slot, word):
    result = check(text, slot)
    assert result.wrong
    assert f"'{word}'" in result.evidence[0]
    assert "mixed" in result.evidence[0]


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("Роутер с поддержкой Wi-Fi-роутер", "ru"),  # scripts meet at a hyphen, not inside a part
        ("Есеп UNDP мен UNICEF-тің қолдауымен дайындалды.", "kk"),
        ("Kazstat-тың жаңа есебі жарияланды.", "kk"),
    ],
)
def test_scripts_meeting_at_a_hyphen_are_not_mixed_words(text, slot):
    assert not any("mixed" in reason for reason in check(text, slot).evidence)


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("%(count)s мақала", "мақала"),
        ("%s және %d", "және"),
        ("{name} сізге {count:d} тапсырма берді", "сізге тапсырма берді"),
        ('<a href="https://example.com/report">Толығырақ</a> &nbsp;', "Толығырақ"),
        ("Подробнее на https://stat.gov.kz/ru/ и www.sdg.kz", "Подробнее на и"),
        ("Пишите на info@sdg.kz или stat.gov.kz", "Пишите на или"),
        ("В 2024 году — 3,5% и 1 200 человек", "В году — и человек"),
        ("<script>var x = 'English words';</script>Жаңалықтар", "Жаңалықтар"),
        ("Отчёт UNDP, OECD, SDGs, COP28 и KPI", "Отчёт , , , и"),
        ("Войти через Google или по e-mail", "Войти через или по"),
    ],
)
def test_placeholders_markup_urls_numbers_and_names_are_stripped(text, left):
    assert " ".join(strip_neutral(text).split()) == left


@pytest.mark.parametrize(
    ("token", "acronym"),
    [("SDG", True), ("SDGs", True), ("COP28", True), ("PhD", True), ("XXI", True), ("UN", True),
     ("Google", False), ("Kazstat", False), ("A", False), ("iPhone", False), ("2024", False)],
)  # fmt: skip
def test_acronyms(token, acronym):
    assert is_acronym(token) is acronym


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("Отчёт подготовлен при поддержке UNDP и UNICEF.", "ru"),
        ("Страны OECD тратят на образование около пяти процентов ВВП.", "ru"),
        ("Казахстан принял участие в климатической конференции COP28 в Дубае.", "ru"),
        ("Қазақстан Дубайда өткен COP28 климаттық конференциясына қатысты.", "kk"),
        ("SDG индикаторлары бойынша жаңа есеп жарияланды.", "kk"),
        ("Мы используем файлы cookie, чтобы сайтом было удобнее пользоваться.", "ru"),
        ("Google арқылы кіру", "kk"),
    ],
)
def test_allow_listed_acronyms_and_names_are_not_flagged(text, slot):
    result = check(text, slot)
    assert result.verdict == "ok", result
    assert not any("Latin" in reason for reason in result.evidence)


def test_a_latin_word_outside_the_allow_list_makes_a_russian_text_unsure():
    result = check("Подробности читайте в ежегодном отчёте Kazstat за прошлый год.", "ru")
    assert result.verdict == "unsure"
    assert result.language == "ru"
    assert "'Kazstat'" in result.evidence[0]


def test_mostly_latin_words_in_kazakh_are_wrong():
    result = check("Read the full report here, мақала", "kk")
    assert (result.verdict, result.language) == ("wrong", "en")


@pytest.mark.parametrize(
    ("text", "slot", "verdict", "language"),
    [
        # Russian quoting a Kazakh name: the other words are Russian on their own
        ("В Карагандинской области подвели итоги программы «Іскер әйел».", "ru", "ok", "ru"),
        ("В Карагандинской области подвели итоги программы «Іскер әйел».", "kk", "wrong", "ru"),
        # Kazakh quoting a Russian title
        ("Толстойдың «Война и мир» романы қазақ тіліне аударылған.", "kk", "ok", "kk"),
        # Kazakh with a single word carrying Kazakh letters
        ("Мен мектепке барамын, ал кешке жаттығу залына барамын.", "kk", "ok", "kk"),
        ("Мен мектепке барамын, ал кешке жаттығу залына барамын.", "ru", "wrong", "kk"),
        # Kazakh with no Kazakh-only letter at all
        ("Балалар далада ойнап жатыр.", "kk", "ok", "kk"),
        ("Президент Парламентке жолдау жариялады.", "ru", "wrong", "kk"),
    ],
)
def test_the_hard_cases_between_russian_and_kazakh(text, slot, verdict, language):
    result = check(text, slot)
    assert (result.verdict, result.language) == (verdict, language), result


@pytest.mark.parametrize(
    ("source", "target", "copy"),
    [
        ("Read more", "Read more", True),
        ("Read more", "  read   MORE ", True),
        ("Статистика", "Статистика", True),
        ("Read more", "Толығырақ", False),
        ("Read more", "Read more.", False),
        ("Read more", "", False),
    ],
)
def test_is_copy(source, target, copy):
    assert is_copy(source, target) is copy


def test_a_copy_of_its_source_of_three_words_or_more_is_wrong():
    source = "Межведомственная рабочая группа собралась"
    result = check(source, "kk", source=source)
    assert result.wrong
    assert result.evidence[0] == "identical to its source"
    # one word kept from a Russian source is normal in Kazakh
    assert check("Статистика", "kk", source="Статистика").verdict == "unsure"


def test_catalog_entries():
    assert check_entry("ru", "Home", "").verdict == "unsure"
    assert check_entry("en", "Read more", "Read more").verdict == "ok"
    assert check_entry("kk", "Read more", "Read more").wrong
    assert check_entry("ru", "Log in", "Кіру").language == "kk"
    # a capitalised name kept from the msgid is not an untranslated word
    kept = check_entry("ru", "Powered by Litestar and Babel", "Работает на Litestar и Babel")
    assert not any("Latin" in reason for reason in kept.evidence), kept
    assert any("Latin" in reason for reason in check("Работает на Litestar и Babel", "ru").evidence)


def test_languages_without_a_detector_are_unsure():
    result = check("Guten Tag", "de")
    assert (result.verdict, result.language) == ("unsure", None)


def test_results_are_frozen_and_identify_needs_no_expectation():
    result = identify(PORTAL_SENTENCE)
    assert isinstance(result, LanguageCheck)
    assert result.language == "ru"
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.verdict = "ok"  # type: ignore[misc]
    assert identify("12:30").verdict == "unsure"
    assert word_count("Сондай-ақ қараңыз %(n)s 2024") == 2


def test_no_genuine_kazakh_text_is_flagged(evaluation_script):
    for item in evaluation_script.load():
        if item.lang == "kk":
            result = check(item.text, "kk")
            assert not result.wrong, (item.text, result)
            assert identify(item.text).language != "ru", item.text


def test_the_labelled_set_is_large_and_varied(evaluation_script):
    items = evaluation_script.load()
    assert len(items) >= 300
    for lang in ("en", "ru", "kk"):
        assert sum(item.lang == lang and item.kind == "ui" for item in items) >= 40
        assert sum(item.lang == lang and item.kind == "sentence" for item in items) >= 60
    kazakh_without_letters = [
        item
        for item in items
        if item.lang == "kk" and word_count(item.text) >= 3 and not set(item.text.lower()) & set("әғқңөұүһі")
    ]
    assert len(kazakh_without_letters) >= 15


def test_the_evaluation_rates_hold(evaluation_script):
    evaluation = evaluation_script.evaluate()
    assert evaluation.kazakh_flagged == []
    assert evaluation.false_alarms == []
    assert evaluation.russian_caught_rate >= 0.95
    assert evaluation.portal_caught == {"en": True, "kk": True}
    for true, slot in (("en", "ru"), ("en", "kk"), ("ru", "en"), ("kk", "en")):
        assert evaluation.caught_rate(true, slot) == 1.0
    assert evaluation.unsure_rate("own", "6+ words")[0] < 0.05


def test_cldr_names_raise_no_false_alarm(evaluation_script):
    counts = evaluation_script.other_sets()["CLDR names"]
    assert counts["own", "kk", "wrong"] == 0
    assert counts["own", "ru", "wrong"] == 0
    assert counts["own", "kk", "ok"] > 500
