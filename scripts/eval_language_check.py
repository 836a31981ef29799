"""Evaluate the language detector (`library.languages.detect`) on the labelled en/ru/kk set.

Every labelled text is checked in its own language (a false alarm there is a finding on a genuine text)
and placed in each other language (a Russian sentence in a Kazakh variant must be caught). Prints the
confusion matrix of `identify`, the slot table of `check`, the rates the issue asks for, the "unsure"
rate per length, and the time per call and memory of the statistical model.

Then the two checks users meet, each text placed in a Kazakh slot (issue 18): the catalog check
(`library.quality.interface.language_problems` on a PO entry, as ``library catalogs check`` runs it)
and the content check (`library.quality.checks.check_language` on a variant's paragraph). Per set of
the labelled data (language and kind): flagged (a finding: a false alarm for Kazakh, a catch for
Russian), unsure, ok. Kinds: "ui" and "sentence" written for the project; "inline" Kazakh with
acronyms and names with case endings, code, file names, paths, e-mail addresses, URLs and product
names; "third-party" Kazakh strings with Latin inside from Django 5.2's kk catalogs (BSD licence,
Django's translators; ``origin`` names the file, ``source`` the msgid); Russian "ui-message", "legal"
and "news" posing as Kazakh.

    .venv/bin/python scripts/eval_language_check.py            # the figures
    .venv/bin/python scripts/eval_language_check.py --sweep    # the same rates over other thresholds
    .venv/bin/python scripts/eval_language_check.py --low-accuracy
"""

from __future__ import annotations

import argparse
import html
import json
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polib
from babel import Locale

from library.content.segments import segment_variant
from library.languages import detect, model
from library.quality import checks, extract
from library.quality.interface import language_problems

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "langid" / "labelled.jsonl"
LANGUAGES = detect.DETECTABLE
DEMO = Path(__file__).resolve().parent.parent / "library" / "demo" / "data"
PORTAL_SENTENCE = "Хорошая погода, не так ли?"
BUCKETS = ("1 word", "2 words", "3-5 words", "6+ words")


@dataclass(frozen=True)
class Labelled:
    lang: str
    kind: str
    text: str
    source: str = ""
    """The English msgid a catalog string translates, when known (third-party catalogs)."""
    origin: str = ""
    """Where a text not written for the project comes from."""

    @property
    def bucket(self) -> str:
        words = detect.word_count(self.text)
        return BUCKETS[min(words, 3) - 1] if words < 3 else BUCKETS[2] if words <= 5 else BUCKETS[3]


@dataclass
class Evaluation:
    confusion: Counter = field(default_factory=Counter)
    """(true language, identified language or "unsure") -> count."""
    slots: Counter = field(default_factory=Counter)
    """(true language, slot language, verdict) -> count."""
    unsure: Counter = field(default_factory=Counter)
    """(own|other, bucket, unsure?) -> count."""
    kazakh_flagged: list[str] = field(default_factory=list)
    """Genuine Kazakh texts with a finding in a Kazakh slot, or identified as Russian: must stay empty."""
    false_alarms: list[tuple[str, str]] = field(default_factory=list)
    """Any genuine text with a finding in its own language."""
    russian_long: int = 0
    russian_long_caught: int = 0
    russian_missed: list[str] = field(default_factory=list)
    portal_caught: dict[str, bool] = field(default_factory=dict)
    calls: int = 0
    seconds: float = 0.0

    @property
    def russian_caught_rate(self) -> float:
        return self.russian_long_caught / self.russian_long if self.russian_long else 0.0

    def caught_rate(self, true: str, slot: str) -> float:
        total = sum(self.slots[true, slot, verdict] for verdict in ("ok", "wrong", "unsure"))
        return self.slots[true, slot, "wrong"] / total if total else 0.0

    def unsure_rate(self, where: str, bucket: str) -> tuple[float, int]:
        total = self.unsure[where, bucket, True] + self.unsure[where, bucket, False]
        return (self.unsure[where, bucket, True] / total if total else 0.0), total


def load(path: Path = DATA) -> list[Labelled]:
    with path.open(encoding="utf-8") as lines:
        return [Labelled(**json.loads(line)) for line in lines if line.strip()]


def _timed(evaluation: Evaluation, text: str, slot: str) -> detect.LanguageCheck:
    start = time.perf_counter()
    result = detect.check(text, slot)
    evaluation.seconds += time.perf_counter() - start
    evaluation.calls += 1
    return result


def evaluate(items: list[Labelled] | None = None) -> Evaluation:
    items = load() if items is None else items
    evaluation = Evaluation()
    for item in items:
        identified = detect.identify(item.text)
        evaluation.confusion[item.lang, identified.language or "unsure"] += 1
        if item.lang == "kk" and identified.language == "ru":
            evaluation.kazakh_flagged.append(item.text)
        for slot in LANGUAGES:
            result = _timed(evaluation, item.text, slot)
            evaluation.slots[item.lang, slot, result.verdict] += 1
            own = slot == item.lang
            evaluation.unsure["own" if own else "other", item.bucket, result.verdict == "unsure"] += 1
            if own and result.wrong:
                evaluation.false_alarms.append((item.lang, item.text))
                if item.lang == "kk":
                    evaluation.kazakh_flagged.append(item.text)
        if item.lang == "ru" and detect.word_count(item.text) >= 3:
            evaluation.russian_long += 1
            if detect.check(item.text, "kk").wrong:
                evaluation.russian_long_caught += 1
            else:
                evaluation.russian_missed.append(item.text)
    evaluation.portal_caught = {slot: detect.check(PORTAL_SENTENCE, slot).wrong for slot in ("en", "kk")}
    return evaluation


def _print_tables(evaluation: Evaluation, items: list[Labelled]) -> None:
    print(f"{len(items)} labelled texts:", dict(Counter((item.lang, item.kind) for item in items)))
    print("\nConfusion matrix of identify() (rows: true language; columns: identified)")
    print("      " + "".join(f"{column:>8}" for column in (*LANGUAGES, "unsure")))
    for true in LANGUAGES:
        print(f"{true:>6}" + "".join(f"{evaluation.confusion[true, column]:>8}" for column in (*LANGUAGES, "unsure")))
    print("\ncheck() verdicts, each text placed in each language's slot (ok / unsure / wrong)")
    print("true → slot" + "".join(f"{slot:>18}" for slot in LANGUAGES))
    for true in LANGUAGES:
        cells = "".join(
            f"{'/'.join(str(evaluation.slots[true, slot, v]) for v in ('ok', 'unsure', 'wrong')):>18}"
            for slot in LANGUAGES
        )
        print(f"{true:>11}{cells}")
    print("\n'unsure' rate per length bucket (own language slot | other languages' slots)")
    for bucket in BUCKETS:
        own, own_n = evaluation.unsure_rate("own", bucket)
        other, other_n = evaluation.unsure_rate("other", bucket)
        print(f"  {bucket:>10}: {own:6.1%} of {own_n:<4} | {other:6.1%} of {other_n}")


def report(evaluation: Evaluation, items: list[Labelled]) -> None:
    _print_tables(evaluation, items)
    print("\nRates")
    print(f"  genuine Kazakh flagged (as Russian or otherwise): {len(evaluation.kazakh_flagged)}  (must be 0)")
    for text in evaluation.kazakh_flagged:
        print(f"    ! {text}")
    print(f"  false alarms on genuine texts in their own language: {len(evaluation.false_alarms)}")
    for lang, text in evaluation.false_alarms:
        print(f"    ! {lang}: {text}")
    print(
        f"  Russian of 3+ words caught in a Kazakh slot: {evaluation.russian_long_caught}/{evaluation.russian_long}"
        f" = {evaluation.russian_caught_rate:.1%}  (must be >= {RUSSIAN_CAUGHT_MIN:.0%})"
    )
    for text in evaluation.russian_missed:
        print(f"    missed: {text}")
    for true in LANGUAGES:
        rates = ", ".join(f"in {slot}: {evaluation.caught_rate(true, slot):.1%}" for slot in LANGUAGES if slot != true)
        print(f"  {true} texts caught {rates}")
    print(f"  {PORTAL_SENTENCE!r} caught: " + ", ".join(f"in {k}: {v}" for k, v in evaluation.portal_caught.items()))
    per_call = evaluation.seconds / evaluation.calls * 1000
    print(f"\nTime per check() call: {per_call:.3f} ms over {evaluation.calls} calls")


CHECKERS = ("catalog", "content")
#: What the issue asks of both checks: no genuine Kazakh flagged, Russian of 3+ words caught.
RUSSIAN_CAUGHT_MIN = 0.97


def catalog_verdict(text: str, slot: str, source: str = "") -> str:
    """"flagged", "unsure" or "ok" for ``text`` as the msgstr of a PO entry in ``slot``'s catalog."""
    entry = polib.POEntry(msgid=source or "(source not recorded)", msgstr=text)
    if list(language_problems(slot, entry, text)):
        return "flagged"
    return "unsure" if detect.check_entry(slot, entry.msgid, text).verdict == "unsure" else "ok"


def content_verdict(text: str, slot: str) -> str:
    """"flagged", "unsure" or "ok" for ``text`` as the body of a variant in ``slot`` (its paragraphs
    and lines each checked, as a saved body is)."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
    target = checks.Text(slot, "", "", body)
    if any(finding.code in ("wrong-language", "mixed-script") for finding in checks.check_language(target)):
        return "flagged"
    parts = [part for part in extract.parts(target.title, target.summary, target.body) if part.text]
    return "unsure" if any(detect.check(part.text, slot).verdict == "unsure" for part in parts) else "ok"


@dataclass
class CheckerEvaluation:
    matrix: Counter = field(default_factory=Counter)
    """(checker, (lang, kind), verdict in a Kazakh slot) -> count."""
    own_flagged: Counter = field(default_factory=Counter)
    """(checker, (lang, kind)) -> findings on a text in its own language's slot (false alarms)."""
    kazakh_flagged: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in CHECKERS})
    russian_long: int = 0
    russian_caught: Counter = field(default_factory=Counter)
    russian_missed: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in CHECKERS})

    def caught_rate(self, checker: str) -> float:
        return self.russian_caught[checker] / self.russian_long if self.russian_long else 0.0

    @property
    def ok(self) -> bool:
        return all(not self.kazakh_flagged[name] and self.caught_rate(name) >= RUSSIAN_CAUGHT_MIN for name in CHECKERS)


def evaluate_checkers(items: list[Labelled] | None = None) -> CheckerEvaluation:
    """Both checks on every ru and kk text placed in a Kazakh slot, and in its own slot."""
    items = load() if items is None else items
    evaluation = CheckerEvaluation()
    long_russian = {item for item in items if item.lang == "ru" and detect.word_count(item.text) >= 3}
    evaluation.russian_long = len(long_russian)
    for item in items:
        if item.lang not in ("ru", "kk"):
            continue
        verdicts = {"catalog": catalog_verdict(item.text, "kk", item.source),
                    "content": content_verdict(item.text, "kk")}
        for checker, verdict in verdicts.items():
            evaluation.matrix[checker, (item.lang, item.kind), verdict] += 1
            if item.lang == "kk" and verdict == "flagged":
                evaluation.kazakh_flagged[checker].append(item.text)
            if item.lang == "ru" and item in long_russian:
                if verdict == "flagged":
                    evaluation.russian_caught[checker] += 1
                else:
                    evaluation.russian_missed[checker].append(item.text)
        if item.lang == "ru":
            verdicts = {"catalog": catalog_verdict(item.text, "ru", item.source),
                        "content": content_verdict(item.text, "ru")}
        for checker, verdict in verdicts.items():
            evaluation.own_flagged[checker, (item.lang, item.kind)] += verdict == "flagged"
    return evaluation


def report_checkers(evaluation: CheckerEvaluation) -> None:
    print("\nThe catalog check and the content check, each text placed in a Kazakh slot")
    print("(flagged / unsure / ok; for Kazakh, flagged is a false alarm; for Russian, a catch;")
    print(" 'own slot flagged' is any finding on the text in its own language's slot)")
    sets = sorted({key for _, key, _ in evaluation.matrix}, key=lambda key: (key[0] != "kk", key))
    print(f"{'set':<22}{'texts':>6}" + "".join(f"{name + ' check':>24}{'own slot':>10}" for name in CHECKERS))
    for key in sets:
        total = sum(evaluation.matrix["catalog", key, verdict] for verdict in ("flagged", "unsure", "ok"))
        cells = ""
        for name in CHECKERS:
            counts = "/".join(str(evaluation.matrix[name, key, verdict]) for verdict in ("flagged", "unsure", "ok"))
            cells += f"{counts:>24}{evaluation.own_flagged[name, key]:>10}"
        print(f"{key[0] + ' ' + key[1]:<22}{total:>6}{cells}")
    for name in CHECKERS:
        flagged = evaluation.kazakh_flagged[name]
        print(f"  {name} check: genuine Kazakh flagged {len(flagged)} (must be 0); Russian of 3+ words caught "
              f"{evaluation.russian_caught[name]}/{evaluation.russian_long} = {evaluation.caught_rate(name):.1%}"
              f" (must be >= {RUSSIAN_CAUGHT_MIN:.0%})")
        for text in flagged:
            print(f"    ! {text!r}")
        for text in evaluation.russian_missed[name]:
            print(f"    missed: {text}")


def cldr_names(language: str) -> set[str]:
    """Display names from CLDR (via Babel) in ``language``: short texts written by others, not by us."""
    locale = Locale.parse(language)
    names = {name for table in (locale.languages, locale.territories, locale.currencies, locale.scripts)
             for name in table.values() if isinstance(name, str)}
    for calendar in (locale.months, locale.days):
        names.update(name for context in calendar.values() for width in context.values() for name in width.values())
    return names


def demo_paragraphs() -> list[tuple[str, str]]:
    """(language, paragraph) from the demo library's articles (title, summary and body of each variant)."""
    result = []
    for path in sorted(DEMO.glob("part*.json")):
        for article in json.loads(path.read_text(encoding="utf-8"))["articles"]:
            for language, variant in article["variants"].items():
                segmentation = segment_variant(variant.get("title", ""), variant.get("summary", ""),
                                               variant.get("body", ""), plain=True)
                result += [(language, segment.text) for segment in segmentation.segments if segment.text]
    return result


def other_sets() -> dict[str, Counter]:
    """Verdicts on texts not written for this evaluation: (own|other slot, language, verdict) -> count."""
    results: dict[str, Counter] = {"CLDR names": Counter(), "demo paragraphs": Counter()}
    samples = {
        "CLDR names": [(language, name) for language in ("ru", "kk") for name in sorted(cldr_names(language))],
        "demo paragraphs": demo_paragraphs(),
    }
    for title, texts in samples.items():
        for language, text in texts:
            for slot in LANGUAGES:
                where = "own" if slot == language else "other"
                results[title][where, language, detect.check(text, slot).verdict] += 1
    return results


def report_other_sets() -> None:
    print("\nTexts not written for this evaluation (ok / unsure / wrong)")
    for title, counts in other_sets().items():
        for language in LANGUAGES:
            own = "/".join(str(counts["own", language, verdict]) for verdict in ("ok", "unsure", "wrong"))
            other = "/".join(str(counts["other", language, verdict]) for verdict in ("ok", "unsure", "wrong"))
            if own != "0/0/0":
                print(f"  {title:>15} {language}: in its own language {own:>13}; placed in the others {other:>13}")


def _cldr_wrong() -> dict[str, int]:
    """Findings on CLDR display names in their own language (each one a false alarm)."""
    return {
        language: sum(detect.check(name, language).wrong for name in cldr_names(language)) for language in ("ru", "kk")
    }


SWEEP = {
    "RUSSIAN_MIN": (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99),
    "RUSSIAN_WITH_WORDS_MIN": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    "KAZAKH_MIN": (0.5, 0.7, 0.8, 0.9, 0.95, 0.99),
}


def sweep(items: list[Labelled]) -> None:
    """The rates with one threshold varied at a time, the others at their values in `detect`."""
    print("threshold                value  kk-flagged  false-alarms  ru3+-in-kk  kk-in-ru  ru-in-kk  CLDR-ru/kk wrong")
    for name, values in SWEEP.items():
        saved = getattr(detect, name)
        try:
            for value in values:
                setattr(detect, name, value)
                ev = evaluate(items)
                cldr = _cldr_wrong()
                mark = " (chosen)" if value == saved else ""
                print(
                    f"{name:<24} {value:>5} {len(ev.kazakh_flagged):>11} {len(ev.false_alarms):>13} "
                    f"{ev.russian_caught_rate:>11.1%} {ev.caught_rate('kk', 'ru'):>9.1%} "
                    f"{ev.caught_rate('ru', 'kk'):>9.1%} {cldr['ru']:>10}/{cldr['kk']}{mark}"
                )
        finally:
            setattr(detect, name, saved)


def measure_model() -> None:
    """Load time and memory of the statistical model (run first, in a fresh process, to mean anything)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    model.warm_up()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    mode = "low" if model.LOW_ACCURACY else "high"
    memory = f"peak memory {before / 1024:.0f} -> {after / 1024:.0f} MB"
    print(f"Model ({mode} accuracy): loading took {seconds:.2f} s; {memory}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="labelled JSONL (lang, kind, text)")
    parser.add_argument("--sweep", action="store_true", help="print the rates over a grid of thresholds")
    parser.add_argument("--low-accuracy", action="store_true", help="use lingua's low-accuracy mode")
    args = parser.parse_args(argv)
    model.LOW_ACCURACY = args.low_accuracy
    measure_model()
    items = load(args.data)
    if args.sweep:
        sweep(items)
        return 0
    evaluation = evaluate(items)
    report(evaluation, items)
    checkers = evaluate_checkers(items)
    report_checkers(checkers)
    report_other_sets()
    ok = not evaluation.kazakh_flagged and evaluation.russian_caught_rate >= RUSSIAN_CAUGHT_MIN and all(
        evaluation.portal_caught.values()
    )
    return 0 if ok and checkers.ok else 1


if __name__ == "__main__":
    sys.exit(main())
