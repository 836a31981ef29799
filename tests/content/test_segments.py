"""The segmenter (issue 18): a variant cut into segments with protected tokens, and put back together with
the source's markup, whatever the translator does with the text between the tokens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from library.content import segments
from library.content.segments import SegmentRejected, segment_id, segment_variant, token_problem
from tests.linear import superlinear

DEMO = Path(__file__).resolve().parents[2] / "library" / "demo" / "data"
LINKED = '<p>See the <a href="https://sdg.gov.kz/goals">Goals</a> page and <em>the <b>indicators</b></em>.</p>'


def demo_variants():
    for name in ("part1.json", "part2.json"):
        for article in json.loads((DEMO / name).read_text(encoding="utf-8"))["articles"]:
            for language, variant in article["variants"].items():
                yield f"{article['slug']}:{language}", variant


def one(body: str) -> segments.Segment:
    found = segment_variant("", "", body).of("body")
    assert len(found) == 1, found
    return found[0]


def test_title_summary_and_each_block_are_segments_in_reading_order():
    s = segment_variant("Title", "Summary.", "<h2>Head</h2><p>One.</p><ul><li>First</li><li>Second</li></ul>"
                        "<table><tr><td>Cell</td></tr></table>")
    assert [(x.field, x.kind, x.block, x.text) for x in s.segments] == [
        ("title", "title", 0, "Title"), ("summary", "summary", 0, "Summary."), ("body", "h2", 1, "Head"),
        ("body", "p", 2, "One."), ("body", "li", 3, "First"), ("body", "li", 4, "Second"),
        ("body", "td", 5, "Cell")]


def test_inline_markup_becomes_numbered_tokens_and_comes_back_from_the_source():
    segment = one(LINKED)
    assert segment.text == "See the {1}Goals{/1} page and {2}the {3}indicators{/3}{/2}."
    assert [c.tag for c in segment.codes] == ["a", "em", "b"]
    assert segment.plain == "See the Goals page and the indicators."
    s = segment_variant("", "", LINKED)
    # The translator moves the tokens; the link and its href come from the source.
    built = s.rebuild({segment.id: "{2}{3}Көрсеткіштер{/3} мен{/2} {1}Мақсаттар{/1} бетін қараңыз."})
    assert built["body"] == ('<p><em><b>Көрсеткіштер</b> мен</em> <a href="https://sdg.gov.kz/goals">Мақсаттар</a> '
                             'бетін қараңыз.</p>')


def test_lone_tags_and_tags_split_by_a_block_are_lone_tokens():
    s = segment_variant("", "", '<p><img src="a.png" alt="map"> Map<br/>of <b>the</p>')
    assert [x.text for x in s.of("body")] == ["{1/} Map", "of {1/}the"]
    built = s.rebuild({s.segments[0].id: "Карта {1/}", s.segments[1].id: "{1/}туралы"})
    assert built["body"] == '<p>Карта <img src="a.png" alt="map"><br/><b>туралы</p>'


def test_the_source_rebuilt_from_its_own_segments_is_the_source_for_every_demo_variant():
    count = 0
    for name, variant in demo_variants():
        s = segment_variant(variant["title"], variant.get("summary", ""), variant["body"])
        assert s.rebuild({x.id: x.text for x in s.segments}) == {
            "title": variant["title"], "summary": variant.get("summary", ""), "body": variant["body"]}, name
        count += 1
    assert count > 100


@pytest.mark.parametrize(("body", "rebuilt_as"), [
    ("<p>Tom &amp; Jerry &lt;3</p>", "<p>Tom &amp; Jerry &lt;3</p>"),
    ("<p>a&nbsp;b</p>", "<p>a\u00a0b</p>"),  # entities are decoded for the translator, escaped again on the way back
    ("\n  <p>\n  Spaced\n  text\n</p>\n", "\n  <p>\n  Spaced text\n</p>\n"),
    ("Plain text body.\n\nSecond paragraph.", "Plain text body.\n\nSecond paragraph."),
    ("<div>Loose <p>Nested</p> tail</div>", "<div>Loose <p>Nested</p> tail</div>"),
    ("<p><b></b> Empty pair</p>", "<p><b></b> Empty pair</p>"),
    ("", ""),
    ("<p> </p>", "<p> </p>"),
])
def test_markup_and_white_space_around_segments_survive(body, rebuilt_as):
    s = segment_variant("", "", body)
    assert s.rebuild({x.id: x.text for x in s.segments})["body"] == rebuilt_as


def test_text_that_looks_like_a_token_is_protected_as_a_token_of_its_own():
    segment = one("<p>Write {1} or {/2}{3/} here, <b>bold</b></p>")
    assert segment.text == "Write {1/} or {2/} here, {3}bold{/3}"
    assert segment.plain == "Write {1} or {/2}{3/} here, bold"
    s = segment_variant("", "", "<p>Write {1} or {/2}{3/} here, <b>bold</b></p>")
    assert s.rebuild({segment.id: "{3}Жуан{/3}: {1/} не {2/}"})["body"] == "<p><b>Жуан</b>: {1} не {/2}{3/}</p>"


def test_a_title_is_plain_text_and_stays_plain():
    s = segment_variant("R&D <news> {2}", "", "")
    assert s.segments[0].text == "R&D <news> {1/}"
    assert s.rebuild({s.segments[0].id: "Ғ&Т <жаңалық> {1/}"})["title"] == "Ғ&Т <жаңалық> {2}"


def test_what_a_translator_types_is_text_never_markup():
    s = segment_variant("", "", "<p>Hello</p>")
    assert s.rebuild({s.segments[0].id: '<script>alert(1)</script> & <a href="x">'})["body"] == (
        '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;a href="x"&gt;</p>')


@pytest.mark.parametrize(("translation", "problem"), [
    ("Мақсаттар {1}беті{/1} {2}және {3}көрсеткіштер{/3}", "the tokens of the source are missing: {/2}"),
    ("{1}Мақсаттар{/1} {2}{3}x{/3}{/2} {1}", "the token {1} is there twice"),
    ("{1}a{/1} {2}{3}b{/3}{/2} {4}", "the token {4} is not in the source"),
    ("{1}a{/1} {2}{3}b{/2}{/3}", "the token {/2} closes what is not open"),
    ("{/1}a{1} {2}{3}b{/3}{/2}", "the token {/1} closes what is not open"),
    ("{1/}a {2}{3}b{/3}{/2}", "the token {1/} is not in the source"),
    ("{/1/}a {2}{3}b{/3}{/2}", "the token {/1/} is not in the source"),
    ("", "the tokens of the source are missing: {1} {/1} {2} {/2} {3} {/3}"),
])
def test_a_broken_token_is_refused_with_the_reason(translation, problem):
    segment = one(LINKED)
    template, facts = token_problem(segment, translation)
    assert template.format(**facts) == problem
    s = segment_variant("", "", LINKED)
    with pytest.raises(SegmentRejected) as raised:
        s.rebuild({segment.id: translation or "x"})
    assert raised.value.segment == segment


def test_a_lone_token_written_as_a_pair_is_refused():
    segment = one('<p><img src="a"> map</p>')
    assert token_problem(segment, "{1}карта") == (segments.N_("the token {token} is not in the source"),
                                                   {"token": "{1}"})
    assert token_problem(segment, "{1/} карта") is None


def test_a_missing_translation_is_refused_unless_the_source_or_nothing_may_stand_in():
    s = segment_variant("Title", "", "<p>One.</p><p>Two.</p>")
    translations = {s.segments[0].id: "Тақырып", s.segments[1].id: "Бір."}
    with pytest.raises(SegmentRejected) as raised:
        s.rebuild(translations)
    assert raised.value.segment.text == "Two." and str(raised.value) == "the segment is not translated"
    assert s.rebuild(translations, missing="source")["body"] == "<p>Бір.</p><p>Two.</p>"
    assert s.rebuild(translations, missing="empty")["body"] == "<p>Бір.</p><p></p>"


def test_many_missing_tokens_are_named_up_to_a_bound():
    segment = one("<p>" + "<b>x</b>" * 50 + "</p>")
    _, facts = token_problem(segment, "x")
    assert facts["tokens"].endswith(" …") and len(facts["tokens"].split()) == segments.MAX_NAMED + 1


LONG = ("Бірінші сөйлем жеткілікті ұзын болуы керек, сондықтан ол бірнеше сөзден тұрады және ол туралы көп айтылады. "
        "Екінші сөйлемде 2015 ж. қабылданған құжат және Н. Назарбаев аталады, т.б. қысқартулар бар. "
        "Үшінші сөйлем <a href=\"/x\">сілтеме ішінде. Бөлінбейді</a> және сұрақпен аяқталады ма? "
        "«Төртінші» сөйлем тырнақшадан басталады! 5-сөйлем саннан басталады және мұнда бітеді. ") * 2


def test_a_long_paragraph_is_cut_into_sentences_and_put_back_with_its_spaces():
    assert len(LONG) > segments.LONG_PARAGRAPH
    s = segment_variant("", "", f"<p>{LONG.strip()}</p>")
    texts = [x.text for x in s.segments]
    assert texts[:5] == [
        "Бірінші сөйлем жеткілікті ұзын болуы керек, сондықтан ол бірнеше сөзден тұрады және ол туралы көп айтылады.",
        "Екінші сөйлемде 2015 ж. қабылданған құжат және Н. Назарбаев аталады, т.б. қысқартулар бар.",
        "Үшінші сөйлем {1}сілтеме ішінде. Бөлінбейді{/1} және сұрақпен аяқталады ма?",
        "«Төртінші» сөйлем тырнақшадан басталады!",
        "5-сөйлем саннан басталады және мұнда бітеді.",
    ]
    assert len(texts) == 10 and texts[5:] == texts[:5]  # a pair in a later sentence is still a pair
    assert {x.block for x in s.segments} == {1} and [x.sentence for x in s.segments] == list(range(1, 11))
    assert s.rebuild({x.id: x.text for x in s.segments})["body"] == f"<p>{LONG.strip()}</p>"
    assert s.paragraphs() == [(1, " ".join(x.plain for x in s.segments))]


def test_a_short_paragraph_stays_whole():
    segment = one("<p>Бірінші сөйлем. Екінші сөйлем.</p>")
    assert segment.text == "Бірінші сөйлем. Екінші сөйлем."


def test_ids_follow_the_text_so_an_edit_changes_only_its_own_segment():
    old = segment_variant("Title", "", "<p>One.</p><p>Two.</p><p>Three.</p>")
    new = segment_variant("Title", "", "<p>One.</p><p>New paragraph.</p><p>Two, changed.</p><p>Three.</p>")
    old_ids = {x.id for x in old.segments}
    assert [x.id in old_ids for x in new.segments] == [True, True, False, False, True]
    # Markup attributes and spacing do not change an id; the text does.
    assert one('<p>See <a href="/a">this</a></p>').id == one('<p>See  <a href="/b">this</a>\n</p>').id
    assert one("<p>See <a>this</a></p>").id != one("<p>See <a>that</a></p>").id
    assert one("<p>One.</p>").id == segment_id("body", " One. ")


def test_repeated_text_gets_distinct_ids_in_order():
    s = segment_variant("Same", "", "<p>Same</p><p>Other</p><p>Same</p>")
    ids = [x.id for x in s.segments]
    assert len(set(ids)) == 4
    assert ids[3] == ids[1] + "~2" and ids[0].startswith("title-") and ids[1].startswith("body-")


def test_a_limit_keeps_the_first_paragraphs():
    s = segment_variant("T", "", "".join(f"<p>P{n}</p>" for n in range(1, 11)), limit=3)
    assert [x.text for x in s.of("body")] == ["P1", "P2", "P3"]


@pytest.mark.parametrize("body", [
    "<p>" * 50_000, "</p>" * 50_000, "<b>" * 50_000, "</b>" * 50_000, "<div>" * 20_000 + "</p>" * 20_000,
    "{1}" * 50_000, "\n\n" * 50_000, "<p>a</b>b<i>c</p>" * 10_000, "<b>a</b>" * 20_000,
])
def test_hostile_bodies_come_back_unchanged(body):
    s = segment_variant("", "", body)
    assert s.rebuild({x.id: x.text for x in s.segments})["body"] == body


def test_a_broken_tag_is_text_and_comes_back_escaped():
    # A saved body never holds one (it is sanitised on save); were it to, the rebuilt body is safer.
    s = segment_variant("", "", "<p><a href='x'<a href='x'</p>")
    assert s.segments[0].text == "<a href='x'<a href='x'"
    assert s.rebuild({s.segments[0].id: s.segments[0].text})["body"] == "<p>&lt;a href='x'&lt;a href='x'</p>"


#: What makes the most tokens and segments per byte, each repeated to 1 MB.
HOSTILE_UNITS = ["<b>a</b>", "<a>x</a>\n\n", "<i><b>", "</b>", "<p>", "{1}a", "a. B ", "<li>x<br>"]


@pytest.mark.parametrize("unit", HOSTILE_UNITS)
def test_a_megabyte_of_hostile_body_is_cut_and_rebuilt_in_linear_time(unit):
    """Timed, as `tests/languages/test_linear.py` is (issue 13): a body of 1 MB whose every few bytes make a
    token or a segment costs about a microsecond per byte (three seconds of CPU is far from the minutes a
    quadratic step would take, and from the time a real body of 1 MB takes; over it, on a busy machine,
    the time must still grow linearly: `tests.linear`)."""
    body = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    rebuilt = {}

    def cut_and_rebuild(text: str) -> None:
        s = segment_variant("", "", text)
        rebuilt[len(text)] = s.rebuild({x.id: x.text for x in s.segments})["body"]

    measured = superlinear(cut_and_rebuild, body, 3.0)
    assert measured is None, f"slower than linear on 1 MB of {unit!r}: {measured}"
    assert len(rebuilt[len(body)]) >= len(body) - 2  # the last unit may be cut in the middle of a tag


# --- a translation matched back to its source, segment by segment ---------------------------------------

SOURCE = ("Заголовок", "Кратко.", '<p>Один <a href="/x">два</a> <em>три</em>.</p><ul><li>Четыре</li><li>Пять</li></ul>'
          f"<p>{LONG.strip()}</p>")


def kk_of(source: segments.Segmentation) -> dict[str, str]:
    """A "translation" of every segment: the source's text with its tokens, marked."""
    return {s.id: f"ҚАЗ {s.text}" for s in source.segments}


def test_align_finds_every_segment_of_a_translation_rebuilt_from_the_source():
    source = segment_variant(*SOURCE)
    translated = source.rebuild(kk_of(source))
    assert segments.align(source, segments.segment_text(translated)) == kk_of(source)


def test_align_finds_the_segments_of_a_draft_with_empty_ones_and_tokens_moved():
    source = segment_variant(*SOURCE)
    body = [s for s in source.of("body")]
    draft = {source.segments[0].id: "Тақырып", body[0].id: "{2}Үш{/2}, {1}екі{/1}, бір.", body[3].id: "Бірінші."}
    rebuilt = source.rebuild(draft, missing="empty")
    assert segments.align(source, segments.segment_text(rebuilt)) == draft


def test_align_cuts_a_short_translation_of_a_long_paragraph_into_its_sentences():
    source = segment_variant("", "", f"<p>{LONG.strip()}</p>")
    short = {s.id: f"{n}-сөйлем {''.join(s.tokens)}." for n, s in enumerate(source.segments, start=1)}
    rebuilt = source.rebuild(short)
    assert len(segments.segment_text(rebuilt).segments) == 1  # too short to be cut by itself
    assert segments.align(source, segments.segment_text(rebuilt)) == short


def test_align_gives_a_paragraph_whole_to_its_first_sentence_when_it_cannot_be_cut_alike():
    source = segment_variant("", "", f"<p>{LONG.strip()}</p>")
    found = segments.align(source, segment_variant("", "", "<p>Бір ғана сөйлем</p>"))
    assert found == {source.segments[0].id: "Бір ғана сөйлем"}


def test_align_keeps_tokens_by_the_markup_they_stand_for_and_drops_unknown_ones():
    source = segment_variant("", "", '<p>A <a href="/x">link</a> and <b>bold</b>.</p>')
    found = segments.align(source, segment_variant("", "", '<p><b>Жуан</b> <i>бұл</i> <a href="/x">сілтеме</a>.</p>'))
    assert found == {source.segments[0].id: "{2}Жуан{/2} бұл {1}сілтеме{/1}."}


def test_align_pairs_the_filled_paragraphs_when_the_structure_differs_only_by_empty_ones():
    source = segment_variant("", "", "<p>One</p><p>Two</p>")
    found = segments.align(source, segment_variant("", "", "<p>Бір</p><p></p><p>Екі</p><br>"))
    assert found == {source.segments[0].id: "Бір", source.segments[1].id: "Екі"}
    assert segments.align(source, segment_variant("", "", "<p>Бір екі үш</p>")) == {}
