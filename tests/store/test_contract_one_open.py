"""The Store contract for issue 19's one open poll per room (once per backend, see
conftest.BACKENDS): the room setting parallel_polls, and open_poll closing the room's other open
polls in the same atomic step as the open."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from live.domain.models import Poll, Room
from live.store import PollOpened, Store, StoreError
from tests.store.test_contract import (
    CODE,
    T0,
    add_open_poll,
    make_event,
    make_poll,
    make_room,
    setup_event,
)


def opening(poll: Poll, minutes: int = 10) -> Poll:
    """``poll`` as a moderator opens it ``minutes`` after T0."""
    return replace(poll, state="open", opened_at=T0 + timedelta(minutes=minutes), closed_at=None)


# --- the room setting ---------------------------------------------------------------------


async def test_parallel_polls_is_kept_from_creation_on(store: Store) -> None:
    several = replace(make_room("r2", position=1), parallel_polls=True)
    await store.create_event(make_event(), [make_room("r1"), several])
    added = replace(make_room("r3", position=2), parallel_polls=True)
    await store.add_room(added)
    assert await store.list_rooms(CODE) == [make_room("r1"), several, added]
    assert await store.get_room("r1") == make_room("r1")
    assert make_room("r1").parallel_polls is False


async def test_set_parallel_polls_switches_it_and_bumps_the_version(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    before = await store.room_version("r1")
    assert await store.set_parallel_polls("r1", True) == before + 1
    assert await store.get_room("r1") == replace(make_room("r1"), parallel_polls=True)
    assert await store.set_parallel_polls("r1", False) == before + 2
    assert await store.get_room("r1") == make_room("r1")
    assert await store.get_room("r2") == make_room("r2", position=1)


async def test_set_parallel_polls_on_an_unknown_room_is_refused(store: Store) -> None:
    await setup_event(store)
    with pytest.raises(StoreError):
        await store.set_parallel_polls("missing", True)


# --- open_poll ----------------------------------------------------------------------------


async def test_open_poll_closes_the_rooms_open_poll(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    first = await add_open_poll(store, make_poll("p1"))
    elsewhere = await add_open_poll(store, make_poll("x1", room_id="r2"))
    second = make_poll("p2", created_at=T0 + timedelta(seconds=1))
    await store.add_poll(second)
    before = await store.room_version("r1")
    opened = opening(second)
    outcome = await store.open_poll(opened)
    assert outcome == PollOpened(before + 1, ("p1",))
    assert await store.room_version("r1") == before + 1
    # Closed at the moment the other one opened; the other room is not touched.
    closed = replace(first, state="closed", closed_at=opened.opened_at)
    assert await store.list_polls("r1") == [closed, opened]
    assert await store.get_poll("x1") == elsewhere
    room = await store.get_room("r1")
    assert room is not None and room.screen_poll_id == "p2"


async def test_open_poll_closes_every_open_poll_and_leaves_drafts_and_closed_ones(
    store: Store,
) -> None:
    await setup_event(store)
    a = await add_open_poll(store, make_poll("a"))
    b = await add_open_poll(store, make_poll("b", created_at=T0 + timedelta(seconds=1)))
    done = make_poll("c", created_at=T0 + timedelta(seconds=2))
    await store.add_poll(done)
    done = replace(done, state="closed", closed_at=T0 + timedelta(minutes=3))
    await store.update_poll(done)
    draft = make_poll("d", created_at=T0 + timedelta(seconds=3))
    await store.add_poll(draft)
    target = make_poll("e", created_at=T0 + timedelta(seconds=4))
    await store.add_poll(target)
    opened = opening(target)
    assert (await store.open_poll(opened)).closed == ("a", "b")
    at = opened.opened_at
    assert await store.list_polls("r1") == [
        replace(a, state="closed", closed_at=at),
        replace(b, state="closed", closed_at=at),
        done,
        draft,
        opened,
    ]


async def test_open_poll_keeps_the_others_open_where_the_room_allows_it(store: Store) -> None:
    await setup_event(store)
    await store.set_parallel_polls("r1", True)
    first = await add_open_poll(store, make_poll("p1"))
    second = make_poll("p2", created_at=T0 + timedelta(seconds=1))
    await store.add_poll(second)
    opened = opening(second)
    assert (await store.open_poll(opened)).closed == ()
    assert await store.list_polls("r1") == [first, opened]


async def test_open_poll_reopens_a_closed_poll(store: Store) -> None:
    await setup_event(store)
    poll = make_poll("p1")
    await store.add_poll(poll)
    await store.update_poll(replace(poll, state="closed", closed_at=T0))
    other = await add_open_poll(store, make_poll("p2", created_at=T0 + timedelta(seconds=1)))
    opened = opening(poll, minutes=20)
    assert (await store.open_poll(opened)).closed == ("p2",)
    assert await store.get_poll("p1") == opened
    assert await store.get_poll("p2") == replace(other, state="closed", closed_at=opened.opened_at)


async def test_two_opens_at_the_same_moment_leave_one_open(store: Store) -> None:
    await setup_event(store)
    polls = [make_poll(f"p{i}", created_at=T0 + timedelta(seconds=i)) for i in range(6)]
    for poll in polls:
        await store.add_poll(poll)
    for a, b in ((0, 1), (2, 3), (4, 5), (1, 4)):
        outcomes = await asyncio.gather(
            store.open_poll(opening(polls[a])), store.open_poll(opening(polls[b]))
        )
        still_open = [p.id for p in await store.list_polls("r1") if p.state == "open"]
        assert len(still_open) == 1
        # The one that ran second closed the other (and said so).
        loser = ({polls[a].id, polls[b].id} - set(still_open)).pop()
        assert any(loser in outcome.closed for outcome in outcomes)


async def test_open_poll_refuses_what_is_not_an_opening(store: Store) -> None:
    await setup_event(store)
    poll = make_poll("p1")
    await store.add_poll(poll)
    with pytest.raises(ValueError, match="open"):
        await store.open_poll(poll)  # a draft
    with pytest.raises(ValueError, match="open"):
        await store.open_poll(replace(poll, state="open"))  # no opened_at
    with pytest.raises(StoreError):
        await store.open_poll(opening(make_poll("missing")))
    assert await store.get_poll("p1") == poll


async def test_a_room_with_parallel_polls_is_still_one_room(store: Store) -> None:
    """The setting is per room: in the other room opening still closes."""
    rooms = [replace(make_room("r1"), parallel_polls=True), make_room("r2", position=1)]
    await store.create_event(make_event(), rooms)
    kept = await add_open_poll(store, make_poll("a"))
    await store.add_poll(make_poll("b", created_at=T0 + timedelta(seconds=1)))
    assert (await store.open_poll(opening(make_poll("b")))).closed == ()
    other = await add_open_poll(store, make_poll("c", room_id="r2"))
    await store.add_poll(make_poll("d", room_id="r2", created_at=T0 + timedelta(seconds=1)))
    outcome = await store.open_poll(opening(make_poll("d", room_id="r2")))
    assert outcome.closed == ("c",)
    assert await store.get_poll("a") == kept
    assert other.state == "open"


def test_room_default_allows_one_open_poll() -> None:
    assert Room("r", CODE, "Saal", 0).parallel_polls is False
