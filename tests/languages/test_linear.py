"""Every pattern run on user text takes linear time (issue 13): each entry point that reads a writer's
text gets 1 MB of the inputs that made the old patterns quadratic, and must finish within a second,
or, on a busy machine, take no more than linear time from a quarter of it to the whole (`tests.linear`).

One of the rare timed tests, because the issue asks for the bound: "a." * 8000 (16 KB) took 27 s to
save. A quadratic pattern takes minutes on 1 MB, so a second is far from both sides.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from lxml import etree

from library.catalogs import checks as catalog_checks
from library.catalogs.placeholders import mismatch, strip_placeholders
from library.content import segments
from library.content.text import count_words, plain_text
from library.languages import detect, kk_latin
from library.languages.neutral import empty_code_elements, strip_neutral
from library.quality import checks, extract, matching
from library.quality.interface import language_problems
from library.workflow import diff
from library.workflow.exchange import markup, xliff
from tests.linear import superlinear

MEGABYTE = 1_000_000
BOUND = 1.0
#: Repeated to 1 MB: what defeated the old patterns (scans to the end from every start) and more.
UNITS = ["a.", "A. ", "a. B ", "{1}", "{1}a", "</b>", "<div>", "</p>", "<i><b>", "<b>a</b>",
         "a@", "http://", "<", "<a ", "<a href=\"", "<b><i>", "<pre>", "<!--", "%(", "{", "{{", "{%", "&#",
         "www.", "a-", "1.", "1 ", "a.kz.", "@a.", " ", "(", "\\\"", "a@a.", "а.", "Ә ",
         # issue 18: code tokens, backticks, calls, Latin stems with endings
         "`", "`a", "a_", "a/", "/a", "a\\", "a()", "a.b_", "~/", "URLдың ", "Aға ", "-ге ", "Ab ", "<code>a",
         "<kbd></kbd>"]
TERMS = [checks.TermEntry("sdg", {"en": "Sustainable Development Goals (SDG)", "ru": "цели устойчивого развития (ЦУР)",
                                  "kk": "тұрақты даму мақсаттары (ТДМ)"}, {"kk": ["устойчивого"]})]
LINKED = segments.segment_variant("", "", '<p><a href="/">a</a> <b>b</b> <img src="i"></p>').segments[0]
CATALOG = catalog_checks._Catalog("kk", Path("kk.po"), polib.POFile(), None, True)


def _entry(text: str) -> polib.POEntry:
    return polib.POEntry(msgid="Hello, %(name)s: {count}", msgstr=text)


ENTRY_POINTS: dict[str, Callable[[str], object]] = {
    "strip_neutral": strip_neutral,
    "empty_code_elements": empty_code_elements,
    "detect.check kk": lambda text: detect.check(text, "kk", source="Sustainable Development"),
    "detect.check en": lambda text: detect.check(text, "en"),
    "check_language": lambda text: checks.check_language(checks.Text("kk", text[:200], text[:200], text)),
    "check_preserved": lambda text: checks.check_preserved(checks.Text("kk", "t", "", text),
                                                           checks.Text("ru", "t", "", text)),
    "check_length": lambda text: checks.check_length(checks.Text("kk", "t", "", text),
                                                     checks.Text("ru", "t", "", text)),
    "check_terms": lambda text: checks.check_terms(checks.Text("kk", "t", "", text), checks.Text("ru", "t", "", text),
                                                   TERMS),
    "term alternatives": matching.alternatives,
    "extract.urls+emails+numbers": lambda text: (extract.urls(text), extract.emails(text), extract.numbers(text, "en")),
    "exchange markup": lambda text: markup.markup_problem(text, text),
    "xliff inline codes": lambda text: xliff._fill(etree.Element("source"), text, LINKED),
    "catalog placeholders": lambda text: (mismatch(text, text), strip_placeholders(text)),
    "catalog checks": lambda text: (list(catalog_checks.check_placeholders(CATALOG, _entry(text))),
                                    list(catalog_checks.check_language(CATALOG, _entry(text), language_problems))),
    "kk Latin": kk_latin.to_latin,
    "word count": lambda text: (count_words(text), plain_text(text)),
    "segmenter summary": lambda text: segments.segment_variant(text[:1000], text, ""),
    "segment tokens": lambda text: segments.render(LINKED, text),
    "source diff": lambda text: diff.field_diffs({"body": text}, {"body": text + "x"}, old_label="a", new_label="b"),
}


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_each_entry_point_takes_linear_time_on_a_megabyte_of_hostile_text(name: str) -> None:
    entry = ENTRY_POINTS[name]
    slow = {}
    for unit in UNITS:
        text = (unit * (MEGABYTE // len(unit) + 1))[:MEGABYTE]
        measured = superlinear(entry, text, BOUND)
        if measured:
            slow[unit] = measured
    assert not slow, f"{name} is slower than linear on 1 MB of: {slow}"


def test_the_growth_check_tells_a_square_from_a_line() -> None:
    """The fallback of `tests.linear` on a busy machine: a scan from every start (quadratic, in C) is
    caught by its growth, and a linear step over its bound is not.

    The scan looks for two letters, which the search tries at every place: the square is nearly all
    of its time (16x from a quarter to the whole). For one letter, found with memchr, the square was
    so fast that the call per start was a large part of it, and the quarter under `FLOOR`: 10.6x on
    a quiet machine, and once under the limit in a full run."""
    def from_every_start(text: str) -> list[int]:
        return [text.find("ab", i) for i in range(len(text))]

    assert superlinear(from_every_start, "a" * 36_000, 0.1) is not None
    assert superlinear(lambda text: sum(1 for c in text if c == "a"), "a" * 4_000_000, 0.0) is None
