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

from library.languages.detect import paragraphs

_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)\b([^<>]*)>")
_HREF = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'«»“”]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: A number as any of the three languages writes it: 2024, 1 000 (no-break or narrow spaces), 1,000,
#: 2,5, 3.1.1 (an SDG indicator), 19.03.2024 (a date).
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[\u00a0\u202f ]\d{3}(?!\d))*(?:[.,]\d+)*")
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
    """The paragraph's position in the body, from 1 (None for the title and summary)."""
    text: str


def plain(markup: str) -> str:
    """Visible text of an HTML fragment, tags removed and entities decoded."""
    return html.unescape(_TAG.sub(" ", markup))


def parts(title: str, summary: str, body: str) -> list[Part]:
    """The title, the summary (when there is one) and each paragraph of the body, in reading order."""
    result = [Part("title", None, plain(title).strip())]
    if summary.strip():
        result.append(Part("summary", None, plain(summary).strip()))
    for number, paragraph in enumerate(paragraphs(body), start=1):
        text = plain(paragraph).strip()
        if text:
            result.append(Part("paragraph", number, text))
    return result


def excerpt(text: str, words: int = 8) -> str:
    """The first ``words`` words of ``text``, with an ellipsis when there are more."""
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


def _strip_url(url: str) -> str:
    return url.rstrip(".,;:!?)»”")


def urls(markup: str) -> set[str]:
    """Link targets (href, src) and URLs written in the text; mailto links count as e-mail addresses."""
    found = set()
    for match in _HREF.finditer(markup):
        target = html.unescape(next(group for group in match.groups() if group is not None)).strip()
        if target and not target.lower().startswith("mailto:"):
            found.add(target)
    found.update(_strip_url(url) for url in _URL.findall(plain(markup)))
    return found


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
    found = {address.lower() for address in _EMAIL.findall(plain(markup))}
    for match in _HREF.finditer(markup):
        target = next(group for group in match.groups() if group is not None)
        if target.lower().startswith("mailto:"):
            found.add(html.unescape(target[7:]).split("?")[0].strip().lower())
    return found


def _without_urls(text: str) -> str:
    return _EMAIL.sub(" ", _URL.sub(" ", text))


def years(markup: str) -> set[str]:
    """Four-digit years 1900-2099 in the visible text (not inside URLs or e-mail addresses)."""
    return set(_YEAR.findall(_without_urls(plain(markup))))


def _canonical_number(token: str, language: str) -> list[str]:
    """One written number as a canonical string (or several, for a date written with dots)."""
    token = re.sub(r"[\u00a0\u202f ]", "", token)
    separators = re.findall(r"[.,]", token)
    groups = re.split(r"[.,]", token)
    if not separators:
        return [token.lstrip("0") or "0"]
    if len(separators) >= 2 and set(separators) == {"."} and len(groups) == 3 and len(groups[2]) == 4:
        return [group.lstrip("0") or "0" for group in groups]  # 19.03.2024: day, month, year
    if language == "en" and set(separators) == {","} and all(len(group) == 3 for group in groups[1:]):
        return ["".join(groups).lstrip("0") or "0"]  # 1,000,000
    if len(separators) == 1:
        return [f"{groups[0].lstrip('0') or '0'}.{groups[1]}"]  # 2,5 and 2.5 alike
    return [".".join(groups)]  # 3.1.1: an indicator number, kept as written


def numbers(markup: str, language: str) -> Counter[str]:
    """Numbers in the visible text, canonical (``1 000`` and ``1,000`` are ``1000``; ``2,5`` is
    ``2.5``), counted; URLs and e-mail addresses are not searched."""
    found: Counter[str] = Counter()
    for token in _NUMBER.findall(_without_urls(plain(markup))):
        found.update(_canonical_number(token, language))
    return found


def tag_counts(markup: str) -> Counter[str]:
    """Opening tags by name, layout tags (`LAYOUT_TAGS`) and links left out (links are compared by
    target)."""
    return Counter(
        name.lower()
        for closing, name, _ in _TAG.findall(markup)
        if not closing and name.lower() not in LAYOUT_TAGS and name.lower() != "a"
    )


def text_length(title: str, summary: str, body: str) -> int:
    """Visible characters, whitespace collapsed: what the length ratio compares."""
    return len(" ".join(f"{title} {summary} {plain(body)}".split()))
