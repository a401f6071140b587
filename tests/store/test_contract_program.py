"""The Store contract for the event program (issue 7): event days, room names, links and screen
modes, the agenda, participant counts. Runs once per backend like test_contract.py (the
``store`` fixture of conftest.py); deleting events is in test_contract_delete.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from live.domain.models import SCREEN_MODES, AgendaItem, ScreenMode
from live.store import DuplicateKey, Store, StoreError
from tests.store.test_contract import (
    CODE,
    T0,
    add_open_poll,
    ask,
    make_event,
    make_poll,
    make_question,
    make_room,
    open_poll,
    setup_event,
)

DAY = date(2025, 5, 6)


def make_agenda_item(
    item_id: str,
    room_id: str = "r1",
    *,
    start: int = 0,
    minutes: int = 45,
    speaker: str | None = "Dr. Erika Mustermann",
    event_code: str = CODE,
) -> AgendaItem:
    """An item ``start`` minutes after T0, ``minutes`` long."""
    starts_at = T0 + timedelta(minutes=start)
    return AgendaItem(
        id=item_id,
        event_code=event_code,
        room_id=room_id,
        title=f"Vortrag {item_id}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        speaker=speaker,
    )


# --- new fields ---------------------------------------------------------------------------


async def test_event_days_room_links_and_modes_round_trip(store: Store) -> None:
    event = replace(make_event(), starts_on=DAY, ends_on=DAY + timedelta(days=1))
    r1 = replace(make_room("r1"), moderator_token_hash="a" * 64, screen_mode="slide")
    r2 = make_room("r2", position=1)
    await store.create_event(event, [r1, r2])
    assert await store.get_event(CODE) == event
    assert await store.get_room("r1") == r1
    assert await store.list_rooms(CODE) == [r1, r2]
    r3 = replace(make_room("r3", position=2), moderator_token_hash="b" * 64, screen_mode="words")
    assert await store.add_room(r3) == 1
    assert await store.get_room("r3") == r3
    # Only a start day: the event ends that day.
    await store.create_event(replace(make_event("ONEDAY"), starts_on=DAY), [])
    oneday = await store.get_event("ONEDAY")
    assert oneday is not None and oneday.ends_on is None and oneday.last_day == DAY


async def test_poll_prepared_for_an_agenda_item_round_trips(store: Store) -> None:
    await setup_event(store)
    await store.add_agenda_item(make_agenda_item("a1"))
    prepared = replace(make_poll("p1"), agenda_item_id="a1")
    await store.add_poll(prepared)
    await store.add_poll(make_poll("p2"))
    assert await store.get_poll("p1") == prepared
    assert await store.list_polls("r1") == [prepared, make_poll("p2")]
    # update_poll keeps it (it is fixed at creation).
    opened = await open_poll(store, prepared)
    assert await store.get_poll("p1") == opened
    assert opened.agenda_item_id == "a1"


async def test_a_poll_for_an_unknown_agenda_item_is_refused(store: Store) -> None:
    await setup_event(store)
    await store.create_event(make_event("OTHER"), [make_room("x", event_code="OTHER")])
    await store.add_agenda_item(make_agenda_item("x1", "x", event_code="OTHER"))
    with pytest.raises(StoreError):
        await store.add_poll(replace(make_poll("p1"), agenda_item_id="nope"))
    with pytest.raises(StoreError):  # an item of another event is no item of this one
        await store.add_poll(replace(make_poll("p2"), agenda_item_id="x1"))
    assert await store.list_polls("r1") == []
    assert await store.room_version("r1") == 1


# --- event and rooms ----------------------------------------------------------------------


async def test_update_event_stores_title_and_days_and_bumps_every_room(store: Store) -> None:
    await setup_event(store, "b", "a")  # b at position 0
    await store.create_event(make_event("OTHER"), [make_room("x", event_code="OTHER")])
    await store.add_poll(make_poll("p1", room_id="a"))  # a is at version 2 now
    changed = await store.update_event(
        CODE, title="Fachtag", starts_on=DAY, ends_on=DAY + timedelta(days=2)
    )
    assert changed == [("b", 2), ("a", 3)]
    event = await store.get_event(CODE)
    assert event == replace(
        make_event(), title="Fachtag", starts_on=DAY, ends_on=DAY + timedelta(days=2)
    )
    assert await store.room_version("x") == 1
    # Clearing the days; the Q&A settings stay as they were.
    await store.update_event_settings(CODE, questions_need_approval=False, names_allowed=True)
    await store.update_event(CODE, title="Fachtag", starts_on=None, ends_on=None)
    assert await store.get_event(CODE) == replace(
        make_event(), title="Fachtag", questions_need_approval=False
    )
    with pytest.raises(StoreError):
        await store.update_event("NOPE", title="x", starts_on=None, ends_on=None)
    assert await store.get_event("NOPE") is None


async def test_update_event_refuses_a_datetime_for_a_day(store: Store) -> None:
    await setup_event(store)
    with pytest.raises(ValueError):
        await store.update_event(CODE, title="x", starts_on=T0, ends_on=None)
    assert await store.get_event(CODE) == make_event()


async def test_rename_room_bumps_its_version(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    assert await store.rename_room("r1", "Forum 1: Digitalisierung") == 2
    assert await store.get_room("r1") == replace(make_room("r1"), name="Forum 1: Digitalisierung")
    assert await store.room_version("r2") == 1
    with pytest.raises(StoreError):
        await store.rename_room("nope", "x")


async def test_set_room_token_does_not_bump_the_version(store: Store) -> None:
    await setup_event(store)
    await store.set_room_token("r1", "t" * 64)
    room = await store.get_room("r1")
    assert room is not None and room.moderator_token_hash == "t" * 64
    await store.set_room_token("r1", "u" * 64)  # a new link replaces the old one
    assert await store.get_room("r1") == replace(make_room("r1"), moderator_token_hash="u" * 64)
    await store.set_room_token("r1", None)  # revoked
    assert await store.get_room("r1") == make_room("r1")
    assert await store.room_version("r1") == 1
    with pytest.raises(StoreError):
        await store.set_room_token("nope", "t" * 64)


# --- screen mode --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", SCREEN_MODES)
async def test_set_screen_mode_clears_the_highlight_only_for_join_poll_and_slide(
    store: Store, mode: ScreenMode
) -> None:
    await setup_event(store)
    await store.add_poll(make_poll("p1"))
    await ask(store, make_question("q1"))
    await store.set_screen_mode("r1", "poll", "p1")
    version = await store.set_highlight("r1", "q1")
    assert await store.set_screen_mode("r1", mode, None) == version + 1
    room = await store.get_room("r1")
    assert room is not None and room.screen_mode == mode
    assert room.screen_poll_id == "p1"  # None keeps it
    cleared = mode in ("join", "poll", "slide")
    assert room.highlighted_question_id == (None if cleared else "q1")


async def test_set_screen_mode_with_a_poll_replaces_the_screen_poll(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    await store.add_poll(make_poll("p1"))
    await store.add_poll(make_poll("p2", kind="text"))
    await store.add_poll(make_poll("o1", room_id="r2"))
    await store.set_screen_mode("r1", "poll", "p1")
    await store.set_screen_mode("r1", "words", "p2")
    assert await store.get_room("r1") == replace(
        make_room("r1"), screen_poll_id="p2", screen_mode="words"
    )
    version = await store.room_version("r1")
    # Only a poll of this room; refused calls change nothing.
    for poll_id in ("o1", "nope"):
        with pytest.raises(StoreError):
            await store.set_screen_mode("r1", "poll", poll_id)
    with pytest.raises(ValueError):
        await store.set_screen_mode("r1", "disco", None)  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        await store.set_screen_mode("nope", "join", None)
    assert await store.room_version("r1") == version
    assert await store.get_room("r1") == replace(
        make_room("r1"), screen_poll_id="p2", screen_mode="words"
    )


async def test_opening_a_poll_sets_the_screen_back_to_auto(store: Store) -> None:
    await setup_event(store)
    await store.add_poll(make_poll("p1"))
    await store.add_poll(make_poll("p2"))
    await store.set_screen_mode("r1", "applause", None)
    opened = await add_open_poll(store, make_poll("p3"))
    room = await store.get_room("r1")
    assert room is not None and room.screen_mode == "auto" and room.screen_poll_id == "p3"
    # Closing (or any other update) leaves the chosen mode alone.
    await store.set_screen_mode("r1", "slide", None)
    await store.update_poll(replace(opened, state="closed", closed_at=T0 + timedelta(hours=1)))
    room = await store.get_room("r1")
    assert room is not None and room.screen_mode == "slide"


# --- agenda -------------------------------------------------------------------------------


async def test_agenda_is_ordered_by_start_then_room_position_then_id(store: Store) -> None:
    await setup_event(store, "plenum", "forum-b", "forum-a")  # positions 0, 1, 2
    await store.create_event(make_event("OTHER"), [make_room("x", event_code="OTHER")])
    items = [
        make_agenda_item("z-late", "plenum", start=120),
        make_agenda_item("k", "forum-a", start=60),
        make_agenda_item("c", "forum-b", start=60),
        make_agenda_item("b", "forum-a", start=60, speaker=None),
        make_agenda_item("open", "plenum", start=0, minutes=30),
    ]
    for item in items:
        await store.add_agenda_item(item)
    await store.add_agenda_item(make_agenda_item("x1", "x", event_code="OTHER"))
    listed = await store.list_agenda(CODE)
    assert [i.id for i in listed] == ["open", "c", "b", "k", "z-late"]
    assert listed[0] == items[4]
    assert await store.get_agenda_item("b") == items[3]
    assert [i.id for i in await store.list_agenda("OTHER")] == ["x1"]
    assert await store.list_agenda("NOPE") == []
    # Versions: the agenda does not change what a room's screen shows by itself.
    assert await store.room_version("plenum") == 1


async def test_agenda_datetimes_come_back_in_utc(store: Store) -> None:
    await setup_event(store)
    berlin = datetime(2025, 5, 6, 11, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    item = replace(make_agenda_item("a1"), starts_at=berlin, ends_at=berlin + timedelta(hours=1))
    await store.add_agenda_item(item)
    got = await store.get_agenda_item("a1")
    assert got == item
    assert got is not None and got.starts_at.utcoffset() == timedelta(0)
    assert got.starts_at.hour == 9 and got.starts_at.minute == 30


async def test_update_and_delete_agenda_items(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    await store.add_agenda_item(make_agenda_item("a1"))
    await store.add_agenda_item(make_agenda_item("a2", start=60))
    moved = replace(make_agenda_item("a1", "r2", start=90, minutes=30, speaker=None), title="Pause")
    await store.update_agenda_item(moved)
    assert await store.get_agenda_item("a1") == moved
    assert [i.id for i in await store.list_agenda(CODE)] == ["a2", "a1"]
    await store.delete_agenda_item("a2")
    assert await store.get_agenda_item("a2") is None
    assert await store.list_agenda(CODE) == [moved]
    with pytest.raises(StoreError):
        await store.delete_agenda_item("a2")
    with pytest.raises(StoreError):
        await store.update_agenda_item(make_agenda_item("nope"))
    assert await store.get_agenda_item("nope") is None


async def test_agenda_items_need_a_room_of_their_event(store: Store) -> None:
    await setup_event(store)
    await store.create_event(make_event("OTHER"), [make_room("x", event_code="OTHER")])
    with pytest.raises(StoreError):
        await store.add_agenda_item(make_agenda_item("a1", "nope"))
    with pytest.raises(ValueError):
        await store.add_agenda_item(make_agenda_item("a1", "x"))
    await store.add_agenda_item(make_agenda_item("a1"))
    with pytest.raises(DuplicateKey):
        await store.add_agenda_item(replace(make_agenda_item("a1"), title="Anders"))
    with pytest.raises(ValueError):
        await store.update_agenda_item(make_agenda_item("a1", "x"))
    with pytest.raises(StoreError):
        await store.update_agenda_item(make_agenda_item("a1", "nope"))
    # The item's event is fixed: an argument naming another one changes nothing of it.
    assert await store.get_agenda_item("a1") == make_agenda_item("a1")
    assert [i.id for i in await store.list_agenda(CODE)] == ["a1"]
    assert await store.list_agenda("OTHER") == []


async def test_deleting_an_agenda_item_keeps_its_prepared_polls(store: Store) -> None:
    await setup_event(store)
    await store.add_agenda_item(make_agenda_item("a1"))
    await store.add_agenda_item(make_agenda_item("a2", start=60))
    p1 = replace(make_poll("p1"), agenda_item_id="a1")
    p2 = replace(make_poll("p2"), agenda_item_id="a1")
    p3 = replace(make_poll("p3"), agenda_item_id="a2")
    for poll in (p1, p2, p3):
        await store.add_poll(poll)
    opened = await open_poll(store, p2)
    await store.delete_agenda_item("a1")
    assert await store.get_poll("p1") == replace(p1, agenda_item_id=None)
    assert await store.get_poll("p2") == replace(opened, agenda_item_id=None)
    assert await store.get_poll("p3") == p3
    assert [p.agenda_item_id for p in await store.list_polls("r1")] == [None, None, "a2"]


# --- participants -------------------------------------------------------------------------


async def test_participant_count(store: Store) -> None:
    await setup_event(store)
    await store.create_event(make_event("OTHER"), [])
    assert await store.participant_count(CODE) == 0
    for n in range(3):
        await store.add_participant(CODE, f"u{n}", f"hash-{n}")
    await store.add_participant("OTHER", "x1", "hash-x")
    assert await store.participant_count(CODE) == 3
    assert await store.participant_count("OTHER") == 1
    assert await store.participant_count("NOPE") == 0
