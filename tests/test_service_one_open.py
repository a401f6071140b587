"""One open poll per room (issue 19) in the use cases (live/service/polls.py, events.py) on both
real store backends and the in-process hub: what opening closes, what is published, the room
setting, and "Nächste Abstimmung" along the run sheet."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from live.board.memory import MemoryBoard
from live.domain.errors import DomainError
from live.domain.models import Event, Poll, Room
from live.hub.memory import MemoryHub, MemorySubscription
from live.service import Services, build_services
from live.service.changes import room_topic
from live.service.clock import Clock
from live.store import Store, open_store
from live.store.redis import RedisStore
from tests.support.redis import RedisServer

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


@dataclass
class World:
    svc: Services
    hub: MemoryHub
    event: Event
    plenum: Room
    forum: Room
    moments: list[datetime]

    def tick(self) -> None:
        """A minute later (created_at and opened_at/closed_at tell the polls apart)."""
        self.moments[0] += timedelta(minutes=1)

    async def heard(self, room: Room) -> MemorySubscription:
        return await self.hub.subscribe(room_topic(room.id))

    async def poll(self, question: str, room: Room | None = None, item: str | None = None) -> Poll:
        self.tick()
        return await self.svc.polls.create(
            self.event,
            room or self.plenum,
            question=question,
            kind="single",
            options=["Ja", "Nein"],
            agenda_item_id=item,
        )

    async def state(self, *polls: Poll) -> list[str]:
        return [(await self.svc.polls.poll(self.event, p.id)).state for p in polls]

    async def open(self, poll: Poll) -> tuple[str, list[str]]:
        self.tick()
        opening = await self.svc.polls.opening(self.event, poll.id)
        return opening.poll.question, [p.question for p in opening.closed]

    async def next(self) -> tuple[str, list[str]]:
        self.tick()
        opening = await self.svc.polls.open_next(self.event, self.plenum)
        return opening.poll.question, [p.question for p in opening.closed]


@pytest.fixture(params=["sqlite", "redis"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[World]:
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        store: Store = RedisStore.from_url(server.url, prefix=f"test-{uuid.uuid4().hex[:12]}")
    else:
        store = open_store("sqlite://:memory:")
    hub = MemoryHub()
    await store.open()
    moments = [START]
    svc = build_services(
        store, hub, MemoryBoard(), zone=BERLIN, retention_days=30, clock=Clock(lambda: moments[0])
    )
    created = await svc.events.create_event("Tagung", ["Plenum", "Forum 1"])
    yield World(svc, hub, created.event, created.rooms[0], created.rooms[1], moments)
    await store.close()


def drained(sub: MemorySubscription) -> list[tuple[str, str | None]]:
    return [(m["type"], m.get("poll")) for m in sub._mailbox.drain()]


# --- opening closes the open poll -------------------------------------------------------------


async def test_opening_closes_the_rooms_open_poll_and_says_so(world: World) -> None:
    a, b = await world.poll("A"), await world.poll("B")
    other = await world.poll("F", room=world.forum)
    assert await world.open(other) == ("F", [])
    assert await world.open(a) == ("A", [])
    sub = await world.heard(world.plenum)
    assert await world.open(b) == ("B", ["A"])
    assert await world.state(a, b, other) == ["closed", "open", "open"]
    closed = await world.svc.polls.poll(world.event, a.id)
    opened = await world.svc.polls.poll(world.event, b.id)
    assert closed.closed_at == opened.opened_at
    # The closed poll's notice (phones drop it) and the opened one's, as a close and an open.
    assert drained(sub) == [("poll.updated", a.id), ("poll.updated", b.id)]
    # Opening the open one again changes nothing and publishes nothing.
    assert await world.open(b) == ("B", [])
    assert drained(sub) == []


async def test_reopening_a_closed_poll_closes_the_open_one(world: World) -> None:
    a, b = await world.poll("A"), await world.poll("B")
    await world.open(a)
    await world.open(b)
    assert await world.open(a) == ("A", ["B"])
    assert await world.state(a, b) == ["open", "closed"]


async def test_a_room_with_parallel_polls_keeps_them_open(world: World) -> None:
    room = await world.svc.events.update_room(
        world.event, world.plenum.id, {"parallel_polls": True}
    )
    assert room == replace(world.plenum, parallel_polls=True)
    a, b = await world.poll("A"), await world.poll("B")
    await world.open(a)
    assert await world.open(b) == ("B", [])
    assert await world.state(a, b) == ["open", "open"]
    # Switched back, the next opening closes both.
    await world.svc.events.update_room(world.event, world.plenum.id, {"parallel_polls": False})
    c = await world.poll("C")
    assert await world.open(c) == ("C", ["A", "B"])


async def test_two_moderators_opening_at_once_leave_one_open(world: World) -> None:
    polls = [await world.poll(name) for name in "ABCD"]
    world.tick()
    outcomes = await asyncio.gather(
        *(world.svc.polls.opening(world.event, p.id) for p in polls[:2])
    )
    assert (await world.state(*polls[:2])).count("open") == 1
    assert sorted(len(o.closed) for o in outcomes) == [0, 1]
    await asyncio.gather(*(world.svc.polls.open(world.event, p.id) for p in polls))
    assert (await world.state(*polls)).count("open") == 1


async def test_a_poll_opened_with_its_creation_closes_the_open_one(world: World) -> None:
    a = await world.poll("A")
    await world.open(a)
    b = await world.poll("B")
    await world.svc.polls.open(world.event, b.id)
    assert await world.state(a, b) == ["closed", "open"]


# --- the room setting ---------------------------------------------------------------------


async def test_update_room_checks_everything_before_it_stores_anything(world: World) -> None:
    rooms = world.svc.events
    with pytest.raises(DomainError) as caught:
        await rooms.update_room(world.event, world.plenum.id, {"parallel_polls": "ja"})
    assert caught.value.code == "invalid_parallel_polls"
    with pytest.raises(DomainError) as caught:
        await rooms.update_room(
            world.event, world.plenum.id, {"name": "Forum 1", "parallel_polls": True}
        )
    assert caught.value.code == "duplicate_room"
    assert await rooms.room(world.event, world.plenum.id) == world.plenum
    sub = await world.heard(world.plenum)
    both = await rooms.update_room(
        world.event, world.plenum.id, {"name": "Saal 1", "parallel_polls": True}
    )
    assert both == replace(world.plenum, name="Saal 1", parallel_polls=True)
    assert await rooms.room(world.event, world.plenum.id) == both
    # (Two notices that differ only in their version wait as one: live/hub/base.py Mailbox.)
    assert {t for t, _ in drained(sub)} == {"room.updated"}
    # Nothing to change: nothing stored, nothing published.
    assert await rooms.update_room(world.event, world.plenum.id, {"parallel_polls": True}) == both
    assert drained(sub) == []


async def test_a_new_room_may_allow_parallel_polls(world: World) -> None:
    room = await world.svc.events.add_room(world.event, "Forum 2", parallel_polls=True)
    assert (await world.svc.events.room(world.event, room.id)).parallel_polls
    with pytest.raises(DomainError):
        await world.svc.events.add_room(world.event, "Forum 3", parallel_polls=1)
    assert len(await world.svc.events.rooms(world.event)) == 3


# --- Nächste Abstimmung -------------------------------------------------------------------


async def add_item(world: World, title: str, start: str) -> str:
    fields = {"title": title, "room_id": world.plenum.id, "day": "2026-11-21"}
    hour = int(start[:2])
    item = await world.svc.program.add_item(
        world.event, **fields, start=start, end=f"{hour + 1:02d}{start[2:]}", speaker=""
    )
    return item.id


async def test_next_poll_walks_down_the_run_sheet(world: World) -> None:
    # Created out of program order: the sheet orders by the agenda item's time.
    afternoon = await add_item(world, "Nachmittag", "14:00")
    morning = await add_item(world, "Vormittag", "09:00")
    await world.poll("Ohne Punkt")
    await world.poll("Nachmittag 1", item=afternoon)
    await world.poll("Vormittag 1", item=morning)
    await world.poll("Vormittag 2", item=morning)
    await world.poll("Anderer Raum", room=world.forum)
    assert await world.next() == ("Vormittag 1", [])
    assert await world.next() == ("Vormittag 2", ["Vormittag 1"])
    assert await world.next() == ("Nachmittag 1", ["Vormittag 2"])
    assert await world.next() == ("Ohne Punkt", ["Nachmittag 1"])
    with pytest.raises(DomainError) as caught:
        await world.next()
    assert caught.value.code == "no_next_poll"
    assert caught.value.message == "Es gibt keine weitere vorbereitete Abstimmung."
    polls = await world.svc.polls.polls(world.plenum)
    assert [p.state for p in polls] == ["open", "closed", "closed", "closed"]


async def test_next_poll_goes_on_after_the_poll_closed_last(world: World) -> None:
    a, b = await world.poll("A"), await world.poll("B")
    await world.poll("C")
    await world.open(b)
    world.tick()
    await world.svc.polls.close(world.event, b.id)
    # Nothing open: after B, the poll closed most recently; A was skipped and stays so.
    assert await world.next() == ("C", [])
    assert await world.state(a) == ["draft"]


async def test_no_prepared_poll_is_an_error_that_changes_nothing(world: World) -> None:
    with pytest.raises(DomainError) as caught:
        await world.next()
    assert caught.value.code == "no_next_poll"
    a = await world.poll("A")
    await world.open(a)
    with pytest.raises(DomainError):
        await world.next()
    assert await world.state(a) == ["open"]
