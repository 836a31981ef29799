"""The machine-translation hook: a deployment may plug in an engine; the library calls none by default.

An engine is an object with a ``name`` and ``translate(texts, source_language, target_language)``
returning one translation (or None) per text, published by an installed package under the entry point
group `GROUP` and chosen by name with ``LIBRARY_MACHINE_TRANSLATION`` (`Settings.machine_translation`).
Unset, nothing is loaded and nothing leaves the machine. An engine's output is shown as a separate
suggestion of kind ``machine``, labelled with the engine's name, after the memory's; an engine that
fails is logged and skipped, so a broken plug-in never breaks the queue or the workbench.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Protocol

from library.errors import ConfigurationError
from library.memory.suggest import Suggestion

GROUP = "library.machine_translation"
log = logging.getLogger("library.memory")


class MachineTranslator(Protocol):
    name: str

    def translate(self, texts: Sequence[str], source_language: str,
                  target_language: str) -> Sequence[str | None]: ...


def available() -> list[str]:
    """The names of the engines installed packages offer."""
    return sorted(point.name for point in entry_points(group=GROUP))


@lru_cache(maxsize=8)
def engine(name: str | None) -> MachineTranslator | None:
    """The engine called ``name`` (None: no engine). An unknown name or one that fails to load is a
    `ConfigurationError` naming the setting."""
    if not name:
        return None
    points = [point for point in entry_points(group=GROUP) if point.name == name]
    if not points:
        raise ConfigurationError(f"LIBRARY_MACHINE_TRANSLATION names {name!r}, but no installed package offers "
                                 f"it (entry point group {GROUP}: {', '.join(available()) or 'empty'})")
    try:
        loaded = points[0].load()
        translator = loaded() if isinstance(loaded, type) else loaded
    except Exception as error:
        raise ConfigurationError(f"LIBRARY_MACHINE_TRANSLATION: the engine {name!r} failed to load: {error}") from None
    if not callable(getattr(translator, "translate", None)):
        raise ConfigurationError(f"LIBRARY_MACHINE_TRANSLATION: {name!r} has no translate(texts, source, target)")
    return translator


def machine_suggestions(translator: MachineTranslator | None, segments: Sequence[str], source_language: str,
                        target_language: str) -> list[Suggestion | None]:
    """One machine suggestion per segment (None where the engine gave nothing, or failed)."""
    if translator is None or not segments:
        return [None] * len(segments)
    name = str(getattr(translator, "name", "machine"))
    try:
        outputs = list(translator.translate(list(segments), source_language, target_language))
    except Exception:
        log.exception("machine translation engine %r failed", name)
        return [None] * len(segments)
    if len(outputs) != len(segments):
        log.error("machine translation engine %r gave %d translations for %d texts", name, len(outputs),
                  len(segments))
        return [None] * len(segments)
    return [Suggestion("machine", output, segment, None, origin=name) if isinstance(output, str) and output.strip()
            else None for segment, output in zip(segments, outputs, strict=True)]
