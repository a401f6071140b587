"""Rules of the event setup (live/domain/setup.py): parsing, title and days, rooms."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from live.domain.errors import DomainError
from live.domain.models import AgendaItem, Event
from live.domain.setup import (
    MAX_EVENT_DAYS,
    Problems,
    check_room_name_free,
    clean_room_name,
    event_day_list,
    event_days,
    parse_day,
    parse_time,
    to_utc,
    within_days,
)

BERLIN = ZoneInfo("Europe/Berlin")
CREATED = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
EVENT = Event("ABCDEF", "Tagung", CREATED, "hash")
TWO_DAYS = Event(
    "ABCDEF", "Tagung", CREATED, "hash", starts_on=date(2026, 11, 21), ends_on=date(2026, 11, 22)
)
ROOMS = {"plenum", "forum"}


def item(day: int, start: str, end: str, room: str = "plenum") -> AgendaItem:
    on = date(2026, 11, day)
    return AgendaItem(
        "i1",
        "ABCDEF",
        room,
        "Vortrag",
        to_utc(on, parse_time(start) or time(), BERLIN),
        to_utc(on, parse_time(end) or time(), BERLIN),
    )


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-21", date(2026, 11, 21)),
        ("21.11.2026", date(2026, 11, 21)),
        ("1.2.2027", date(2027, 2, 1)),
        (" 2026-11-21 ", date(2026, 11, 21)),
        ("", None),
    ],
)
def test_parse_day(raw: str, expected: date | None) -> None:
    assert parse_day(raw) == expected


@pytest.mark.parametrize("raw", ["2026-02-30", "31.11.2026", "morgen", "2026-1-1", None, 20261121])
def test_parse_day_refuses(raw: object) -> None:
    with pytest.raises(DomainError) as caught:
        parse_day(raw)
    assert caught.value.code == "invalid_date"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("09:00", time(9, 0)), ("9:05", time(9, 5)), ("23.59", time(23, 59)), ("", None)],
)
def test_parse_time(raw: str, expected: time | None) -> None:
    assert parse_time(raw) == expected


@pytest.mark.parametrize("raw", ["24:00", "12:60", "9", "neun", "09:00:00", None])
def test_parse_time_refuses(raw: object) -> None:
    with pytest.raises(DomainError) as caught:
        parse_time(raw)
    assert caught.value.code == "invalid_time"


def test_local_times_become_utc_with_the_zones_offset() -> None:
    # Winter time (+01:00) in November, summer time (+02:00) in June.
    assert to_utc(date(2026, 11, 21), time(9, 0), BERLIN) == datetime(
        2026, 11, 21, 8, 0, tzinfo=UTC
    )
    assert to_utc(date(2026, 6, 1), time(9, 0), BERLIN) == datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


# --- title and days ------------------------------------------------------------------------


def test_event_days_cleans_title_and_reads_days() -> None:
    days = event_days(
        title=" Fach\ttag ", starts_on="21.11.2026", ends_on="2026-11-22", agenda=[], zone=BERLIN
    )
    assert (days.title, days.starts_on, days.ends_on) == (
        "Fach tag",
        date(2026, 11, 21),
        date(2026, 11, 22),
    )


def test_one_day_event_needs_only_the_first_day() -> None:
    days = event_days(title="T", starts_on="2026-11-21", ends_on="", agenda=[], zone=BERLIN)
    assert days.starts_on == days.ends_on == date(2026, 11, 21)


def test_no_days_at_all_is_fine() -> None:
    days = event_days(
        title="T", starts_on="", ends_on="", agenda=[item(21, "9:00", "10:00")], zone=BERLIN
    )
    assert (days.starts_on, days.ends_on) == (None, None)


@pytest.mark.parametrize(
    ("title", "starts_on", "ends_on", "expected"),
    [
        ("", "", "", {"title": "empty_title"}),
        ("x" * 201, "", "", {"title": "title_too_long"}),
        ("T", "", "2026-11-22", {"starts_on": "missing_first_day"}),
        ("T", "2026-11-22", "2026-11-21", {"ends_on": "invalid_days"}),
        ("T", "2026-11-01", "2026-11-15", {"ends_on": "too_many_days"}),
        (
            "",
            "kaputt",
            "2026-13-01",
            {"title": "empty_title", "starts_on": "invalid_date", "ends_on": "invalid_date"},
        ),
    ],
)
def test_event_days_problems_per_field(
    title: str, starts_on: str, ends_on: str, expected: dict[str, str]
) -> None:
    with pytest.raises(Problems) as caught:
        event_days(title=title, starts_on=starts_on, ends_on=ends_on, agenda=[], zone=BERLIN)
    assert {k: v.code for k, v in caught.value.problems.items()} == expected


def test_max_event_days_is_allowed() -> None:
    days = event_days(
        title="T",
        starts_on="2026-11-01",
        ends_on=f"2026-11-{MAX_EVENT_DAYS:02d}",
        agenda=[],
        zone=BERLIN,
    )
    assert (
        len(
            event_day_list(
                Event("A", "T", CREATED, "h", starts_on=days.starts_on, ends_on=days.ends_on)
            )
        )
        == MAX_EVENT_DAYS
    )


def test_days_must_keep_the_existing_program_inside() -> None:
    agenda = [item(21, "09:00", "10:00"), item(22, "09:00", "10:00")]
    with pytest.raises(Problems) as caught:
        event_days(
            title="T", starts_on="2026-11-21", ends_on="2026-11-21", agenda=agenda, zone=BERLIN
        )
    error = caught.value.problems["starts_on"]
    assert (error.code, error.params["count"]) == ("agenda_outside_days", 1)
    event_days(title="T", starts_on="2026-11-21", ends_on="2026-11-22", agenda=agenda, zone=BERLIN)


def test_within_days_uses_local_dates() -> None:
    # 00:30 local on the 22nd is still the 21st in UTC: the local date counts.
    late = item(22, "00:30", "01:00")
    assert late.starts_at.date() == date(2026, 11, 21)
    assert not within_days(late, date(2026, 11, 21), date(2026, 11, 21), BERLIN)
    assert within_days(late, date(2026, 11, 22), None, BERLIN)
    assert within_days(late, None, None, BERLIN)


# --- rooms ---------------------------------------------------------------------------------


def test_room_names() -> None:
    assert clean_room_name("  Forum\u202e 1 ") == "Forum 1"
    for bad in ["", "   ", None, "x" * 81]:
        with pytest.raises(DomainError):
            clean_room_name(bad)
    check_room_name_free("Forum 2", ["Forum 1"])
    with pytest.raises(DomainError) as caught:
        check_room_name_free("forum 1", ["Forum 1"])
    assert caught.value.code == "duplicate_room"
