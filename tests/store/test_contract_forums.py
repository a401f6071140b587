"""The Store contract for the forums' results (issue 24, the roll-up), once per backend (see
conftest.BACKENDS): set_forum_results keeps whether a room takes part and its ranking poll on
the room, bumps the version, and None / None goes back to the defaults."""

from __future__ import annotations

from dataclasses import replace

import pytest

from live.store import Store, StoreError
from tests.store.test_contract import CODE, make_room, setup_event


async def test_a_new_room_has_the_defaults(store: Store) -> None:
    await setup_event(store, "r1")
    room = await store.get_room("r1")
    assert room is not None and room.forum_shown is None and room.forum_poll_id is None


async def test_set_forum_results_keeps_both_and_bumps_the_version(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    before = await store.room_version("r1")
    assert await store.set_forum_results("r1", True, "p-rank") == before + 1
    assert await store.get_room("r1") == replace(
        make_room("r1"), forum_shown=True, forum_poll_id="p-rank"
    )
    await store.set_forum_results("r2", False, None)
    rooms = await store.list_rooms(CODE)
    assert [(r.forum_shown, r.forum_poll_id) for r in rooms] == [(True, "p-rank"), (False, None)]


async def test_none_goes_back_to_the_defaults(store: Store) -> None:
    await setup_event(store, "r1")
    await store.set_forum_results("r1", False, "p-rank")
    await store.set_forum_results("r1", None, None)
    assert await store.get_room("r1") == make_room("r1")


async def test_an_unknown_room_is_refused(store: Store) -> None:
    await setup_event(store, "r1")
    with pytest.raises(StoreError):
        await store.set_forum_results("missing", True, None)


async def test_a_new_room_cannot_bring_the_settings(store: Store) -> None:
    await setup_event(store, "r1")
    with pytest.raises(ValueError):
        await store.add_room(replace(make_room("r9"), forum_shown=True))
