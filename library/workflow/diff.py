"""What changed in a source text between two revisions, as a unified diff per field.

HTML bodies are mostly one long line, so they are split after block elements and line breaks
first: a diff then shows the paragraphs that changed, not the whole body twice.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

FIELDS = ("title", "summary", "body")
_BLOCK_END = re.compile(r"(?<=</p>)|(?<=</h[1-6]>)|(?<=</li>)|(?<=<br>)|(?<=<br/>)|(?<=</blockquote>)|\n")


@dataclass(frozen=True)
class FieldDiff:
    field: str
    unified: str
    """``difflib.unified_diff`` of the field, one HTML block per line."""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in _BLOCK_END.split(text) if line.strip()]


def field_diffs(old: dict[str, str], new: dict[str, str], *, old_label: str, new_label: str) -> list[FieldDiff]:
    """The fields whose text differs between ``old`` and ``new``, in FIELDS order."""
    diffs = []
    for name in FIELDS:
        if old.get(name, "") == new.get(name, ""):
            continue
        lines = difflib.unified_diff(_lines(old.get(name, "")), _lines(new.get(name, "")),
                                     fromfile=f"{old_label} {name}", tofile=f"{new_label} {name}",
                                     lineterm="", n=1)
        diffs.append(FieldDiff(name, "\n".join(lines)))
    return diffs
