"""Telling linear from quadratic time on a shared machine (issue 13's timed tests).

A step is first timed once on the full input against a bound far below what a quadratic step takes
(minutes on 1 MB) and above what a linear one takes on a quiet core. A busy machine can push a linear
step over that bound (CI saw 1.1-4.8 s of CPU for 1-3 s bounds while another run shared the cores), so a
time over the bound is not yet a failure: the step is timed again, on the whole and on a quarter of
the input, the best of a few runs each (a moment of load slows one run, not all), and fails only if
its time grew like a square. Linear time grows about 4x from a quarter to the whole, a square 16x; the
limit sits between them (CI saw a linear step measured once at 9.9x, and once at 10.3x when the quarter
was timed in a quiet moment and the whole in a busy one). So the two sizes are timed in turns, a burst
of load then falls on both, and with the garbage collector off: a collection that happens to land in
one run is the collector's cost, not the pattern's.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

QUARTER = 4
GROWTH_LIMIT = 10.0
"""Most a step's time may grow from a quarter of the input to the whole: 4x is linear, 16x a square."""
RUNS = 4
"""Runs of each size, in turns, when the first is over the bound: the best of each is kept."""
FLOOR = 0.05
"""Seconds below which the quarter's time is too small to divide by (it is then taken as this)."""


def cpu_seconds(step: Callable[[], object]) -> float:
    """CPU time of this process for ``step()``: its own cost, not that of the other run on the cores."""
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        step()
        return time.process_time() - started
    finally:
        gc.enable()


def superlinear(run: Callable[[str], object], text: str, bound: float) -> str | None:
    """None when ``run(text)`` is linear; otherwise what was measured, to be shown in the failure."""
    whole = cpu_seconds(lambda: run(text))
    if whole < bound:
        return None
    part = text[: len(text) // QUARTER]
    quarters, wholes = [], [whole]
    for _ in range(RUNS):
        quarters.append(cpu_seconds(lambda: run(part)))
        wholes.append(cpu_seconds(lambda: run(text)))
    quarter, whole = min(quarters), min(wholes)
    growth = whole / max(quarter, FLOOR)
    if growth <= GROWTH_LIMIT:
        return None
    return f"{whole:.2f} s on {len(text):,} characters, {quarter:.2f} s on a quarter ({growth:.1f}x)"
