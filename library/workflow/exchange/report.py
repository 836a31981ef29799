"""The typed result of an import: what was applied, what was left out and why, what was wrong.

Errors stop the whole import (nothing is written); conflicts and skipped units are reported and
left out while the rest is applied. Each line keeps an English template and its facts, so the web
layer can show it translated and the CLI in English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from library.workflow.messages import N_, Place, Translate, render, render_place


class Kind(StrEnum):
    ERROR = "error"
    CONFLICT = "conflict"
    SKIPPED = "skipped"
    APPLIED = "applied"
    READY = "ready"
    """Would be applied (a dry run)."""


#: How each kind is labelled in a report line.
LABELS = {Kind.ERROR: N_("error"), Kind.CONFLICT: N_("conflict"), Kind.SKIPPED: N_("skipped"),
          Kind.APPLIED: N_("applied"), Kind.READY: N_("ready")}


@dataclass(frozen=True)
class ReportLine:
    kind: Kind
    where: Place
    template: str
    facts: dict[str, object] = field(default_factory=dict)

    def text(self, translate: Translate | None = None) -> str:
        label = translate(LABELS[self.kind]) if translate else LABELS[self.kind]
        return f"{label}: {render_place(self.where, translate)}: {render(self.template, self.facts, translate)}"


@dataclass
class ImportReport:
    language: str
    format: str
    lines: list[ReportLine] = field(default_factory=list)
    written: bool = False

    def add(self, kind: Kind, where: Place, template: str, **facts: object) -> None:
        self.lines.append(ReportLine(kind, where, template, facts))

    def of(self, kind: Kind) -> list[ReportLine]:
        return [line for line in self.lines if line.kind is kind]

    @property
    def errors(self) -> list[ReportLine]:
        return self.of(Kind.ERROR)

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self, *, errors_only: bool = False, translate: Translate | None = None) -> list[str]:
        return [line.text(translate) for line in self.lines if not errors_only or line.kind is Kind.ERROR]

    def summary(self) -> dict[str, int]:
        return {kind.value: len(self.of(kind)) for kind in Kind}
