from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from live.domain.models import AgendaItem, Poll, PollState
from live.domain.run_sheet import Section, in_order, next_poll, run_sheet

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def item(id: str, start_min: int, room: str = "r") -> AgendaItem:
    return AgendaItem(
        id=id,
        event_code="ABC",
        room_id=room,
        title=id,
        starts_at=T0 + timedelta(minutes=start_min),
        ends_at=T0 + timedelta(minutes=start_min + 30),
    )


def poll(id: str, created_min: int, agenda: str | None = None, room: str = "r") -> Poll:
    return Poll(
        id=id,
        event_code="ABC",
        room_id=room,
        question=id,
        kind="single",
        options=("a", "b"),
        scale_min=None,
        scale_max=None,
        state="draft",
        visibility="live",
        created_at=T0 + timedelta(minutes=created_min),
        agenda_item_id=agenda,
    )


# The program given out of order; the polls too (created earlier than their item's start or
# later, for another item, for none, for another room).
ITEMS = [item("late", 120), item("early", 0), item("mid", 60), item("other", 0, room="x")]
POLLS = [
    poll("l1", 1, "late"),
    poll("loose2", 7),
    poll("e2", 5, "early"),
    poll("e1", 2, "early"),
    poll("loose1", 0),
    poll("m1", 3, "mid"),
    poll("elsewhere", 0, "other", room="x"),
    poll("moved", 4, "other"),  # its item now runs in room x: it counts as one of no item
]


def ids(polls: tuple[Poll, ...]) -> list[str]:
    return [p.id for p in polls]


def test_items_in_time_order_with_their_polls_then_the_polls_of_no_item() -> None:
    sheet = run_sheet("r", ITEMS, POLLS)
    assert [(s.item.id if s.item else None, ids(s.polls)) for s in sheet] == [
        ("early", ["e1", "e2"]),
        ("mid", ["m1"]),
        ("late", ["l1"]),
        (None, ["loose1", "moved", "loose2"]),
    ]
    assert ids(in_order(sheet)) == ["e1", "e2", "m1", "l1", "loose1", "moved", "loose2"]


def test_an_item_without_polls_is_listed_and_no_empty_last_section() -> None:
    sheet = run_sheet("r", [item("a", 0), item("b", 30)], [poll("p", 0, "b")])
    assert sheet == (
        Section(item("a", 0), ()),
        Section(item("b", 30), (poll("p", 0, "b"),)),
    )
    assert run_sheet("r", [], []) == ()
    assert run_sheet("r", [], [poll("p", 0)]) == (Section(None, (poll("p", 0),)),)


def test_same_start_orders_by_end_then_id() -> None:
    short = replace(item("z", 0), ends_at=T0 + timedelta(minutes=10))
    sheet = run_sheet("r", [item("b", 0), short, item("a", 0)], [])
    assert [s.item.id for s in sheet if s.item] == ["z", "a", "b"]


# Sheet order: e1 e2 m1 l1 loose1 moved loose2. States by id; times in minutes after T0.
Case = dict[str, tuple[PollState, int | None]]


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        # nothing opened yet: the first draft
        ({}, "e1"),
        # after the open one, across agenda items and into the polls of no item
        ({"e1": ("open", 10)}, "e2"),
        ({"e2": ("open", 10)}, "m1"),
        ({"l1": ("open", 10)}, "loose1"),
        # closed and open polls after it are skipped: the next *draft*
        ({"e1": ("open", 10), "e2": ("closed", 5), "m1": ("open", 1)}, "l1"),
        # several open: after the last of them in sheet order (not the newest)
        ({"m1": ("open", 10), "e1": ("open", 20)}, "l1"),
        # none open: after the one closed most recently, wherever it is
        ({"e1": ("closed", 30), "m1": ("closed", 20)}, "e2"),
        ({"e1": ("closed", 20), "m1": ("closed", 30)}, "l1"),
        # a skipped draft before the point stays skipped
        ({"e2": ("open", 10)}, "m1"),
        # the end of the sheet: None, also with drafts left above
        ({"loose2": ("open", 10)}, None),
        ({"loose2": ("closed", 10)}, None),
        ({"e1": ("open", 10), "moved": ("closed", 5), "loose2": ("closed", 6)}, "e2"),
    ],
)
def test_next_poll(states: Case, expected: str | None) -> None:
    polls = []
    for p in POLLS:
        state, minute = states.get(p.id, ("draft", None))
        at = None if minute is None else T0 + timedelta(hours=5, minutes=minute)
        polls.append(
            replace(
                p,
                state=state,
                opened_at=at if state != "draft" else None,
                closed_at=at if state == "closed" else None,
            )
        )
    found = next_poll(run_sheet("r", ITEMS, polls))
    assert (found.id if found else None) == expected


def test_no_draft_at_all_is_none() -> None:
    polls = [replace(p, state="closed", closed_at=T0) for p in POLLS]
    assert next_poll(run_sheet("r", ITEMS, polls)) is None
    assert next_poll(()) is None
