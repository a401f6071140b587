"""The Store contract for a room's countdown (issue 24, item 8), once per backend (see
conftest.BACKENDS): set_countdown keeps the end instant (or, paused, the time left) and the
label on the room, bumps the version, and None removes it again."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from live.domain.models import Countdown
from live.store import Store, StoreError
from tests.store.test_contract import CODE, T0, make_room, setup_event


async def test_a_new_room_has_no_countdown(store: Store) -> None:
    await setup_event(store, "r1")
    room = await store.get_room("r1")
    assert room is not None and room.countdown is None


async def test_set_countdown_keeps_the_end_instant_and_bumps_the_version(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    before = await store.room_version("r1")
    running = Countdown("Redezeit", ends_at=T0 + timedelta(minutes=3, microseconds=250))
    assert await store.set_countdown("r1", running) == before + 1
    assert await store.get_room("r1") == replace(make_room("r1"), countdown=running)
    # Read the same way through the event's room list; the other room is untouched.
    rooms = await store.list_rooms(CODE)
    assert [r.countdown for r in rooms] == [running, None]


async def test_a_paused_countdown_keeps_the_time_left(store: Store) -> None:
    await setup_event(store, "r1")
    await store.set_countdown("r1", Countdown("Pause", ends_at=T0))
    paused = Countdown("Pause bis halb drei – Kaffee ☕", left_ms=95_500)
    await store.set_countdown("r1", paused)
    room = await store.get_room("r1")
    assert room is not None and room.countdown == paused
    # Running again: the paused time left is gone.
    running = Countdown("", ends_at=T0 + timedelta(seconds=95))
    await store.set_countdown("r1", running)
    room = await store.get_room("r1")
    assert room is not None and room.countdown == running


async def test_none_removes_the_countdown(store: Store) -> None:
    await setup_event(store, "r1")
    await store.set_countdown("r1", Countdown("Redezeit", left_ms=0))
    before = await store.room_version("r1")
    assert await store.set_countdown("r1", None) == before + 1
    assert await store.get_room("r1") == make_room("r1")


async def test_set_countdown_on_an_unknown_room_is_refused(store: Store) -> None:
    await setup_event(store, "r1")
    with pytest.raises(StoreError):
        await store.set_countdown("missing", Countdown("Pause", ends_at=T0))
    with pytest.raises(StoreError):
        await store.set_countdown("missing", None)
