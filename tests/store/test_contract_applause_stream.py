"""The Store contract for issue 23's room setting applause_via_stream ("Applaus kommt über den
Stream"), once per backend (conftest.BACKENDS): kept from creation on, switched with a version
bump, off for rooms stored before it (Redis: no field in the room hash; SQLite: the migration,
tests/store/test_sqlite_schema_v8.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from live.store import Store, StoreError
from tests.store.test_contract import CODE, make_event, make_room, setup_event


async def test_applause_via_stream_is_kept_from_creation_on(store: Store) -> None:
    streamed = replace(make_room("r2", position=1), applause_via_stream=True)
    await store.create_event(make_event(), [make_room("r1"), streamed])
    added = replace(make_room("r3", position=2), applause_via_stream=True, parallel_polls=True)
    await store.add_room(added)
    assert await store.list_rooms(CODE) == [make_room("r1"), streamed, added]
    assert make_room("r1").applause_via_stream is False


async def test_set_applause_via_stream_switches_it_and_bumps_the_version(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    before = await store.room_version("r1")
    assert await store.set_applause_via_stream("r1", True) == before + 1
    assert await store.get_room("r1") == replace(make_room("r1"), applause_via_stream=True)
    assert await store.set_applause_via_stream("r1", False) == before + 2
    assert await store.get_room("r1") == make_room("r1")
    assert await store.get_room("r2") == make_room("r2", position=1)


async def test_set_applause_via_stream_on_an_unknown_room_is_refused(store: Store) -> None:
    await setup_event(store)
    with pytest.raises(StoreError):
        await store.set_applause_via_stream("missing", True)
