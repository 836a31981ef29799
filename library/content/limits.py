"""What every text entering the library must satisfy, wherever it comes from (issue 13).

One rule for characters: no C0 control character but TAB, LF and CR (and none of those either where a
value is one line, such as a URL), no DEL, no lone surrogate. PostgreSQL cannot store NUL, UTF-8 cannot
encode a lone surrogate, SQLite stores both and a later move to PostgreSQL breaks; no reader needs any
of them. And one bound on size: a variant's title, summary or body holds at most ``max_text_kb``
kilobytes of UTF-8 (`Settings.max_text_kb`), since every save runs the content checks over all of it.

The HTTP edge (`library.web.guard`), the pages' forms and every importer (JSON Lines backups, PO and
XLIFF files, CSV and TBX term bases) apply these, so nothing is written once a value breaks them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from library.catalogs.lazy import N_
from library.errors import Invalid, LibraryError, Localized, MessageLanguage, render

#: Default of `Settings.max_text_kb`: 1 MB of UTF-8 per title, summary or body.
DEFAULT_MAX_TEXT_KB = 1024

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_FORBIDDEN_IN_LINE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")

Place = tuple[str, dict[str, object]]
"""Where a value is, as a template and its facts: (N_("the field {name}"), {"name": "title"}); messages
open with it ("{where}: ..."), so it stays in the nominative in every language."""

URL_PATH: Place = (N_("the URL path"), {})


def query_parameter(name: str) -> Place:
    return N_("the query parameter {name}"), {"name": _shown(name)}


def field(name: str) -> Place:
    return N_("the field {name}"), {"name": _shown(name)}


def line(number: int) -> Place:
    return N_("line {line}"), {"line": number}


def forbidden_character(text: str, *, multiline: bool = True) -> str | None:
    """The first character of ``text`` the rule refuses, or None. TAB, LF and CR pass when ``multiline``."""
    found = (_FORBIDDEN if multiline else _FORBIDDEN_IN_LINE).search(text)
    return found.group() if found else None


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def _shown(name: str) -> str:
    """A name as it can be quoted back: its forbidden characters written as code points, at most 100 long."""
    return _FORBIDDEN_IN_LINE.sub(lambda match: code_point(match.group()), name[:100])


class _PlacedError(Localized, LibraryError):
    """An error about a value at a `Place`, whose message names the place in the same language."""

    def __init__(self, where: Place, **facts: object) -> None:
        self.where = where
        super().__init__(render(self.template, {"where": render(*where), **facts}), **facts)

    def localized(self, language: MessageLanguage) -> tuple[str, dict[str, object]]:
        where = render(self.where[0], self.where[1], language.gettext)
        return render(self.template, {"where": where, **self.facts}, language.gettext), self.facts


class ControlCharacter(_PlacedError, Invalid):
    """A value holds a character of the refused kinds (see the module docstring)."""

    title = "Control character"
    # Translators: {where} is one of the places translated nearby ("the field {name}", "line {line}"...);
    # {character} a code point such as U+0000.
    template = N_("{where}: the control character {character} is not accepted.")

    def __init__(self, where: Place, character: str) -> None:
        super().__init__(where, character=code_point(character))


class TextTooLarge(_PlacedError, Invalid):
    """A text beyond `Settings.max_text_kb`."""

    title = "Text too large"
    # Translators: {where} as in "{where}: the control character {character} is not accepted."; sizes in KB.
    template = N_("{where}: {size} KB of text, but at most {limit} KB are accepted.")

    def __init__(self, where: Place, size_kb: int, limit_kb: int) -> None:
        super().__init__(where, size=size_kb, limit=limit_kb)


def check_text(where: Place, text: str, *, max_kb: int | None = None, multiline: bool = True) -> None:
    """Raise `ControlCharacter` or `TextTooLarge` when ``text`` breaks the rules."""
    if (char := forbidden_character(text, multiline=multiline)) is not None:
        raise ControlCharacter(where, char)
    if max_kb is not None and len(text) > max_kb * 256:  # cheap: a char is 1 to 4 bytes of UTF-8
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_kb * 1024:
            raise TextTooLarge(where, -(-size // 1024), max_kb)


#: Messages for reports that name the place themselves (an import's lines): templates and `check_text`'s facts.
CONTROL_IN_TEXT = N_("the text contains the control character {character}, which is not accepted")
TEXT_TOO_LARGE = N_("the text holds {size} KB; at most {limit} KB are accepted")


def text_problem(text: str, *, max_kb: int | None = None) -> tuple[str, dict[str, object]] | None:
    """Why ``text`` breaks the rules, as a message template and its facts (for reports that name the
    place themselves, such as an import's lines), or None."""
    try:
        check_text(URL_PATH, text, max_kb=max_kb)
    except ControlCharacter as error:
        return CONTROL_IN_TEXT, error.facts
    except TextTooLarge as error:
        return TEXT_TOO_LARGE, error.facts
    return None


#: Deepest JSON accepted anywhere (request bodies, backup lines); the library's own is at most four deep.
MAX_JSON_DEPTH = 64

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


class JsonTooDeep(Localized, Invalid):
    title = "JSON too deeply nested"
    template = N_("The JSON is nested more than {limit} levels deep.")

    def __init__(self) -> None:
        super().__init__(self.template.format(limit=MAX_JSON_DEPTH), limit=MAX_JSON_DEPTH)


def check_json_depth(data: bytes | str) -> None:
    """Raise `JsonTooDeep` when the JSON text ``data`` nests arrays and objects more than `MAX_JSON_DEPTH`
    deep (brackets inside strings do not count): msgspec raises RecursionError from about 1,000 levels.
    Linear, without recursion, and a mere count of brackets for ordinary JSON."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        return
    depth = 0
    for byte in _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS):
        depth += 1 if byte in b"[{" else -1
        if depth > MAX_JSON_DEPTH:
            raise JsonTooDeep()


def check_json_value(value: object, place: Callable[[str], Place] = field, *, max_kb: int | None = None) -> None:
    """Every string of a decoded JSON value, keys included, checked by `check_text`; ``place`` names where,
    from the dotted path of the string ("forms.kk")."""
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        name, value = stack.pop()
        if isinstance(value, str):
            check_text(place(name or "(value)"), value, max_kb=max_kb)
        elif isinstance(value, dict):
            for key, item in value.items():
                path = f"{name}.{key}" if name else str(key)
                check_text(place(path), str(key), multiline=False)
                stack.append((path, item))
        elif isinstance(value, list):
            stack.extend((name, item) for item in value)


_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def check_lines(text: str, *, xml: bool = False) -> None:
    """Raise `ControlCharacter` naming the first line of a file's ``text`` that holds a refused character;
    with ``xml``, a numeric character reference to one (``&#x7f;``) counts too."""
    found = _FORBIDDEN.search(text)
    position, char = (found.start(), found.group()) if found else (len(text), "")
    if xml:
        for reference in _REFERENCE.finditer(text, 0, position):
            code = int(reference.group(1), 16) if reference.group(1) else int(reference.group(2))
            referenced = chr(code) if code <= 0x10FFFF else "\x00"
            if forbidden_character(referenced) is not None:
                position, char = reference.start(), referenced
                break
    if char:
        raise ControlCharacter(line(text.count("\n", 0, position) + 1), char)
