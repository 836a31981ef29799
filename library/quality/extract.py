"""What a translation has to carry over from its source, pulled out of a variant's text.

Numbers, years, URLs, e-mail addresses and markup are the same in every language (up to the way
each language writes a number), so they can be compared between a source and its translation
without understanding either. Everything here is a pure function of strings.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from library.content.segments import segment_variant

_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)\b([^<>]*)>")
_HREF = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'«»“”]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: A number as any of the three languages writes it: 2024, 1 000 (no-break or narrow spaces), 1,000,
#: 2,5, 3.1.1 (an SDG indicator), 19.03.2024 (a date).
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[\u00a0\u202f ]\d{3}(?!\d))*(?:[.,]\d+)*")
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
#: Language segments of a URL that a translation may switch (/ru/ -> /kk/, ?lang=ru -> ?lang=kk).
_LANGUAGE_SEGMENT = re.compile(r"(?<=[/=.])(?:en|ru|kk|kz|qaz)(?=[/&#.]|$)", re.IGNORECASE)
#: Tags that carry no content of their own, so a translation may merge or split them freely.
LAYOUT_TAGS = frozenset({"p", "br", "span", "div"})


@dataclass(frozen=True)
class Part:
    """A piece of a variant judged on its own: its title, its summary, or a paragraph of its body."""

    where: str
    """"title", "summary" or "paragraph"."""
    number: int | None
    """The paragraph's position in the body, from 1 (None for the title and summary): the ``block`` of its
    segments (`library.content.segments`), so the workbench shows a finding beside its paragraph."""
    text: str


@lru_cache(maxsize=8)
def plain(markup: str) -> str:
    """Visible text of an HTML fragment, tags removed and entities decoded. Remembered for the last few
    fragments: one save's checks ask for the plain text of the same source and target many times."""
    return _plain_text(markup)


def parts(title: str, summary: str, body: str, *, limit: int | None = None) -> list[Part]:
    """The title, the summary (when there is one) and each paragraph of the body, in reading order; at
    most ``limit`` paragraphs. The paragraphs are the segmenter's (issue 18: one segmenter for the
    workbench, the exchange files and the checks), a long one's sentences joined again: a language is
    judged on a paragraph, not on a sentence."""
    segmentation = segment_variant("", "", body, limit=limit, plain=True)
    result = [Part("title", None, _plain_text(title).strip())]
    if summary.strip():
        result.append(Part("summary", None, _plain_text(summary).strip()))
    result += [Part("paragraph", number, text) for number, text in segmentation.paragraphs() if text.strip()]
    return result


def _plain_text(markup: str) -> str:
    # Not remembered: there may be thousands of paragraphs. Each pattern runs only when the character it
    # starts from is there, here and below: a pass over 1 MB costs about 0.1 s.
    text = _TAG.sub(" ", markup) if "<" in markup else markup
    return html.unescape(text) if "&" in text else text


def excerpt(text: str, words: int = 8) -> str:
    """The first ``words`` words of ``text``, with an ellipsis when there are more."""
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


def _strip_url(url: str) -> str:
    return url.rstrip(".,;:!?)»”")


def urls(markup: str) -> set[str]:
    """Link targets (href, src) and URLs written in the text; mailto links count as e-mail addresses."""
    found = set()
    for target in _targets(markup):
        target = html.unescape(target).strip()
        if target and not target.lower().startswith("mailto:"):
            found.add(target)
    text = plain(markup)
    if "://" in text or "www." in text.lower():
        found.update(_strip_url(url) for url in set(_URL.findall(text)))
    return found


@lru_cache(maxsize=8)
def _targets(markup: str) -> frozenset[str]:
    """The distinct href and src values of ``markup``."""
    return frozenset("".join(groups) for groups in set(_HREF.findall(markup))) if "=" in markup else frozenset()


def comparable_url(url: str) -> str:
    """A URL as compared across languages: case-insensitive scheme and host, language segments
    (``/ru/``, ``?lang=kk``) neutral, no trailing slash, ``www.`` the same as ``https://www.``."""
    url = url.strip()
    if url.lower().startswith("www."):
        url = "https://" + url
    url = re.sub(r"^https?://", "https://", url, flags=re.IGNORECASE)
    scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    url = f"{scheme}{sep}{host.lower()}{slash}{path}" if sep else url
    return _LANGUAGE_SEGMENT.sub("*", url).rstrip("/")


def emails(markup: str) -> set[str]:
    """E-mail addresses in the text and in mailto links, lower-cased."""
    text = plain(markup)
    found = {address.lower() for address in set(_EMAIL.findall(text))} if "@" in text else set()
    for target in _targets(markup):
        if target.lower().startswith("mailto:"):
            found.add(html.unescape(target[7:]).split("?")[0].strip().lower())
    return found


@lru_cache(maxsize=8)
def _without_urls(text: str) -> str:
    if "://" in text or "www." in text.lower():
        text = _URL.sub(" ", text)
    return _EMAIL.sub(" ", text) if "@" in text else text


def years(markup: str) -> set[str]:
    """Four-digit years 1900-2099 in the visible text (not inside URLs or e-mail addresses)."""
    text = _without_urls(plain(markup))
    return set(_YEAR.findall(text)) if _DIGIT.search(text) else set()


def _canonical_number(token: str, language: str) -> list[str]:
    """One written number as a canonical string (or several, for a date written with dots)."""
    token = token.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    dots, commas = token.count("."), token.count(",")  # counted, not listed: a token may be 1 MB long
    if not dots and not commas:
        return [token.lstrip("0") or "0"]
    if dots == 2 and not commas and len(groups := token.split(".")) == 3 and len(groups[2]) == 4:
        return [group.lstrip("0") or "0" for group in groups]  # 19.03.2024: day, month, year
    if language == "en" and commas and not dots and all(len(group) == 3 for group in token.split(",")[1:]):
        return [token.replace(",", "").lstrip("0") or "0"]  # 1,000,000
    if dots + commas == 1:
        whole, _, fraction = token.replace(",", ".").partition(".")
        return [f"{whole.lstrip('0') or '0'}.{fraction}"]  # 2,5 and 2.5 alike
    return [token.replace(",", ".")]  # 3.1.1: an indicator number, kept as written


def numbers(markup: str, language: str) -> Counter[str]:
    """Numbers in the visible text, canonical (``1 000`` and ``1,000`` are ``1000``; ``2,5`` is
    ``2.5``), counted; URLs and e-mail addresses are not searched."""
    found: Counter[str] = Counter()
    text = _without_urls(plain(markup))
    for token, count in Counter(_NUMBER.findall(text) if _DIGIT.search(text) else ()).items():  # distinct once
        for number in _canonical_number(token, language):
            found[number] += count
    return found


def tag_counts(markup: str) -> Counter[str]:
    """Opening tags by name, layout tags (`LAYOUT_TAGS`) and links left out (links are compared by
    target)."""
    found: Counter[str] = Counter()
    for (closing, name, _), count in Counter(_TAG.findall(markup) if "<" in markup else ()).items():
        if not closing and name.lower() not in LAYOUT_TAGS and name.lower() != "a":
            found[name.lower()] += count
    return found


def text_length(title: str, summary: str, body: str) -> int:
    """Visible characters, whitespace collapsed: what the length ratio compares."""
    return len(" ".join(f"{title} {summary} {plain(body)}".split()))
