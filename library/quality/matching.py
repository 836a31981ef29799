"""Finding a term's form in running text despite Russian inflection and Kazakh suffixes.

A term base stores one form per language ("Межведомственная рабочая группа (МРГ)"), but texts
inflect it ("межведомственной рабочей группы", "ведомствоаралық жұмыс тобының", "IWGs"). No
morphological analyser for Kazakh is kept offline and well maintained, so matching is by stem and
prefix, word by word, case-insensitively:

- a form is split into alternatives: the words before a trailing parenthesis and the parenthesised
  abbreviation ("Межведомственная рабочая группа" and "МРГ"); either one in a text is the term;
- Russian: the longest inflectional ending is cut off (a stem of at least `RU_MIN_STEM` letters is
  kept), and a text word matches when it starts with the stem and adds at most `RU_MAX_ENDING` letters;
- Kazakh: the word itself is the stem (suffixes are added, not substituted) plus, without a final
  possessive ы/і (or -сы/-сі) and plural (-лар, -тер...), the forms the suffixes make of it (тобы ->
  топ-, мақсаттары -> мақсат-, ведомствоаралық -> ведомствоаралығ-); a text word matches when it
  starts with a stem and adds at most `KK_MAX_SUFFIX` letters (ведомствоаралық + -тарының);
- English: a text word may add one of `EN_SUFFIXES` (group -> groups, IWG -> IWGs), and a form in
  the plural matches the singular (Goals -> Goal);
- words of at most three letters and abbreviations (two or more capitals) must match whole; a
  hyphen or apostrophe ends a word, so "ВЖТ-ның" and "IWG's" hold the abbreviation whole.

What it misses, knowingly: Russian fleeting vowels and stem alternations (отец/отца), Kazakh vowel
elision (орын/орны), English irregular plurals. A miss only means a "term missing" warning that a
reader can dismiss; a term written in a way nobody inflects (an abbreviation) always matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

RU_MIN_STEM = 3
RU_MAX_ENDING = 4
KK_MAX_SUFFIX = 10
EN_SUFFIXES = frozenset({"", "s", "es"})
OTHER_MAX_SUFFIX = 3

#: Russian inflectional endings of nouns, adjectives and participles, longest tried first.
RU_ENDINGS = tuple(
    sorted(
        {
            "ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "иях", "ией", "ием", "иям", "ьми",
            "ая", "яя", "ой", "ей", "ый", "ий", "ое", "ее", "ые", "ие", "ых", "их", "ым", "им", "ую", "юю",
            "ом", "ем", "ам", "ям", "ах", "ях", "ов", "ев", "ья", "ье", "ьи", "ию", "ия", "ии",
            "а", "я", "ы", "и", "у", "ю", "е", "о", "ь", "й",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip

#: Kazakh final consonants voiced before a vowel suffix (ведомствоаралық -> ведомствоаралығы).
KK_VOICED = {"қ": "ғ", "к": "г", "п": "б"}
KK_DEVOICED = {voiced: plain for plain, voiced in KK_VOICED.items()}
KK_VOWELS = frozenset("аәеиоөұүыіуэюя")
KK_PLURALS = ("лар", "лер", "дар", "дер", "тар", "тер")

_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Word:
    """One word of a form: the stems a text word may start with, and what it may add to them
    (at most ``max_suffix`` letters, or exactly one of ``suffixes`` when given)."""

    stems: tuple[str, ...]
    max_suffix: int
    suffixes: frozenset[str] | None = None

    def matches(self, token: str) -> bool:
        for stem in self.stems:
            if token.startswith(stem):
                rest = token[len(stem):]
                if rest in self.suffixes if self.suffixes is not None else len(rest) <= self.max_suffix:
                    return True
        return False


@dataclass(frozen=True)
class Pattern:
    """One alternative of a form (a full name or its abbreviation) as a sequence of words."""

    text: str
    words: tuple[Word, ...]

    def find(self, tokens: list[str]) -> int | None:
        """Index of the first token where the pattern starts, or None. The first word is tried once per
        distinct token, then only where one of those that match occurs (a text may have 500,000 tokens)."""
        size = len(self.words)
        last = len(tokens) - size
        firsts = {token for token in set(tokens) if self.words[0].matches(token)}
        starts = sorted(index for first in firsts for index in _positions(tokens, first, last))
        for start in starts:
            if all(word.matches(tokens[start + i]) for i, word in enumerate(self.words[1:], start=1)):
                return start
        return None


def _positions(tokens: list[str], token: str, last: int) -> Iterator[int]:
    """Where ``token`` occurs in ``tokens``, up to index ``last``."""
    index = -1
    while True:
        try:
            index = tokens.index(token, index + 1, last + 1)
        except ValueError:
            return
        yield index


def tokens(text: str) -> list[str]:
    """The case-folded words of ``text``; hyphens, apostrophes and punctuation split words."""
    return _TOKEN.findall(text.casefold())  # folded first: one pass instead of one call per word


def alternatives(form: str) -> list[str]:
    """A form and its parenthesised abbreviation as separate alternatives.

    "Interdepartmental Working Group (IWG)" -> ["Interdepartmental Working Group", "IWG"]; a form
    without a trailing parenthesis is its own only alternative.
    """
    form = " ".join(form.split())
    # Not a regular expression: "(.*?)\s*\((.+)\)$" retries from every position (issue 13).
    full, _, short = form.removesuffix(")").rpartition("(")
    if not form.endswith(")") or not full.strip() or not short.strip() or ")" in short:
        return [form] if form else []
    return [full.rstrip(), short.strip()]


def _is_abbreviation(word: str) -> bool:
    return sum(char.isupper() for char in word) >= 2


def _russian_stems(word: str) -> tuple[str, ...]:
    for ending in RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= RU_MIN_STEM:
            return (word[: -len(ending)],)
    return (word,)


def _kazakh_stems(word: str) -> tuple[str, ...]:
    """The word, and what suffixes attach to once its possessive and plural endings are taken off
    (мақсаттары is мақсат + тар + ы, so мақсатына is the same word)."""
    bases = [word]
    if word[-1] in "ыі" and len(word) >= 4:
        bases.append(word[:-1])
        if word[-2] == "с" and word[-3] in KK_VOWELS:
            bases.append(word[:-2])  # кеңесі may be кеңес + і, бюросы is бюро + сы: keep both readings
    bases += [base[:-3] for base in bases if base.endswith(KK_PLURALS) and len(base) >= 6]
    stems = []
    for base in bases:
        if len(base) >= 3:
            stems.append(base)
            if base[-1] in KK_DEVOICED:
                stems.append(base[:-1] + KK_DEVOICED[base[-1]])
            if base is word and base[-1] in KK_VOICED:
                stems.append(base[:-1] + KK_VOICED[base[-1]])
    return tuple(dict.fromkeys(stems))


def _english_stem(word: str) -> str:
    """"goals" and "sdgs" match "goal" and "SDG" too (a form may be written in the plural)."""
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def _word(raw: str, language: str) -> Word:
    folded = raw.casefold()
    if _is_abbreviation(raw) or len(folded) <= 3:
        if language == "en" and _is_abbreviation(raw):
            return Word((_english_stem(folded) if raw.endswith("s") else folded,), 0, EN_SUFFIXES)
        return Word((folded,), 0)
    if language == "ru":
        return Word(_russian_stems(folded), RU_MAX_ENDING)
    if language == "kk":
        return Word(_kazakh_stems(folded), KK_MAX_SUFFIX)
    if language == "en":
        return Word((_english_stem(folded),), 0, EN_SUFFIXES)
    return Word((folded,), OTHER_MAX_SUFFIX)


@lru_cache(maxsize=4096)
def compile_form(form: str, language: str) -> tuple[Pattern, ...]:
    """The patterns of a term form in ``language`` (cached: term bases are small, texts many)."""
    patterns = []
    for alternative in alternatives(form):
        words = tuple(_word(raw, language) for raw in _TOKEN.findall(alternative))
        if words:
            patterns.append(Pattern(alternative, words))
    return tuple(patterns)


def find_form(text_tokens: list[str], form: str, language: str) -> str | None:
    """The words of ``text_tokens`` where ``form`` (any alternative) first occurs, or None."""
    for pattern in compile_form(form, language):
        start = pattern.find(text_tokens)
        if start is not None:
            return " ".join(text_tokens[start : start + len(pattern.words)])
    return None


def contains(text: str, form: str, language: str) -> bool:
    """Whether ``text`` contains ``form`` of a term in ``language``, inflected or not."""
    return find_form(tokens(text), form, language) is not None


def find_any(text_tokens: list[str], forms: Iterable[str], language: str) -> tuple[str, str] | None:
    """(form, words found) for the first of ``forms`` that occurs in the text, or None."""
    for form in forms:
        found = find_form(text_tokens, form, language)
        if found is not None:
            return form, found
    return None
