"""The term base as CSV and TBX files: round trips, files from CAT tools, and files refused."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from library.quality import termfiles
from library.quality.errors import InvalidTermFile
from library.quality.terms import TermData

LANGUAGES = ("en", "ru", "kk")
TERMS = [
    TermData("iwg", {"en": "Interdepartmental Working Group (IWG)", "ru": "Межведомственная рабочая группа (МРГ)",
                     "kk": "Ведомствоаралық жұмыс тобы (ВЖТ)"},
             {"en": ["Ministry of Internal Affairs", "Interagency Task Force"]},
             'One of five groups.\nNot "the Ministry", ever; commas, | pipes & <angle brackets> survive.'),
    TermData("sdg", {"en": "Sustainable Development Goals (SDG)", "ru": "Цели устойчивого развития (ЦУР)"}),
    TermData("akimat", {"kk": "әкімдік", "ru": "акимат"}, {"kk": ["акимат"]}),
]


def _cleaned(terms):
    return [term.cleaned(LANGUAGES) for term in terms]


def test_csv_round_trip() -> None:
    text = termfiles.write_csv(TERMS, LANGUAGES)
    assert _cleaned(termfiles.read_csv(text)) == _cleaned(TERMS)
    assert termfiles.write_csv(_cleaned(termfiles.read_csv(text)), LANGUAGES) == text


def test_tbx_round_trip() -> None:
    data = termfiles.write_tbx(TERMS, LANGUAGES)
    terms, warnings = termfiles.read_tbx(data)
    assert warnings == [] and _cleaned(terms) == _cleaned(TERMS)
    assert termfiles.write_tbx(_cleaned(terms), LANGUAGES) == data


def test_tbx_is_tbx_basic_in_the_martif_structure() -> None:
    root = ET.fromstring(termfiles.write_tbx(TERMS, LANGUAGES))
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"
    assert root.find("martifHeader/fileDesc/sourceDesc/p") is not None
    entry = root.find("text/body/termEntry[@id='iwg']")
    lang_sets = entry.findall("langSet")
    assert [ls.get(termfiles.XML_LANG) for ls in lang_sets] == ["en", "ru", "kk"]
    statuses = [(tig.findtext("term"), tig.findtext("termNote[@type='administrativeStatus']"))
                for tig in lang_sets[0].findall("tig")]
    assert statuses == [("Interdepartmental Working Group (IWG)", "preferredTerm-admn-sts"),
                        ("Ministry of Internal Affairs", "deprecatedTerm-admn-sts"),
                        ("Interagency Task Force", "deprecatedTerm-admn-sts")]


MEMOQ_LIKE = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">
<martif type="TBX" xml:lang="en-US"><martifHeader><fileDesc><sourceDesc><p>memoQ</p></sourceDesc></fileDesc>
</martifHeader><text><body>
<termEntry id="c5">
  <descrip type="definition">The five SDG working groups</descrip>
  <langSet xml:lang="en-US"><ntig><termGrp><term>Interdepartmental Working Group</term></termGrp></ntig>
    <ntig><termGrp><term>IWG</term></termGrp></ntig></langSet>
  <langSet xml:lang="ru-RU"><tig><term>Межведомственная рабочая группа</term></tig></langSet>
  <langSet xml:lang="kk-KZ"><tig><term>Ішкі істер министрлігі</term>
    <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
    <tig><term>Ведомствоаралық жұмыс тобы</term></tig></langSet>
</termEntry>
<termEntry><langSet xml:lang="en"><tig><term>Coordination Council</term></tig></langSet></termEntry>
</body></text></martif>""".encode()

TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
<tbxHeader><fileDesc><sourceDesc><p>v3</p></sourceDesc></fileDesc></tbxHeader>
<text><body><conceptEntry id="vnr">
  <langSec xml:lang="en"><termSec><term>Voluntary National Review (VNR)</term></termSec></langSec>
  <langSec xml:lang="ru"><termSec><term>Добровольный национальный обзор (ДНО)</term>
    <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec></langSec>
</conceptEntry></body></text></tbx>""".encode()


def test_a_memoq_style_file_is_read_with_warnings_for_what_is_left_out() -> None:
    terms, warnings = termfiles.read_tbx(MEMOQ_LIKE)
    assert _cleaned(terms) == _cleaned([
        TermData("c5", {"en": "Interdepartmental Working Group", "ru": "Межведомственная рабочая группа",
                        "kk": "Ведомствоаралық жұмыс тобы"}, {"kk": ["Ішкі істер министрлігі"]},
                 "The five SDG working groups"),
        TermData("coordination-council", {"en": "Coordination Council"}),
    ])
    assert [str(w) for w in warnings] == [
        "entry 1 (c5): a second en term 'IWG' was left out (one form per language; "
        "the first, 'Interdepartmental Working Group', is kept)"]


def test_a_tbx_v3_file_is_read() -> None:
    terms, _ = termfiles.read_tbx(TBX3)
    assert _cleaned(terms) == _cleaned([TermData("vnr", {"en": "Voluntary National Review (VNR)",
                                                         "ru": "Добровольный национальный обзор (ДНО)"})])


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<martif><text><body><termEntry>", "not well-formed"),
        (b"<glossary/>", "not <martif> or <tbx>"),
        (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><martif>&a;</martif>', "entities"),
        (b'<martif><text><body><termEntry><langSet><tig><term>x</term></tig></langSet></termEntry></body></text>'
         b'</martif>', "no xml:lang"),
    ],
)
def test_unreadable_tbx_is_refused_with_a_reason(data: bytes, words: str) -> None:
    with pytest.raises(InvalidTermFile, match=words):
        termfiles.read_tbx(data)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("key,english\n", "column 'english'"),
        ("key,en,en\n", "twice"),
        ("key,en\nsdg,SDG,extra\n", "Line 2 has 3 cells"),
    ],
)
def test_malformed_csv_is_refused_with_a_reason(text: str, words: str) -> None:
    with pytest.raises(InvalidTermFile, match=words):
        termfiles.read_csv(text)


def test_csv_from_excel_with_a_byte_order_mark_and_blank_lines() -> None:
    terms = termfiles.read_csv("\ufeffKey,EN,ru,forbidden_en\n\nsdg,SDG, ЦУР ,SDGs | Global Goals\n,,,\n")
    assert _cleaned(terms) == [TermData("sdg", {"en": "SDG", "ru": "ЦУР"}, {"en": ["SDGs", "Global Goals"]})]
