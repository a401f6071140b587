"""The event setup use cases (live/service/program.py) on the real SQLite store and the
in-process hub: what is stored, what is published, and that refused input changes nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from live.board.memory import MemoryBoard
from live.domain.errors import DomainError
from live.domain.models import Event, Room
from live.domain.setup import Problems
from live.domain.setup_file import SetupInvalid
from live.errors import NotFound
from live.hub.base import Message
from live.hub.memory import MemoryHub, MemorySubscription
from live.service import build_services
from live.service.changes import room_topic
from live.service.clock import Clock
from live.service.events import EventService
from live.service.polls import PollService
from live.service.program import ProgramService
from live.store import Store, open_store
from live.store.redis import RedisStore
from tests.support.redis import RedisServer

BERLIN = ZoneInfo("Europe/Berlin")
# 2026-11-21 10:15 in Berlin.
NOW = datetime(2026, 11, 21, 9, 15, tzinfo=UTC)


@dataclass
class World:
    live: EventService
    polls: PollService
    program: ProgramService
    hub: MemoryHub
    event: Event
    plenum: Room
    forum: Room

    async def heard(self, room: Room) -> MemorySubscription:
        return await self.hub.subscribe(room_topic(room.id))


@pytest.fixture(params=["sqlite", "redis"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[World]:
    """Both store backends: the use cases must not depend on which one runs."""
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        store: Store = RedisStore.from_url(server.url, prefix=f"test-{uuid.uuid4().hex[:12]}")
    else:
        store = open_store("sqlite://:memory:")
    hub = MemoryHub()
    await store.open()
    svc = build_services(
        store, hub, MemoryBoard(), zone=BERLIN, retention_days=30, clock=Clock(lambda: NOW)
    )
    created = await svc.events.create_event("Tagung", ["Plenum", "Forum 1"])
    yield World(
        svc.events,
        svc.polls,
        svc.program,
        hub,
        created.event,
        created.rooms[0],
        created.rooms[1],
    )
    await store.close()


def drain(sub: MemorySubscription) -> list[Message]:
    return sub._mailbox.drain()


def fields(room: Room, **overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "title": "Eröffnung",
        "room_id": room.id,
        "day": "2026-11-21",
        "start": "10:00",
        "end": "11:00",
        "speaker": "Frau Muster",
    }
    base.update(overrides)
    return base


async def test_update_event_stores_days_and_tells_every_room(world: World) -> None:
    subs = [await world.heard(world.plenum), await world.heard(world.forum)]
    updated = await world.program.update_event(
        world.event, title=" Neuer Titel ", starts_on="21.11.2026", ends_on="2026-11-22"
    )
    assert (updated.title, updated.starts_on, updated.ends_on) == (
        "Neuer Titel",
        date(2026, 11, 21),
        date(2026, 11, 22),
    )
    stored = await world.live.event(world.event.code)
    assert (stored.title, stored.starts_on, stored.ends_on) == (
        "Neuer Titel",
        date(2026, 11, 21),
        date(2026, 11, 22),
    )
    for sub in subs:
        assert [m["type"] for m in drain(sub)] == ["event.updated"]


async def test_update_event_refused_changes_nothing(world: World) -> None:
    sub = await world.heard(world.plenum)
    with pytest.raises(Problems) as caught:
        await world.program.update_event(
            world.event, title="", starts_on="2026-11-22", ends_on="2026-11-21"
        )
    assert set(caught.value.problems) == {"title", "ends_on"}
    stored = await world.live.event(world.event.code)
    assert (stored.title, stored.starts_on) == ("Tagung", None)
    assert drain(sub) == []


async def test_days_cannot_cut_off_the_program(world: World) -> None:
    await world.program.update_event(
        world.event, title="T", starts_on="2026-11-21", ends_on="2026-11-22"
    )
    event = await world.live.event(world.event.code)
    await world.program.add_item(event, **fields(world.plenum, day="2026-11-22"))
    with pytest.raises(Problems) as caught:
        await world.program.update_event(event, title="T", starts_on="2026-11-21", ends_on="")
    assert caught.value.problems["starts_on"].code == "agenda_outside_days"


async def test_rename_room(world: World) -> None:
    sub = await world.heard(world.forum)
    renamed = await world.live.rename_room(world.event, world.forum.id, "  Forum Eins ")
    assert renamed.name == "Forum Eins"
    assert (await world.live.room(world.event, world.forum.id)).name == "Forum Eins"
    assert [m["type"] for m in drain(sub)] == ["room.updated"]
    # The same name again: nothing to do, nothing published.
    await world.live.rename_room(world.event, world.forum.id, "Forum Eins")
    assert drain(sub) == []


@pytest.mark.parametrize(("name", "code"), [("plenum", "duplicate_room"), ("", "invalid_room")])
async def test_rename_room_refused(world: World, name: str, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        await world.live.rename_room(world.event, world.forum.id, name)
    assert caught.value.code == code
    assert (await world.live.room(world.event, world.forum.id)).name == "Forum 1"


async def test_rename_room_of_another_event_is_not_found(world: World) -> None:
    other = await world.live.create_event("Andere", ["Saal"])
    with pytest.raises(NotFound):
        await world.live.rename_room(world.event, other.rooms[0].id, "X")


async def test_agenda_add_edit_delete(world: World) -> None:
    sub = await world.heard(world.plenum)
    item = await world.program.add_item(world.event, **fields(world.plenum))
    assert item.starts_at == datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    assert await world.program.agenda(world.event) == [item]
    assert [m["type"] for m in drain(sub)] == ["agenda.updated"]

    moved = await world.program.update_item(
        world.event, item.id, **fields(world.forum, title="Forum", start="11:00", end="12:00")
    )
    assert (moved.id, moved.room_id, moved.title) == (item.id, world.forum.id, "Forum")
    assert await world.program.item(world.event, item.id) == moved
    # Both the room it left and the room it moved to hear of it.
    assert [m["type"] for m in drain(sub)] == ["agenda.updated"]

    await world.program.delete_item(world.event, item.id)
    assert await world.program.agenda(world.event) == []
    with pytest.raises(NotFound):
        await world.program.item(world.event, item.id)


async def test_refused_item_is_not_stored(world: World) -> None:
    with pytest.raises(Problems) as caught:
        await world.program.add_item(world.event, **fields(world.plenum, end="09:00"))
    assert caught.value.problems["end"].code == "end_before_start"
    item = await world.program.add_item(world.event, **fields(world.plenum))
    with pytest.raises(Problems):
        await world.program.update_item(world.event, item.id, **fields(world.plenum, title=""))
    assert await world.program.agenda(world.event) == [item]


async def test_rooms_now(world: World) -> None:
    running = await world.program.add_item(
        world.event, **fields(world.plenum, start="10:00", end="11:00")
    )
    later = await world.program.add_item(
        world.event, **fields(world.plenum, title="Danach", start="11:00", end="12:00")
    )
    forum_later = await world.program.add_item(
        world.event, **fields(world.forum, title="Forum", start="13:00", end="14:00")
    )
    entries = await world.program.rooms_now(world.event, [world.plenum, world.forum])
    assert [(e.room.id, e.now, e.next) for e in entries] == [
        (world.plenum.id, running, later),
        (world.forum.id, None, forum_later),
    ]


async def test_prepared_poll_must_be_in_the_items_room(world: World) -> None:
    item = await world.program.add_item(world.event, **fields(world.plenum))
    assert await world.program.item_for_poll(world.event, world.plenum, "") is None
    assert await world.program.item_for_poll(world.event, world.plenum, item.id) == item
    with pytest.raises(DomainError) as caught:
        await world.program.item_for_poll(world.event, world.forum, item.id)
    assert caught.value.code == "agenda_other_room"
    with pytest.raises(DomainError) as caught:
        await world.program.item_for_poll(world.event, world.plenum, "nope")
    # A field error of the poll form (422), not a missing page (404).
    assert not isinstance(caught.value, NotFound)
    assert caught.value.code == "agenda_item_not_found"


async def test_prepared_poll_opens_with_one_call(world: World) -> None:
    item = await world.program.add_item(world.event, **fields(world.plenum))
    poll = await world.polls.create(
        world.event,
        world.plenum,
        question="Wie hat Ihnen die Tagung gefallen?",
        kind="scale",
        options=[],
        agenda_item_id=item.id,
    )
    assert poll.agenda_item_id == item.id
    grouped = world.program.by_item(await world.polls.of_rooms([world.plenum, world.forum]))
    assert [p.id for p in grouped[item.id]] == [poll.id]
    sub = await world.heard(world.plenum)
    opened = await world.polls.open(world.event, poll.id)
    assert opened.state == "open"
    assert (await world.polls.poll(world.event, poll.id)).state == "open"
    assert "poll.updated" in [m["type"] for m in drain(sub)]
    # Deleting the item keeps the poll, now without an item.
    await world.program.delete_item(world.event, item.id)
    assert (await world.polls.poll(world.event, poll.id)).agenda_item_id is None


def setup_file() -> dict[str, Any]:
    return {
        "version": 1,
        "title": "Importiert",
        "starts_on": "2026-11-21",
        "ends_on": None,
        "rooms": [{"name": "Plenum"}, {"name": "Forum 2"}],
        "agenda": [
            {
                "title": "Forum 2: Start",
                "room": "Forum 2",
                "starts_at": "2026-11-21T13:00:00+01:00",
                "ends_at": "2026-11-21T14:00:00+01:00",
                "polls": [{"question": "Was nehmen Sie mit?", "kind": "text"}],
            }
        ],
        "polls": [{"room": "Plenum", "question": "Wie geht's?", "kind": "scale"}],
    }


async def test_import_writes_everything_and_tells_the_rooms(world: World) -> None:
    sub = await world.heard(world.plenum)
    plan = await world.program.import_setup(world.event, setup_file())
    assert (len(plan.rooms), len(plan.items), len(plan.polls)) == (1, 1, 2)
    event = await world.live.event(world.event.code)
    assert (event.title, event.starts_on, event.ends_on) == (
        "Importiert",
        date(2026, 11, 21),
        date(2026, 11, 21),
    )
    rooms = await world.live.rooms(event)
    assert [r.name for r in rooms] == ["Plenum", "Forum 1", "Forum 2"]
    (item,) = await world.program.agenda(event)
    assert item.room_id == rooms[2].id
    polls = await world.polls.of_rooms(rooms)
    assert {(p.question, p.agenda_item_id, p.state) for p in polls} == {
        ("Was nehmen Sie mit?", item.id, "draft"),
        ("Wie geht's?", None, "draft"),
    }
    assert [m["type"] for m in drain(sub)] == ["event.updated", "poll.created"]
    # Importing again changes nothing.
    again = await world.program.import_setup(event, setup_file())
    assert (again.rooms, again.items, again.polls, again.kept_items, again.kept_polls) == (
        (),
        (),
        (),
        1,
        2,
    )
    assert len(await world.polls.of_rooms(await world.live.rooms(event))) == 2


async def test_import_with_an_error_writes_nothing(world: World) -> None:
    doc = setup_file()
    doc["agenda"][0]["ends_at"] = "2026-11-21T12:00:00+01:00"
    with pytest.raises(SetupInvalid):
        await world.program.import_setup(world.event, doc)
    event = await world.live.event(world.event.code)
    assert event.title == "Tagung"
    assert [r.name for r in await world.live.rooms(event)] == ["Plenum", "Forum 1"]
    assert await world.polls.of_rooms(await world.live.rooms(event)) == []


async def test_export_then_import_into_a_fresh_event_gives_the_same_program(
    world: World,
) -> None:
    await world.program.import_setup(world.event, setup_file())
    exported = await world.program.export(world.event, "Europe/Berlin")
    fresh = await world.live.create_event("Leer", None)
    await world.program.import_setup(fresh.event, exported)
    again = await world.program.export(await world.live.event(fresh.event.code), "Europe/Berlin")
    assert again == exported
    await asyncio.sleep(0)
