"""Graded applause that everyone hears: per-room aggregation, smoothing and the report timeline.

Pure: ``now`` and ``dt`` are arguments; no I/O, no clock, no randomness. ``parse_grade`` accepts
values of any type and raises only ``DomainError``. Everything else takes values the server has
already validated and stays within 0..1 even when a store hands over nonsense.

Client contract
---------------
A phone does not send one message per tap. While a participant claps it sends its *current*
grade 0..5 (1 = single claps … 5 = intense applause; 0 = stopped) and re-sends that state about
once a second, also when it has not changed. The server keeps, per room and participant, the
latest ``(grade, updated_at)`` and runs ``reading`` on every tick. A state older than
``STALE_AFTER`` (3 s, i.e. two missed re-sends) no longer counts, so a phone that vanished
without sending 0 (tunnel, closed tab, empty battery) falls silent by itself.

Every participant is one entry of the mapping, so they count exactly once: sending more often
or sending grade 5 a thousand times never weighs more than one person clapping at grade 5.

Per room, many rooms
--------------------
All functions work on one room. The server may keep one mapping keyed by ``(room, participant)``
for the whole event; ``by_room`` splits it so each room is aggregated on its own (a participant
with the plenary and a forum open at the same time counts once in each).

The curve (``target_level``)
----------------------------
    intensity = sum(grade / 5 for active clappers) / max(present, clappers, 1)
    level     = sqrt(intensity)

``intensity`` is the room's share of a full ovation: 1.0 when everyone present claps at grade 5.
The people present (not just the clappers) are the denominator, so 20 people clapping hard in
a hall of 400 stay "vereinzelt", while 3 of 3 in a small forum give a real ovation (1.0).
Clappers are present by definition, so a ``present`` that lags behind (a socket count that has
not caught up yet) never pushes a share above 1.

The square root is the loudness of a crowd: independent clappers add up in sound *power*, so
the amplitude grows with the square root of their number. It lifts the middle — a third of the
hall clapping warmly (grade 3) already reaches 0.45, "kräftig" — and keeps a handful in a large
hall quiet. Examples (present, clappers × grade → level):

    400, 5 × 5   → 0.11  vereinzelt        400, 100 × 3 → 0.39  verhalten
    400, 20 × 5  → 0.22  vereinzelt        400, 134 × 3 → 0.45  kräftig
    400, 200 × 5 → 0.71  stark             400, 400 × 3 → 0.77  stark
    400, 400 × 4 → 0.89  tosend            400, 400 × 5 → 1.00  tosend
     30, 1 × 5   → 0.18  vereinzelt          3, 3 × 5   → 1.00  tosend

The level never exceeds 1, rises with every grade and, as long as ``present`` counts every
clapper, with every additional clapper; it falls as more people are present.

Smoothing (``step``)
--------------------
The played level approaches the target exponentially, faster when rising (attack 0.35 s: 94 %
of the way after one second) than when falling (release 1.6 s: half after ~1.1 s, below 1 % of
a full ovation after ~7.5 s), like real applause that swells quickly and ebbs away. Within
``SNAP`` of the target it lands exactly on it, so an idle room reaches 0.0 and stops changing.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeGuard, TypeVar

from live.domain.errors import DomainError
from live.domain.text import _n

MIN_GRADE = 0
MAX_GRADE = 5
# Clients re-send their state about every RESEND; a state older than STALE_AFTER is gone.
RESEND = timedelta(seconds=1)
STALE_AFTER = timedelta(seconds=3)
ATTACK = 0.35
RELEASE = 1.6
# A stalled tick (GC pause, suspended laptop) must not jump the level: dt is clamped to this.
MAX_DT = 5.0
# Closer than this to the target, the level is the target (an idle room becomes exactly 0.0).
SNAP = 0.001

# Lower bounds of the bands 1..5; band 0 ("still") is everything below the first one.
BAND_THRESHOLDS: tuple[float, ...] = (0.02, 0.25, 0.4, 0.6, 0.85)
# Text equivalent per band, e.g. "Applaus: stark" for screen readers.
LEVEL_WORDS: tuple[str, ...] = (
    _n("still"),
    _n("vereinzelt"),
    _n("verhalten"),
    _n("kräftig"),
    _n("stark"),
    _n("tosend"),
)

# One participant's latest report: the grade and when the server received it.
GradeState = tuple[int, datetime]
# An applause episode for the report: start, end (exclusive) and the highest level.

_K = TypeVar("_K", bound=Hashable)
_R = TypeVar("_R", bound=Hashable)
_P = TypeVar("_P", bound=Hashable)


def _is_int(value: object) -> TypeGuard[int]:
    # bool is a subclass of int, but true/false from JSON is never meant as a number.
    return isinstance(value, int) and not isinstance(value, bool)


def _unit(x: float) -> float:
    """``x`` clamped to 0..1; NaN becomes 0."""
    if not x >= 0.0:  # also catches NaN
        return 0.0
    return min(x, 1.0)


def parse_grade(raw: object) -> int:
    """The grade a phone sent: an int 0..5 (0 = stopped clapping). bool, float, str, None and
    anything else raise ``DomainError("invalid_grade")``."""
    if _is_int(raw) and MIN_GRADE <= raw <= MAX_GRADE:
        return raw
    msg = _n("Bitte wählen Sie eine Applausstärke von %(min)d bis %(max)d.")
    raise DomainError("invalid_grade", msg, min=MIN_GRADE, max=MAX_GRADE)


def active_grades(
    states: Mapping[_K, GradeState], now: datetime, *, stale_after: timedelta = STALE_AFTER
) -> list[int]:
    """The grades > 0 of the participants clapping right now, one entry per participant.

    A state counts while ``now - updated_at <= stale_after``; a time slightly ahead of ``now``
    (another worker's clock) counts as fresh. Grades above 5 (a store bug) count as 5.
    """
    oldest = now - stale_after
    return [
        min(grade, MAX_GRADE)
        for grade, updated_at in states.values()
        if grade > 0 and updated_at >= oldest
    ]


def target_level(grades: Sequence[int], present: int) -> float:
    """The level 0..1 the room's applause should have: ``sqrt(sum(grade/5) / max(present,
    len(grades), 1))``, see the module docstring. Grades are clamped to 0..5, so nobody
    exceeds their share."""
    total = sum(min(max(g, MIN_GRADE), MAX_GRADE) for g in grades)
    people = max(present, len(grades), 1)
    return _unit(math.sqrt(total / (MAX_GRADE * people)))


def step(
    level: float, target: float, dt: float, *, attack: float = ATTACK, release: float = RELEASE
) -> float:
    """The level ``dt`` seconds later: exponential approach to ``target`` with time constant
    ``attack`` when rising and ``release`` when falling (seconds).

    ``dt`` is clamped to 0..MAX_DT, level and target to 0..1 (NaN → 0). Within SNAP of the
    target the result is the target itself. A time constant <= 0 jumps straight to the target.
    """
    level, target = _unit(level), _unit(target)
    dt = min(dt, MAX_DT) if dt > 0.0 else 0.0  # NaN → 0 as well
    tau = attack if target > level else release
    moved = level + (target - level) * -math.expm1(-dt / tau) if tau > 0.0 else target
    if abs(moved - target) < SNAP:
        return target
    return _unit(moved)


@dataclass(frozen=True, slots=True)
class ApplauseReading:
    """One tick of one room: the smoothed level to play, who claps, how many are there."""

    level: float
    clappers: int
    present: int


def reading(
    states: Mapping[_K, GradeState],
    present: int,
    previous_level: float,
    now: datetime,
    dt: float,
    *,
    stale_after: timedelta = STALE_AFTER,
) -> ApplauseReading:
    """The room's applause at ``now``, ``dt`` seconds after the tick that gave
    ``previous_level``. ``present`` in the result is at least ``clappers``."""
    target = unsmoothed(states, present, now, stale_after=stale_after)
    return replace(target, level=step(previous_level, target.level, dt))


def unsmoothed(
    states: Mapping[_K, GradeState],
    present: int,
    now: datetime,
    *,
    stale_after: timedelta = STALE_AFTER,
) -> ApplauseReading:
    """The room's applause at ``now`` with the target level itself: for a look at the room
    from outside its fan-out (the control room), which has no previous tick to smooth from."""
    grades = active_grades(states, now, stale_after=stale_after)
    present = max(present, len(grades))
    return ApplauseReading(
        level=target_level(grades, present), clappers=len(grades), present=present
    )


def by_room(states: Mapping[tuple[_R, _P], GradeState]) -> dict[_R, dict[_P, GradeState]]:
    """Split an event-wide mapping keyed by ``(room, participant)`` into one mapping per room."""
    rooms: dict[_R, dict[_P, GradeState]] = {}
    for (room, participant), state in states.items():
        rooms.setdefault(room, {})[participant] = state
    return rooms


def level_band(level: float) -> int:
    """0 (still) … 5 (tosend) for meters and CSS classes; bands start at BAND_THRESHOLDS."""
    return sum(1 for threshold in BAND_THRESHOLDS if level >= threshold)


def describe(level: float) -> str:
    """The German msgid for ``level``'s band, e.g. "stark" (shown as "Applaus: stark")."""
    return LEVEL_WORDS[level_band(level)]


def per_second(samples: Iterable[tuple[datetime, float]]) -> list[tuple[datetime, float]]:
    """One value per whole second (the highest sample within it), in time order."""
    best: dict[datetime, float] = {}
    for at, level in samples:
        second = at.replace(microsecond=0)
        if second not in best or level > best[second]:
            best[second] = level
    return sorted(best.items())
