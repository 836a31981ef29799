"""The parts of a text that belong to no language, removed before its language is judged.

Placeholders (``%(name)s``, ``%s``, ``{name}``), HTML tags and entities, URLs, e-mail addresses,
code (file names, paths, identifiers, calls, text in backticks: issue 18), numbers, Latin acronyms
("SDG", "UNICEF", "COP28") and a few allow-listed names ("Google", "e-mail")
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

# Every pattern here runs on whatever a writer saves, so each must take time linear in the text
# (issue 13: "a." * 8000 took 27 s). The rules that keep them so: a repeated part never overlaps what
# follows it; a part that scans ahead ("everything up to -->") stops at the next place another match
# could start, or accepts the end of the text as its end, so no scan is repeated from every start; a
# run that may start anywhere inside itself is anchored by a look-behind to the start of the run.
# tests/languages/test_linear.py feeds each entry point 1 MB of adversarial text.
#: Code and scripts; an unclosed one runs to the end of the text.
_SCRIPT_OR_STYLE = re.compile(r"<(script|style|code|pre)\b[^<>]*>.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
#: An element whose content is code or keys, not prose (issue 18: a Kazakh paragraph quoting
#: ``<code>pip install</code>`` is Kazakh); an unclosed one runs to the end of the text.
_CODE_ELEMENT = re.compile(r"(<(code|pre|kbd|samp|var|tt|script|style)\b[^<>]*>).*?(</\2\s*>|\Z)",
                           re.IGNORECASE | re.DOTALL)
#: A tag, or a comment (an unterminated one runs to the end of the text, as in a browser).
_TAG = re.compile(r"<[!/?]?[A-Za-z][^<>]*>|<!--.*?(?:-->|\Z)", re.DOTALL)
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{1,7}|#x[0-9A-Fa-f]{1,6});")
#: A printf directive; its ``(name)`` holds no parenthesis, so a scan for ``)`` stops at the next ``%(``.
_PERCENT = re.compile(r"%(?:\([^()]*\))?[#0+-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]")
_BRACE = re.compile(r"\{[^{}]*\}")
_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+", re.IGNORECASE)
#: A run of dotted names ("a.b.c"), matched whole from its start; `_domain` decides whether it holds
#: a host name. A pattern "labels, then a known top-level domain" would retry the run from every label.
_DOTTED = re.compile(r"(?<![A-Za-z0-9.-])[A-Za-z0-9-]+\.[A-Za-z0-9.-]+(?:/[^\s<>\"']*)?")
_TOP_LEVEL = re.compile(r"\.(?:kz|ru|com|org|net|int|gov|edu|info|io|eu|uk|de|fr|qaz)(?=\.|$)", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: Code quoted with backticks (Markdown, reStructuredText); at most 200 characters, so an unclosed one
#: costs no scan to the end of the text.
_BACKTICKS = re.compile(r"`{1,2}[^`\n]{1,200}`{1,2}")
#: A run of the characters of file names, paths and identifiers that holds one of their marks (an
#: underscore, a slash, a backslash, a dot before a letter or digit), matched whole from its start
#: (the look-behind), the look-ahead stopping at the first mark; `_code` decides whether it is code.
_CODE_RUN = re.compile(
    r"(?<![A-Za-z0-9_./\\~:-])(?=[A-Za-z0-9~:-]*(?:[_/\\]|\.[A-Za-z0-9./]))[A-Za-z0-9_./\\~:-]+"
)
#: A function call without arguments ("save()", "obj.save()"): a look-behind anchors it to the start
#: of its run, so a long run is not rescanned from every letter.
_CALL = re.compile(r"(?<![A-Za-z0-9_.])[A-Za-z_][A-Za-z0-9_.]*\(\)")
_DOT_INSIDE = re.compile(r"[A-Za-z0-9]\.[A-Za-z0-9]")
_NUMBER = re.compile(r"\d+(?:[.,:/\u00a0\u202f ]\d+)*(?:st|nd|rd|th)?%?")
_CAPITAL = re.compile("[A-Z]")
#: A Latin token (letters, digits, internal hyphens): the unit for acronyms and allow-listed names.
_LATIN_TOKEN = re.compile(r"(?<![^\W\d_])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![^\W\d_])")


def is_acronym(token: str) -> bool:
    """A Latin token written mostly in capitals ("SDG", "SDGs", "COP28", "PhD", "XXI"), not a word."""
    letters = [char for char in token if char.isalpha()]
    capitals = sum(char.isupper() for char in letters)
    return capitals >= 2 and capitals * 2 >= len(letters) and len(letters) <= 10


def _may_hold_names(text: str, keep: frozenset[str]) -> bool:
    """Whether ``text`` may hold an acronym (capitals), an allow-listed name or a kept token: without any,
    its Latin tokens need not be listed (500,000 of them take 0.3 s)."""
    return bool(keep) or _CAPITAL.search(text) is not None or any(name in text for name in ALLOWED_NAMES)


def _neutral_tokens(text: str, keep: frozenset[str]) -> frozenset[str]:
    """The distinct Latin tokens of ``text`` that are names or acronyms: each judged once, however
    often it occurs (a text of 500,000 tokens must not call a Python function 500,000 times)."""
    return frozenset(token for token in set(_LATIN_TOKEN.findall(text))
                     if is_acronym(token) or token.casefold() in ALLOWED_NAMES or token in keep)


def _domain(match: re.Match[str]) -> str:
    """A host name ("stat.gov.kz", "un.org/sdgs") and what follows it blanked, up to its last known
    top-level domain; any other dotted run ("a.b", "3.1.1") left as it is."""
    run = match.group(0)
    host, slash, path = run.partition("/")
    last = None
    for last in _TOP_LEVEL.finditer(host):  # noqa: B007 (the last one is wanted)
        pass
    if last is None:
        return run
    if last.end() == len(host):
        return " "
    return " " + host[last.end():] + slash + path


def _code(match: re.Match[str]) -> str:
    """A file name, extension, path or identifier ("flatpages/contact_page.html", "settings.py", ".docx",
    "/about/", "C:\\Temp", "LIBRARY_LOCALES_DIR", "obj.attr") blanked; "and/or" or "km/h" left as it is."""
    run = match.group(0)
    slashes = run.count("/")
    code = (
        "_" in run and run.strip("_./\\~:-") != "" or "\\" in run or "::" in run
        or _DOT_INSIDE.search(run) is not None or run[0] == "." or slashes >= 2 or slashes == 1 and run[0] in "/~"
    )
    return " " if code else run


def empty_code_elements(markup: str) -> str:
    """``markup`` with the content of its code elements (``code``, ``pre``, ``kbd``, ``samp``, ``var``,
    ``tt``, scripts and styles) replaced by an ellipsis (no language) and their tags kept, so that a
    paragraph made of one ``<pre>`` stays a paragraph (the segmenter leaves out empty ones) and the
    paragraphs after it keep the numbers the workbench shows."""
    return _CODE_ELEMENT.sub(r"\1…\3", markup) if "<" in markup else markup


def strip_neutral(text: str, keep: frozenset[str] = frozenset()) -> str:
    """``text`` with its language-neutral parts replaced by spaces.

    ``keep`` holds extra Latin tokens to treat as names, such as the capitalised words a translation
    took over from its source ("Litestar" in "Работает на Litestar").
    """
    # Each pattern runs only when the character it starts from is there: a pass over 1 MB costs ~0.1 s.
    if "<" in text:
        text = _TAG.sub(" ", _SCRIPT_OR_STYLE.sub(" ", text))
    if "&" in text:
        text = _ENTITY.sub(" ", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if "://" in text or "www." in text.lower():
        text = _URL.sub(" ", text)
    if "." in text:
        text = _DOTTED.sub(_domain, text)
    if "%" in text:
        text = _PERCENT.sub(" ", text)
    if "{" in text:
        text = _BRACE.sub(" ", text)
    if "`" in text:
        text = _BACKTICKS.sub(" ", text)
    if "()" in text:
        text = _CALL.sub(" ", text)
    if "_" in text or "/" in text or "\\" in text or "." in text:
        text = _CODE_RUN.sub(_code, text)
    text = _NUMBER.sub(" ", text)
    if _may_hold_names(text, keep) and (neutral := _neutral_tokens(text, keep)):
        text = _LATIN_TOKEN.sub(lambda match: " " if match.group(0) in neutral else match.group(0), text)
    return text
