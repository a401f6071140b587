"""Pace and technics feedback (live/domain/pace.py): latest per participant, decay after two
minutes (the clock is an argument), the warning threshold and its crossings, the timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from live.domain import pace
from live.domain.errors import DomainError

T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize("raw", ["too_fast", "too_slow", "av_problem", "none"])
def test_parse_accepts_the_four_values(raw: str) -> None:
    assert pace.parse_pace(raw) == raw


@pytest.mark.parametrize("raw", [None, "", "TOO_FAST", "fast", 1, True, ["too_fast"], {"v": 1}])
def test_parse_refuses_anything_else(raw: object) -> None:
    with pytest.raises(DomainError) as caught:
        pace.parse_pace(raw)
    assert caught.value.code == "invalid_pace"


def test_the_latest_signal_per_participant_counts() -> None:
    signals = [("a", "too_fast", at(0)), ("b", "too_fast", at(1)), ("a", "too_slow", at(2))]
    reading = pace.pace_reading(signals, at(3))
    assert reading.counts == (1, 1, 0)
    assert reading.count("too_slow") == 1


def test_of_two_at_one_moment_the_later_write_wins() -> None:
    signals = [("a", "too_fast", at(0)), ("a", "av_problem", at(0))]
    assert pace.pace_reading(signals, at(1)).counts == (0, 0, 1)


def test_none_takes_a_signal_back() -> None:
    signals = [("a", "too_fast", at(0)), ("a", "none", at(5))]
    reading = pace.pace_reading(signals, at(6))
    assert reading == pace.PaceReading((0, 0, 0), None)


def test_a_signal_decays_after_two_minutes() -> None:
    signals = [("a", "too_fast", at(0)), ("b", "too_fast", at(30))]
    assert pace.pace_reading(signals, at(119.9)).counts == (2, 0, 0)
    assert pace.pace_reading(signals, at(119.9)).decays_at == at(120)
    assert pace.pace_reading(signals, at(120)).counts == (1, 0, 0)  # exactly 2 min: gone
    assert pace.pace_reading(signals, at(120)).decays_at == at(150)
    assert pace.pace_reading(signals, at(150)) == pace.NO_PACE


def test_a_shorter_window() -> None:
    signals = [("a", "too_slow", at(0))]
    assert pace.pace_reading(signals, at(9), timedelta(seconds=10)).counts == (0, 1, 0)
    assert pace.pace_reading(signals, at(10), timedelta(seconds=10)).counts == (0, 0, 0)


@pytest.mark.parametrize(
    ("count", "present", "warned"),
    [
        (0, 0, False),
        (2, 2, False),  # fewer than three people: never
        (3, 0, True),  # the head count lags: the signallers are present
        (3, 20, True),  # 15 %
        (3, 21, False),  # 14.3 %
        (15, 100, True),
        (14, 100, False),
        (30, 200, True),
    ],
)
def test_the_threshold(count: int, present: int, warned: bool) -> None:
    reading = pace.PaceReading((count, 0, count))
    expected = ("too_fast", "av_problem") if warned else ()
    assert pace.alerts(reading, present) == expected


def test_a_crossing_is_raised_once() -> None:
    assert pace.raised((), ("too_fast",)) == ("too_fast",)
    assert pace.raised(("too_fast",), ("too_fast",)) == ()
    assert pace.raised(("too_fast",), ("too_fast", "av_problem")) == ("av_problem",)
    assert pace.raised(("too_fast",), ()) == ()


def test_the_timeline_holds_changes_and_decays() -> None:
    log = [
        ("a", "too_fast", at(0)),
        ("b", "too_fast", at(10)),
        ("b", "none", at(20)),
        ("c", "av_problem", at(60)),
    ]
    assert pace.timeline(log) == [
        (at(0), (1, 0, 0)),
        (at(10), (2, 0, 0)),
        (at(20), (1, 0, 0)),
        (at(60), (1, 0, 1)),
        (at(120), (0, 0, 1)),
        (at(180), (0, 0, 0)),
    ]
    assert pace.timeline([]) == []
