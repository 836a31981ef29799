"""Kazakh Cyrillic -> Kazakh Latin, so Kazakh texts can be read in the 2021 Latin alphabet without a
second translation.

The 31 letters are those of the alphabet proposed in January 2021::

    A Ä B D E F G Ğ H İ I J K L M N Ŋ O Ö P Q R S Ş T U Ū Ü V Y Z
    а ә б д е ф г ғ х и і ж к л м н ң о ө п қ р с ш т у ұ ү в ы з
                    һ й

So и and й -> İ i, і -> I ı, ы -> Y y, у -> U u, ұ -> Ū ū, ү -> Ü ü ("ИІН" -> "İIN").

Letters the alphabet has no place for (they occur in Russian loans and names) are spelled with the
31 letters plus c where needed; these are this module's choices, not part of the proposal:

    ё -> io    ю -> iu    я -> ia    ц -> ts    ч -> ch    щ -> şş    э -> e
    ъ, ь -> dropped      (в -> v, ф -> f, х and һ -> h, ж -> j are in the table above)

The i of io/iu/ia is the dotted i of и, so Я -> İa ("Ялта" -> "İalta"): every output then keeps
``latin_lower(to_latin(s)) == to_latin(s.lower())``. A capital whose Latin spelling has several
letters is all-caps when the neighbouring letter (the next, or at a word's end the previous) is a
capital, and title-cased otherwise: "ЦУР" -> "TSUR", "ЮНЕСКО-ның" -> "İUNESKO-nyŋ", "Щучинск" ->
"Şşuchinsk", a lone "Я" -> "İa". Other Cyrillic letters (Ukrainian є, ї, ...) are kept as they are.

Text is read as UI strings and article HTML: tags, character references, URLs and message
placeholders (``{count}``, ``%(name)s``, ``%d``, Jinja ``{{ x }}``) are copied unchanged, so
attribute values such as ``title="..."`` stay in Cyrillic. A Kazakh suffix hyphenated to an ASCII
URL ("example.kz-ке") is transliterated.
"""

from __future__ import annotations

import re
import unicodedata

ALPHABET = (
    ("A", "a"), ("Ä", "ä"), ("B", "b"), ("D", "d"), ("E", "e"), ("F", "f"), ("G", "g"), ("Ğ", "ğ"),
    ("H", "h"), ("İ", "i"), ("I", "ı"), ("J", "j"), ("K", "k"), ("L", "l"), ("M", "m"), ("N", "n"),
    ("Ŋ", "ŋ"), ("O", "o"), ("Ö", "ö"), ("P", "p"), ("Q", "q"), ("R", "r"), ("S", "s"), ("Ş", "ş"),
    ("T", "t"), ("U", "u"), ("Ū", "ū"), ("Ü", "ü"), ("V", "v"), ("Y", "y"), ("Z", "z"),
)  # fmt: skip
"""The 31 letters of the 2021 Kazakh Latin alphabet as (capital, small) pairs, in alphabet order."""

# Python's own casing is wrong here: "i".upper() == "I" and "I".lower() == "i", but this alphabet
# pairs i with İ and ı with I.
_UPPER = {small: capital for capital, small in ALPHABET}
_LOWER = {capital: small for capital, small in ALPHABET}

_CYRILLIC_SMALL = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io",
    "ж": "j", "з": "z", "и": "i", "й": "i", "і": "ı", "к": "k", "қ": "q", "л": "l", "м": "m",
    "н": "n", "ң": "ŋ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "ş", "щ": "şş",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip


def latin_upper(text: str) -> str:
    """Upper-case Kazakh Latin text: i -> İ and ı -> I; other characters as `str.upper`."""
    return "".join(_UPPER.get(char) or char.upper() for char in text)


def latin_lower(text: str) -> str:
    """Lower-case Kazakh Latin text: İ -> i and I -> ı (English "WIKI" would become "wıkı")."""
    return "".join(_LOWER.get(char) or char.lower() for char in text)


# Capitals derive from the small letters through the Latin tables above, never through str.upper.
_CYRILLIC_CAPITAL = {small.upper(): latin_upper(latin) for small, latin in _CYRILLIC_SMALL.items()}
_CYRILLIC = {**_CYRILLIC_SMALL, **_CYRILLIC_CAPITAL}
_HAS_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_TABLE = str.maketrans(_CYRILLIC)
_TWO_LETTER_CAPITAL = re.compile(
    "[" + "".join(sorted(char for char, latin in _CYRILLIC.items() if len(latin) > 1 and char.isupper())) + "]")
_CYRILLIC_SUFFIX = re.compile(r"([\x00-\x7f]+)(-[\u0400-\u04ff]+)")

_PROTECTED = re.compile(
    r"""
    (?=[A-Za-z<&{%])  # what every span below starts with: the other positions fail at once (5x faster on Kazakh text)
    (?:
      (?P<url> (?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://[^\s<>"']+ | \bwww\.[^\s<>"']+ | \bmailto:[^\s<>"']+ )
    | <!--(?:(?!<!--|-->).)*-->                                 # HTML comment
    | </?[A-Za-z][^<>]*>                                        # tag, attributes included
    | &(?:[A-Za-z][A-Za-z0-9]*|\#[0-9]+|\#[xX][0-9A-Fa-f]+);    # character reference
    | \{\{(?:(?!\{\{|\}\}).)*\}\} | \{%(?:(?!\{%|%\}).)*%\}       # Jinja expression or statement
    | \{[^{}\s]*\}                                              # str.format field: {count}, {0:,}
    | %(?:\([^()]*\))?[#0 +-]*(?:\*|[0-9]+)?(?:\.(?:\*|[0-9]+))?[A-Za-z%]   # printf: %(name)s, %d
    )
    """,
    re.VERBOSE | re.DOTALL,
)


_MAX_PASSES = 8
"""Passes of `to_latin` at most after the first (the spans settle after one more in every case found)."""


def to_latin(text: str) -> str:
    """Kazakh text in the 2021 Latin alphabet; text without Cyrillic comes back unchanged.

    Idempotent: the result holds no Cyrillic outside the protected spans, which stay as they were.
    """
    if not _HAS_CYRILLIC.search(text):
        return text
    result, kept = _one_pass(text)
    # A letter made Latin can make a span where there was none ("<І{>Ё}": "<I{>" now reads as a tag,
    # which swallows the "{" of the placeholder after it), so another pass would change the text
    # again: pass again until the spans are those kept. Only text with Cyrillic left (in spans) is checked.
    for _ in range(_MAX_PASSES):
        if not _HAS_CYRILLIC.search(result) or [match.group() for match in _PROTECTED.finditer(result)] == kept:
            break
        result, kept = _one_pass(result)
    return result


def _one_pass(text: str) -> tuple[str, list[str]]:
    """``text`` transliterated outside its protected spans, and those spans as they are in the result."""
    parts: list[str] = []
    kept: list[str] = []
    start = 0
    for match in _PROTECTED.finditer(text):
        parts.append(_transliterate(text[start : match.start()]))
        kept.append(_url(match.group()) if match.group("url") else match.group())
        parts.append(kept[-1])
        start = match.end()
    parts.append(_transliterate(text[start:]))
    return "".join(parts), kept


def _url(url: str) -> str:
    """A URL unchanged, except a Cyrillic suffix hyphenated to an ASCII one ("site.kz-ке")."""
    if suffixed := _CYRILLIC_SUFFIX.fullmatch(url):
        return suffixed.group(1) + _transliterate(suffixed.group(2))
    return url


def _transliterate(text: str) -> str:
    """Letter-by-letter mapping of plain text (no tags or placeholders in it).

    A capital that becomes two Latin letters depends on its neighbours ("Ш" is "Sh" in "Шаң", "SH" in
    "ШАҢ"): those are settled first, reading the Cyrillic text around them; every other letter maps
    alone, through one `str.translate` (a reader page in kk-Latn is transliterated as it is built).
    """
    if not _HAS_CYRILLIC.search(text):
        return text
    # NFC joins a decomposed й (и + U+0306) or ё (е + U+0308) into the letter the table knows; and
    # again after: a combining mark left after a letter that became Latin ("Э" + U+0306 -> "E" +
    # U+0306) composes with it ("Ĕ"), which the next pass would do otherwise (`to_latin` is idempotent).
    text = unicodedata.normalize("NFC", text)
    if _TWO_LETTER_CAPITAL.search(text):
        text = _TWO_LETTER_CAPITAL.sub(_two_letter_capital, text)
    return unicodedata.normalize("NFC", text.translate(_TABLE))


def _two_letter_capital(match: re.Match[str]) -> str:
    latin = _CYRILLIC[match.group()]
    return latin if _in_capitals(match.string, match.start()) else latin[0] + latin_lower(latin[1:])


def _in_capitals(text: str, index: int) -> bool:
    """Whether the letter at ``index`` sits in an all-caps run: judged by the next letter, or by the
    previous one at the end of a word."""
    after = text[index + 1 : index + 2]
    if after.isalpha():
        return after.isupper()
    before = text[index - 1 : index] if index else ""
    return before.isalpha() and before.isupper()


# Latin -> Cyrillic for what readers type (issue 17): a kk-Latn reader searches "kitaphana" or
# "Qazaqstan" and the texts are stored in Cyrillic. Digraphs first, so "ch" is ч, not с + х.
_LATIN_DIGRAPHS = (("şş", "щ"), ("ch", "ч"), ("sh", "ш"), ("io", "ё"), ("iu", "ю"), ("ia", "я"))
_LATIN_LETTERS = {latin: cyrillic for cyrillic, latin in _CYRILLIC_SMALL.items() if len(latin) == 1}
_LATIN_LETTERS.update({"e": "е", "i": "и", "ı": "і", "h": "х", "u": "у", "c": "ц", "w": "у", "x": "кс"})
_LATIN_WORD = re.compile(r"[a-zäğıŋöşūüİI]", re.IGNORECASE)


def to_cyrillic(text: str) -> str:
    """Kazakh Latin text (the 2021 alphabet, or plain ASCII as people type it) in Cyrillic letters.

    Ambiguous where the alphabets differ: ASCII "i" becomes и (the 2021 alphabet writes і as ı), "u"
    becomes у; a search folds и/і and у/ұ/ү together anyway. Characters that are not Latin letters
    are kept. The inverse of `to_latin` only up to those ambiguities.
    """
    if not _LATIN_WORD.search(text):
        return text
    lowered = latin_lower(unicodedata.normalize("NFC", text))
    for digraph, letter in _LATIN_DIGRAPHS:
        lowered = lowered.replace(digraph, letter)
    return "".join(_LATIN_LETTERS.get(char, char) for char in lowered)
