"""The content checks as pure functions: what each one finds, with which severity, and what it lets pass."""

from __future__ import annotations

import pytest

from library.bootstrap import language_registry
from library.catalogs.runtime import Catalogs
from library.quality import extract
from library.quality.checks import TermEntry, Text, check_language, check_length, check_preserved, check_terms
from library.quality.messages import TEMPLATES, WHERE, render
from library.settings import load_settings

RU = Text("ru", "Итоги 2024 года", "", "<p>В 2023 году приняли 17 целей и 169 задач; доля выросла до 2,5 %.</p>"
          '<p>Подробнее на <a href="https://sdg.gov.kz/ru/goals">сайте</a> и по адресу info@sdg.kz.</p>')
KK_OK = Text("kk", "2024 жылдың қорытындылары", "",
             "<p>2023 жылы 17 мақсат пен 169 міндет қабылданды; үлесі 2,5 %-ға дейін өсті.</p>"
             '<p>Толығырақ <a href="https://sdg.gov.kz/kk/goals">сайттан</a> және info@sdg.kz мекенжайынан.</p>')


def codes(findings):
    return [(finding.code, finding.severity) for finding in findings]


def test_a_faithful_translation_has_no_preservation_findings() -> None:
    assert check_preserved(KK_OK, RU) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("2023 жылы", "Былтыр", [("year-missing", "error")]),
        ('<a href="https://sdg.gov.kz/kk/goals">сайттан</a>', "сайттан", [("url-missing", "error")]),
        ("info@sdg.kz", "поштадан", [("email-missing", "error")]),
        ("169 міндет", "көп міндет", [("number-missing", "warning")]),
        ("2,5 %", "2.5 %", []),  # the same number written with another decimal mark
        ("17 мақсат", "<strong>17</strong> мақсат", [("markup-changed", "warning")]),
    ],
)
def test_what_a_translation_must_keep(old: str, new: str, expected) -> None:
    target = Text("kk", KK_OK.title, "", KK_OK.body.replace(old, new))
    assert target.body != KK_OK.body
    assert codes(check_preserved(target, RU)) == expected


def test_missing_items_are_named() -> None:
    target = Text("kk", "Қорытындылар", "", '<p>Толығырақ сайттан.</p>')
    facts = {f.code: f.facts for f in check_preserved(target, RU)}
    assert facts["year-missing"] == {"years": ["2023", "2024"]}
    assert facts["url-missing"] == {"urls": ["https://sdg.gov.kz/ru/goals"]}
    assert facts["email-missing"] == {"emails": ["info@sdg.kz"]}
    assert facts["number-missing"] == {"numbers": ["2.5", "17", "169"]}


@pytest.mark.parametrize(
    ("written", "language", "canonical"),
    [
        ("1 000", "ru", ["1000"]),
        ("1\u00a0000\u00a0000", "kk", ["1000000"]),
        ("1,000,000", "en", ["1000000"]),
        ("2,5", "ru", ["2.5"]),
        ("2.5", "en", ["2.5"]),
        ("3.1.1", "ru", ["3.1.1"]),
        ("19.03.2024", "ru", ["19", "3", "2024"]),
    ],
)
def test_numbers_are_compared_as_each_language_writes_them(written: str, language: str, canonical) -> None:
    assert sorted(extract.numbers(f"<p>{written}</p>", language)) == sorted(canonical)


@pytest.mark.parametrize(
    ("source", "target", "same"),
    [
        ("https://sdg.gov.kz/ru/goals", "https://sdg.gov.kz/kk/goals", True),
        ("https://sdg.gov.kz/goals?lang=ru", "https://sdg.gov.kz/goals?lang=en", True),
        ("HTTPS://SDG.gov.kz/goals/", "https://sdg.gov.kz/goals", True),
        ("www.stat.gov.kz", "https://www.stat.gov.kz", True),
        ("https://sdg.gov.kz/goals", "https://sdg.gov.kz/indicators", False),
        ("https://sdg.gov.kz/Goals", "https://sdg.gov.kz/goals", False),  # paths are case-sensitive
    ],
)
def test_urls_are_the_same_link_in_another_language(source: str, target: str, same: bool) -> None:
    assert (extract.comparable_url(source) == extract.comparable_url(target)) is same


KK_BODY = ("<p>Отырыста мақсаттарға қол жеткізу барысы талқыланды.</p>"
           "<p>Заседание провела первый вице-министр национальной экономики.</p>"
           "<p>Келесі отырыс қарашада өтеді.</p>")


def test_a_russian_paragraph_in_a_kazakh_variant_is_an_error_naming_it() -> None:
    [finding] = check_language(Text("kk", "Отырыс өтті", "", KK_BODY))
    assert (finding.code, finding.severity) == ("wrong-language", "error")
    assert finding.facts["where"] == "paragraph" and finding.facts["number"] == 2
    assert finding.facts["found"] == "ru" and finding.facts["expected"] == "kk"
    assert finding.message == ("Paragraph 2 is in Russian, not in Kazakh: “Заседание провела первый "
                               "вице-министр национальной экономики.”")


def test_paragraphs_are_the_segmenters_and_numbered_as_the_workbench_numbers_them() -> None:
    """One segmenter (issue 18): a plain-text paragraph, a line break, a list item and a long paragraph
    cut into sentences for the translator are each one paragraph here, numbered as the segments' blocks."""
    from library.content.segments import segment_variant

    long_ru = " ".join(["Заседание провела первый вице-министр национальной экономики в Астане."] * 8)
    body = ("<p>Қазақстан Тұрақты даму мақсаттары бойынша екінші ерікті ұлттық шолуын ұсынды.</p>"
            "<p>Отчёт подготовлен при поддержке программы развития ООН.</p>\n\n"
            "Бұл мақала орыс және ағылшын тілдерінде де қолжетімді.<br>Келесі отырыс қарашада өтеді."
            f"<ul><li>Тізімдегі бірінші тармақ осында жазылған.</li></ul><p>{long_ru}</p>")
    found = check_language(Text("kk", "Отырыс өтті", "", body))
    assert [(f.code, f.facts["number"]) for f in found] == [("wrong-language", 2), ("wrong-language", 6)]
    segments = segment_variant("", "", body)
    assert [s.block for s in segments.segments if s.text.startswith(("Отчёт", "Заседание"))][:2] == [2, 6]
    assert len([s for s in segments.segments if s.block == 6]) == 8  # sentences for the translator
    assert [p.number for p in extract.parts("t", "", body) if p.where == "paragraph"] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (Text("en", "Meeting held", "", "<p>The group met. Заседание провела первый вице-министр.</p>"),
         [("wrong-language", "error")]),
        (Text("en", "Meeting held", "", "<p>The group (МРГ) met in Astana.</p>"), [("wrong-language", "warning")]),
        (Text("kk", "Meeting", "", "<p>Отырыс қарашада өтеді.</p>"), [("wrong-language", "warning")]),
        (Text("kk", "Отырыс өтті", "", "<p>Отырыс Бaнк ғимаратында өтеді.</p>"), [("mixed-script", "warning")]),
        # issue 18: product names, e-mail addresses, URLs, code and acronyms with endings are Kazakh
        (Text("kk", "Есеп", "", "<p>Кестені Microsoft Excel немесе LibreOffice Calc бағдарламасында ашыңыз.</p>"
                               "<p>Сұрақтарды info@stat.gov.kz мекенжайына жіберіңіз, толығырақ: "
                               "https://stat.gov.kz/kk/.</p><p>URLдың соңында қиғаш сызық болуы керек.</p>"
                               "<p>SDG-лердің орындалуы туралы PISA-2022 деректері Power BI-дағы есепте.</p>"
                               "<p>Үлгі файлы templates/article.html ішінде, баптаулар settings.py файлында.</p>"),
         []),
        (Text("ru", "Статистика", "", "<p>Заседание прошло в Астане.</p>"), []),
        (Text("kk", "Статистика", "", "<p>Отырыс Астанада өтті.</p>"), []),
    ],
)
def test_language_findings_and_their_severity(text: Text, expected) -> None:
    assert codes(check_language(text)) == expected


def test_code_elements_are_no_language_and_keep_the_paragraph_numbers() -> None:
    body = ("<p>Командасын <code>pip install library</code> іске қосыңыз.</p>"
            "<pre>library catalogs check --required kk</pre>"
            "<p>Файлды <kbd>Ctrl+S</kbd> арқылы сақтаңыз.</p>"
            "<p>Заседание провела первый вице-министр национальной экономики.</p>")
    [finding] = check_language(Text("kk", "Нұсқаулық", "", body))
    assert (finding.code, finding.facts["number"]) == ("wrong-language", 4)


def test_a_mixed_script_finding_names_only_the_look_alike_words() -> None:
    [finding] = check_language(Text("kk", "Отырыс", "", "<p>URLдың басында Бaнк, SDG-ге сәйкес.</p>"))
    assert finding.code == "mixed-script"
    assert finding.facts["words"] == ["Бaнк"]


def test_a_copy_of_the_source_is_an_error() -> None:
    copy = Text("kk", RU.title, RU.summary, RU.body)
    assert codes(check_language(copy, RU)) == [("identical-to-source", "error")]
    assert codes(check_language(Text("kk", "ЦУР", "", ""), Text("ru", "ЦУР", "", ""))) == []  # too short to tell


IWG = TermEntry("iwg", {"en": "Interdepartmental Working Group (IWG)", "ru": "Межведомственная рабочая группа (МРГ)",
                        "kk": "Ведомствоаралық жұмыс тобы (ВЖТ)"}, {"en": ("Ministry of Internal Affairs",)})
RU_IWG = Text("ru", "Заседание МРГ", "", "<p>Межведомственная рабочая группа обсудила доклад.</p>")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (Text("en", "IWG meeting", "", "<p>The Interdepartmental Working Group discussed the report.</p>"), []),
        (Text("en", "Meeting", "", "<p>The group discussed the report.</p>"), [("term-missing", "warning")]),
        (Text("en", "Meeting", "", "<p>The Ministry of Internal Affairs discussed the report.</p>"),
         [("term-forbidden", "error"), ("term-missing", "warning")]),
        (Text("kk", "ВЖТ отырысы", "", "<p>Ведомствоаралық жұмыс тобының отырысы өтті.</p>"), []),
    ],
)
def test_terms_of_the_source_and_forbidden_forms(target: Text, expected) -> None:
    assert codes(check_terms(target, RU_IWG, [IWG])) == expected


def test_a_forbidden_form_is_found_in_a_source_variant_too() -> None:
    english_source = Text("en", "News", "", "<p>The Ministry of Internal Affairs met.</p>")
    assert codes(check_terms(english_source, None, [IWG])) == [("term-forbidden", "error")]


@pytest.mark.parametrize(("kept", "flagged"), [(1.0, False), (0.9, False), (1.2, False), (0.7, True), (1.4, True)])
def test_length_ratio_outliers_are_warnings(kept: float, flagged: bool) -> None:
    source = Text("ru", "Заголовок", "", "<p>" + "слово " * 100 + "</p>")
    target = Text("kk", "Тақырып", "", "<p>" + "сөзіміз " * int(100 * kept * 6 / 8) + "</p>")
    assert codes(check_length(target, source)) == ([("length-ratio", "warning")] if flagged else [])


def test_short_sources_are_not_compared_by_length() -> None:
    assert check_length(Text("kk", "Иә"), Text("ru", "Да, конечно, это так и есть.")) == []


@pytest.fixture(scope="module")
def translators():
    settings = load_settings({})
    catalogs = Catalogs(language_registry(settings), settings.locales_dir)
    return {code: catalogs.translator(code) for code in ("en", "ru", "kk")}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Paragraph 2 is in Russian, not in Kazakh: “Заседание провела …”"),
        ("ru", "Абзац 2: язык текста — русский, а не казахский: «Заседание провела …»"),
        ("kk", "2-абзац: мәтін тілі — орыс тілі, қазақ тілі емес: «Заседание провела …»"),
    ],
)
def test_messages_are_rendered_in_the_readers_language(translators, language: str, expected: str) -> None:
    facts = {"where": "paragraph", "number": 2, "excerpt": "Заседание провела …", "expected": "kk", "found": "ru"}
    assert render("wrong-language", facts, translators[language]) == expected


def test_every_template_is_translated(translators) -> None:
    for language in ("ru", "kk"):
        for template in [*TEMPLATES.values(), *WHERE.values()]:
            assert translators[language].gettext(template) != template, (language, template)
