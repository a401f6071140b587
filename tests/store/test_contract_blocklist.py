"""The Store contract for an event's blocklist (issue 24): the switch of the shipped list and
the event's own and switched-off entries. Runs once per backend (the ``store`` fixture)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from live.store import Store, StoreError
from tests.store.test_contract import CODE, make_event, setup_event


async def test_a_new_event_uses_the_default_list_and_nothing_else(store: Store) -> None:
    await setup_event(store)
    event = await store.get_event(CODE)
    assert event == make_event()
    assert event is not None
    assert event.blocklist_default is True
    assert event.blocklist_added == () and event.blocklist_removed == ()


async def test_switch_the_default_list_off_and_on(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    before = [await store.room_version(r) for r in ("r1", "r2")]
    changed = await store.set_blocklist_default(CODE, False)
    assert changed == [("r1", before[0] + 1), ("r2", before[1] + 1)]
    assert await store.get_event(CODE) == replace(make_event(), blocklist_default=False)
    await store.set_blocklist_default(CODE, True)
    assert await store.get_event(CODE) == make_event()


async def test_entries_are_set_members_ordered_by_key(store: Store) -> None:
    await setup_event(store, "r1")
    version = await store.room_version("r1")
    changed = await store.set_blocklist_entry(CODE, "added", "zzz", "Zzz", True)
    assert changed == [("r1", version + 1)]
    await store.set_blocklist_entry(CODE, "added", "buerokratie*", "Bürokratie*", True)
    await store.set_blocklist_entry(CODE, "removed", "hartzer", "Hartzer", True)
    # Added again: one entry, with the newer spelling.
    await store.set_blocklist_entry(CODE, "added", "zzz", "ZZZ", True)
    event = await store.get_event(CODE)
    assert event is not None
    assert event.blocklist_added == ("Bürokratie*", "ZZZ")
    assert event.blocklist_removed == ("Hartzer",)
    # Removing is idempotent, and only in its kind.
    await store.set_blocklist_entry(CODE, "added", "hartzer", "Hartzer", False)
    await store.set_blocklist_entry(CODE, "added", "zzz", "ZZZ", False)
    await store.set_blocklist_entry(CODE, "added", "zzz", "ZZZ", False)
    event = await store.get_event(CODE)
    assert event is not None
    assert event.blocklist_added == ("Bürokratie*",)
    assert event.blocklist_removed == ("Hartzer",)


async def test_concurrent_additions_are_all_kept(store: Store) -> None:
    await setup_event(store, "r1")
    words = [f"wort{chr(97 + i)}" for i in range(12)]
    await asyncio.gather(
        *(store.set_blocklist_entry(CODE, "added", w, w.title(), True) for w in words)
    )
    event = await store.get_event(CODE)
    assert event is not None
    assert event.blocklist_added == tuple(w.title() for w in words)


async def test_unknown_event_and_kind(store: Store) -> None:
    await setup_event(store, "r1")
    with pytest.raises(StoreError):
        await store.set_blocklist_default("NOPE", False)
    with pytest.raises(StoreError):
        await store.set_blocklist_entry("NOPE", "added", "x", "X", True)
    with pytest.raises(ValueError):
        await store.set_blocklist_entry(CODE, "other", "x", "X", True)  # type: ignore[arg-type]
    assert await store.get_event(CODE) == make_event()


async def test_create_event_ignores_blocklist_fields(store: Store) -> None:
    odd = replace(make_event(), blocklist_default=False, blocklist_added=("Wort",))
    await store.create_event(odd, [])
    assert await store.get_event(CODE) == make_event()
