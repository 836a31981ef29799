"""Coverage over time as a line chart drawn on the server in SVG: no script, no external CDN.

The SVG carries a <title> and a <desc> (summarising each series in words) and is labelled by
them, so screen readers get the figures; the table next to it holds them as text too.
Every label arrives already translated and formatted: this module only does geometry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 110, 16, 36
#: Dark enough on white for 3:1 non-text contrast (WCAG 1.4.11); each line also gets its own dash.
COLOURS = ("#1f5fa8", "#a8401f", "#2e7d32", "#6a1b9a", "#00695c")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4")


@dataclass(frozen=True)
class Line:
    label: str
    points: Sequence[tuple[date, float]]


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def _y(percent: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100)


def line_chart(lines: Sequence[Line], *, title: str, desc: str, fmt_date: Callable[[date], str],
               fmt_percent: Callable[[float], str], chart_id: str = "coverage-chart") -> Markup:
    days = [day for line in lines for day, _ in line.points]
    first, last = (min(days), max(days)) if days else (date.today(), date.today())
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'class="chart" id="{chart_id}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(desc)}</desc>']
    for percent in (0, 25, 50, 75, 100):
        y = _y(percent)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#767676" '
                     f'stroke-width="0.5"/><text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="11" fill="#333">{escape(fmt_percent(percent))}</text>')
    for day, anchor in ((first, "start"), (last, "end")):
        parts.append(f'<text x="{_x(day, first, last):.1f}" y="{HEIGHT - 12}" text-anchor="{anchor}" '
                     f'font-size="11" fill="#333">{escape(fmt_date(day))}</text>')
    for index, line in enumerate(lines):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        coords = [(_x(day, first, last), _y(value)) for day, value in line.points]
        if not coords:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline class="series" points="{path}" fill="none" stroke="{colour}" '
                     f'stroke-width="2.5"{dashed}/>')
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in coords)
        parts.append(f'<text x="{WIDTH - RIGHT + 8}" y="{coords[-1][1] + 4:.1f}" font-size="12" '
                     f'fill="{colour}">{escape(line.label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
