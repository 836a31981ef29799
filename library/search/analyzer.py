"""One analyzer for both engines (issue 17): text and queries become the same search keys in Python,
so SQLite (FTS5 over the keys) and PostgreSQL (a ``simple`` tsvector of the keys) find the same things.

Steps: normalise (NFKC, lower case, ё as е, invisible characters dropped), tokenise (runs of letters
and digits), drop the language's stop words, stem per language: Snowball for Russian and English, the
project's own stemmer for Kazakh (`library.search.kk_stem`), which also folds Kazakh letters to
those of a Russian keyboard (so "китапхана" finds "кітапхана"). A Kazakh key written in Latin letters
("kitaphana", "Qazaqstan") is read as Cyrillic first (`library.languages.kk_latin.to_cyrillic`).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from itertools import chain

import snowballstemmer

from library.languages.kk_latin import to_cyrillic
from library.search import kk_stem

MAX_TOKEN = 40
"""Longer runs of letters are not words anyone searches for (a hash, a base64 blob): dropped."""
MAX_KEYS = 50_000
"""Keys of one text at most: PostgreSQL refuses a tsvector over 1 MB, and 1 MB of distinct junk words
would exceed it; the rest of a longer text is not searchable (a real article has far fewer words)."""

_TOKEN = re.compile(r"[^\W_]+")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_LATIN = re.compile(r"[a-zäğıŋöşūü]")
_SNOWBALL = {"ru": "russian", "en": "english"}

def _words(*lines: str) -> frozenset[str]:
    return frozenset(word for line in lines for word in line.split(" "))


STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words("a an and are as at be by for from has have in is it its of on or that the this to was",
                 "were will with"),
    "ru": _words("а без в во для до же за и из или к как ко на не но о об от по при с со то что это",
                 "его её ее их они он она мы вы"),
    "kk": frozenset(map(kk_stem.fold, _words("және мен бен пен да де та те сен ол біз сіз олар бұл осы сол",
                                             "үшін туралы бойынша арқылы ретінде ал не немесе әрі"))),
}
"""The commonest function words, which would match most texts: left out of texts and queries alike,
so a query's cost follows its words that mean something (issue 17's bound on ranking cost)."""


def normalise(text: str) -> str:
    """NFKC, lower case, ё as е, soft hyphens and zero-width characters removed."""
    text = unicodedata.normalize("NFKC", text).lower()
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    return text.replace("ё", "е")


def tokens(text: str) -> Iterator[re.Match[str]]:
    """The words of normalised ``text`` with their places (letters and digits; hyphens and apostrophes split)."""
    return _TOKEN.finditer(text)


_local = threading.local()


def _snowball(language: str):
    """A Snowball stemmer of this thread (its objects keep state between calls)."""
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(_SNOWBALL[language])
    return stemmers[language]


CACHED_WORDS = 300_000
"""Words, and chunks of `indexed_text`, whose keys each process remembers per language (a word's keys
cost 2-10 µs; a library's vocabulary repeats). Once full, new words are analysed but not kept: the
words met first are most of what a text holds (Zipf), and emptying the memory would make a library
with a larger vocabulary analyse every word again and again."""
_cache: dict[str, dict[str, tuple[str, ...]]] = {}


def word_keys(word: str, language: str) -> tuple[str, ...]:
    """The search keys of one normalised word in ``language``: none for a stop word or junk, two for a
    Kazakh word whose ending reads two ways (`library.search.kk_stem.stems`), else one."""
    cache = _cache.get(language)
    if cache is None:
        cache = _cache[language] = {}
    found = cache.get(word)
    if found is None:
        found = _word_keys(word, language)
        if len(cache) < CACHED_WORDS:
            cache[word] = found
    return found


def _word_keys(word: str, language: str) -> tuple[str, ...]:
    if len(word) > MAX_TOKEN:
        return ()
    if language == "kk":
        if _LATIN.search(word):
            word = to_cyrillic(word)
        word = kk_stem.fold(word)
        if word in STOP_WORDS["kk"]:
            return ()
        return kk_stem.stems(word)
    if word in STOP_WORDS.get(language, ()):
        return ()
    if language in _SNOWBALL:
        return (_snowball(language).stemWord(word),)
    return (word,)


def key(word: str, language: str) -> str | None:
    """The first search key of one normalised word (None for a stop word or junk)."""
    found = word_keys(word, language)
    return found[0] if found else None


def keys(text: str, language: str, limit: int = MAX_KEYS) -> list[str]:
    """The search keys of plain ``text`` in ``language``, in order, every reading of each word (at most
    ``limit`` words): what the index holds. This is the index build's inner loop (a million texts):
    kept to a regular expression and dictionary lookups."""
    cache = _cache.get(language)
    if cache is None:
        cache = _cache[language] = {}
    get = cache.get
    words = _TOKEN.findall(normalise(text))[:limit]
    return list(chain.from_iterable([get(word) or word_keys(word, language) for word in words]))


_chunks: dict[str, dict[str, str]] = {}


def _chunk_keys(chunk: str, language: str) -> str:
    """The keys of a run of non-space characters, joined by spaces: the words `tokens` finds in it."""
    return " ".join(chain.from_iterable(word_keys(word, language) for word in _TOKEN.findall(chunk)))


def indexed_text(text: str, language: str, limit: int = MAX_KEYS) -> str:
    """``" ".join(keys(text, language, limit))``, as the index stores it, about twice as fast.

    This is the index build's inner loop (a million texts). The text is normalised as a whole and
    split at whitespace, in C, and each chunk's keys are looked up in one dictionary: a chunk is a
    word, maybe with punctuation ("кітап," or "<p>Қазақстан"), and its keys are those of the words
    `tokens` finds in it, which never span whitespace, so the result is the same as `keys`'. A text
    longer than ``2 * limit`` characters, which may hold more than ``limit`` words, takes `keys`'
    own path (a shorter one cannot: a word is followed by a character that is not one).
    """
    normal = normalise(text)
    if len(normal) > 2 * limit:
        return " ".join(keys(text, language, limit))
    chunks = normal.split()
    cache = _chunks.get(language)
    if cache is None:
        cache = _chunks[language] = {}
    get = cache.get
    found = [get(chunk) for chunk in chunks]
    if None in found:
        room = len(cache) < CACHED_WORDS
        for n, chunk in enumerate(chunks):
            if found[n] is None:
                found[n] = _chunk_keys(chunk, language)
                if room:
                    cache[chunk] = found[n]
    return " ".join(filter(None, found))


def query_keys(query: str, language: str, limit: int) -> list[tuple[str, ...]]:
    """The distinct words of a reader's query in ``language`` as their keys, in the order typed (at most
    ``limit`` words): a text matches a word when it holds any of the word's keys."""
    words = [found for match in tokens(normalise(query)) if (found := word_keys(match.group(), language))]
    return list(dict.fromkeys(words))[:limit]
