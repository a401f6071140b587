"""The projector's rotating join code (live/domain/join_code.py): the clock is stepped, never
waited for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from live.domain import join_code

SECRET = "event-secret"
# 10:00:00 UTC: the start of a window.
T = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def test_the_code_is_four_digits_and_the_same_within_a_minute() -> None:
    code = join_code.current_code(SECRET, T)
    assert len(code) == 4 and code.isdigit()
    assert join_code.current_code(SECRET, T + timedelta(seconds=59.9)) == code


def test_the_code_changes_with_the_minute_and_the_secret() -> None:
    codes = {join_code.current_code(SECRET, T + timedelta(minutes=m)) for m in range(30)}
    # 30 windows of 10,000 codes each: a repeat is possible, but not many.
    assert len(codes) >= 25
    others = {join_code.current_code(f"other-{n}", T) for n in range(30)}
    assert len(others) >= 25


def test_leading_zeros_are_kept() -> None:
    codes = [join_code.code_for(SECRET, w) for w in range(2000)]
    assert all(len(c) == 4 for c in codes)
    assert any(c.startswith("0") for c in codes)


def test_the_current_and_the_previous_code_are_accepted() -> None:
    now = T + timedelta(seconds=30)
    current = join_code.current_code(SECRET, now)
    previous = join_code.current_code(SECRET, now - timedelta(minutes=1))
    assert join_code.accepts(SECRET, current, now)
    assert join_code.accepts(SECRET, previous, now)
    # Typed with a space in the middle, or around it.
    assert join_code.accepts(SECRET, f" {current[:2]} {current[2:]} ", now)


def test_a_stale_or_wrong_code_is_refused() -> None:
    now = T + timedelta(seconds=30)
    current = join_code.current_code(SECRET, now)
    stale = join_code.current_code(SECRET, now - timedelta(minutes=2))
    if stale not in (current, join_code.current_code(SECRET, now - timedelta(minutes=1))):
        assert not join_code.accepts(SECRET, stale, now)
    # The code of now, two minutes later: stale.
    later = now + timedelta(minutes=2)
    if current not in (
        join_code.current_code(SECRET, later),
        join_code.current_code(SECRET, later - timedelta(minutes=1)),
    ):
        assert not join_code.accepts(SECRET, current, later)
    wrong = f"{(int(current) + 1) % 10000:04d}"
    if wrong != join_code.current_code(SECRET, now - timedelta(minutes=1)):
        assert not join_code.accepts(SECRET, wrong, now)
    # Another event's code of the same minute.
    other = join_code.current_code("another-event", now)
    if other not in (current, join_code.current_code(SECRET, now - timedelta(minutes=1))):
        assert not join_code.accepts(SECRET, other, now)


@pytest.mark.parametrize("offered", [None, "", "123", "12345", "12a4", "１２３４", 1234, ["1234"]])
def test_what_cannot_be_a_code_is_refused(offered: object) -> None:
    assert join_code.normalise(offered) is None
    assert not join_code.accepts(SECRET, offered, T)


def test_seconds_left_counts_down_to_the_next_code() -> None:
    assert join_code.seconds_left(T) == 60
    assert join_code.seconds_left(T + timedelta(seconds=45)) == 15
    assert join_code.seconds_left(T + timedelta(seconds=59)) == 1
