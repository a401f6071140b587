"""The mood barometer ("Stimmungsbild"): participants set their mood 1..5 whenever they like.

Pure: no I/O, no clock. The store keeps the latest value per participant and room (a new value
replaces the old one), so every participant counts once; ``mood_reading`` summarises those
values and ``per_minute`` turns samples of the room's average into its course over time.
``parse_mood`` accepts values of any type and raises only ``DomainError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import TypeGuard

from live.domain.errors import DomainError
from live.domain.text import _n

MIN_MOOD = 1
MAX_MOOD = 5
MOOD_VALUES: tuple[int, ...] = tuple(range(MIN_MOOD, MAX_MOOD + 1))
# Neutral wording for a professional audience; the value is the key.
MOOD_LABELS: Mapping[int, str] = MappingProxyType(
    {
        1: _n("sehr schlecht"),
        2: _n("eher schlecht"),
        3: _n("neutral"),
        4: _n("eher gut"),
        5: _n("sehr gut"),
    }
)


def _is_int(value: object) -> TypeGuard[int]:
    # bool is a subclass of int, but true/false from JSON is never meant as a number.
    return isinstance(value, int) and not isinstance(value, bool)


def _round2(total: int | float, count: int) -> float:
    """``total / count`` rounded half up to 2 decimals (integer arithmetic for int totals, so
    an exact x.xx5 is not turned into x.xx4999… by float division)."""
    if isinstance(total, int):
        return (2 * total * 100 + count) // (2 * count) / 100
    return round(total / count, 2)


def parse_mood(raw: object) -> int:
    """The mood a participant picked: an int 1..5. bool, float, str, None and anything else
    raise ``DomainError("invalid_mood")``."""
    if _is_int(raw) and MIN_MOOD <= raw <= MAX_MOOD:
        return raw
    msg = _n("Bitte wählen Sie eine Stimmung von %(min)d bis %(max)d.")
    raise DomainError("invalid_mood", msg, min=MIN_MOOD, max=MAX_MOOD)


@dataclass(frozen=True, slots=True)
class MoodReading:
    """How many participants picked 1..5 (``counts[0]`` is mood 1) and their average (2
    decimals, rounded half up; None while nobody has set a mood)."""

    counts: tuple[int, int, int, int, int]
    average: float | None


def mood_reading(values: Iterable[int]) -> MoodReading:
    """Summarise the latest mood of every participant. Raises ValueError for a value outside
    1..5 (the store only keeps ``parse_mood`` results: that would be a bug, not user input)."""
    counts = [0, 0, 0, 0, 0]
    for value in values:
        if not (_is_int(value) and MIN_MOOD <= value <= MAX_MOOD):
            raise ValueError(f"mood must be an int {MIN_MOOD}..{MAX_MOOD}, got {value!r}")
        counts[value - MIN_MOOD] += 1
    voters = sum(counts)
    weighted = sum(v * c for v, c in zip(MOOD_VALUES, counts, strict=True))
    average = _round2(weighted, voters) if voters else None
    c1, c2, c3, c4, c5 = counts
    return MoodReading(counts=(c1, c2, c3, c4, c5), average=average)


def per_minute(samples: Iterable[tuple[datetime, float]]) -> list[tuple[datetime, float]]:
    """The mean of the samples within each whole minute (2 decimals), in time order; minutes
    without samples are left out.

    Meant for samples of the room's *average* (e.g. one per change or per tick), so the course
    shows how the room felt, not only the mood of those who happened to tap in that minute.
    """
    sums: dict[datetime, tuple[float, int]] = {}
    for at, value in samples:
        minute = at.replace(second=0, microsecond=0)
        total, count = sums.get(minute, (0.0, 0))
        sums[minute] = (total + value, count + 1)
    return [(minute, _round2(total, count)) for minute, (total, count) in sorted(sums.items())]


def course(log: Iterable[tuple[datetime, str, int]]) -> list[tuple[datetime, float]]:
    """The room's average after each change, replaying the log (at, participant, value) in
    order: the latest value per participant counts. Feed it to per_minute for a chart."""
    current: dict[str, int] = {}
    total = 0
    samples: list[tuple[datetime, float]] = []
    for at, participant, value in log:
        total += value - current.get(participant, 0)
        current[participant] = value
        samples.append((at, _round2(total, len(current))))
    return samples
