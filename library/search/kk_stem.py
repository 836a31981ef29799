"""A Kazakh stemmer for search (issue 17): no mainstream stack ships one (Snowball, PostgreSQL's text
search configurations, Elasticsearch and Meilisearch have none).

It strips the common inflections from the end of a word, at most one of each slot, in the order
they are read from the end: a case ending (or a common verb ending), then a possessive ending, then
the plural. Kazakh suffixes come in variants chosen by the stem: vowel harmony (back а/ы against
front е/і) and the stem's last sound (after a vowel -лар, after м/н -дар, after a voiceless
consonant -тар...). A suffix is stripped only when it is the variant the remaining stem would take,
which keeps "Қазақстан" whole while "кітаптар", "кітапханасы" and "кітапхананың" come down to
"кітап" and "кітапхана".

Words are folded first (`fold`: ә->а, і->и, ң->н, ғ->г, ү/ұ->у, қ->к, ө->о, һ->х, ё->е), so a word
typed on a Russian keyboard ("китапхананын") stems like the same word spelled right. Folding loses
part of the harmony (а may have been ә), so harmony refuses a suffix only where the folded stem is
still unambiguous (its last vowel ы is back; е and и are front). Its accuracy is measured on a
labelled word list (`library/search/data/kk_words.tsv`, `scripts/eval_search.py`).
"""

from __future__ import annotations

_FOLD = str.maketrans({"ә": "а", "і": "и", "ң": "н", "ғ": "г", "ү": "у", "ұ": "у", "қ": "к", "ө": "о",
                       "һ": "х", "ё": "е", "й": "и", "ц": "тс", "э": "е"})
# й as и, ц as тс and э as е too: Latin spelling writes them so ("beitarap", "stantsiia", "elektr").

VOWELS = frozenset("аеиоуыэюя")
_FRONT = frozenset("еиэ")
_BACK = frozenset("ы")
_VOICELESS = frozenset("пткшсфхцчщбвгд")  # б в г д: a word ending in one devoices (клуб -> клубтар)
_NASAL = frozenset("мн")
_LIQUID = frozenset("лрйу")
_SIBILANT = frozenset("жз")
_AFTER_POSSESSIVE = frozenset("ыи")
MIN_STEM = 2


def fold(word: str) -> str:
    """A lower-case Kazakh word in the letters of a Russian keyboard (and ё as е)."""
    return word.translate(_FOLD)


def _sound(stem: str) -> str:
    """The class of a stem's last letter, which picks a suffix's first consonant."""
    last = stem[-1]
    if last == "у":  # a glide after a stem: су-лар, су-дың, даму-ы (not "vowel": су-ның is wrong)
        return "liquid"
    if last in VOWELS:
        return "vowel"
    if last in _VOICELESS:
        return "voiceless"
    if last in _NASAL:
        return "nasal"
    if last in _LIQUID:
        return "liquid"
    if last in _SIBILANT:
        return "sibilant"
    return "other"


V, VL, N, L, S = "vowel", "voiceless", "nasal", "liquid", "sibilant"
P3 = "after-possessive"
"""Stands for: the stem ends in a third-person possessive (ы/і), as in мақсаттары-на."""

# (suffix in folded letters, the stem sounds it follows). Each list is tried longest first.
_CASE: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (suffix, frozenset(after)) for suffix, after in (
        # genitive
        ("нын", (V, N)), ("нин", (V, N)), ("дын", (L, S)), ("дин", (L, S)), ("тын", (VL,)), ("тин", (VL,)),
        # dative
        ("га", (V, L, N, S)), ("ге", (V, L, N, S)), ("ка", (VL,)), ("ке", (VL,)), ("на", (P3,)), ("не", (P3,)),
        # accusative (also the past tense of verbs: -ды/-ді/-ты/-ті)
        ("ны", (V,)), ("ни", (V,)), ("ды", (L, N, S)), ("ди", (L, N, S)), ("ты", (VL,)), ("ти", (VL,)),
        # locative, and the adjective made from it (Қазақстандағы)
        ("да", (V, L, N, S)), ("де", (V, L, N, S)), ("та", (VL,)), ("те", (VL,)), ("нда", (P3,)), ("нде", (P3,)),
        ("дагы", (V, L, N, S)), ("деги", (V, L, N, S)), ("тагы", (VL,)), ("теги", (VL,)),
        ("ндагы", (P3,)), ("ндеги", (P3,)),
        # ablative
        ("дан", (V, L, S)), ("ден", (V, L, S)), ("нан", (N, P3)), ("нен", (N, P3)), ("тан", (VL,)), ("тен", (VL,)),
        # instrumental
        ("мен", (V, L)), ("бен", (S, N)), ("пен", (VL,)),
        # verbs: participle, present, progressive, converb, infinitive of intent
        ("ган", (V, L, N, S)), ("ген", (V, L, N, S)), ("кан", (VL,)), ("кен", (VL,)),
        ("ады", (VL, L, N, S)), ("еди", (VL, L, N, S)), ("йды", (V,)), ("йди", (V,)),
        ("атын", (VL, L, N, S)), ("етин", (VL, L, N, S)), ("йтын", (V,)), ("йтин", (V,)),
        ("уда", (V, VL, L, N, S)), ("уде", (V, VL, L, N, S)),
        ("ып", (VL, L, N, S)), ("ип", (VL, L, N, S)),
        ("мак", (V, L)), ("мек", (V, L)), ("бак", (N, S)), ("бек", (N, S)), ("пак", (VL,)), ("пек", (VL,)),
    )
)
_POSSESSIVE: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (suffix, frozenset(after)) for suffix, after in (
        ("ымыз", (VL, L, N, S)), ("имиз", (VL, L, N, S)), ("мыз", (V,)), ("миз", (V,)),
        ("ыныз", (VL, L, N, S)), ("иниз", (VL, L, N, S)), ("ныз", (V,)), ("низ", (V,)),
        # (-ым/-ім, -ың/-ің of the first and second person singular are left alone: rare in what a
        # library publishes, and they would cut білім to біл.)
        ("сы", (V,)), ("си", (V,)), ("ы", (VL, L, N, S)), ("и", (VL, L, N, S)),
    )
)
_PLURAL: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (suffix, frozenset(after)) for suffix, after in (
        ("лар", (V, L)), ("лер", (V, L)), ("дар", (N, S)), ("дер", (N, S)), ("тар", (VL,)), ("тер", (VL,)),
    )
)
_Slot = dict[str, tuple[tuple[str, frozenset[str]], ...]]


def _by_last_letter(slot: tuple[tuple[str, frozenset[str]], ...]) -> _Slot:
    """A slot's suffixes grouped by their last letter, each group longest first: a word is tried only
    against the suffixes it could end with (the index build stems every word of a library once)."""
    ordered = sorted(slot, key=lambda entry: -len(entry[0]))
    return {last: tuple(entry for entry in ordered if entry[0][-1] == last) for last in {s[-1] for s, _ in slot}}


_SLOTS = tuple(_by_last_letter(slot) for slot in (_CASE, _POSSESSIVE, _PLURAL))

_PLURAL_POSSESSIVE_ACCUSATIVE = tuple(plural + vowel + "н" for plural, _ in _PLURAL for vowel in "ыи")
"""-ларын, -лерін...: stripped only after a plural, where a lone н cannot be part of the stem (алтын)."""

_KEEP_ENDINGS = ("стан",)
"""Word endings that look like a suffix but are part of the stem: Қазақстан is not Қазақс + -тан."""

# л and р take -лар: Kazakh keeps л after л (елдер is ел + дер, a rule for л alone).
_L_TAKES_D = frozenset("л")


def _harmonious(stem: str, suffix: str) -> bool:
    """False when the folded stem's last vowel clearly disagrees with the suffix's vowel."""
    suffix_vowels = [c for c in suffix if c in VOWELS]
    stem_vowels = [c for c in stem if c in VOWELS]
    if not suffix_vowels or not stem_vowels:
        return True
    last = stem_vowels[-1]
    if suffix_vowels[0] in "аы" and last in _FRONT:
        return False
    return not (suffix_vowels[0] in "еи" and last in _BACK)


def _follows(stem: str, suffix: str, after: frozenset[str]) -> bool:
    sound = _sound(stem)
    if sound == "liquid" and stem[-1] in _L_TAKES_D:
        # after л Kazakh writes the д- variants (елдер, елдің, елге): treat л as a sonorant like м/н
        # for plural, genitive and accusative, and as a vowel-like sound elsewhere.
        if suffix[0] in "д" or suffix[:2] in ("да", "де"):
            return True
        if suffix[0] == "л":
            return False
    if sound in after:
        return True
    return P3 in after and stem[-1] in _AFTER_POSSESSIVE and len(stem) > MIN_STEM + 1


def _strip(word: str, slot: _Slot) -> tuple[str, str] | None:
    for suffix, after in slot.get(word[-1:], ()):
        if not word.endswith(suffix) or len(word) - len(suffix) < MIN_STEM:
            continue
        stem = word[: -len(suffix)]
        if len(suffix) == 1 and len(stem) < MIN_STEM + 1:
            continue
        if suffix in ("сы", "си") and stem[-1] in "ыи":
            continue  # жұмыс-ы, not жұмы-сы: a noun stem rarely ends in ы/і
        if not any(c in VOWELS for c in stem) or not _follows(stem, suffix, after):
            continue
        if not _harmonious(stem, suffix):
            continue
        if suffix[0] in VOWELS and stem[-1] in "бг":
            # A final п/к voices before a vowel: кітабы is кітап + ы, жүрегі is жүрек + і.
            stem = stem[:-1] + ("п" if stem[-1] == "б" else "к")
        return stem, suffix
    return None


def stem(word: str) -> str:
    """The stem of a lower-case Kazakh word, folded (`fold`). Words with no known ending come back folded."""
    return stems(word)[0]


def stems(word: str) -> tuple[str, ...]:
    """The stem of a lower-case Kazakh word (`stem`), and a second one when its ending has two readings.

    After a vowel, -сы/-сі is the possessive of a stem ending in a vowel (бала-сы) or -ы/-і after a
    stem ending in с (кеңес-і); nothing in the word tells which. The first stem is the vowel reading,
    the second the other: the index holds both, and a query asks for either (`library.search.analyzer`).
    """
    word = fold(word)
    if any(word.endswith(ending) for ending in _KEEP_ENDINGS):
        return (word,)
    if word.endswith(_PLURAL_POSSESSIVE_ACCUSATIVE) or (
            word.endswith(("сын", "син")) and len(word) > 4 and word[-4] in VOWELS):
        word = word[:-1]  # кітап-тар-ы-н, қорытынды-сы-н: the accusative after a possessive is a lone н
    other = None
    for position, slot in enumerate(_SLOTS):
        stripped = _strip(word, slot)
        if stripped is None:
            continue
        before, (word, suffix) = word, stripped
        if suffix in ("сы", "си") and len(before) - 1 > MIN_STEM:
            other = _continue(before[:-1], position + 1)
        if any(word.endswith(ending) for ending in _KEEP_ENDINGS):
            break
    return (word,) if other is None or other == word else (word, other)


def _continue(word: str, first_slot: int) -> str:
    """``word`` stripped by the slots from ``first_slot`` on (the rest of `stems` for a second reading)."""
    for slot in _SLOTS[first_slot:]:
        if (stripped := _strip(word, slot)) is not None:
            word = stripped[0]
    return word
