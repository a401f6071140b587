"""Rules of an agenda item (live/domain/agenda.py): from the form and from moments."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from live.domain.agenda import MAX_ITEM_TITLE_LEN, agenda_item, agenda_item_from_form
from live.domain.models import AgendaItem, Event
from live.domain.setup import Problems

BERLIN = ZoneInfo("Europe/Berlin")
CREATED = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
EVENT = Event("ABCDEF", "Tagung", CREATED, "hash")
TWO_DAYS = Event(
    "ABCDEF", "Tagung", CREATED, "hash", starts_on=date(2026, 11, 21), ends_on=date(2026, 11, 22)
)
ROOMS = {"plenum", "forum"}


def form(**overrides: object) -> AgendaItem:
    fields: dict[str, object] = {
        "title": "  Eröffnung \n",
        "room_id": "plenum",
        "day": "2026-11-21",
        "start": "09:00",
        "end": "10:30",
        "speaker": "Dr. Maria Muster",
    }
    fields.update(overrides)
    return agenda_item_from_form(
        item_id="i1", event=TWO_DAYS, room_ids=ROOMS, zone=BERLIN, **fields
    )


def problems_of(**overrides: object) -> dict[str, str]:
    with pytest.raises(Problems) as caught:
        form(**overrides)
    return {name: error.code for name, error in caught.value.problems.items()}


# --- agenda items from the form ------------------------------------------------------------


def test_form_item_is_cleaned_and_stored_in_utc() -> None:
    made = form()
    assert made.title == "Eröffnung"
    assert made.speaker == "Dr. Maria Muster"
    assert made.starts_at == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    assert made.ends_at == datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    assert made.starts_at.tzinfo is UTC


def test_empty_speaker_is_none() -> None:
    assert form(speaker="   ").speaker is None
    assert form(speaker=None).speaker is None


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": ""}, {"title": "empty_item_title"}),
        ({"title": "x" * (MAX_ITEM_TITLE_LEN + 1)}, {"title": "item_title_too_long"}),
        ({"room_id": "elsewhere"}, {"room": "room_not_found"}),
        ({"room_id": None}, {"room": "room_not_found"}),
        ({"end": "09:00"}, {"end": "end_before_start"}),
        ({"end": "08:00"}, {"end": "end_before_start"}),
        ({"day": "2026-11-23"}, {"day": "outside_days"}),
        ({"day": ""}, {"day": "missing_day"}),
        ({"start": ""}, {"start": "missing_start"}),
        ({"end": ""}, {"end": "missing_end"}),
        ({"start": "25:00"}, {"start": "invalid_time"}),
        ({"day": "21.13.2026"}, {"day": "invalid_date"}),
        ({"speaker": "x" * 201}, {"speaker": "speaker_too_long"}),
        ({"speaker": 5}, {"speaker": "invalid_speaker"}),
        (
            {"title": "", "room_id": "x", "day": "", "end": "zehn"},
            {
                "title": "empty_item_title",
                "room": "room_not_found",
                "day": "missing_day",
                "end": "invalid_time",
            },
        ),
    ],
)
def test_form_item_problems_per_field(
    overrides: dict[str, object], expected: dict[str, str]
) -> None:
    assert problems_of(**overrides) == expected


def test_without_event_days_any_day_will_do() -> None:
    made = agenda_item_from_form(
        item_id="i",
        event=EVENT,
        room_ids=ROOMS,
        title="T",
        room_id="forum",
        day="2030-01-01",
        start="10:00",
        end="11:00",
        speaker="",
        zone=BERLIN,
    )
    assert made.room_id == "forum"


# --- agenda items from moments (the setup file) --------------------------------------------


def moment_problems(starts_at: datetime | None, ends_at: datetime | None) -> dict[str, str]:
    with pytest.raises(Problems) as caught:
        agenda_item(
            item_id="i",
            event=TWO_DAYS,
            room_ids=ROOMS,
            title="T",
            room_id="plenum",
            starts_at=starts_at,
            ends_at=ends_at,
            speaker=None,
            zone=BERLIN,
        )
    return {k: v.code for k, v in caught.value.problems.items()}


def test_an_item_stays_within_one_local_day() -> None:
    start = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)  # 23:00 local
    assert moment_problems(start, datetime(2026, 11, 21, 23, 30, tzinfo=UTC)) == {
        "ends_at": "spans_days"
    }


def test_moments_need_an_offset() -> None:
    naive = datetime(2026, 11, 21, 9, 0)
    assert moment_problems(naive, datetime(2026, 11, 21, 10, 0, tzinfo=UTC)) == {
        "starts_at": "naive_time"
    }


def test_missing_moments_are_problems_not_crashes() -> None:
    assert moment_problems(None, None) == {"starts_at": "missing_time", "ends_at": "missing_time"}
