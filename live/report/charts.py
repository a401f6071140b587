"""Server-rendered SVG charts: no JavaScript, no external fonts, nothing but markup.

Every chart is ``role="img"`` with an ``aria-label`` that states its numbers (and the same text
as ``<title>``, the tooltip), and writes its values as text next to the marks, so nothing is
told by colour alone. All text that goes in is escaped here: poll questions, options and agenda
titles are typed by people. Colours are presentation attributes, not ``style`` (the page's CSP
refuses inline styles); report.css may override them through the classes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from live.domain.models import AgendaItem

INK = "#1a1a1a"
MUTED = "#4a4a4a"
BAR = "#0b5394"  # 7.6:1 on white
TRACK = "#dbe8f5"
GRID = "#9ca3af"
BANDS = ("#eef2f7", "#dde5ef")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
# Rough width of one character at the given font size (for cutting labels to fit).
CHAR_WIDTH = 0.58


def esc(text: str) -> str:
    """Escaped for SVG/HTML text and attribute values (quotes too)."""
    return escape(text, quote=True)


def fit(text: str, width: float, font_size: float) -> str:
    """``text`` cut with "…" so that it fits ``width`` pixels (approximately)."""
    chars = int(width / (font_size * CHAR_WIDTH))
    if chars < 2:
        return ""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _n(x: float) -> str:
    # One decimal is plenty for a viewBox of a few hundred units and keeps the SVG small.
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _svg(width: float, height: float, label: str, css: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'role="img" aria-label="{esc(label)}" font-family="{esc(FONT)}" fill="{INK}">'
        f"<title>{esc(label)}</title>{''.join(body)}</svg>"
    )


# --- bars (poll results) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # an option, a scale value or a word (user text)
    share: float  # bar length, 0..1
    value: str  # the result written next to the bar, e.g. "30 % (6)"


BAR_WIDTH = 640
ROW = 42
VALUE_ROOM = 110  # right of the longest bar, for its value text


def bar_chart(bars: Sequence[Bar], *, label: str) -> str:
    """One row per bar: the label above, the bar with its value written after it."""
    track = BAR_WIDTH - VALUE_ROOM
    body: list[str] = []
    for i, bar in enumerate(bars):
        y = i * ROW
        length = max(0.0, min(1.0, bar.share)) * track
        body.append(
            f'<g class="chart-row"><title>{esc(bar.label)}: {esc(bar.value)}</title>'
            f'<text x="0" y="{_n(y + 14)}" font-size="13">'
            f"{esc(fit(bar.label, BAR_WIDTH, 13))}</text>"
            f'<rect class="chart-track" x="0" y="{_n(y + 20)}" width="{_n(track)}" height="14" '
            f'fill="{TRACK}"/>'
            f'<rect class="chart-bar" x="0" y="{_n(y + 20)}" width="{_n(length)}" height="14" '
            f'fill="{BAR}"/>'
            f'<text x="{_n(length + 6)}" y="{_n(y + 32)}" font-size="13" font-weight="600">'
            f"{esc(bar.value)}</text></g>"
        )
    return _svg(BAR_WIDTH, max(1, len(bars)) * ROW, label, "bar-chart", body)


# --- timelines (applause, mood) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Axis:
    """The value axis: its range and the gridlines with their labels."""

    lo: float
    hi: float
    ticks: tuple[tuple[float, str], ...]


@dataclass(frozen=True, slots=True)
class Band:
    """An agenda item drawn behind the line: its span and its full description (tooltip)."""

    item: AgendaItem
    description: str


WIDTH = 720
HEIGHT = 210
LEFT, RIGHT, TOP, BOTTOM = 34.0, 8.0, 22.0, 22.0


def hour_step(hours: float) -> int:
    return 1 if hours <= 8 else 2 if hours <= 16 else 3 if hours <= 24 else 6


def timeline_chart(
    points: Sequence[tuple[datetime, float | None]],
    *,
    start: datetime,
    end: datetime,
    axis: Axis,
    bands: Sequence[Band],
    hours: Sequence[tuple[datetime, str]],
    label: str,
    area: bool,
) -> str:
    """A line (``area``: filled down to the axis) over [start, end), agenda items as shaded
    bands with their titles on top, hour ticks along the bottom. ``points`` with None leave
    a gap (no value yet)."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    span = max((end - start).total_seconds(), 1.0)

    def x(moment: datetime) -> float:
        offset = (moment - start).total_seconds() / span
        return LEFT + max(0.0, min(1.0, offset)) * plot_w

    def y(value: float) -> float:
        ratio = (value - axis.lo) / (axis.hi - axis.lo)
        return TOP + plot_h - max(0.0, min(1.0, ratio)) * plot_h

    body: list[str] = []
    for i, band in enumerate(bands):
        x0, x1 = x(band.item.starts_at), x(band.item.ends_at)
        if x1 <= x0:
            continue
        body.append(
            f'<g class="agenda-band"><title>{esc(band.description)}</title>'
            f'<rect x="{_n(x0)}" y="{_n(TOP)}" width="{_n(x1 - x0)}" height="{_n(plot_h)}" '
            f'fill="{BANDS[i % 2]}"/>'
            f'<line x1="{_n(x0)}" y1="2" x2="{_n(x0)}" y2="{_n(TOP + plot_h)}" '
            f'stroke="{MUTED}" stroke-width="1"/>'
            f'<text x="{_n(x0 + 3)}" y="14" font-size="11" fill="{MUTED}">'
            f"{esc(fit(band.item.title, x1 - x0 - 4, 11))}</text></g>"
        )
    for value, text in axis.ticks:
        body.append(
            f'<line x1="{_n(LEFT)}" y1="{_n(y(value))}" x2="{_n(WIDTH - RIGHT)}" '
            f'y2="{_n(y(value))}" stroke="{GRID}" stroke-width="0.5"/>'
            f'<text x="{_n(LEFT - 4)}" y="{_n(y(value) + 4)}" font-size="11" '
            f'text-anchor="end">{esc(text)}</text>'
        )
    for moment, text in hours:
        at = x(moment)
        # The last label would stick out on the right: it ends at its tick instead.
        anchor = "end" if at > WIDTH - RIGHT - 20 else "middle"
        body.append(
            f'<line x1="{_n(at)}" y1="{_n(TOP + plot_h)}" x2="{_n(at)}" '
            f'y2="{_n(TOP + plot_h + 4)}" stroke="{INK}"/>'
            f'<text x="{_n(at)}" y="{_n(HEIGHT - 6)}" font-size="11" '
            f'text-anchor="{anchor}">{esc(text)}</text>'
        )
    body.extend(_line(points, x, y, y(axis.lo), area))
    return _svg(WIDTH, HEIGHT, label, "timeline-chart", body)


def _line(
    points: Sequence[tuple[datetime, float | None]],
    x: Callable[[datetime], float],
    y: Callable[[float], float],
    base: float,
    area: bool,
) -> list[str]:
    runs: list[list[tuple[float, float]]] = [[]]
    for moment, value in points:
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x(moment), y(value)))
    out = []
    for run in (r for r in runs if r):
        coords = " ".join(f"{_n(px)},{_n(py)}" for px, py in run)
        if area:
            first, last = run[0][0], run[-1][0]
            out.append(
                f'<polygon class="series-area" points="{_n(first)},{_n(base)} {coords} '
                f'{_n(last)},{_n(base)}" fill="{BAR}" fill-opacity="0.35"/>'
            )
        out.append(
            f'<polyline class="series" points="{coords}" fill="none" stroke="{BAR}" '
            f'stroke-width="2" stroke-linejoin="round"/>'
        )
    return out
