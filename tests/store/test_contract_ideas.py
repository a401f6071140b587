"""The Store contract for the idea board (issue 24 item 3; once per backend, see
conftest.BACKENDS): the room's switch, ideas per room and per event in order, upvotes as set
membership with request-id dedupe (the vote namespace), the state and the cap on marked ideas
checked in the write, unknown ids and bad input change nothing, deleting the event removes
everything."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from live.domain.models import Idea, IdeaState
from live.store import Store, StoreError
from live.store.base import DuplicateKey, IdeaClosed, TooManyMarked, VoteOutcome
from tests.store.test_contract import CODE, T0, make_event, make_room, setup_event


def idea(idea_id: str, room_id: str = "r1", *, minutes: float = 0, **kw: object) -> Idea:
    fields: dict[str, object] = {
        "participant_id": "u1",
        "text": f"Idee {idea_id}",
        "state": "approved",
    }
    fields.update(kw)
    return Idea(
        id=idea_id,
        event_code=CODE,
        room_id=room_id,
        created_at=T0 + timedelta(minutes=minutes),
        **fields,  # type: ignore[arg-type]
    )


async def test_the_board_is_off_until_switched_on(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    room = await store.get_room("r1")
    assert room is not None and room.ideas_open is False
    assert await store.set_ideas_open("r1", True) == 2
    assert [r.ideas_open for r in await store.list_rooms(CODE)] == [True, False]
    assert await store.set_ideas_open("r1", False) == 3
    room = await store.get_room("r1")
    assert room is not None and room.ideas_open is False
    with pytest.raises(StoreError):
        await store.set_ideas_open("nope", True)


async def test_ideas_come_back_oldest_first_per_room_and_per_event(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    assert await store.add_idea(idea("b", minutes=2), None) == VoteOutcome(True, 2)
    await store.add_idea(idea("a", minutes=1, state="pending"), None)
    await store.add_idea(idea("c", "r2", minutes=0), None)
    await store.add_idea(idea("d", minutes=2), None)  # same moment as b: by id
    assert [i.id for i in await store.ideas("r1")] == ["a", "b", "d"]
    assert [i.id for i in await store.ideas("r2")] == ["c"]
    # By room position, then oldest first.
    assert [i.id for i in await store.event_ideas(CODE)] == ["a", "b", "d", "c"]
    got = await store.get_idea("a")
    assert got == idea("a", minutes=1, state="pending")
    assert got is not None and got.created_at.utcoffset() == timedelta(0)
    assert await store.get_idea("nope") is None
    assert await store.ideas("nope") == []
    assert await store.event_ideas("NOPE") == []


async def test_adding_refuses_unknown_rooms_other_events_and_taken_ids(store: Store) -> None:
    await setup_event(store)
    await store.create_event(make_event("OTHER1"), [make_room("x1", event_code="OTHER1")])
    # (Fresh ids each time: Redis keeps the claim of a refused id, as for questions.)
    with pytest.raises(StoreError):
        await store.add_idea(idea("i8", "nope"), None)
    with pytest.raises(ValueError):
        await store.add_idea(idea("i9", "x1"), None)
    await store.add_idea(idea("i1"), None)
    with pytest.raises(DuplicateKey):
        await store.add_idea(idea("i1", text="anders"), None)
    assert [i.text for i in await store.ideas("r1")] == ["Idee i1"]
    assert await store.ideas("x1") == []


async def test_a_request_id_adds_once_and_shares_the_vote_namespace(store: Store) -> None:
    await setup_event(store)
    first = await store.add_idea(idea("i1"), "req-1")
    assert first.applied
    again = await store.add_idea(idea("i2"), "req-1")  # a retry under a new id
    assert again == VoteOutcome(applied=False, version=first.version)
    assert [i.id for i in await store.ideas("r1")] == ["i1"]
    assert await store.request_seen("u1", "req-1")
    await store.set_pace("r1", "u1", "too_fast", "req-2", T0)
    assert not (await store.add_idea(idea("i3"), "req-2")).applied
    # Per participant.
    assert (await store.add_idea(idea("i4", participant_id="u2"), "req-1")).applied


async def test_upvotes_are_set_membership_and_a_repeat_counts_once(store: Store) -> None:
    await setup_event(store)
    await store.add_idea(idea("i1"), None)
    await store.add_idea(idea("i2"), None)
    assert (await store.set_idea_upvote("i1", "u2", True, "up-1")).applied
    repeat = await store.set_idea_upvote("i1", "u2", True, "up-1")
    assert not repeat.applied
    assert (await store.set_idea_upvote("i1", "u2", True, None)).applied  # twice counts once
    await store.set_idea_upvote("i1", "u3", True, None)
    await store.set_idea_upvote("i2", "u3", True, None)
    assert [(i.id, i.upvotes) for i in await store.ideas("r1")] == [("i1", 2), ("i2", 1)]
    assert await store.idea_upvoted_by("u2", ["i1", "i2", "nope"]) == {"i1"}
    assert await store.idea_upvoted_by("u3", []) == set()
    await store.set_idea_upvote("i1", "u2", False, "up-2")
    assert await store.idea_upvoted_by("u2", ["i1"]) == set()
    upvoters = await store.idea_upvoters(["i1", "i2"])
    assert {k: v for k, v in upvoters.items() if v} == {"i1": {"u3"}, "i2": {"u3"}}
    assert await store.idea_upvoters([]) == {}
    with pytest.raises(StoreError):
        await store.set_idea_upvote("nope", "u2", True, None)


async def test_only_approved_ideas_take_upvotes_but_a_repeat_is_acknowledged(
    store: Store,
) -> None:
    await setup_event(store)
    await store.add_idea(idea("i1", state="pending"), None)
    with pytest.raises(IdeaClosed) as closed:
        await store.set_idea_upvote("i1", "u2", True, "up-1")
    assert closed.value.state == "pending"
    # The refused call left its request id usable.
    await store.set_idea_state("i1", "approved")
    assert (await store.set_idea_upvote("i1", "u2", True, "up-1")).applied
    await store.set_idea_state("i1", "hidden")
    assert not (await store.set_idea_upvote("i1", "u2", True, "up-1")).applied
    with pytest.raises(IdeaClosed):
        await store.set_idea_upvote("i1", "u3", True, None)
    # Hiding kept the upvote.
    got = await store.get_idea("i1")
    assert got is not None and got.upvotes == 1 and got.state == "hidden"


async def test_states_change_and_bad_ones_change_nothing(store: Store) -> None:
    await setup_event(store)
    await store.add_idea(idea("i1", state="pending"), None)
    version = await store.room_version("r1")
    assert await store.set_idea_state("i1", "approved") == version + 1
    with pytest.raises(ValueError):
        await store.set_idea_state("i1", "answered")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        await store.add_idea(idea("i2", state="archived"), None)
    with pytest.raises(StoreError):
        await store.set_idea_state("nope", "hidden")
    assert [(i.id, i.state) for i in await store.ideas("r1")] == [("i1", "approved")]
    assert await store.room_version("r1") == version + 1


async def test_marks_need_approved_ideas_and_are_capped_per_room(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    for n in range(3):
        await store.add_idea(idea(f"i{n}", minutes=n), None)
    await store.add_idea(idea("p", minutes=5, state="pending"), None)
    await store.add_idea(idea("o", "r2"), None)
    await store.set_idea_marked("i0", True, 2)
    await store.set_idea_marked("i1", True, 2)
    await store.set_idea_marked("i1", True, 2)  # marking a marked idea again: no error
    with pytest.raises(TooManyMarked) as full:
        await store.set_idea_marked("i2", True, 2)
    assert full.value.limit == 2
    with pytest.raises(IdeaClosed):
        await store.set_idea_marked("p", True, 10)
    await store.set_idea_marked("o", True, 2)  # another room has its own places
    assert [(i.id, i.marked) for i in await store.ideas("r1")] == [
        ("i0", True),
        ("i1", True),
        ("i2", False),
        ("p", False),
    ]
    await store.set_idea_marked("i0", False, 2)
    await store.set_idea_marked("i2", True, 2)
    # Leaving "approved" takes the mark away in the same step; approving again does not
    # bring it back.
    await store.set_idea_state("i1", "hidden")
    await store.set_idea_state("i1", "approved")
    marked = [i.id for i in await store.ideas("r1") if i.marked]
    assert marked == ["i2"]
    with pytest.raises(StoreError):
        await store.set_idea_marked("nope", False, 2)


async def test_two_marks_racing_for_the_last_place_get_one(store: Store) -> None:
    await setup_event(store)
    for n in range(4):
        await store.add_idea(idea(f"i{n}"), None)
    await store.set_idea_marked("i0", True, 2)
    results = await asyncio.gather(
        store.set_idea_marked("i1", True, 2),
        store.set_idea_marked("i2", True, 2),
        store.set_idea_marked("i3", True, 2),
        return_exceptions=True,
    )
    assert sum(isinstance(r, TooManyMarked) for r in results) == 2
    assert len([i for i in await store.ideas("r1") if i.marked]) == 2


async def test_deleting_the_event_removes_its_ideas(store: Store) -> None:
    await setup_event(store)
    await store.set_ideas_open("r1", True)
    await store.add_idea(idea("i1"), "req-1")
    await store.set_idea_upvote("i1", "u2", True, "up-1")
    await store.set_idea_marked("i1", True, 10)
    assert await store.delete_event(CODE) == ["r1"]
    assert await store.get_idea("i1") is None
    assert await store.ideas("r1") == []
    assert await store.event_ideas(CODE) == []
    # The ids are free again in a new event (SQLite) or refused (Redis keeps claims): either
    # way nothing of the old idea comes back.
    await setup_event(store)
    assert await store.ideas("r1") == []


STATES: tuple[IdeaState, ...] = ("pending", "approved", "hidden")


@pytest.mark.parametrize("state", STATES)
async def test_every_state_round_trips(store: Store, state: IdeaState) -> None:
    await setup_event(store)
    await store.add_idea(idea("i1", state=state, text="Ä ö ü ß – „Zitat“ 🙂"), None)
    got = await store.get_idea("i1")
    assert got == idea("i1", state=state, text="Ä ö ü ß – „Zitat“ 🙂")
