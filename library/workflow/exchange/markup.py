"""Markup a translation must keep: HTML tags (with their links) and ``{name}`` / ``%(name)s`` placeholders.

A CAT tool protects them, but people edit files by hand too; a dropped ``</a>`` or a mistyped
``{count}`` would break a published page, so an import refuses a translation that does not carry
the same tags and placeholders as its source, properly nested.
"""

from __future__ import annotations

import re
from collections import Counter

from library.workflow.messages import N_

Problem = tuple[str, dict[str, object]]
"""A message template and its facts."""

#: A tag: closing slash, name, attributes (quoted values may hold ">"), self-closing slash. No part holds a
#: "<", so a tag without its ">" is given up at the next "<" and the scan stays linear in the text
#: (issue 13); sanitised HTML writes "<" inside an attribute as "&lt;".
TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)((?:[^<>\"'/]|/(?!\s*>)|\"[^\"<]*\"|'[^'<]*')*+)(/?)\s*>")
_KEPT_ATTRIBUTE = re.compile(r"\b(href|src|id|class)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]|%[sdif]")
VOID = {"br", "hr", "img", "wbr", "input", "meta", "link", "source", "col", "area", "embed", "track"}


def _tag_key(groups: tuple[str, str, str, str]) -> str:
    closing, name, attributes, _ = groups
    kept = sorted(f'{k.lower()}={v.strip(chr(34) + chr(39))}' for k, v in _KEPT_ATTRIBUTE.findall(attributes))
    return f"<{closing}{name.lower()}{''.join(' ' + a for a in kept)}>"


def markup(text: str) -> Counter[str]:
    """Tags (alt and title attributes ignored: they are text to translate) and placeholders in ``text``."""
    found: Counter[str] = Counter()
    for groups, count in Counter(TAG.findall(text)).items():  # each distinct tag once
        found[_tag_key(groups)] += count
    found.update(PLACEHOLDER.findall(text))
    return found


def nesting_problem(text: str) -> Problem | None:
    """Why the tags of ``text`` are not properly nested, or None."""
    stack: list[str] = []
    for closing, name, _, self_closing in TAG.findall(text):
        name = name.lower()
        if name in VOID or self_closing:
            continue
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return N_("the translation closes </{tag}> where it is not open"), {"tag": name}
    if stack:
        return N_("the translation never closes <{tag}>"), {"tag": stack[-1]}
    return None


def markup_problem(source: str, translation: str) -> Problem | None:
    """What ``translation`` lost or added against ``source``, or None when the markup is kept."""
    want, have = markup(source), markup(translation)
    missing, extra = want - have, have - want
    if missing or extra:
        return (N_("the translation does not keep the tags and placeholders of the source; missing: {missing}; "
                   "not in the source: {extra}"),
                {"missing": ", ".join(sorted(missing.elements())) or "-",
                 "extra": ", ".join(sorted(extra.elements())) or "-"})
    return nesting_problem(translation)
