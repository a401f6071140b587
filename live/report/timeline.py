"""Applause and mood over time: sliced by agenda item, summarised, thinned out for charts. Pure.

Applause timelines hold only the seconds with applause (a quiet room writes nothing), so a
missing second means level 0. A mood course holds the room's average after each change, so a
value holds until the next one (a step function).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from live.domain.models import AgendaItem
from live.domain.program import item_at
from live.report.data import RoomReport, Sample

# Charts keep at most this many points per line: enough for a printed page, small SVGs even
# for a two-day event recorded per second.
MAX_POINTS = 300
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class ItemSummary:
    """What happened in the room during one agenda item."""

    item: AgendaItem
    applause_peak: float | None  # highest level (None: no applause at all)
    applause_peak_at: datetime | None
    mood_average: float | None  # time-weighted mean of the room's average mood (2 decimals)
    mood_changes: int  # how many mood settings happened during the item


@dataclass(frozen=True, slots=True)
class ChartSpan:
    """One chart's time range: a local day of the room, whole hours."""

    day: date
    start: datetime
    end: datetime
    items: tuple[AgendaItem, ...]


def slice_by_item(
    samples: Iterable[Sample], agenda: Sequence[AgendaItem], room_id: str
) -> dict[str | None, list[Sample]]:
    """item id -> the samples taken while it ran in the room (``None``: outside the program).
    Overlapping items: the one started last gets the sample (``program.item_at``)."""
    by_room = {room_id: [i for i in agenda if i.room_id == room_id]}
    sliced: dict[str | None, list[Sample]] = {}
    for at, value in samples:
        item = item_at(by_room, room_id, at)
        sliced.setdefault(item.id if item else None, []).append((at, value))
    return sliced


def time_weighted_mean(course: Sequence[Sample], start: datetime, end: datetime) -> float | None:
    """The mean of a step function (each value holds until the next) over [start, end), counting
    only the time after its first value. None when it has no value in the window."""
    total = 0.0
    covered = 0.0
    for i, (at, value) in enumerate(course):
        until = course[i + 1][0] if i + 1 < len(course) else end
        lo, hi = max(at, start), min(until, end)
        if hi > lo:
            seconds = (hi - lo).total_seconds()
            total += value * seconds
            covered += seconds
    if covered == 0:
        # A change in the window's last instant still says how the room felt.
        inside = [v for at, v in course if start <= at < end]
        return round(inside[-1], 2) if inside else None
    return round(total / covered, 2)


def summarise(room: RoomReport, now: datetime) -> list[ItemSummary]:
    """One summary per agenda item of the room, in program order. An item still running (or
    not yet started) is summarised up to ``now``."""
    applause = slice_by_item(room.applause, room.agenda, room.room.id)
    changes = slice_by_item(room.mood_course, room.agenda, room.room.id)
    summaries = []
    for item in room.agenda:
        own = applause.get(item.id, [])
        peak = max(own, key=lambda s: s[1], default=None)
        end = min(item.ends_at, now)
        summaries.append(
            ItemSummary(
                item=item,
                applause_peak=peak[1] if peak else None,
                applause_peak_at=peak[0] if peak else None,
                mood_average=(
                    time_weighted_mean(room.mood_course, item.starts_at, end)
                    if end > item.starts_at
                    else None
                ),
                mood_changes=len(changes.get(item.id, [])),
            )
        )
    return summaries


def _buckets(start: datetime, end: datetime, limit: int) -> tuple[int, float]:
    seconds = max((end - start).total_seconds(), 1.0)
    count = max(1, min(limit, math.ceil(seconds)))
    return count, seconds / count


def downsample_peak(
    samples: Iterable[Sample],
    start: datetime,
    end: datetime,
    limit: int = MAX_POINTS,
    until: datetime | None = None,
) -> list[tuple[datetime, float | None]]:
    """At most ``limit`` evenly spaced points over [start, end): each bucket's highest sample,
    0 where there was none (peaks survive thinning: the loudest moment is what counts).
    Buckets starting at or after ``until`` (the report's "now") are None: not happened yet."""
    count, width = _buckets(start, end, limit)
    levels = [0.0] * count
    for at, value in samples:
        if start <= at < end:
            index = min(count - 1, int((at - start).total_seconds() / width))
            levels[index] = max(levels[index], value)
    points = [(start + timedelta(seconds=i * width), v) for i, v in enumerate(levels)]
    return _cut(points, until)


def _cut(
    points: list[tuple[datetime, float]] | list[tuple[datetime, float | None]],
    until: datetime | None,
) -> list[tuple[datetime, float | None]]:
    return [(at, None if until is not None and at >= until else v) for at, v in points]


def downsample_step(
    course: Sequence[Sample],
    start: datetime,
    end: datetime,
    limit: int = MAX_POINTS,
    until: datetime | None = None,
) -> list[tuple[datetime, float | None]]:
    """At most ``limit`` evenly spaced points over [start, end): the value holding at each
    bucket's end (None before the first value, and from ``until`` on: a value is not drawn
    into the future when the report is made during the event)."""
    count, width = _buckets(start, end, limit)
    points: list[tuple[datetime, float | None]] = []
    current: float | None = None
    j = 0
    for i in range(count):
        bucket_end = start + timedelta(seconds=(i + 1) * width)
        while j < len(course) and course[j][0] < bucket_end:
            current = course[j][1]
            j += 1
        points.append((start + timedelta(seconds=i * width), current))
    return _cut(points, until)


def _floor_hour(moment: datetime, zone: ZoneInfo) -> datetime:
    local = moment.astimezone(zone)
    return local.replace(minute=0, second=0, microsecond=0)


def _ceil_hour(moment: datetime, zone: ZoneInfo) -> datetime:
    floor = _floor_hour(moment, zone)
    return floor if floor == moment else floor + HOUR


def pace_total(room: RoomReport) -> list[Sample]:
    """How many people signalled anything about pace or technics (a step function)."""
    return [(at, float(sum(counts))) for at, counts in room.pace_course]


def pace_peaks(
    room: RoomReport, start: datetime, end: datetime
) -> list[tuple[int, datetime] | None]:
    """Per signal (live.domain.pace.SIGNALS order): the highest count within [start, end) and
    when it was first reached, or None when nobody sent it then."""
    peaks: list[tuple[int, datetime] | None] = [None, None, None]
    for at, counts in room.pace_course:
        if not start <= at < end:
            continue
        for i, count in enumerate(counts):
            peak = peaks[i]
            if count and (peak is None or count > peak[0]):
                peaks[i] = (count, at)
    return peaks


def spans(room: RoomReport, zone: ZoneInfo) -> list[ChartSpan]:
    """One chart range per local day with agenda items or data in the room, from the earliest
    to the latest of them, widened to whole hours. A night without anything stays out of the
    charts (a two-day conference gives two charts, not one with a long empty gap)."""
    moments: dict[date, list[datetime]] = {}
    items: dict[date, list[AgendaItem]] = {}
    for item in room.agenda:
        day = item.starts_at.astimezone(zone).date()
        items.setdefault(day, []).append(item)
        moments.setdefault(day, []).extend((item.starts_at, item.ends_at))
    pace = [(at, 0.0) for at, _counts in room.pace_course]
    for at, _value in (*room.applause, *room.mood_course, *pace):
        moments.setdefault(at.astimezone(zone).date(), []).extend((at, at + timedelta(seconds=1)))
    result = []
    for day in sorted(moments):
        start = _floor_hour(min(moments[day]), zone)
        end = _ceil_hour(max(moments[day]), zone)
        result.append(ChartSpan(day, start, max(end, start + HOUR), tuple(items.get(day, ()))))
    return result
