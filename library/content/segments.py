"""A variant cut into the pieces a translator translates one at a time, and put back together (issue 18).

Translation tools align a text segment by segment: the title, the summary, each paragraph, list item,
heading or table cell of the body, and each sentence of a long paragraph. Inline markup (links,
emphasis) becomes numbered tokens, ``{1}text{/1}`` for a pair of tags and ``{2/}`` for a lone one (an
image, a tag whose partner is in another segment, or source text that happens to look like a token), so
the translator moves them but never types HTML; `Segmentation.rebuild` writes a body from translated
segments with the source's own tags, and refuses a segment whose tokens are lost, doubled, invented or
crossed. The workbench, the PO/XLIFF units and the content checks' paragraph findings all use this one
segmenter, so a "segment 3" or a "paragraph 2" means the same thing everywhere.

A segment's id is made from its field and its text (tokens included, whitespace collapsed), so it stays
the same across revisions while its text does: an outdated translation is matched to a new source segment
by segment, and only the segments whose id is new need work.

Every step is a single pass over the text with patterns that cannot backtrack (tags hold no "<"), so a
hostile body of 1 MB costs what its length costs.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from library.catalogs.lazy import N_

FIELDS = ("title", "summary", "body")

#: A tag: closing slash, name, attributes (quoted values may hold ">"), self-closing slash. No part holds a
#: "<", so a tag without its ">" is given up at the next "<" and the scan stays linear (issue 13).
TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)((?:[^<>\"'/]|/(?!\s*>)|\"[^\"<]*\"|'[^'<]*')*+)(/?)\s*>")
#: Tags that make a block of their own: a segment never crosses one.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
})
VOID_TAGS = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
#: Elements that are content without any text: a paragraph holding only an image is a segment.
_CONTENT_TAGS = VOID_TAGS - BLOCK_TAGS
#: A blank line separates paragraphs in a body written as plain text.
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
#: A token as it is written in a segment's text: ``{1}``, ``{/1}``, ``{1/}``.
TOKEN = re.compile(r"\{(/?)([0-9]{1,6})(/?)\}")
#: Where a sentence may end: its punctuation, closing quotes or brackets, then space.
_TOKENS = re.compile(r"(?:\{/?[0-9]{1,6}/?\})+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*[ \t\r\n]+")
_OPENING = "«\"“‘'(["
#: Words after which a full stop seldom ends a sentence (lower case; a single letter never does).
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "e.g", "i.e", "art", "fig", "vol", "pp",
    "им", "ст", "гг", "тыс", "млн", "млрд", "трлн", "руб", "тт", "др", "пр", "проф", "акад", "обл", "ул",
    "мың", "жж", "бб", "т.е", "т.б", "т.д", "т.п",
})
#: Missing tokens named in a message, at most.
MAX_NAMED = 10
#: Visible characters from which a paragraph is cut into sentences.
LONG_PARAGRAPH = 500
#: A segment's id: its field and 12 hex digits of a hash of its text.
ID_LENGTH = 12

Problem = tuple[str, dict[str, object]]
"""A message template and its facts."""


class Code(NamedTuple):
    """The markup a token stands for. (A named tuple: a hostile body makes hundreds of thousands.)"""

    number: int
    paired: bool
    """``{n}…{/n}`` (an opening and a closing tag) when True, ``{n/}`` (one tag or a literal) when False."""
    opening: str
    """The source's opening tag, or the lone tag, or the escaped literal text."""
    closing: str = ""
    tag: str = ""
    """The tag's name in lower case ("a", "em"; "" for a literal)."""

    @property
    def tokens(self) -> tuple[str, ...]:
        return (f"{{{self.number}}}", f"{{/{self.number}}}") if self.paired else (f"{{{self.number}/}}",)


@dataclass(frozen=True)
class Segment:
    id: str
    """Stable while the text is: ``title-…``, ``summary-…``, ``body-…`` (``~2`` and on for repeats)."""
    field: str
    kind: str
    """"title", "summary", or the block's tag ("p", "li", "h2", "td"; "text" for text outside any)."""
    block: int
    """The paragraph's position in the body, from 1 (0 for the title and summary)."""
    sentence: int
    """The sentence's position in its paragraph, from 1 (always 1 when the paragraph is not cut)."""
    text: str
    """The source with its inline markup as tokens, whitespace collapsed."""
    codes: tuple[Code, ...] = ()

    @property
    def plain(self) -> str:
        """The visible text: tokens dropped (a literal keeps its text)."""
        literal = {c.number: html.unescape(c.opening) for c in self.codes if not c.tag}
        return TOKEN.sub(lambda m: literal.get(int(m[2]), "") if m[3] else "", self.text) if self.codes else self.text

    @property
    def tokens(self) -> list[str]:
        """The tokens in the order the source has them."""
        return [m.group() for m in TOKEN.finditer(self.text)] if self.codes else []


@dataclass(frozen=True)
class Segmentation:
    """A variant's segments, and for each field the skeleton that puts translations back in place."""

    segments: tuple[Segment, ...]
    skeletons: Mapping[str, tuple[str | int, ...]]
    """Per field: literal HTML and indexes into ``segments``, in order."""
    runs: Mapping[str, tuple[tuple[int, ...], ...]] = field(default_factory=dict)
    """Per field: each stretch between two block boundaries, empty ones too, as the indexes of its segments
    (several for a paragraph cut into sentences, none for an empty one). A translation rebuilt from this
    source has the same stretches, however many of its segments were left empty: `align` relies on it."""

    def by_id(self) -> dict[str, Segment]:
        return {segment.id: segment for segment in self.segments}

    def of(self, field_name: str) -> list[Segment]:
        return [segment for segment in self.segments if segment.field == field_name]

    def paragraphs(self) -> list[tuple[int, str]]:
        """(block, visible text) for each paragraph of the body, its sentences joined again."""
        joined: dict[int, list[str]] = {}
        for segment in self.of("body"):
            joined.setdefault(segment.block, []).append(segment.plain)
        return [(block, " ".join(texts)) for block, texts in joined.items()]

    def rebuild(self, translations: Mapping[str, str], *, missing: str = "refuse") -> dict[str, str]:
        """Title, summary and body with each segment's translation (by id) put in its source's place, with
        the source's markup. Raises `SegmentRejected` for a translation whose tokens are broken, and for a
        missing one when ``missing`` is "refuse"; "empty" leaves its place empty (a draft: `align` finds
        the others again), "source" keeps the source's text."""
        rendered: list[str] = []
        for segment in self.segments:
            text = translations.get(segment.id)
            if text is None or not text.strip():
                if missing == "empty":
                    rendered.append("")
                    continue
                if missing != "source":
                    raise SegmentRejected(segment, N_("the segment is not translated"), {})
                text = segment.text
            built, problem = render(segment, text)
            if problem is not None:
                raise SegmentRejected(segment, *problem)
            # The title and summary are plain text: their "markup" is only escaped literals.
            rendered.append(built if segment.field == "body" else html.unescape(built))
        return {name: "".join(rendered[p] if isinstance(p, int) else p for p in self.skeletons.get(name, ()))
                for name in FIELDS}


class SegmentRejected(ValueError):
    """A translated segment that cannot be put back: which, and why (a message template and its facts)."""

    def __init__(self, segment: Segment, template: str, facts: dict[str, object]) -> None:
        super().__init__(template.format(**facts))
        self.segment, self.template, self.facts = segment, template, facts


def segment_variant(title: str, summary: str, body: str, *, limit: int | None = None,
                    long_paragraph: int = LONG_PARAGRAPH, plain: bool = False) -> Segmentation:
    """The segments of a variant, in reading order; at most ``limit`` paragraphs of the body (the rest is
    left out of the segments and of the body's skeleton: use a limit only to look, not to rebuild).
    Paragraphs of ``long_paragraph`` visible characters or more are cut into sentences. With ``plain``,
    only what `Segmentation.paragraphs` needs: the same paragraphs, numbered alike, as visible text
    without tokens, ids or sentences (the content checks run on every save, over up to 1 MB)."""
    builder = _Builder(long_paragraph=long_paragraph, plain=plain)
    for name, text in (("title", title), ("summary", summary)):
        builder.field(name)
        builder.run(name, [_Piece(_escape(text))])
    builder.field("body")
    _body(builder, body, limit)
    return Segmentation(tuple(builder.segments), {k: tuple(v) for k, v in builder.skeletons.items()},
                        {k: tuple(v) for k, v in builder.runs.items()})


def segment_text(fields: Mapping[str, str], *, limit: int | None = None,
                 long_paragraph: int = LONG_PARAGRAPH) -> Segmentation:
    """`segment_variant` of a mapping with ``title``, ``summary`` and ``body`` (missing ones empty)."""
    return segment_variant(fields.get("title", ""), fields.get("summary", ""), fields.get("body", ""), limit=limit,
                           long_paragraph=long_paragraph)


def render(segment: Segment, translation: str) -> tuple[str, Problem | None]:
    """The HTML of ``translation`` with ``segment``'s tokens turned back into its source's markup, or the
    problem with its tokens: each must be there exactly once, pairs opened before they close and nested."""
    codes = {code.number: code for code in segment.codes}
    seen: set[str] = set()
    stack: list[int] = []
    out: list[str] = []
    position = 0
    for match in TOKEN.finditer(translation):
        out.append(_escape(_SPACES.sub(" ", translation[position:match.start()])))
        position = match.end()
        token, closing, number, lone = match.group(), match[1], int(match[2]), match[3]
        code = codes.get(number)
        if code is None or closing and lone or code.paired == bool(lone):
            return "", (N_("the token {token} is not in the source"), {"token": token})
        if token in seen:
            return "", (N_("the token {token} is there twice"), {"token": token})
        seen.add(token)
        if not code.paired:
            out.append(code.opening)
        elif not closing:
            stack.append(number)
            out.append(code.opening)
        elif not stack or stack[-1] != number:
            return "", (N_("the token {token} closes what is not open"), {"token": token})
        else:
            stack.pop()
            out.append(code.closing)
    out.append(_escape(_SPACES.sub(" ", translation[position:])))
    missing = [t for code in segment.codes for t in code.tokens if t not in seen]
    if missing:
        shown = " ".join(missing[:MAX_NAMED]) + (" …" if len(missing) > MAX_NAMED else "")
        return "", (N_("the tokens of the source are missing: {tokens}"), {"tokens": shown})
    return "".join(out).strip(" "), None


def align(source: Segmentation, target: Segmentation) -> dict[str, str]:
    """The translation of each ``source`` segment (by id, in the source's token numbers) found in
    ``target``, a translation of it: for a translation rebuilt from this source, exactly the texts it was
    rebuilt from. Stretches between block boundaries are paired in order (when both have as many; else
    the non-empty ones, when those are as many; else the field is left out); within a paragraph, segments
    in order, the target's paragraph cut into sentences whatever its length when the counts differ, and
    given whole to the first sentence when they still do. Tokens are matched by the markup they stand for;
    one the source does not have is dropped, so the translator sees what is missing."""
    found: dict[str, str] = {}
    forced: Segmentation | None = None
    for name in FIELDS:
        pairs = _paired_runs(source.runs.get(name, ()), target.runs.get(name, ()))
        for run_index, (mine, theirs) in pairs:
            if not mine or not theirs:
                continue
            if len(mine) != len(theirs) and len(mine) > 1:
                if forced is None:
                    forced = segment_text(_fields_of(target), long_paragraph=0)
                if len(forced.runs.get(name, ())) == len(target.runs.get(name, ())):
                    cut = forced.runs[name][run_index]
                    if len(cut) == len(mine):
                        for s_index, t_index in zip(mine, cut, strict=True):
                            found[source.segments[s_index].id] = retoken(forced.segments[t_index],
                                                                         source.segments[s_index])
                        continue
            if len(mine) == len(theirs):
                for s_index, t_index in zip(mine, theirs, strict=True):
                    found[source.segments[s_index].id] = retoken(target.segments[t_index], source.segments[s_index])
            else:
                first = source.segments[mine[0]]
                found[first.id] = " ".join(retoken(target.segments[t], first) for t in theirs)
    return found


def _paired_runs(mine: tuple[tuple[int, ...], ...], theirs: tuple[tuple[int, ...], ...]):
    """(index of the target's run, (source's segments, target's segments)) for each pair of stretches."""
    if len(mine) == len(theirs):
        return list(enumerate(zip(mine, theirs, strict=True)))
    full_mine = [run for run in mine if run]
    full_theirs = [(index, run) for index, run in enumerate(theirs) if run]
    if len(full_mine) == len(full_theirs):
        return [(index, (m, t)) for m, (index, t) in zip(full_mine, full_theirs, strict=True)]
    return []


def _fields_of(segmentation: Segmentation) -> dict[str, str]:
    """The fields a segmentation was made from, rebuilt from its own segments."""
    return segmentation.rebuild({s.id: s.text for s in segmentation.segments})


def retoken(translated: Segment, source: Segment) -> str:
    """``translated``'s text with its tokens renumbered as ``source``'s: each code goes to the source's
    code with the same markup (else the same tag), in order; a token the source has no code for is
    dropped, its text kept."""
    if not translated.codes:
        return translated.text
    free = list(source.codes)
    numbers: dict[int, Code] = {}
    for code in translated.codes:
        match = (next((c for c in free if (c.opening, c.closing, c.paired) == (code.opening, code.closing,
                                                                                 code.paired)), None)
                 or next((c for c in free if c.tag == code.tag and c.paired == code.paired and c.tag), None))
        if match is not None:
            free.remove(match)
            numbers[code.number] = match

    def renumber(token: re.Match[str]) -> str:
        code = numbers.get(int(token[2]))
        if code is None:
            return ""
        return f"{{{token[1]}{code.number}{token[3]}}}"

    return TOKEN.sub(renumber, translated.text)


def token_problem(segment: Segment, translation: str) -> Problem | None:
    """Why ``translation`` cannot stand for ``segment`` (its tokens), or None."""
    return render(segment, translation)[1]


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def segment_id(field_name: str, text: str) -> str:
    """The id a segment with this (token) text has in ``field_name``, before repeats are numbered."""
    return _hashed_id(field_name, _SPACES.sub(" ", text).strip())


def _hashed_id(field_name: str, text: str) -> str:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=ID_LENGTH // 2)
    return f"{field_name}-{digest.hexdigest()}"


# --- cutting -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Piece:
    """A run's part: text (``tag`` empty) or a tag, with its partner once paired."""

    text: str
    tag: str = ""
    closing: bool = False
    partner: int | None = None
    lone: bool = False


@dataclass
class _Builder:
    segments: list[Segment] = field(default_factory=list)
    skeletons: dict[str, list[str | int]] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)
    runs: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)
    block: int = 0
    current: str = ""
    long_paragraph: int = LONG_PARAGRAPH
    plain: bool = False

    def field(self, name: str) -> None:
        self.current = name
        self.skeletons[name] = []
        self.runs[name] = []

    def literal(self, text: str) -> None:
        if text:
            self.skeletons[self.current].append(text)

    def run(self, kind: str, pieces: list[_Piece]) -> bool:
        """Add the segments of one run of inline content (everything between two block boundaries);
        whatever holds no visible text stays literal. True when a segment was made."""
        first, last = _visible_bounds(pieces)
        if first is None:
            self.literal("".join(p.text for p in pieces))
            self.runs[self.current].append(())
            return False
        self.block += self.current == "body"
        if self.plain:
            text = html.unescape("".join(p.text for p in pieces[first:last + 1] if not p.tag))
            self.segments.append(Segment("", self.current, kind, self.block, 1, _SPACES.sub(" ", text).strip()))
            return True
        head, body, tail = _trim(pieces, first, last)
        self.literal(head)
        long = sum(len(p.text) for p in body if not p.tag) >= self.long_paragraph
        sentences = _sentences(body) if long else [(body, "")]
        start = len(self.segments)
        for number, (part, gap) in enumerate(sentences, start=1):
            token_text, codes = _tokens(part)
            self.add(kind, token_text, codes, number)
            self.literal(gap)
        self.literal(tail)
        self.runs[self.current].append(tuple(range(start, len(self.segments))))
        return True

    def add(self, kind: str, text: str, codes: tuple[Code, ...], sentence: int) -> None:
        base = _hashed_id(self.current, text)
        count = self.seen[base] = self.seen.get(base, 0) + 1
        segment_id_ = base if count == 1 else f"{base}~{count}"
        block = self.block if self.current == "body" else 0
        self.skeletons[self.current].append(len(self.segments))
        self.segments.append(Segment(segment_id_, self.current, kind if self.current == "body" else self.current,
                                     block, sentence, text, codes))


class _Run:
    """The inline content gathered since the last block boundary, pairs matched as they close (a closing
    tag pairs only with the innermost open one, so the matching stays linear; see `_body`)."""

    __slots__ = ("pieces", "open")

    def __init__(self) -> None:
        self.pieces: list[_Piece] = []
        self.open: list[int] = []

    def text(self, text: str) -> None:
        if text:
            self.pieces.append(_Piece(text))

    def take(self) -> list[_Piece]:
        """The pieces gathered (opening tags left open are lone), and a fresh start."""
        pieces = self.pieces
        for index in self.open:
            pieces[index].lone = True
        self.pieces, self.open = [], []
        return pieces


def _body(builder: _Builder, body: str, limit: int | None) -> None:
    """One pass over the body's tags: inline ones gather into the current run, block ones (and blank
    lines in text) end it."""
    kinds: list[str] = []
    open_names: dict[str, int] = {}  # how many of each are in ``kinds``: a closing tag never searches it
    run = _Run()
    position = 0
    for match in TAG.finditer(body) if "<" in body else ():
        start = match.start()
        if start > position:
            text = body[position:start]
            if "\n" in text:
                if not _gather_text(builder, run, text, kinds, limit):
                    return
            else:
                run.pieces.append(_Piece(text))
        position = match.end()
        name = match[2].lower()
        lone = name in VOID_TAGS or bool(match[4])
        if name not in BLOCK_TAGS:
            if builder.plain and name not in _CONTENT_TAGS:
                continue  # text is all that plain segments keep
            # `_Run.tag`, written out: this loop runs once per tag of a body of up to 1 MB.
            pieces, open_ = run.pieces, run.open
            piece = _Piece(match.group(), name, bool(match[1]), None, lone)
            pieces.append(piece)
            if lone:
                continue
            if not piece.closing:
                open_.append(len(pieces) - 1)
            elif open_ and pieces[open_[-1]].tag == name:
                partner = open_.pop()
                pieces[partner].partner, piece.partner = len(pieces) - 1, partner
            else:
                piece.lone = True
            continue
        if not _end_run(builder, run, kinds, limit):
            return
        builder.literal(match.group())
        if lone:
            continue
        if not match[1]:
            kinds.append(name)
            open_names[name] = open_names.get(name, 0) + 1
        elif open_names.get(name):
            while (popped := kinds.pop()) != name:  # each open tag is popped once: linear overall
                open_names[popped] -= 1
            open_names[name] -= 1
    if _gather_text(builder, run, body[position:], kinds, limit):
        _end_run(builder, run, kinds, limit)


def _gather_text(builder: _Builder, run: _Run, text: str, kinds: list[str], limit: int | None) -> bool:
    """Add text to the run; a blank line in it (a body written as plain text) ends the run. False once
    ``limit`` paragraphs are made."""
    position = 0
    for match in _BLANK_LINE.finditer(text) if "\n" in text else ():
        run.text(text[position:match.start()])
        if not _end_run(builder, run, kinds, limit):
            return False
        builder.literal(match.group())
        position = match.end()
    run.text(text[position:])
    return True


def _end_run(builder: _Builder, run: _Run, kinds: list[str], limit: int | None) -> bool:
    if limit is not None and builder.block >= limit:
        return False
    builder.run(kinds[-1] if kinds else "text", run.take())
    return True


def _visible_bounds(pieces: list[_Piece]) -> tuple[int | None, int | None]:
    """The first and last pieces that hold visible text or an element without content (an image); a tag
    left open or closed without its partner is not content by itself."""
    first = next((i for i, p in enumerate(pieces) if _visible(p)), None)
    if first is None:
        return None, None
    return first, next(i for i in range(len(pieces) - 1, first - 1, -1) if _visible(pieces[i]))


def _visible(piece: _Piece) -> bool:
    return piece.tag in _CONTENT_TAGS if piece.tag else bool(piece.text.strip())


def _trim(pieces: list[_Piece], first: int, last: int) -> tuple[str, list[_Piece], str]:
    """Leading and trailing white space and empty markup outside the visible part stay literal; a pair
    cut in two by the trim keeps both its tags inside."""
    start, end = first, last
    for index in range(first, last + 1):
        partner = pieces[index].partner
        if partner is not None:
            start, end = min(start, partner), max(end, partner)
    head = "".join(p.text for p in pieces[:start])
    tail = "".join(p.text for p in pieces[end + 1:])
    body = pieces[start:end + 1] if start or end < len(pieces) - 1 else pieces
    if start:
        for piece in body:
            if piece.partner is not None:
                piece.partner -= start
    if body and not body[0].tag:
        stripped = body[0].text.lstrip()
        head += body[0].text[:len(body[0].text) - len(stripped)]
        body[0].text = stripped
    if body and not body[-1].tag:
        stripped = body[-1].text.rstrip()
        tail = body[-1].text[len(stripped):] + tail
        body[-1].text = stripped
    return head, body, tail


def _sentences(pieces: list[_Piece]) -> list[tuple[list[_Piece], str]]:
    """The run cut after each sentence that ends outside any pair of tags; each part with the white space
    that followed it (kept literal)."""
    result: list[tuple[list[_Piece], str]] = []
    current: list[_Piece] = []
    depth = 0
    for piece in pieces:
        if piece.tag:
            if piece.partner is not None:
                depth += -1 if piece.closing else 1
            current.append(piece)
            continue
        if depth:
            current.append(piece)
            continue
        text, position = piece.text, 0
        for match in _SENTENCE_END.finditer(text):
            if not _ends_sentence(text, match):
                continue
            space = match.group().rstrip()
            current.append(_Piece(text[position:match.start() + len(space)]))
            result.append((current, match.group()[len(space):]))
            current, position = [], match.end()
        if position < len(text):
            current.append(_Piece(text[position:]))
    if current:
        result.append((current, ""))
    return result or [(pieces, "")]


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    following = text[match.end():match.end() + 2]
    if not following:
        return False  # the run goes on with a tag, or ends: nothing to cut off
    char = following[0]
    if char in _OPENING:
        char = following[1:2]
    if not (char.isupper() or char.isdigit()):
        return False
    if match.group()[0] != ".":
        return True
    word = _word_before(text, match.start())
    return len(word) != 1 and word.lower() not in _ABBREVIATIONS  # "" after a number or a tag ends one too


def _word_before(text: str, end: int) -> str:
    """The word before ``end`` (dots inside it kept, "т.е"), at most 8 characters back: bounded work."""
    start = end
    while start > 0 and end - start < 8 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    return text[start:end].strip(".")


def _tokens(pieces: list[_Piece]) -> tuple[str, tuple[Code, ...]]:
    """A part's token text and its codes, numbered from 1 in order of appearance. Lone tags next to each
    other make one token (``<br><img>`` is one thing to carry over, and a hostile run of them stays cheap)."""
    parts: list[str] = []
    codes: list[Code] = []
    open_: list[int] = []  # the numbers of the pairs open here: pairs nest, and never cross a cut
    lone: list[_Piece] = []

    def flush_lone() -> None:
        codes.append(Code(len(codes) + 1, False, "".join(p.text for p in lone), "", lone[0].tag))
        parts.append(f"{{{len(codes)}/}}")
        lone.clear()

    for piece in pieces:
        paired = piece.tag and piece.partner is not None and not piece.lone and (open_ or not piece.closing)
        if piece.tag and not paired:
            lone.append(piece)
            continue
        if lone:
            flush_lone()
        if not piece.tag:
            parts.append(_text_tokens(html.unescape(piece.text), codes))
        elif not piece.closing:
            open_.append(len(codes) + 1)
            codes.append(Code(len(codes) + 1, True, piece.text, "", piece.tag))
            parts.append(f"{{{len(codes)}}}")
        else:
            number = open_.pop()
            codes[number - 1] = codes[number - 1]._replace(closing=piece.text)
            parts.append(f"{{/{number}}}")
    if lone:
        flush_lone()
    return _SPACES.sub(" ", "".join(parts)), tuple(codes)


def _text_tokens(text: str, codes: list[Code]) -> str:
    """Decoded text in which anything that looks like a token becomes a lone code of its own, so the
    translator's tokens are never confused with the source's text."""
    if "{" not in text:
        return text
    out, position = [], 0
    for match in _TOKENS.finditer(text):
        out.append(text[position:match.start()])
        # Braces, digits and slashes only (`_TOKENS`): nothing in it for HTML to escape.
        codes.append(Code(len(codes) + 1, False, match.group()))
        out.append(f"{{{len(codes)}/}}")
        position = match.end()
    out.append(text[position:])
    return "".join(out)
