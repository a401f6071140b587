from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from live.domain import countdown as rules
from live.domain.errors import DomainError
from live.domain.models import Countdown

NOW = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
SEC = timedelta(seconds=1)


def assert_error(code: str, call: Callable[[], object]) -> None:
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code
    assert "%" not in info.value.message % info.value.params


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        ("3:00", 180),
        (" 3:00 ", 180),
        ("0:30", 30),
        ("5", 300),
        ("90:00", 5400),
        ("1:30:00", 5400),
        ("4:00:00", 14400),
        ("240", 14400),
        ("2.30", 150),
    ],
)
def test_parse_duration(raw: str, seconds: int) -> None:
    assert rules.parse_duration(raw) == seconds


@pytest.mark.parametrize(
    "raw", ["", "0", "0:00", "-3", "-1:00", "3:60", "1:60:00", "abc", "3:0a", "1:2:3:4", None, 3]
)
def test_parse_duration_refuses_nonsense(raw: object) -> None:
    assert_error("invalid_countdown", lambda: rules.parse_duration(raw))


@pytest.mark.parametrize("raw", ["4:00:01", "241", "999:00"])
def test_parse_duration_refuses_more_than_four_hours(raw: str) -> None:
    assert_error("countdown_too_long", lambda: rules.parse_duration(raw))


@pytest.mark.parametrize("raw", [0, -1, True, 1.5, "60", None, [60]])
def test_check_seconds_refuses_non_positive_and_non_integers(raw: object) -> None:
    assert_error("invalid_countdown", lambda: rules.check_seconds(raw))


def test_check_seconds_limits() -> None:
    assert rules.check_seconds(1) == 1
    assert rules.check_seconds(rules.MAX_SECONDS) == rules.MAX_SECONDS
    assert_error("countdown_too_long", lambda: rules.check_seconds(rules.MAX_SECONDS + 1))


def test_clean_label() -> None:
    assert rules.clean_label("  Pause \n bis  halb ") == "Pause bis halb"
    assert rules.clean_label(None) == ""
    assert rules.clean_label("x" * rules.LABEL_MAX) == "x" * rules.LABEL_MAX
    assert_error("countdown_label_too_long", lambda: rules.clean_label("x" * 41))
    assert_error("invalid_countdown_label", lambda: rules.clean_label(5))


def test_start_stores_the_end_instant_and_counts_down() -> None:
    cd = rules.start("Redezeit", 180, NOW)
    assert cd == Countdown("Redezeit", ends_at=NOW + 180 * SEC)
    assert rules.left_ms(cd, NOW) == 180_000
    assert rules.left_ms(cd, NOW + 179.5 * SEC) == 500
    assert rules.shown_seconds(rules.left_ms(cd, NOW + 179.5 * SEC)) == 1
    assert not rules.is_over(cd, NOW + 179.999 * SEC)
    assert rules.is_over(cd, NOW + 180 * SEC)
    assert rules.left_ms(cd, NOW + 3600 * SEC) == 0  # never negative


def test_add_extends_a_running_countdown() -> None:
    cd = rules.start("Pause", 60, NOW)
    later = rules.add(cd, 60, NOW + 30 * SEC)
    assert later.ends_at == NOW + 120 * SEC


def test_add_after_the_end_starts_again_from_now() -> None:
    cd = rules.start("Pause", 60, NOW)
    assert rules.add(cd, 60, NOW + 300 * SEC).ends_at == NOW + 360 * SEC


def test_add_keeps_the_four_hour_limit() -> None:
    cd = rules.start("", rules.MAX_SECONDS - 30, NOW)
    assert_error("countdown_too_long", lambda: rules.add(cd, 60, NOW))
    assert rules.add(cd, 60, NOW + 30 * SEC).ends_at == NOW + rules.MAX_SECONDS * SEC + 30 * SEC


def test_pause_and_resume() -> None:
    cd = rules.start("Redezeit", 180, NOW)
    paused = rules.pause(cd, NOW + 60 * SEC)
    assert paused == Countdown("Redezeit", left_ms=120_000)
    assert paused.paused
    # Time passes while paused: nothing changes.
    assert rules.left_ms(paused, NOW + 3600 * SEC) == 120_000
    assert rules.pause(paused, NOW + 90 * SEC) is paused
    resumed = rules.resume(paused, NOW + 600 * SEC)
    assert resumed.ends_at == NOW + 720 * SEC
    assert rules.resume(resumed, NOW) is resumed
    assert rules.add(paused, 60, NOW).left_ms == 180_000


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"),
        (-5, "0:00"),
        (9, "0:09"),
        (180, "3:00"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (3909, "1:05:09"),
        (14400, "4:00:00"),
    ],
)
def test_format_left(seconds: int, text: str) -> None:
    assert rules.format_left(seconds) == text
