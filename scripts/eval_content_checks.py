"""Figures for the content checks on the demo library: false alarms, faults caught, length ratios, time.

Usage: .venv/bin/python scripts/eval_content_checks.py [--sweep]

Every translation of the demo is checked against the source text it was translated from, as saved
(sanitised HTML), with the demo term base. Then faults are planted one at a time in copies of each
translation, and the script counts how many the checks catch: a Russian (or, in Russian variants,
English) paragraph pasted over the second paragraph, each year dropped, each link dropped, the
shortest paragraph dropped (length ratio), the English name of the IWG replaced by "the Ministry of
Internal Affairs". ``--sweep`` prints how many dropped paragraphs each low length threshold catches.
No database is used.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from library.content.segments import segment_variant  # noqa: E402
from library.content.text import sanitise_html  # noqa: E402
from library.demo.loader import DATA, read_demo  # noqa: E402
from library.quality import checks, extract, termfiles  # noqa: E402
from library.quality.checks import TermEntry, Text, check_text  # noqa: E402

_PARAGRAPH = re.compile(r"<p>.*?</p>", re.DOTALL)


def _text(language: str, fields: dict) -> Text:
    return Text(language, fields["title"].strip(), fields.get("summary", "").strip(),
                sanitise_html(fields.get("body", "")))


def _pairs() -> list[tuple[str, Text, Text]]:
    """(article slug, source as translated from, translation) for every translation of the demo."""
    _, articles = read_demo()
    pairs = []
    for article in articles:
        source_language, variants = article["source_language"], article["variants"]
        earlier = article.get("previous_source")
        for language, fields in variants.items():
            if language == source_language:
                continue
            made_from = earlier if earlier and fields.get("translated_from") != "current" else variants[source_language]
            pairs.append((article["slug"], _text(source_language, made_from), _text(language, fields)))
    return pairs


def _terms() -> list[TermEntry]:
    rows = termfiles.read_csv((DATA / "terms.csv").read_text(encoding="utf-8"))
    return [TermEntry(t.key, {k: v for k, v in t.forms.items() if v}, t.forbidden) for t in rows]


def _with_body(text: Text, body: str) -> Text:
    return Text(text.language, text.title, text.summary, body)


def _caught(findings, code: str) -> bool:
    return any(f.code == code for f in findings)


def _faults(source: Text, target: Text, terms) -> Counter:
    counts: Counter = Counter()
    target_paragraphs, source_paragraphs = _PARAGRAPH.findall(target.body), _PARAGRAPH.findall(source.body)
    if len(target_paragraphs) >= 2 and len(source_paragraphs) >= 2:
        pasted = _with_body(target, target.body.replace(target_paragraphs[1], source_paragraphs[1]))
        found = check_text(pasted, source, terms)
        counts["pasted paragraph", _caught([f for f in found if f.is_error], "wrong-language")] += 1
    for year in sorted(extract.years(target.body)):
        # A year also in the title or summary is not dropped by removing it from the body.
        if year in extract.years(source.markup) and year not in extract.years(f"{target.title} {target.summary}"):
            dropped = _with_body(target, re.sub(rf"(?<!\d){year}(?!\d)", "", target.body))
            counts["dropped year", _caught(check_text(dropped, source, terms), "year-missing")] += 1
    for link in re.findall(r"<a [^>]*>.*?</a>", target.body):
        dropped = _with_body(target, target.body.replace(link, re.sub(r"<[^>]+>", "", link)))
        counts["dropped link", _caught(check_text(dropped, source, terms), "url-missing")] += 1
    if target.language == "en" and re.search(r"IWG|Interdepartmental", target.markup):
        swap = re.compile(r"(?:the )?Interdepartmental Working Groups?(?: \(IWGs?\))?|IWGs?")
        changed = Text("en", *(swap.sub("the Ministry of Internal Affairs", part)
                               for part in (target.title, target.summary, target.body)))
        caught = _caught(check_text(changed, source, terms), "term-forbidden")
        counts["IWG as Ministry of Internal Affairs", caught] += 1
    return counts


def _dropped_shortest(source: Text, target: Text) -> float | None:
    parts = [text for _, text in segment_variant("", "", target.body, plain=True).paragraphs()]
    if len(parts) < 2:
        return None
    shortest = min(parts, key=len)
    body = "".join(f"<p>{part}</p>" for part in parts if part is not shortest)
    return (extract.text_length(target.title, target.summary, body)
            / extract.text_length(source.title, source.summary, source.body))


def main(sweep: bool) -> None:
    pairs, terms = _pairs(), _terms()
    check_text(pairs[0][2], pairs[0][1], terms)  # loads the language model once
    started = time.process_time()
    false_alarms = [(slug, t.language, f.code, f.message) for slug, s, t in pairs for f in check_text(t, s, terms)]
    elapsed = (time.process_time() - started) / len(pairs)
    print(f"{len(pairs)} translations of the demo library checked, {elapsed * 1000:.1f} ms of CPU each (after warm-up)")
    print(f"findings on the demo as published: {len(false_alarms)}")
    for alarm in false_alarms:
        print("  ", *alarm)
    ratios = defaultdict(list)
    for _, source, target in pairs:
        ratios[source.language, target.language].append(
            extract.text_length(target.title, target.summary, target.body)
            / extract.text_length(source.title, source.summary, source.body))
    print("\nlength ratio (translation / source, visible characters):")
    for (source_language, target_language), values in sorted(ratios.items()):
        print(f"  {source_language}->{target_language}: n={len(values):2}  min {min(values):.3f}  "
              f"median {statistics.median(values):.3f}  max {max(values):.3f}")
    low, high = checks.LENGTH_RATIO
    print(f"  range used for every pair: {low:.2f} to {high:.2f}")
    faults: Counter = Counter()
    for _, source, target in pairs:
        faults += _faults(source, target, terms)
    print("\nplanted faults caught:")
    for kind in sorted({kind for kind, _ in faults}):
        caught, total = faults[kind, True], faults[kind, True] + faults[kind, False]
        print(f"  {kind:36} {caught:3} of {total:3} ({100 * caught / total:.0f}%)")
    dropped = [r for _, s, t in pairs if (r := _dropped_shortest(s, t)) is not None]
    flagged = sum(not low <= r <= high for r in dropped)
    print(f"  {'shortest paragraph dropped (length)':36} {flagged:3} of {len(dropped):3} "
          f"({100 * flagged / len(dropped):.0f}%); ratios {min(dropped):.3f}-{max(dropped):.3f}")
    if sweep:
        print("\nlow threshold: dropped shortest paragraphs caught")
        for low in (0.95, 0.9, 0.85, 0.8, 0.75, 0.7):
            print(f"  {low:.2f}: {sum(r < low for r in dropped)} of {len(dropped)}")


if __name__ == "__main__":
    main("--sweep" in sys.argv[1:])
