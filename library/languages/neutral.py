"""The parts of a text that belong to no language, removed before its language is judged.

Placeholders (``%(name)s``, ``%s``, ``{name}``), HTML tags and entities, URLs, e-mail addresses,
numbers, Latin acronyms ("SDG", "UNICEF", "COP28") and a few allow-listed names ("Google", "e-mail")
say nothing about whether a sentence is English, Russian or Kazakh, but they would make a Russian or
Kazakh text look partly English and a short label look longer than it is.

Cyrillic acronyms ("ООН", "ЦУР", "БҰҰ") are *not* neutral: they are words of Russian or Kazakh, and
Cyrillic in an English text is exactly what the detector must notice.
"""

from __future__ import annotations

import re

#: Latin names that Russian and Kazakh texts keep in Latin letters (matched case-insensitively, as whole
#: words). Keep it short: every name here is one that can never be evidence of an untranslated text.
#: All-capital acronyms ("SDG", "OECD", "UNDP", "COP28", "KPI") need no entry: see `is_acronym`.
ALLOWED_NAMES = frozenset(
    name.casefold()
    for name in (
        "e-mail", "email", "cookie", "cookies",
        "Google", "Facebook", "Telegram", "Instagram", "YouTube", "WhatsApp", "LinkedIn", "GitHub",
        "Twitter", "TikTok", "Zoom", "Microsoft", "Excel", "Android", "iOS", "iPhone", "Wi-Fi",
    )
)  # fmt: skip

_SCRIPT_OR_STYLE = re.compile(r"<(script|style|code|pre)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[!/?]?[A-Za-z][^<>]*>|<!--.*?-->", re.DOTALL)
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{1,7}|#x[0-9A-Fa-f]{1,6});")
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0+-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]")
_BRACE = re.compile(r"\{[^{}]*\}")
_URL = re.compile(
    r"(?:https?|ftp)://\S+|www\.\S+"
    r"|\b(?:[A-Za-z0-9-]+\.)+(?:kz|ru|com|org|net|int|gov|edu|info|io|eu|uk|de|fr|qaz)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"\d+(?:[.,:/\u00a0\u202f ]\d+)*(?:st|nd|rd|th)?%?")
#: A Latin token (letters, digits, internal hyphens): the unit for acronyms and allow-listed names.
_LATIN_TOKEN = re.compile(r"(?<![^\W\d_])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![^\W\d_])")


def is_acronym(token: str) -> bool:
    """A Latin token written mostly in capitals ("SDG", "SDGs", "COP28", "PhD", "XXI"), not a word."""
    letters = [char for char in token if char.isalpha()]
    capitals = sum(char.isupper() for char in letters)
    return capitals >= 2 and capitals * 2 >= len(letters) and len(letters) <= 10


def _neutral_token(match: re.Match[str], keep: frozenset[str]) -> str:
    token = match.group(0)
    if is_acronym(token) or token.casefold() in ALLOWED_NAMES or token in keep:
        return " "
    return token


def strip_neutral(text: str, keep: frozenset[str] = frozenset()) -> str:
    """``text`` with its language-neutral parts replaced by spaces.

    ``keep`` holds extra Latin tokens to treat as names, such as the capitalised words a translation
    took over from its source ("Litestar" in "Работает на Litestar").
    """
    text = _SCRIPT_OR_STYLE.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _ENTITY.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _PERCENT.sub(" ", text)
    text = _BRACE.sub(" ", text)
    text = _LATIN_TOKEN.sub(lambda match: _neutral_token(match, keep), text)
    return _NUMBER.sub(" ", text)
