"""Lookups a short-lived copy may serve (live/service/events.py ``max_age``): when the copy runs
out in the middle of a burst, the requests in flight share one store read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from live.board.memory import MemoryBoard
from live.errors import NotFound
from live.hub.memory import MemoryHub
from live.service import Services, build_services
from live.store import Store, open_store


class HeldStore:
    """The real SQLite store; reads of events and rooms wait at a gate and are counted."""

    def __init__(self, real: Store) -> None:
        self._real = real
        self.gate = asyncio.Event()
        self.gate.set()
        self.reads: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    async def get_event(self, code: str) -> Any:
        self.reads.append("event")
        await self.gate.wait()
        return await self._real.get_event(code)

    async def get_poll(self, poll_id: str) -> Any:
        self.reads.append("poll")
        await self.gate.wait()
        return await self._real.get_poll(poll_id)

    async def get_room(self, room_id: str) -> Any:
        self.reads.append("room")
        await self.gate.wait()
        return await self._real.get_room(room_id)


async def settled() -> None:
    """Let every task run up to where it waits (a fixed number of loop turns, no clock)."""
    for _ in range(20):
        await asyncio.sleep(0)


@pytest.fixture
async def svc_store() -> AsyncIterator[tuple[Services, HeldStore]]:
    real = open_store("sqlite://:memory:")
    await real.open()
    store = HeldStore(real)
    svc = build_services(
        store,
        MemoryHub(),
        MemoryBoard(),
        zone=ZoneInfo("Europe/Berlin"),
        retention_days=30,
    )
    yield svc, store
    await real.close()


async def test_lookups_in_flight_share_one_read(svc_store: tuple[Services, HeldStore]) -> None:
    svc, store = svc_store
    created = await svc.events.create_event("Tagung", ["Plenum"])
    code, room_id = created.event.code, created.rooms[0].id
    store.gate.clear()
    events = [asyncio.ensure_future(svc.events.event(code, max_age=2.0)) for _ in range(50)]
    await settled()
    assert store.reads == ["event"]
    store.gate.set()
    found = await asyncio.gather(*events)
    assert {e.code for e in found} == {code}
    # Rooms alike; a lookup that asks for a fresh read (max_age 0) makes its own.
    store.gate.clear()
    store.reads.clear()
    event = found[0]
    rooms = [asyncio.ensure_future(svc.events.room(event, room_id, max_age=2.0)) for _ in range(50)]
    fresh = asyncio.ensure_future(svc.events.room(event, room_id))
    await settled()
    assert store.reads == ["room", "room"]
    store.gate.set()
    assert {r.id for r in await asyncio.gather(*rooms, fresh)} == {room_id}


async def test_a_waiter_that_goes_away_leaves_the_read_to_the_others(
    svc_store: tuple[Services, HeldStore],
) -> None:
    svc, store = svc_store
    created = await svc.events.create_event("Tagung", ["Plenum"])
    code = created.event.code
    store.gate.clear()
    first = asyncio.ensure_future(svc.events.event(code, max_age=2.0))
    second = asyncio.ensure_future(svc.events.event(code, max_age=2.0))
    await settled()
    first.cancel()  # its client hung up
    await settled()
    store.gate.set()
    assert (await second).code == code
    assert store.reads == ["event"]
    # A missing event is missing for every waiter, and the next lookup reads again.
    store.gate.clear()
    missing = [asyncio.ensure_future(svc.events.event("ZZZZZZ", max_age=2.0)) for _ in range(3)]
    await settled()
    store.gate.set()
    for outcome in await asyncio.gather(*missing, return_exceptions=True):
        assert isinstance(outcome, NotFound)
    assert store.reads == ["event", "event"]


async def test_the_first_votes_after_opening_share_the_polls_read(
    svc_store: tuple[Services, HeldStore],
) -> None:
    svc, store = svc_store
    created = await svc.events.create_event("Tagung", ["Plenum"])
    event, room = created.event, created.rooms[0]
    poll = await svc.polls.create(
        event, room, question="Ja?", kind="single", options=["Ja", "Nein"]
    )
    await svc.polls.opening(event, poll.id)
    svc.polls.forget(event.code)  # as in a new process: no copy of the poll yet
    store.gate.clear()
    store.reads.clear()
    votes = [asyncio.ensure_future(svc.polls.known(event, poll.id)) for _ in range(50)]
    await settled()
    assert store.reads == ["poll"]
    store.gate.set()
    assert {p.state for p in await asyncio.gather(*votes)} == {"open"}
