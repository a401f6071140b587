from datetime import UTC, datetime, timedelta

import pytest

from live.domain.models import AgendaItem
from live.domain.program import item_at, next_up, running_now

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def item(id: str, room: str, start_min: int, end_min: int) -> AgendaItem:
    return AgendaItem(
        id=id,
        event_code="ABC",
        room_id=room,
        title=id,
        starts_at=T0 + timedelta(minutes=start_min),
        ends_at=T0 + timedelta(minutes=end_min),
    )


PROGRAM = [
    item("opening", "plenary", 0, 30),
    item("talk", "plenary", 30, 90),
    item("forum1", "f1", 60, 120),
    item("forum1b", "f1", 120, 180),
]


@pytest.mark.parametrize(
    ("minute", "expected"),
    [
        (-1, {}),
        (0, {"plenary": "opening"}),
        (29, {"plenary": "opening"}),
        (30, {"plenary": "talk"}),
        (60, {"plenary": "talk", "f1": "forum1"}),
        (120, {"f1": "forum1b"}),
        (180, {}),
    ],
)
def test_running_now(minute: int, expected: dict[str, str]) -> None:
    now = T0 + timedelta(minutes=minute)
    assert {room: i.id for room, i in running_now(PROGRAM, now).items()} == expected


def test_overlap_prefers_the_later_start() -> None:
    items = [item("long", "r", 0, 120), item("inner", "r", 30, 60)]
    assert running_now(items, T0 + timedelta(minutes=45))["r"].id == "inner"
    assert running_now(items, T0 + timedelta(minutes=90))["r"].id == "long"


def test_next_up() -> None:
    now = T0 + timedelta(minutes=10)
    assert {room: i.id for room, i in next_up(PROGRAM, now).items()} == {
        "plenary": "talk",
        "f1": "forum1",
    }
    assert next_up(PROGRAM, T0 + timedelta(minutes=200)) == {}


def test_item_at() -> None:
    by_room = {"f1": [i for i in PROGRAM if i.room_id == "f1"]}
    assert item_at(by_room, "f1", T0 + timedelta(minutes=130)) == PROGRAM[3]
    assert item_at(by_room, "plenary", T0) is None
