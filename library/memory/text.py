"""How the memory compares texts: normalised, with tags and placeholders as single tokens.

A translator's segment and a stored unit are compared on their *normalised* form: entities decoded,
Unicode composed (NFC), runs of white space made one space, and every inline tag (``<a href=...>``,
``</em>``) and placeholder (``{name}``, ``%(name)s``, ``%s``) replaced by one character of Unicode's
private use area. So a link whose target differs is the same token, and a missing tag costs one edit,
not the thirty characters of its markup. Similarity is rapidfuzz's normalised Indel ratio (0-100) of
those strings; case counts (a CAT tool shows a case change as a fuzzy match too).

The fuzzy index keys a unit by its words' first `KEY_LETTERS` letters, case-folded, so that Russian and
Kazakh inflections (группа, группы; тобы, тобының) share a key; digits count as whole words.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from library.content import segments as segmenter

#: A tag as the exchange files read it (attributes may hold quoted ">").
TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>")
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]{0,40}\}|%\([A-Za-z_][A-Za-z0-9_]{0,40}\)[sdif]|%[sdif]")
_TOKEN = re.compile(f"{TAG.pattern}|{PLACEHOLDER.pattern}")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+|\d{2,}")
#: Private use area characters standing for tags and placeholders: U+E000 + a stable hash.
_PUA_BASE, _PUA_SIZE = 0xE000, 0x1800
KEY_LETTERS = 5
MIN_KEY_LETTERS = 3


def _token_char(token: str) -> str:
    """One private-use character for a tag (by its name and whether it closes) or a placeholder."""
    match = TAG.fullmatch(token)
    name = f"{match.group(1)}{match.group(2).lower()}" if match else token
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=4).digest()
    return chr(_PUA_BASE + int.from_bytes(digest, "big") % _PUA_SIZE)


def normalise(text: str) -> str:
    """``text`` as the memory compares it (see the module docstring)."""
    tokens = _TOKEN.sub(lambda match: _token_char(match.group(0)), text)
    return _SPACE.sub(" ", unicodedata.normalize("NFC", html.unescape(tokens))).strip()


def visible(text: str) -> str:
    """What a reader sees of a segment: tags removed, entities decoded, white space tidied."""
    return _SPACE.sub(" ", html.unescape(TAG.sub("", text))).strip()


def digest(normalised: str) -> str:
    """The exact-match key of a normalised source."""
    return hashlib.sha1(normalised.encode("utf-8", "surrogatepass")).hexdigest()


def keys(normalised: str, source_language: str, target_language: str) -> set[int]:
    """The index keys of a normalised source for one language pair: 63-bit hashes of the pair and of
    each word's first letters (words shorter than `MIN_KEY_LETTERS` letters say little and are left out)."""
    words = {word[:KEY_LETTERS] for word in _WORD.findall(normalised.casefold())
             if len(word) >= MIN_KEY_LETTERS or word.isdigit()}
    pair = f"{source_language}>{target_language}|"
    return {key_of(pair + word) for word in words}


def key_of(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def similarity(a: str, b: str) -> float:
    """0-100: how alike two normalised texts are (100: the same)."""
    return Indel.normalized_similarity(a, b) * 100


def size_band(size: int, threshold: float) -> tuple[int, int]:
    """The sizes a text of ``size`` characters can have to reach ``threshold`` % similarity with it.

    The Indel distance is at least the difference of the lengths, so a ratio of t needs
    |a - b| <= (1 - t)(a + b): b within [a t/(2 - t), a (2 - t)/t]."""
    t = threshold / 100
    return int(size * t / (2 - t)), int(size * (2 - t) / t) + 1


@dataclass(frozen=True)
class Change:
    """One piece of the difference between a stored source and the current one."""

    op: str
    """``equal``; ``delete``: in the stored source only; ``insert``: in the current source only."""
    text: str


_DIFF_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def difference(stored: str, current: str, *, limit: int = 400) -> list[Change]:
    """How the stored source differs from the current one, word by word (on what readers see); at most
    ``limit`` tokens of each are compared, so a huge segment costs no more than a large one."""
    from difflib import SequenceMatcher

    a = _DIFF_TOKEN.findall(visible(stored))[:limit]
    b = _DIFF_TOKEN.findall(visible(current))[:limit]
    changes: list[Change] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("equal", "delete", "replace") and i2 > i1:
            changes.append(Change("equal" if op == "equal" else "delete", "".join(a[i1:i2])))
        if op in ("insert", "replace") and j2 > j1:
            changes.append(Change("insert", "".join(b[j1:j2])))
    return changes


@dataclass(frozen=True)
class Segment:
    """One segment of a text as the memory learns and suggests by: its place and its inline HTML."""

    id: str
    """The segmenter's id (`library.content.segments.Segment.id`): the workbench's name for it."""
    place: str
    """``title``, ``summary``, ``paragraph N`` or ``paragraph N, sentence M``."""
    text: str


def _place(segment: segmenter.Segment) -> str:
    if segment.field != "body":
        return segment.field
    return f"paragraph {segment.block}" + (f", sentence {segment.sentence}" if segment.sentence > 1 else "")


def of_segmentation(segmentation: segmenter.Segmentation) -> list[Segment | None]:
    """Each segment of the segmenter's ``segmentation`` as HTML with its own markup (the title and summary
    as the plain text they are), in its order; None for one that holds no visible text."""
    found: list[Segment | None] = []
    for segment in segmentation.segments:
        markup, problem = segmenter.render(segment, segment.text)
        if segment.field != "body":
            markup = html.unescape(markup)
        found.append(Segment(segment.id, _place(segment), markup)
                     if problem is None and visible(markup) else None)
    return found


def segments(title: str, summary: str, body: str) -> list[Segment]:
    """The segments of a text as the one segmenter cuts it (`library.content.segments`): the title, the
    summary, each paragraph of the body (each sentence of a long one), with their inline markup."""
    return [s for s in of_segmentation(segmenter.segment_variant(title, summary, body)) if s is not None]


def markup_of(segment: segmenter.Segment) -> str:
    """A segmenter segment's text as the memory stores it: HTML with its own markup (plain text for the
    title and summary)."""
    markup, problem = segmenter.render(segment, segment.text)
    if problem is not None:
        return segment.plain
    return markup if segment.field == "body" else html.unescape(markup)


def in_tokens_of(markup: str, segment: segmenter.Segment) -> str:
    """A suggestion's HTML written with ``segment``'s tokens, as a translator types it in the workbench or
    a CAT tool: each tag becomes the token of the segment's code with the same markup (else the same tag
    name); a tag the segment has no code for is dropped, its text kept (`segmenter.retoken`)."""
    if segment.field != "body":
        return markup
    cut = segmenter.segment_variant("", "", f"<p>{markup}</p>", long_paragraph=10**9).of("body")
    return segmenter.retoken(cut[0], segment) if len(cut) == 1 else visible(markup)
