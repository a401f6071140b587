"""Ballots from identities made up in a burst (live/domain/bursts.py): table-driven, times
passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from live.domain.bursts import BURST_MIN_BALLOTS, WINDOW, Burst, find_burst, watch_from

OPENED = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return OPENED + timedelta(seconds=seconds)


def test_three_hundred_identities_in_nineteen_seconds_are_a_burst() -> None:
    # The attack: 300 cookie-less votes in 19 s, each a new identity, after the opening.
    created = [at(30 + i * 19 / 300) for i in range(300)]
    burst = find_burst(created, 300 + 40, OPENED)
    assert burst is not None
    # The densest 10 s of the 19 hold about 158 of them.
    assert 150 <= burst.ballots <= 160
    assert burst.voters == 340
    assert burst.started_at >= at(30)


@pytest.mark.parametrize(
    ("created", "voters", "expected"),
    [
        # A hall joining over two minutes before the poll: spread out, and before the watch.
        ([at(-600 + i) for i in range(300)], 300, None),
        # Exactly the minimum within the window is not more than it.
        ([at(i * 0.1) for i in range(BURST_MIN_BALLOTS)], BURST_MIN_BALLOTS, None),
        # One more is, when it is more than a quarter of the ballots ...
        ([at(i * 0.1) for i in range(BURST_MIN_BALLOTS + 1)], 83, BURST_MIN_BALLOTS + 1),
        # ... and not when it is a quarter or less.
        ([at(i * 0.1) for i in range(BURST_MIN_BALLOTS + 1)], 84, None),
        # Spread wider than the window: one every 0.4 s, 26 of them within 10 s.
        ([OPENED + timedelta(milliseconds=400 * i) for i in range(40)], 40, 26),
        # One a second: 11 within any 10 s, no burst.
        ([at(i) for i in range(100)], 100, None),
        # Created before watch_from(opened): ignored even when dense.
        ([watch_from(OPENED) - timedelta(seconds=1 + i * 0.01) for i in range(50)], 50, None),
        # Just inside the watch, before the opening: counts.
        ([watch_from(OPENED) + timedelta(seconds=i * 0.01) for i in range(30)], 40, 30),
        ([], 0, None),
    ],
)
def test_the_rule(created: list[datetime], voters: int, expected: int | None) -> None:
    burst = find_burst(created, voters, OPENED)
    if expected is None:
        assert burst is None
    else:
        assert burst is not None and burst.ballots == expected


def test_the_window_edge_is_inclusive() -> None:
    created = [at(0)] * 11 + [at(WINDOW.total_seconds())] * 11
    assert find_burst(created, 22, OPENED) == Burst(ballots=22, voters=22, started_at=at(0))
    created = [at(0)] * 11 + [at(WINDOW.total_seconds() + 0.001)] * 11
    assert find_burst(created, 22, OPENED) is None


def test_a_poll_never_opened_has_none() -> None:
    assert find_burst([at(i * 0.01) for i in range(100)], 100, None) is None
