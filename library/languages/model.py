"""The statistical half of language identification: lingua's n-gram models for English, Russian and Kazakh.

lingua-language-detector ships its models inside its wheel, so nothing is downloaded at run time. The
detector is built once per process, lazily, and shared: it is immutable and safe to use from threads.
Loading cost and memory were measured with `scripts/eval_language_check.py` (see `library.languages.detect`).
"""

from __future__ import annotations

from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

_CODES = {Language.ENGLISH: "en", Language.RUSSIAN: "ru", Language.KAZAKH: "kk"}

#: Which of lingua's two modes `scores` uses. High accuracy (n-grams of 1 to 5 letters) is what short
#: texts need; low accuracy (trigrams only) is smaller and faster to load. See `detect` for the figures.
LOW_ACCURACY = False


@cache
def detector(low_accuracy: bool) -> LanguageDetector:
    """lingua restricted to en, ru and kk, built on first use; its models load lazily as texts need them."""
    builder = LanguageDetectorBuilder.from_languages(*_CODES)
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def scores(text: str, low_accuracy: bool | None = None) -> dict[str, float]:
    """Relative confidence per language code (they add up to 1; all zero when the text has no letters)."""
    mode = LOW_ACCURACY if low_accuracy is None else low_accuracy
    values = detector(mode).compute_language_confidence_values(text)
    result = {code: 0.0 for code in _CODES.values()}
    for value in values:
        result[_CODES[value.language]] = value.value
    return result


def warm_up(low_accuracy: bool | None = None) -> None:
    """Load every model now (about a second in high-accuracy mode) instead of in the first check.

    For measurements (`scripts/eval_language_check.py`): a model's first use includes its loading time.
    The web app and the CLI load the models lazily, at the first check.
    """
    for sample in ("The weather is fine.", "Хорошая погода.", "Ауа райы жақсы."):
        scores(sample, low_accuracy)
