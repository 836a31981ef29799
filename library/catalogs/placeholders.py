"""Placeholders in a message and in its translation, so that a translation cannot drop or invent one.

Three kinds are recognised: named percent (``%(name)s``), positional percent (``%s``, ``%d``; order
matters) and brace fields (``{name}``; ``{{``/``}}`` are literal braces). The percent space flag is not
recognised on purpose: "50% of goals" is text, not the directive ``% o``. A name holds no parenthesis,
so that the search for its ``)`` stops at the next ``%(`` and the scan stays linear in the text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_PERCENT = re.compile(
    r"%(?:\((?P<name>[^()]*)\))?[#0+-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)
_BRACE = re.compile(r"\{\{|\}\}|\{(?P<field>[^{}]*)\}")


@dataclass(frozen=True)
class Placeholders:
    named: Counter[str]
    """``%(name)s`` directives by name (the conversion type included: ``name:s``)."""

    positional: tuple[str, ...]
    """Conversion types of ``%s``-style directives, in order."""

    fields: Counter[str]
    """``{name}`` fields by name (format spec and conversion dropped)."""

    def describe(self) -> str:
        parts = [f"%({key.partition(':')[0]}){key.partition(':')[2]}" for key in sorted(self.named)]
        parts += [f"%{kind}" for kind in self.positional]
        parts += [f"{{{name}}}" for name in sorted(self.fields)]
        return ", ".join(parts) or "none"


def placeholders(text: str) -> Placeholders:
    named: Counter[str] = Counter()
    positional: list[str] = []
    for match in _PERCENT.finditer(text):
        kind = match.group("type")
        if kind == "%":
            continue
        if match.group("name") is not None:
            named[f"{match.group('name')}:{kind}"] += 1
        else:
            positional.append(kind)
    fields: Counter[str] = Counter()
    for match in _BRACE.finditer(text):
        field = match.group("field")
        if field is not None:
            fields[re.split(r"[!:]", field, maxsplit=1)[0]] += 1
    return Placeholders(named, tuple(positional), fields)


def mismatch(source: str, translation: str, *, may_omit: bool = False) -> str | None:
    """Why ``translation`` does not carry the placeholders of ``source``, or None.

    Named placeholders compare as sets (a translation may reorder or repeat them); positional ones
    compare as sequences. With ``may_omit`` (a plural form used only for n == 1) a translation may
    leave placeholders out ("one view") but still must not invent any.
    """
    want, got = placeholders(source), placeholders(translation)
    if may_omit:
        ok = (
            set(got.named) <= set(want.named)
            and set(got.fields) <= set(want.fields)
            and got.positional in ((), want.positional)
        )
    else:
        ok = (
            set(got.named) == set(want.named)
            and set(got.fields) == set(want.fields)
            and got.positional == want.positional
        )
    if ok:
        return None
    return f"placeholders differ: the original has {want.describe()}, the translation has {got.describe()}"


def strip_placeholders(text: str) -> str:
    """``text`` without its placeholders, so that "{count}" alone is not taken for a word."""
    return _BRACE.sub(" ", _PERCENT.sub(" ", text))
