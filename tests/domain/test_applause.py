import math
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from live.domain.applause import (
    ATTACK,
    BAND_THRESHOLDS,
    LEVEL_WORDS,
    MAX_DT,
    RELEASE,
    STALE_AFTER,
    ApplauseReading,
    GradeState,
    active_grades,
    by_room,
    describe,
    level_band,
    parse_grade,
    per_second,
    reading,
    step,
    target_level,
)
from live.domain.errors import DomainError

NOW = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
S = timedelta(seconds=1)


def assert_domain_error(code: str, call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as info:
        call()
    error = info.value
    assert error.code == code
    formatted = error.message % error.params
    assert formatted and "%" not in formatted
    return error


def clapping(grade: int, count: int, at: datetime = NOW) -> dict[str, GradeState]:
    return {f"p{i}": (grade, at) for i in range(count)}


# --- parse_grade ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [0, 1, 2, 3, 4, 5])
def test_parse_grade_accepts_0_to_5(raw: int) -> None:
    assert parse_grade(raw) == raw


@pytest.mark.parametrize(
    "raw",
    [-1, 6, 10**100, -(10**100), True, False, 3.0, 2.5, float("nan"), float("inf"), "3", "",
     None, [3], {"grade": 3}, (3,), b"3", object()],
)  # fmt: skip
def test_parse_grade_rejects_everything_else(raw: Any) -> None:
    error = assert_domain_error("invalid_grade", lambda: parse_grade(raw))
    assert error.params == {"min": 0, "max": 5}
    assert "0 bis 5" in error.message % error.params


# --- active_grades: staleness and one entry per participant ---------------------------------


@pytest.mark.parametrize(
    ("age", "counts"),
    [
        (timedelta(0), True),
        (S, True),
        (STALE_AFTER, True),  # inclusive: two missed re-sends are tolerated
        (STALE_AFTER + timedelta(microseconds=1), False),
        (timedelta(minutes=5), False),
        (-S, True),  # another worker's clock slightly ahead
    ],
)
def test_stale_states_stop_counting(age: timedelta, counts: bool) -> None:
    states = {"p": (4, NOW - age)}
    assert active_grades(states, NOW) == ([4] if counts else [])


def test_stale_after_is_configurable() -> None:
    states = {"a": (3, NOW - 2 * S), "b": (5, NOW - 10 * S)}
    assert active_grades(states, NOW, stale_after=S) == []
    assert sorted(active_grades(states, NOW, stale_after=10 * S)) == [3, 5]


def test_zero_grade_means_stopped() -> None:
    states = {"a": (0, NOW), "b": (2, NOW), "c": (0, NOW - S)}
    assert active_grades(states, NOW) == [2]


def test_vanished_phone_falls_silent_by_itself() -> None:
    # A phone claps at 5, re-sending every second, then disappears without sending 0.
    states: dict[str, GradeState] = {}
    for t in range(5):
        states["phone"] = (5, NOW + t * S)
    last = NOW + 4 * S
    assert active_grades(states, last + STALE_AFTER) == [5]
    assert active_grades(states, last + STALE_AFTER + S) == []


def test_one_participant_sending_a_thousand_times_counts_once() -> None:
    states = clapping(0, 399)
    for i in range(1000):
        states["eager"] = (5, NOW - timedelta(milliseconds=1000 - i))
    grades = active_grades(states, NOW)
    assert grades == [5]
    assert target_level(grades, 400) == pytest.approx(math.sqrt(1 / 400))
    assert level_band(target_level(grades, 400)) == 1  # vereinzelt


def test_grades_out_of_range_from_a_store_cannot_exceed_a_share() -> None:
    assert active_grades({"p": (99, NOW)}, NOW) == [5]
    assert target_level([99], 400) == target_level([5], 400)
    assert target_level([-7, 5], 2) == target_level([0, 5], 2)


# --- target_level: the curve ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "grades", "expected", "band"),
    [
        (400, [], 0.0, 0),
        (0, [], 0.0, 0),
        (400, [5] * 5, 0.1118, 1),
        (400, [5] * 20, 0.2236, 1),  # 20 of 400 clapping hard: no ovation
        (400, [3] * 100, 0.3873, 2),
        (400, [3] * 134, 0.4483, 3),  # a third clapping warmly: real applause
        (400, [5] * 200, 0.7071, 4),
        (400, [3] * 400, 0.7746, 4),
        (400, [4] * 400, 0.8944, 5),
        (400, [5] * 400, 1.0, 5),
        (30, [5], 0.1826, 1),
        (3, [5, 5, 5], 1.0, 5),  # a small forum can give an ovation too
        (3, [5], 0.5774, 3),
        (1, [1], 0.4472, 3),
        (400, [1], 0.0224, 1),
        (0, [5, 5], 1.0, 5),  # present lags behind: clappers are present
        (2, [5] * 10, 1.0, 5),
        (10, [2] * 10, 0.6325, 4),
        (-5, [5], 1.0, 5),
    ],
)
def test_target_level_examples(present: int, grades: list[int], expected: float, band: int) -> None:
    level = target_level(grades, present)
    assert level == pytest.approx(expected, abs=1e-4)
    assert level_band(level) == band


def test_target_level_everyone_at_five_is_exactly_one() -> None:
    for present in [1, 2, 3, 7, 30, 99, 400, 401, 1000]:
        assert target_level([5] * present, present) == 1.0


def test_target_level_is_bounded_and_monotonic() -> None:
    rng = random.Random(20250304)
    for _ in range(2000):
        present = rng.randint(1, 500)
        clappers = rng.randint(0, min(present, 60))
        grades = [rng.randint(1, 5) for _ in range(clappers)]
        level = target_level(grades, present)
        assert 0.0 <= level <= 1.0
        if grades:
            # Raising any one grade never lowers the level (strictly raises it below 5).
            i = rng.randrange(clappers)
            raised = grades.copy()
            raised[i] = min(5, raised[i] + 1)
            assert target_level(raised, present) >= level
            if grades[i] < 5:
                assert target_level(raised, present) > level
            # Stopping (grade 0) never raises it.
            stopped = grades.copy()
            stopped[i] = 0
            assert target_level(stopped, present) <= level
        if clappers < present:
            # One more clapper, at any grade, raises it.
            assert target_level([*grades, rng.randint(1, 5)], present) > level
        # More people present (same clappers) never raises it.
        assert target_level(grades, present + rng.randint(1, 100)) <= level


def test_target_level_order_of_grades_does_not_matter() -> None:
    rng = random.Random(7)
    for _ in range(200):
        grades = [rng.randint(0, 5) for _ in range(rng.randint(0, 40))]
        shuffled = grades.copy()
        rng.shuffle(shuffled)
        assert target_level(shuffled, 50) == pytest.approx(target_level(grades, 50))


# --- step: attack and release ---------------------------------------------------------------


def run(level: float, target: float, seconds: float, tick: float = 0.25) -> float:
    for _ in range(round(seconds / tick)):
        level = step(level, target, tick)
    return level


def test_step_rises_faster_than_it_falls() -> None:
    rise = step(0.0, 1.0, 0.5)
    fall = 1.0 - step(1.0, 0.0, 0.5)
    assert rise > fall > 0.0
    assert rise == pytest.approx(1 - math.exp(-0.5 / ATTACK))
    assert fall == pytest.approx(1 - math.exp(-0.5 / RELEASE))


@pytest.mark.parametrize(
    ("start", "target", "seconds", "low", "high"),
    [
        (0.0, 1.0, 1.0, 0.93, 0.95),  # attack: ~94 % after a second
        (0.0, 1.0, 2.0, 0.99, 1.0),
        (1.0, 0.0, 1.0, 0.5, 0.56),  # release: about half after a second
        (1.0, 0.0, 3.0, 0.14, 0.16),
        (1.0, 0.0, 8.0, 0.0, 0.01),  # near silence after a few seconds
        (1.0, 0.0, 12.0, 0.0, 0.0),  # and then exactly 0.0: an idle room stops changing
        (0.2, 0.6, 3.0, 0.6, 0.6),
        (0.8, 0.3, 12.0, 0.3, 0.3),
    ],
)
def test_step_over_time(
    start: float, target: float, seconds: float, low: float, high: float
) -> None:
    assert low <= run(start, target, seconds) <= high


def test_step_does_not_depend_on_tick_rate() -> None:
    for tick in [0.05, 0.1, 0.25, 0.5]:
        assert run(1.0, 0.0, 3.0, tick) == pytest.approx(math.exp(-3 / RELEASE))
        assert run(0.0, 1.0, 0.5, tick) == pytest.approx(1 - math.exp(-0.5 / ATTACK))


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (0.0, 0.5),
        (-3.0, 0.5),
        (float("nan"), 0.5),
        (float("-inf"), 0.5),
        (MAX_DT, 0.5 * math.exp(-MAX_DT / RELEASE)),
        (3600.0, 0.5 * math.exp(-MAX_DT / RELEASE)),  # a stalled tick does not jump
        (float("inf"), 0.5 * math.exp(-MAX_DT / RELEASE)),
    ],
)
def test_step_clamps_dt(dt: float, expected: float) -> None:
    assert step(0.5, 0.0, dt) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("level", "target", "expected"),
    [
        (2.0, 1.0, 1.0),
        (-1.0, 0.0, 0.0),
        (float("nan"), 0.0, 0.0),
        (0.0, float("nan"), 0.0),
        (0.0, 7.0, 1 - math.exp(-1 / ATTACK)),
        (float("inf"), 0.0, math.exp(-1 / RELEASE)),
    ],
)
def test_step_clamps_level_and_target(level: float, target: float, expected: float) -> None:
    assert step(level, target, 1.0) == pytest.approx(expected)


def test_step_stays_within_bounds_and_between_level_and_target() -> None:
    rng = random.Random(42)
    for _ in range(5000):
        level, target = rng.random(), rng.random()
        dt = rng.uniform(-1.0, 10.0)
        result = step(level, target, dt, attack=rng.uniform(0.0, 2.0), release=rng.uniform(0, 5))
        assert 0.0 <= result <= 1.0
        assert min(level, target) <= result <= max(level, target)


def test_step_with_zero_time_constant_jumps() -> None:
    assert step(0.0, 0.7, 0.1, attack=0.0) == 0.7
    assert step(0.7, 0.0, 0.1, release=0.0) == 0.0


# --- reading --------------------------------------------------------------------------------


def test_reading_ties_it_together() -> None:
    states = {**clapping(5, 20), "old": (5, NOW - 10 * S), "stopped": (0, NOW)}
    first = reading(states, 400, 0.0, NOW, 0.25)
    assert first.clappers == 20
    assert first.present == 400
    target = math.sqrt(20 / 400)
    assert first.level == pytest.approx(target * (1 - math.exp(-0.25 / ATTACK)))
    level = first.level
    for i in range(1, 20):
        level = reading(states, 400, level, NOW + i * timedelta(milliseconds=100), 0.25).level
    assert level == pytest.approx(target, abs=0.001)


def test_reading_present_is_at_least_the_clappers() -> None:
    result = reading(clapping(3, 4), 1, 0.0, NOW, 10.0)
    assert (result.clappers, result.present) == (4, 4)
    assert result.level == pytest.approx(math.sqrt(3 / 5))


def test_reading_of_an_empty_room_decays_to_zero() -> None:
    level = 1.0
    for i in range(60):
        result = reading({}, 0, level, NOW + i * S * 0.25, 0.25)
        assert result.level <= level
        level = result.level
    assert result == ApplauseReading(level=0.0, clappers=0, present=0)


def test_many_rooms_are_aggregated_independently() -> None:
    event: dict[tuple[str, str], GradeState] = {}
    for i in range(20):
        event[("plenum", f"p{i}")] = (5, NOW)
    for i in range(3):
        event[("forum-1", f"f{i}")] = (5, NOW)
    event[("forum-2", "x")] = (2, NOW - 10 * S)  # stale
    # p0 also has forum 1 open and claps there: once in each room.
    event[("forum-1", "p0")] = (1, NOW)
    present = {"plenum": 400, "forum-1": 4, "forum-2": 25, "forum-3": 12}
    rooms = by_room(event)
    assert set(rooms) == {"plenum", "forum-1", "forum-2"}
    readings = {
        room: reading(rooms.get(room, {}), n, 0.0, NOW, MAX_DT) for room, n in present.items()
    }
    assert readings["plenum"].clappers == 20
    assert readings["plenum"].level == pytest.approx(math.sqrt(20 / 400), abs=0.001)
    assert readings["forum-1"].clappers == 4
    assert readings["forum-1"].level == pytest.approx(math.sqrt(16 / 20), abs=0.001)
    assert readings["forum-2"] == ApplauseReading(level=0.0, clappers=0, present=25)
    assert readings["forum-3"] == ApplauseReading(level=0.0, clappers=0, present=12)


# --- bands and words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "band", "word"),
    [
        (0.0, 0, "still"),
        (0.0199, 0, "still"),
        (0.02, 1, "vereinzelt"),
        (0.2236, 1, "vereinzelt"),
        (0.25, 2, "verhalten"),
        (0.39, 2, "verhalten"),
        (0.4, 3, "kräftig"),
        (0.59, 3, "kräftig"),
        (0.6, 4, "stark"),
        (0.849, 4, "stark"),
        (0.85, 5, "tosend"),
        (1.0, 5, "tosend"),
        (-0.5, 0, "still"),
        (1.5, 5, "tosend"),
        (float("nan"), 0, "still"),
    ],
)
def test_bands_and_words(level: float, band: int, word: str) -> None:
    assert level_band(level) == band
    assert describe(level) == word


def test_bands_are_ordered_and_every_band_has_a_word() -> None:
    assert list(BAND_THRESHOLDS) == sorted(set(BAND_THRESHOLDS))
    assert len(LEVEL_WORDS) == len(BAND_THRESHOLDS) + 1 == 6
    assert len(set(LEVEL_WORDS)) == len(LEVEL_WORDS)
    previous = 0
    for i in range(1001):
        band = level_band(i / 1000)
        assert previous <= band <= 5
        previous = band


# --- report: per_second -----------------------------------------------------------


def ms(n: int) -> timedelta:
    return timedelta(milliseconds=n)


def test_per_second_keeps_the_highest_sample_of_each_second() -> None:
    samples = [
        (NOW + ms(1250), 0.3),
        (NOW + ms(0), 0.1),
        (NOW + ms(750), 0.4),
        (NOW + ms(250), 0.2),
        (NOW + ms(1999), 0.2),
        (NOW + ms(5000), 0.0),
    ]
    assert per_second(samples) == [(NOW, 0.4), (NOW + S, 0.3), (NOW + 5 * S, 0.0)]
    assert per_second([]) == []


def test_per_second_of_ticks_every_quarter_second() -> None:
    samples = [(NOW + ms(250 * i), i / 100) for i in range(40)]
    result = per_second(samples)
    assert [t for t, _ in result] == [NOW + i * S for i in range(10)]
    assert [v for _, v in result] == pytest.approx([(4 * i + 3) / 100 for i in range(10)])


def test_report_from_a_simulated_ovation() -> None:
    # 400 people, 300 clap at 5 for 6 s (re-sending every second), then they stop;
    # ticks every 250 ms.
    states: dict[str, GradeState] = {}
    level, samples = 0.0, []
    for i in range(80):
        now = NOW + ms(250 * i)
        if i % 4 == 0:
            states = clapping(5 if i < 24 else 0, 300, now)
        level = reading(states, 400, level, now, 0.25).level
        samples.append((now, level))
    loud = [(at, level) for at, level in per_second(samples) if level >= 0.5]
    start, end = loud[0][0], loud[-1][0] + S
    highest = max(level for _, level in loud)
    assert [at for at, _ in loud] == [start + i * S for i in range(len(loud))]  # one episode
    assert start == NOW
    assert highest == pytest.approx(math.sqrt(0.75), abs=0.001)
    # Above 0.5 while clapping and for a little while after: the applause ebbs away.
    assert 6 * S < end - start < 9 * S
    assert describe(highest) == "tosend"
