"""Ballots from identities made up in a burst: the sign of one device rigging a poll.

A script that creates a new anonymous identity per ballot creates them within seconds of each
other, around the time the poll is open; people in a hall join over minutes, most before the
poll opens. The rule, kept simple enough to say on the console:

    more than BURST_MIN_BALLOTS ballots, and more than a quarter of the poll's ballots, come
    from identities created within one WINDOW of each other, at or after WATCH_BEFORE the
    poll opened.

Pure: the creation times of the voters and the opening come in (the store reads only the
voters created since ``watch_from``, so a normal poll costs next to nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(seconds=10)
WATCH_BEFORE = timedelta(minutes=2)
BURST_MIN_BALLOTS = 20
# More than this share of the poll's ballots (a fraction: more than a quarter).
BURST_MIN_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Burst:
    """The largest group of the poll's voters created within one WINDOW."""

    ballots: int  # ballots from identities created in the burst
    voters: int  # all the poll's voters
    started_at: datetime  # when the first identity of the burst was created


def watch_from(opened_at: datetime) -> datetime:
    """Identities created before this moment never count towards a burst."""
    return opened_at - WATCH_BEFORE


def find_burst(
    created: Iterable[datetime], voters: int, opened_at: datetime | None
) -> Burst | None:
    """The burst among the creation times of a poll's voters (those created since
    ``watch_from(opened_at)``; earlier ones are ignored here too), or None when there is none
    by the rule above. ``voters``: how many voted in all. A poll never opened has none."""
    if opened_at is None:
        return None
    since = watch_from(opened_at)
    times = sorted(t for t in created if t >= since)
    best, best_start = 0, 0
    start = 0
    # Sliding window over the sorted times: the most creations within WINDOW of the first.
    for end, moment in enumerate(times):
        while moment - times[start] > WINDOW:
            start += 1
        if end - start + 1 > best:
            best, best_start = end - start + 1, start
    if best > BURST_MIN_BALLOTS and best > BURST_MIN_SHARE * voters:
        return Burst(ballots=best, voters=voters, started_at=times[best_start])
    return None
