"""Term forms found in running text despite Russian inflection, Kazakh suffixes and English plurals."""

from __future__ import annotations

import pytest

from library.quality.matching import alternatives, contains

IWG = {
    "en": "Interdepartmental Working Group (IWG)",
    "ru": "Межведомственная рабочая группа (МРГ)",
    "kk": "Ведомствоаралық жұмыс тобы (ВЖТ)",
}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ru", "Заседание Межведомственной рабочей группы прошло в Астане."),
        ("ru", "межведомственная рабочая группа"),
        ("ru", "в пяти межведомственных рабочих группах"),
        ("ru", "члены Межведомственных рабочих групп"),
        ("ru", "поручено Межведомственной рабочей группе"),
        ("ru", "с межведомственными рабочими группами"),
        ("ru", "Состав МРГ утверждён."),
        ("ru", "в МРГ «Люди»"),
        ("kk", "Ведомствоаралық жұмыс тобының отырысы өтті."),
        ("kk", "ведомствоаралық жұмыс тобы"),
        ("kk", "Ведомствоаралық жұмыс тобында талқыланды"),
        ("kk", "бес ведомствоаралық жұмыс топтарының мүшелері"),
        ("kk", "ВЖТ-ның мүшелері"),
        ("kk", "ВЖТ-ға ұсыныс жіберілді"),
        ("en", "The Interdepartmental Working Group met on 19 March."),
        ("en", "five Interdepartmental Working Groups"),
        ("en", "the IWG's members"),
        ("en", "two IWGs met"),
    ],
)
def test_inflected_forms_match(language: str, text: str) -> None:
    assert contains(text, IWG[language], language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ru", "Министерство внутренних дел провело заседание."),
        ("ru", "рабочая группа при министерстве"),  # the first word of the term is missing
        ("ru", "межведомственная комиссия"),
        ("ru", "МРГУ"),  # an abbreviation matches whole only
        ("kk", "Ішкі істер министрлігі"),
        ("kk", "жұмыс тобы"),
        ("en", "the Ministry of Internal Affairs"),
        ("en", "a working group of ministries"),
        ("en", "IWGX"),
    ],
)
def test_other_words_do_not_match(language: str, text: str) -> None:
    assert not contains(text, IWG[language], language)


@pytest.mark.parametrize(
    ("language", "form", "text"),
    [
        ("kk", "Үйлестіру кеңесі", "Үйлестіру кеңесінің отырысы"),
        ("kk", "Ұлттық статистика бюросы", "Ұлттық статистика бюросының деректері"),
        ("kk", "Тұрақты даму мақсаттары (ТДМ)", "Тұрақты даму мақсатына қол жеткізу"),
        ("kk", "Тұрақты даму мақсаттары (ТДМ)", "ТДМ-ді іске асыру"),
        ("kk", "Ерікті ұлттық шолу", "Ерікті ұлттық шолудың нәтижелері"),
        ("kk", "Ведомствоаралық", "ведомствоаралығы"),  # қ voiced to ғ before a vowel
        ("ru", "Цели устойчивого развития (ЦУР)", "достижение Целей устойчивого развития"),
        ("ru", "Цели устойчивого развития (ЦУР)", "Цель устойчивого развития 6"),
        ("ru", "Бюро национальной статистики", "данные Бюро национальной статистики"),
        ("ru", "Координационный совет", "заседание Координационного совета"),
        ("en", "Sustainable Development Goals (SDGs)", "Sustainable Development Goal 6"),
        ("en", "Sustainable Development Goals (SDGs)", "progress on the SDG indicators"),
    ],
)
def test_more_terms_of_the_demo(language: str, form: str, text: str) -> None:
    assert contains(text, form, language)


def test_matching_ignores_case() -> None:
    assert contains("МЕЖВЕДОМСТВЕННОЙ РАБОЧЕЙ ГРУППЫ", IWG["ru"], "ru")
    assert contains("мрг", IWG["ru"], "ru")


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("Interdepartmental Working Group (IWG)", ["Interdepartmental Working Group", "IWG"]),
        ("Coordination Council", ["Coordination Council"]),
        ("  Coordination   Council ", ["Coordination Council"]),
        ("(IWG)", ["(IWG)"]),
        ("", []),
    ],
)
def test_a_trailing_parenthesis_is_an_abbreviation(form: str, expected: list[str]) -> None:
    assert alternatives(form) == expected
