import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from live.domain.errors import DomainError
from live.domain.mood import (
    MOOD_LABELS,
    MOOD_VALUES,
    MoodReading,
    mood_reading,
    parse_mood,
    per_minute,
)

NOW = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
MIN = timedelta(minutes=1)
SEC = timedelta(seconds=1)


def assert_domain_error(code: str, call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as info:
        call()
    error = info.value
    assert error.code == code
    formatted = error.message % error.params
    assert formatted and "%" not in formatted
    return error


@pytest.mark.parametrize("raw", [1, 2, 3, 4, 5])
def test_parse_mood_accepts_1_to_5(raw: int) -> None:
    assert parse_mood(raw) == raw


@pytest.mark.parametrize(
    "raw",
    [0, 6, -1, 10**100, True, False, 3.0, 4.5, float("nan"), "3", "gut", "", None, [3],
     {"mood": 3}, (3,), b"3", object()],
)  # fmt: skip
def test_parse_mood_rejects_everything_else(raw: Any) -> None:
    error = assert_domain_error("invalid_mood", lambda: parse_mood(raw))
    assert error.params == {"min": 1, "max": 5}
    assert "1 bis 5" in error.message % error.params


def test_labels_cover_every_value() -> None:
    assert tuple(MOOD_LABELS) == MOOD_VALUES == (1, 2, 3, 4, 5)
    assert len(set(MOOD_LABELS.values())) == 5
    with pytest.raises(TypeError):
        MOOD_LABELS[1] = "x"  # type: ignore[index]


@pytest.mark.parametrize(
    ("values", "counts", "average"),
    [
        ([], (0, 0, 0, 0, 0), None),
        ([3], (0, 0, 1, 0, 0), 3.0),
        ([1, 5], (1, 0, 0, 0, 1), 3.0),
        ([5, 5, 5, 4], (0, 0, 0, 1, 3), 4.75),
        ([1, 2, 2], (1, 2, 0, 0, 0), 1.67),
        ([4, 4, 5], (0, 0, 0, 2, 1), 4.33),
        ([1, 2, 3, 4, 5], (1, 1, 1, 1, 1), 3.0),
        ([2] * 7 + [3], (0, 7, 1, 0, 0), 2.13),  # 2.125 rounds half up
        ([4] * 400, (0, 0, 0, 400, 0), 4.0),
        ((v for v in [5, 1, 1]), (2, 0, 0, 0, 1), 2.33),  # any iterable
    ],
)
def test_mood_reading(values: Any, counts: tuple[int, ...], average: float | None) -> None:
    assert mood_reading(values) == MoodReading(counts=counts, average=average)  # type: ignore[arg-type]


def test_mood_reading_matches_a_plain_mean() -> None:
    rng = random.Random(1234)
    for _ in range(500):
        values = [rng.randint(1, 5) for _ in range(rng.randint(1, 500))]
        result = mood_reading(values)
        assert sum(result.counts) == len(values)
        assert result.counts == tuple(values.count(v) for v in MOOD_VALUES)
        assert result.average is not None
        assert 1.0 <= result.average <= 5.0
        assert abs(result.average - sum(values) / len(values)) <= 0.005 + 1e-12


@pytest.mark.parametrize("bad", [0, 6, -1, True, 3.0, None, "3"])
def test_mood_reading_rejects_store_bugs(bad: Any) -> None:
    with pytest.raises(ValueError):
        mood_reading([3, bad])


def test_per_minute_averages_each_minute() -> None:
    samples = [
        (NOW + 70 * SEC, 4.0),
        (NOW, 3.0),
        (NOW + 59 * SEC + timedelta(microseconds=999_999), 4.0),
        (NOW + 30 * SEC, 4.0),
        (NOW + 65 * SEC, 5.0),
        (NOW + 5 * MIN, 2.5),
    ]
    assert per_minute(samples) == [(NOW, 3.67), (NOW + MIN, 4.5), (NOW + 5 * MIN, 2.5)]


def test_per_minute_edge_cases() -> None:
    assert per_minute([]) == []
    assert per_minute([(NOW + 12 * SEC, 3)]) == [(NOW, 3.0)]
    ticks = [(NOW + i * 5 * SEC, 1.0 + (i % 12) / 3) for i in range(36)]
    result = per_minute(ticks)
    assert [t for t, _ in result] == [NOW, NOW + MIN, NOW + 2 * MIN]
    assert [v for _, v in result] == [2.83, 2.83, 2.83]


def test_course_replays_the_latest_value_per_participant() -> None:
    from datetime import UTC, datetime, timedelta

    from live.domain.mood import course, per_minute

    t0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    log = [
        (t0, "a", 2),
        (t0 + timedelta(seconds=10), "b", 4),  # (2 + 4) / 2
        (t0 + timedelta(seconds=70), "a", 5),  # a changes its mind: (5 + 4) / 2
    ]
    assert course(log) == [(t0, 2.0), (log[1][0], 3.0), (log[2][0], 4.5)]
    assert per_minute(course(log)) == [(t0, 2.5), (t0 + timedelta(minutes=1), 4.5)]
    assert course([]) == []
