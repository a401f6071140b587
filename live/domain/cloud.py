"""The word cloud's layout: words with counts → horizontal words placed in a fixed box.

Pure and deterministic (no randomness, no clock): equal input gives an equal layout, so the
fan-out can render it once per tick and the projector does not flicker.

Why these numbers (the projector is read from the back of a hall):
- The smallest text on the wall must be ≥ 2.2 % of the screen height. The cloud is drawn into
  its box with `preserveAspectRatio="xMidYMid meet"`, so a font of ``min_font`` user units is
  ``min_font / box.height`` of the drawn cloud's height. The wall's box sets ``min_font`` to
  5.6 % of the box height: the smallest word then meets 2.2 % whenever the cloud gets at least
  40 % of the screen height (the browser test measures the real page at 1920×1080: below the
  question, beside the join panel, above the applause row, the cloud gets about 40 %).
- Six size classes, geometric steps, the largest 3.2 × the smallest (≤ ~4 ×): the ranking
  reads at a glance, and the big words leave room for the small ones at the floor size. When
  the words of the big classes (2..5, the most frequent) would take more than 40 % of the box
  or do not all find room, the ratio steps down (2.6, 2.1, …) until they fit: the most
  frequent words are never the ones left out, and the rarer ones still get room.
- At most 40 words are laid out: at these sizes the wall's box holds some 20–35 German words. What
  does not fit is left out and counted (``Cloud.left_out``, shown as "+N weitere Wörter"); it is
  never clipped and never shrunk below ``min_font``.

Stable positions: words are placed greedily in an order that depends only on their size class
and a hash of the case-folded word (biggest first), each at the first free point of one
spiral from the centre. A word's box depends only on the word, its size class, the number of
digits of the top count and the size ratio, and the ratio only on the words of the big
classes. So one more vote that keeps every size class (and the top count's number of digits:
9 → 10 widens every count) leaves every position as it was, and a new word in the smallest
class present does not move any bigger word.
"""

from __future__ import annotations

import math
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

SIZE_CLASSES = 6
TOP_CLASS = SIZE_CLASSES - 1
SIZE_RATIO = 3.2  # largest font / smallest font
MAX_WORDS = 40
# The spiral (share of the box height): radial distance between turns, distance between points.
# Finer packs a few more words but costs time: a layout is ~20-30 ms in CPython.
PITCH = 0.025
STEP = 0.0125
# Size ratios tried in turn until the words of the big classes (>= BIG_CLASS) take at most
# BIG_SHARE of the box and all find room.
RATIOS = (SIZE_RATIO, 2.6, 2.1, 1.7, 1.4, 1.15)
BIG_CLASS = 2
BIG_SHARE = 0.4
LONG_WORD_RATIO = 2.0  # long words shrink the steps down to this ratio, no further
ZOOMS = (0.5, 0.7)  # windows of the box a small cloud is drawn in (see _view)

# Advance widths (em) of DejaVu Sans Bold, rounded up: the widest sans of the page's font stack
# (Segoe UI, Roboto, Helvetica/Arial and San Francisco bold are all narrower), so the estimate
# is an upper bound whichever font the browser picks. Text is anchored in the middle of its box,
# so a narrower font leaves equal slack on both sides.
_WIDTHS = {
    "ijlIJ.,:;!'|": 0.38,
    "ftr": 0.5,
    "-\u2010\u2011": 0.43,
    "csz": 0.61,
    "aekovxyäö": 0.70,
    "bdghnpquüß0123456789": 0.73,
    "w": 0.93,
    "m": 1.05,
    "L": 0.65,
    "CEFPSTYZ": 0.74,
    "ABKRVXÄ": 0.78,
    "DGHNOQUÖÜ": 0.86,
    "M": 1.0,
    "W": 1.11,
}
_EM = {ch: em for chars, em in _WIDTHS.items() for ch in chars}
_UNKNOWN_EM = 1.1  # other scripts: CJK is 1 em, the widest Cyrillic letters a little more
_SAFETY = 1.03  # rounding, kerning quirks and hinting at small sizes

# Vertical extent around the baseline (em): DejaVu's ascent/descent is 0.928/0.236, which is
# also what the browser's getBBox reports; a little more for taller fonts (accents on capitals).
ASCENT = 0.96
DESCENT = 0.27

PAD_X = 0.12  # space kept free left and right of a word, per side (em of the word)
PAD_Y = 0.03  # above and below (the ascent/descent box already has air in it)
COUNT_GAP = 0.3  # between a word and its count (em of the count)
MARGIN = 0.01  # free edge inside the box (share of its height)


@dataclass(frozen=True, slots=True)
class Box:
    """The cloud's coordinate system: ``width`` × ``height`` user units; the smallest font."""

    width: int
    height: int
    min_font: float
    # The view's height follows the words (a page that grows with the cloud, as on phones)
    # instead of keeping the box's shape (a stage of fixed size, as on the projector).
    fit_height: bool = False

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0 or self.min_font <= 0:
            raise ValueError("a cloud box needs a positive size and minimum font")


# The wall: 2:1 (the projector's stage beside the join panel is about that shape, wider than
# the 16:9 screen); smallest font 5.6 % of the height (see the module docstring).
WALL = Box(1800, 900, 50.0)
# Phones: portrait 5:6, drawn about 350 CSS px wide (the card's full width), so 40 units are
# ~14 px; a compound of some 30 letters ("Gesundheitsorientierungsprogramm") still fits on one
# line at the smallest size, longer ones are left out and counted.
PHONE = Box(1000, 1200, 40.0, fit_height=True)


@dataclass(frozen=True, slots=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def overlaps(self, other: Rect) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )


@dataclass(frozen=True, slots=True)
class PlacedWord:
    """One word on the cloud: drawn as text anchored in the middle at (x, baseline)."""

    word: str
    count: int
    size_class: int  # 0 (smallest) .. TOP_CLASS
    font_size: float  # of the word, user units
    count_size: float  # of its count
    count_gap: float  # space between word and count
    x: float  # the horizontal centre of word + count
    baseline: float
    rect: Rect  # the space reserved for it (padding included); no two overlap


@dataclass(frozen=True, slots=True)
class Cloud:
    box: Box
    words: tuple[PlacedWord, ...]  # in the input's order: most frequent first
    left_out: int  # words given but not shown (beyond the limit or without room)
    # The part of the box to draw (the SVG's viewBox): centred, one of ZOOMS of the box or all
    # of it, in the box's shape unless the box fits the height to the words.
    view: Rect


def size_class(count: int, top: int) -> int:
    """0..TOP_CLASS: relative to the most frequent word, but never above ``count``.

    The cap keeps a young cloud (everything said once, so everything "top") at a modest size
    and lets words grow as votes come in; once the top count passes 10, a word said once is in
    the smallest class.
    """
    if count <= 0 or top <= 0:
        return 0
    relative = (2 * TOP_CLASS * count + top) // (2 * top)  # round half up of 5 × count / top
    return max(0, min(TOP_CLASS, relative, count))


def text_em(text: str) -> float:
    """Estimated advance width of ``text`` in em (an upper bound for a bold sans)."""
    total = 0.0
    for ch in text:
        em = _EM.get(ch)
        if em is None:
            base = unicodedata.normalize("NFD", ch)[:1]  # é → e, Ł stays unknown
            em = _EM.get(base, _UNKNOWN_EM)
        total += em
    return total * _SAFETY


def _order_key(word: str, size: int) -> tuple[int, int, str]:
    # Biggest first; within a class a fixed pseudo-random order (crc32 is stable across
    # processes, unlike hash()), so words of one class scatter instead of sorting A-Z.
    folded = word.casefold()
    return (-size, zlib.crc32(folded.encode("utf-8")), folded)


@cache
def _spiral(width: int, height: int) -> tuple[tuple[int, int], ...]:
    """Offsets from the centre along an Archimedean spiral stretched to the box's shape.

    Whole units, so a layout is exact; computed once per box.
    """
    aspect = width / height
    pitch = PITCH * height  # radial distance between turns
    step = STEP * height  # distance between points along the curve
    r_max = math.hypot(height / 2, height / 2)  # reaches the corners (x is stretched by aspect)
    points: list[tuple[int, int]] = [(0, 0)]
    seen = {(0, 0)}
    t = 0.0
    while True:
        r = pitch * t / (2 * math.pi)
        if r > r_max:
            break
        t += step / max(r, step)
        point = (round(r * math.cos(t) * aspect), round(r * math.sin(t)))
        if point not in seen and abs(point[0]) <= width / 2 and abs(point[1]) <= height / 2:
            seen.add(point)
            points.append(point)
    return tuple(points)


@dataclass(frozen=True, slots=True)
class _Row:
    index: int  # position in the input
    word: str
    count: int
    size_class: int
    em: float  # estimated width of the word at 1 unit font size


def _fit(word_em: float, fixed: float, avail: float) -> float:
    """The largest font size at which a word (plus its count, ``fixed`` wide) fits ``avail``."""
    return (avail - fixed) / (word_em + 2 * PAD_X)


def _sizes(rows: Sequence[_Row], box: Box, ratio: float, fixed: float, avail: float) -> list[float]:
    """Font sizes per class, the largest ``ratio`` × the smallest.

    A long word of a big class that would not fit the box's width at its size shrinks the
    steps (so the ranking stays visible by size), but not below LONG_WORD_RATIO: one
    30-letter compound must not flatten the whole cloud. Beyond that the word alone is set
    smaller (``_font``).
    """
    step = ratio ** (1 / TOP_CLASS)
    floor = min(step, LONG_WORD_RATIO ** (1 / TOP_CLASS))
    for row in rows:
        fit = _fit(row.em, fixed, avail)
        if row.size_class >= BIG_CLASS and fit >= box.min_font:
            step = min(step, max(floor, (fit / box.min_font) ** (1 / row.size_class)))
    return [round(box.min_font * step**k, 1) for k in range(SIZE_CLASSES)]


def layout(words: Sequence[tuple[str, int]], box: Box = WALL, *, limit: int = MAX_WORDS) -> Cloud:
    """Lay out ``words`` ((word, count), most frequent first, as count_words gives them).

    Invariants: every reserved rect lies inside the box (less its margin); no two overlap;
    every font is ≥ ``box.min_font``; a word with a higher count never gets a smaller size
    class; equal input gives an equal layout.
    """
    shown = [(w, c) for w, c in words if c > 0][: max(limit, 0)]
    if not shown:
        return Cloud(box, (), len(words), _view(box, []))
    top = max(c for _, c in shown)
    digits = len(str(top))  # counts reserve the top count's width, so a vote changes no box
    count_size = round(box.min_font, 1)
    count_gap = round(COUNT_GAP * count_size, 1)
    fixed = count_gap + text_em("0" * digits) * count_size
    margin = MARGIN * box.height
    avail = box.width - 2 * margin
    rows = sorted(
        (_Row(i, w, c, size_class(c, top), text_em(w)) for i, (w, c) in enumerate(shown)),
        key=lambda row: _order_key(row.word, row.size_class),
    )
    big = [row for row in rows if row.size_class >= BIG_CLASS]
    packer = _Packer(box, margin)
    # The first ratio at which the big words leave room for the rest and all find room
    # themselves: the most frequent words are all on the wall. It depends on the big words
    # only, so a rare new word never changes the sizes.
    for ratio in RATIOS:
        sizes = _sizes(rows, box, ratio, fixed, avail)
        fonts = [_font(row, sizes, fixed, avail) for row in big]
        area = sum(
            _width(row, font, fixed) * _height(font) for row, font in zip(big, fonts, strict=True)
        )
        if area > BIG_SHARE * box.width * box.height and ratio != RATIOS[-1]:
            continue
        packer = _Packer(box, margin)
        if all(packer.add(row, font, fixed) for row, font in zip(big, fonts, strict=True)):
            break
    for row in rows[len(big) :]:
        packer.add(row, _font(row, sizes, fixed, avail), fixed)

    placed = sorted(packer.placed, key=lambda pair: pair[0].index)
    result = tuple(
        PlacedWord(
            word=row.word,
            count=row.count,
            size_class=row.size_class,
            font_size=font,
            count_size=count_size,
            count_gap=count_gap,
            x=round((rect.left + rect.right) / 2, 1),
            baseline=round(rect.top + (PAD_Y + ASCENT) * font, 1),
            rect=rect,
        )
        for row, font, rect in placed
    )
    return Cloud(box, result, len(words) - len(result), _view(box, packer.rects))


def _view(box: Box, rects: Sequence[Rect]) -> Rect:
    """The smallest centred window of ZOOMS that holds every rect with the margin.

    A young cloud of a few words is drawn larger instead of small in an empty box; as it grows
    the window steps out. Positions in the box never change with it, and it only ever makes
    text larger than the box's minimum. With ``fit_height`` the window is then cut to the
    words' height (still centred), so a phone shows no empty band above and below.
    """
    cx, cy = box.width // 2, box.height // 2
    margin = MARGIN * box.height
    window = Rect(0, 0, box.width, box.height)
    for zoom in ZOOMS:
        half_w, half_h = box.width * zoom / 2, box.height * zoom / 2
        zoomed = Rect(cx - half_w, cy - half_h, cx + half_w, cy + half_h)
        if all(
            r.left >= zoomed.left + margin
            and r.right <= zoomed.right - margin
            and r.top >= zoomed.top + margin
            and r.bottom <= zoomed.bottom - margin
            for r in rects
        ):
            window = zoomed
            break
    if box.fit_height and rects:
        reach = max(max(cy - r.top, r.bottom - cy) for r in rects) + margin
        half_h = min(reach, (window.bottom - window.top) / 2)
        window = Rect(window.left, cy - half_h, window.right, cy + half_h)
    return window


def _width(row: _Row, font: float, fixed: float) -> float:
    return (row.em + 2 * PAD_X) * font + fixed


def _height(font: float) -> float:
    return (ASCENT + DESCENT + 2 * PAD_Y) * font


def _font(row: _Row, sizes: Sequence[float], fixed: float, avail: float) -> float:
    # Capped at what fits the width; below the box's minimum the word is left out.
    return min(sizes[row.size_class], math.floor(_fit(row.em, fixed, avail) * 10) / 10)


class _Packer:
    """Greedy placement: each rect at the first free point of the box's spiral."""

    def __init__(self, box: Box, margin: float) -> None:
        self.box = box
        self.bounds = Rect(margin, margin, box.width - margin, box.height - margin)
        self.spiral = _spiral(box.width, box.height)
        self.placed: list[tuple[_Row, float, Rect]] = []
        self.rects: list[Rect] = []
        # Sizes that found no room: a rect at least as wide and high will not find any either.
        self.failed: list[tuple[float, float]] = []

    def add(self, row: _Row, font: float, fixed: float) -> bool:
        if font < self.box.min_font:
            return False
        width, height = _width(row, font, fixed), _height(font)
        if any(width >= w and height >= h for w, h in self.failed):
            return False
        rect = _place(
            width,
            height,
            self.box.width // 2,
            self.box.height // 2,
            self.spiral,
            self.bounds,
            self.rects,
        )
        if rect is None:
            self.failed.append((width, height))
            return False
        self.rects.append(rect)
        self.placed.append((row, font, rect))
        return True


def _place(
    width: float,
    height: float,
    cx: int,
    cy: int,
    spiral: tuple[tuple[int, int], ...],
    bounds: Rect,
    rects: list[Rect],
) -> Rect | None:
    """The first point of the spiral where a ``width`` × ``height`` rect is free, or None."""
    half_w, half_h = width / 2, height / 2
    # Where the rect's centre may go without leaving the bounds.
    min_x, max_x = bounds.left + half_w - cx, bounds.right - half_w - cx
    min_y, max_y = bounds.top + half_h - cy, bounds.bottom - half_h - cy
    if min_x > max_x or min_y > max_y:
        return None
    # Plain tuples in the hot loop (a frozen dataclass per candidate costs more than the test).
    others = [
        (r.left - half_w - cx, r.top - half_h - cy, r.right + half_w - cx, r.bottom + half_h - cy)
        for r in rects
    ]
    last: tuple[float, float, float, float] | None = None
    for dx, dy in spiral:
        if dx < min_x or dx > max_x or dy < min_y or dy > max_y:
            continue
        # Neighbouring spiral points mostly hit the same word: try that one first.
        if last is not None and last[0] < dx < last[2] and last[1] < dy < last[3]:
            continue
        last = next((o for o in others if o[0] < dx < o[2] and o[1] < dy < o[3]), None)
        if last is None:
            x, y = cx + dx, cy + dy
            return Rect(x - half_w, y - half_h, x + half_w, y + half_h)
    return None
