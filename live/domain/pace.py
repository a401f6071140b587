"""Pace and technics feedback: "zu schnell", "zu langsam", "Ton/Bild gestört", any time.

Pure: no I/O, no clock (``now`` comes in). One signal per participant and room at a time: the
latest counts and replaces the one before (a participant who finds it too fast *and* hears
nothing presses what matters most to them now; the signals are short-lived anyway). A signal
counts for ``WINDOW`` (2 minutes) after it was sent, then it decays by itself; ``"none"`` takes
it back at once. The moderators are warned when a share of the people present crosses
``alerts``'s threshold; ``raised`` says which warnings are new, so a screen reader announces a
crossing once, not every tick.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

from live.domain.errors import DomainError
from live.domain.text import _n

TOO_FAST = "too_fast"
TOO_SLOW = "too_slow"
AV_PROBLEM = "av_problem"
NONE = "none"  # takes the participant's signal back
SIGNALS: tuple[str, ...] = (TOO_FAST, TOO_SLOW, AV_PROBLEM)
VALUES: tuple[str, ...] = (*SIGNALS, NONE)

# What the participant presses (the value is the key).
LABELS: Mapping[str, str] = MappingProxyType(
    {
        TOO_FAST: _n("zu schnell"),
        TOO_SLOW: _n("zu langsam"),
        AV_PROBLEM: _n("Ton/Bild gestört"),
    }
)

WINDOW = timedelta(minutes=2)  # how long a signal counts
ALERT_SHARE = 0.15  # of the people present …
ALERT_MINIMUM = 3  # … and never fewer than this many

Signal = tuple[str, str, datetime]  # (participant id, value, at)


def parse_pace(raw: object) -> str:
    """One of VALUES; anything else (other strings, numbers, None) raises
    ``DomainError("invalid_pace")``."""
    if isinstance(raw, str) and raw in VALUES:
        return raw
    raise DomainError(
        "invalid_pace", _n("Bitte wählen Sie „zu schnell“, „zu langsam“ oder „Ton/Bild gestört“.")
    )


@dataclass(frozen=True, slots=True)
class PaceReading:
    """How many participants signal each of SIGNALS right now (``counts`` in that order), and
    when the earliest of those signals decays (None: nothing counts, nothing will change by
    itself)."""

    counts: tuple[int, int, int]
    decays_at: datetime | None = None

    def count(self, value: str) -> int:
        return self.counts[SIGNALS.index(value)]


NO_PACE = PaceReading((0, 0, 0))


def latest(signals: Iterable[Signal]) -> dict[str, tuple[str, datetime]]:
    """Participant id -> their latest (value, at); of two at the same moment the later one in
    the input wins (the stores give them in the order of the writes)."""
    found: dict[str, tuple[str, datetime]] = {}
    for participant, value, at in signals:
        before = found.get(participant)
        if before is None or at >= before[1]:
            found[participant] = (value, at)
    return found


def pace_reading(
    signals: Iterable[Signal], now: datetime, window: timedelta = WINDOW
) -> PaceReading:
    """The room's pace at ``now``: the latest signal per participant, if it is not ``"none"``
    and was sent less than ``window`` ago (a signal sent exactly ``window`` ago has decayed)."""
    counts = dict.fromkeys(SIGNALS, 0)
    decays_at: datetime | None = None
    for value, at in latest(signals).values():
        ends = at + window
        if value == NONE or ends <= now or value not in counts:
            continue
        counts[value] += 1
        decays_at = ends if decays_at is None else min(decays_at, ends)
    fast, slow, av = (counts[v] for v in SIGNALS)
    return PaceReading((fast, slow, av), decays_at)


def alerts(
    reading: PaceReading,
    present: int,
    share: float = ALERT_SHARE,
    minimum: int = ALERT_MINIMUM,
) -> tuple[str, ...]:
    """The signals the moderators are warned about, in SIGNALS order: at least ``minimum``
    people and at least ``share`` of those present. ``present`` may lag behind (a phone that
    signals is present even if the head count has not seen it yet), so it is never taken to be
    smaller than the count itself."""
    raised = []
    for value, count in zip(SIGNALS, reading.counts, strict=True):
        if count >= minimum and count >= share * max(present, count):
            raised.append(value)
    return tuple(raised)


def raised(before: Iterable[str], now: Iterable[str]) -> tuple[str, ...]:
    """The warnings in ``now`` that were not in ``before`` (a crossing to announce once)."""
    old = set(before)
    return tuple(v for v in now if v not in old)


def timeline(
    log: Iterable[Signal], window: timedelta = WINDOW
) -> list[tuple[datetime, tuple[int, int, int]]]:
    """The counts after every change and every decay, replaying the log (oldest first): one
    (moment, counts) per moment at which the counts changed. For the report's timeline."""
    entries = list(log)
    moments = sorted({at for _, _, at in entries} | {at + window for _, _, at in entries})
    out: list[tuple[datetime, tuple[int, int, int]]] = []
    seen: list[Signal] = []
    queue = iter(entries)
    pending = next(queue, None)
    for moment in moments:
        while pending is not None and pending[2] <= moment:
            seen.append(pending)
            pending = next(queue, None)
        counts = pace_reading(seen, moment, window).counts
        if not out or out[-1][1] != counts:
            out.append((moment, counts))
    return out
