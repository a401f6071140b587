"""The Store contract: every backend passes this file unchanged (see conftest.BACKENDS).

Talks only to the Store protocol of live/store/base.py; nothing here may know which backend runs.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from live.domain.models import Ballot, Event, Poll, PollKind, Room
from live.store import DuplicateKey, PollNotOpen, Store, StoreError, VoteOutcome

T0 = datetime(2025, 5, 6, 9, 0, tzinfo=UTC)
CODE = "KONF25"


def make_event(code: str = CODE, title: str = "Konferenz") -> Event:
    return Event(code=code, title=title, created_at=T0, moderator_token_hash="m" * 64)


def make_room(room_id: str, position: int = 0, event_code: str = CODE) -> Room:
    return Room(id=room_id, event_code=event_code, name=f"Saal {room_id}", position=position)


def make_poll(
    poll_id: str,
    room_id: str = "r1",
    kind: PollKind = "single",
    options: tuple[str, ...] = ("Ja", "Nein", "Egal"),
    *,
    scale: tuple[int, int] | None = None,
    created_at: datetime = T0,
) -> Poll:
    if kind in ("scale", "text"):
        options = ()
    return Poll(
        id=poll_id,
        event_code=CODE,
        room_id=room_id,
        question=f"Frage {poll_id}?",
        kind=kind,
        options=options,
        scale_min=scale[0] if scale else None,
        scale_max=scale[1] if scale else None,
        state="draft",
        visibility="live",
        created_at=created_at,
    )


async def setup_event(store: Store, *room_ids: str) -> None:
    rooms = [make_room(room_id, position=i) for i, room_id in enumerate(room_ids or ("r1",))]
    await store.create_event(make_event(), rooms)


async def add_open_poll(store: Store, poll: Poll) -> Poll:
    await store.add_poll(poll)
    return await open_poll(store, poll)


async def open_poll(store: Store, poll: Poll) -> Poll:
    opened = replace(poll, state="open", opened_at=T0 + timedelta(minutes=1))
    await store.update_poll(opened)
    return opened


async def close_poll(store: Store, poll: Poll) -> Poll:
    closed = replace(poll, state="closed", closed_at=T0 + timedelta(minutes=5))
    await store.update_poll(closed)
    return closed


# --- events and rooms ---------------------------------------------------------------------


async def test_create_event_and_read_it_back(store: Store) -> None:
    event = make_event()
    await store.create_event(event, [make_room("r1")])
    got = await store.get_event(CODE)
    assert got == event
    assert got is not None and got.created_at.utcoffset() == timedelta(0)
    assert await store.get_room("r1") == make_room("r1")
    assert await store.room_version("r1") == 1


async def test_datetimes_come_back_as_the_same_instant_in_utc(store: Store) -> None:
    cest = timezone(timedelta(hours=2))
    event = replace(make_event(), created_at=datetime(2025, 5, 6, 11, 0, 0, 123456, tzinfo=cest))
    await store.create_event(event, [])
    got = await store.get_event(CODE)
    assert got is not None
    assert got.created_at == event.created_at
    assert got.created_at.utcoffset() == timedelta(0)
    assert got.created_at.hour == 9 and got.created_at.microsecond == 123456


async def test_rooms_are_listed_by_position(store: Store) -> None:
    rooms = [make_room("c", position=2), make_room("a", position=0), make_room("b", position=1)]
    await store.create_event(make_event(), rooms)
    assert [r.id for r in await store.list_rooms(CODE)] == ["a", "b", "c"]
    assert [await store.room_version(r.id) for r in rooms] == [1, 1, 1]
    assert await store.list_rooms("OTHER") == []


async def test_unknown_records_are_none(store: Store) -> None:
    await setup_event(store)
    assert await store.get_event("NOPE") is None
    assert await store.get_room("nope") is None
    assert await store.get_poll("nope") is None
    assert await store.list_polls("r1") == []


async def test_duplicate_event_code_raises_and_changes_nothing(store: Store) -> None:
    await store.create_event(make_event(title="Erste"), [make_room("r1")])
    with pytest.raises(DuplicateKey):
        await store.create_event(make_event(title="Zweite"), [make_room("r9")])
    got = await store.get_event(CODE)
    assert got is not None and got.title == "Erste"
    # Atomic: the rooms of the refused event were not inserted either.
    assert await store.get_room("r9") is None
    assert [r.id for r in await store.list_rooms(CODE)] == ["r1"]


async def test_add_room(store: Store) -> None:
    await setup_event(store, "r1")
    assert await store.add_room(make_room("r2", position=1)) == 1
    assert [r.id for r in await store.list_rooms(CODE)] == ["r1", "r2"]
    assert await store.room_version("r2") == 1
    with pytest.raises(DuplicateKey):
        await store.add_room(make_room("r2", position=5))


# --- participants -------------------------------------------------------------------------


async def test_participant_by_token(store: Store) -> None:
    await store.create_event(make_event(), [])
    await store.create_event(make_event("OTHER"), [])
    await store.add_participant(CODE, "p1", "hash-1")
    await store.add_participant(CODE, "p2", "hash-2")
    assert await store.participant_by_token(CODE, "hash-1") == "p1"
    assert await store.participant_by_token(CODE, "hash-2") == "p2"
    assert await store.participant_by_token(CODE, "hash-3") is None
    # A token belongs to its event only.
    assert await store.participant_by_token("OTHER", "hash-1") is None
    # The same hash in another event is another participant.
    await store.add_participant("OTHER", "q1", "hash-1")
    assert await store.participant_by_token("OTHER", "hash-1") == "q1"
    assert await store.participant_by_token(CODE, "hash-1") == "p1"


async def test_duplicate_participant_token_raises(store: Store) -> None:
    await store.create_event(make_event(), [])
    await store.add_participant(CODE, "p1", "hash-1")
    with pytest.raises(DuplicateKey):
        await store.add_participant(CODE, "p2", "hash-1")
    with pytest.raises(DuplicateKey):
        await store.add_participant(CODE, "p1", "hash-9")
    assert await store.participant_by_token(CODE, "hash-1") == "p1"
    assert await store.participant_by_token(CODE, "hash-9") is None


# --- polls --------------------------------------------------------------------------------


async def test_add_get_and_list_polls(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    later = make_poll("a-late", created_at=T0 + timedelta(seconds=1))
    scale = make_poll("s", kind="scale", scale=(1, 5))
    same_time = make_poll("b", options=("x", "y"))
    other_room = make_poll("o", room_id="r2")
    versions = [await store.add_poll(p) for p in (later, scale, same_time)]
    assert versions == [2, 3, 4]
    assert await store.add_poll(other_room) == 2
    assert await store.get_poll("a-late") == later
    assert await store.get_poll("s") == scale
    # Oldest first; equal created_at by id.
    assert [p.id for p in await store.list_polls("r1")] == ["b", "s", "a-late"]
    assert await store.list_polls("r2") == [other_room]
    with pytest.raises(DuplicateKey):
        await store.add_poll(make_poll("b"))


async def test_update_poll_open_points_the_screen_at_it(store: Store) -> None:
    await setup_event(store)
    poll = make_poll("p1")
    await store.add_poll(poll)
    room = await store.get_room("r1")
    assert room is not None and room.screen_poll_id is None

    opened = replace(
        poll, state="open", opened_at=T0 + timedelta(minutes=1), visibility="after_vote"
    )
    version = await store.update_poll(opened)
    assert version == await store.room_version("r1")
    assert await store.get_poll("p1") == opened
    room = await store.get_room("r1")
    assert room is not None and room.screen_poll_id == "p1"

    closed = replace(opened, state="closed", closed_at=T0 + timedelta(minutes=2))
    assert await store.update_poll(closed) > version
    assert await store.get_poll("p1") == closed
    room = await store.get_room("r1")
    assert room is not None and room.screen_poll_id == "p1"  # closing leaves the screen alone


async def test_update_poll_stores_only_the_mutable_fields(store: Store) -> None:
    await setup_event(store)
    poll = make_poll("p1")
    await store.add_poll(poll)
    tampered = replace(poll, question="Anders?", options=("z",), state="open", opened_at=T0)
    await store.update_poll(tampered)
    got = await store.get_poll("p1")
    assert got == replace(poll, state="open", opened_at=T0)


async def test_set_screen_poll(store: Store) -> None:
    await setup_event(store)
    await store.add_poll(make_poll("p1"))
    v1 = await store.set_screen_poll("r1", "p1")
    room = await store.get_room("r1")
    assert room is not None and room.screen_poll_id == "p1"
    v2 = await store.set_screen_poll("r1", None)
    room = await store.get_room("r1")
    assert room is not None and room.screen_poll_id is None
    assert 1 < v1 < v2 == await store.room_version("r1")


async def test_versions_strictly_increase_with_every_write(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    poll = make_poll("p1")
    versions = [await store.room_version("r1")]
    versions.append(await store.add_poll(poll))
    versions.append(await store.update_poll(replace(poll, state="open", opened_at=T0)))
    versions.append((await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "q1")).version)
    versions.append((await store.cast_vote("p1", "u2", Ballot(choices=(1,)), None)).version)
    versions.append((await store.cast_vote("p1", "u1", Ballot(choices=(2,)), "q2")).version)
    versions.append(await store.set_screen_poll("r1", None))
    versions.append(await store.update_poll(replace(poll, state="closed", closed_at=T0)))
    assert all(a < b for a, b in itertools.pairwise(versions)), versions
    assert await store.room_version("r1") == versions[-1]
    # A repeated request changes nothing, not even the version.
    repeat = await store.cast_vote("p1", "u1", Ballot(choices=(1,)), "q1")
    assert repeat.applied is False and repeat.version == versions[-1]
    # Versions are per room.
    assert await store.room_version("r2") == 1


# --- votes --------------------------------------------------------------------------------


async def test_changing_a_vote_replaces_it(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1"))
    assert (await store.cast_vote("p1", "u1", Ballot(choices=(0,)), None)).applied
    assert (await store.cast_vote("p1", "u2", Ballot(choices=(0,)), None)).applied
    assert (await store.cast_vote("p1", "u1", Ballot(choices=(2,)), None)).applied
    tally = await store.tally(poll)
    assert tally.counts == (1, 0, 1) and tally.voters == 2
    assert (await store.ballots(["p1"]))["p1"] == {
        "u1": Ballot(choices=(2,)),
        "u2": Ballot(choices=(0,)),
    }


async def test_same_request_id_counts_once(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1"))
    first = await store.cast_vote("p1", "u1", Ballot(choices=(1,)), "req-1")
    again = await store.cast_vote("p1", "u1", Ballot(choices=(1,)), "req-1")
    assert first.applied is True
    assert again.applied is False and again.version == first.version
    # A repeat with another ballot (a buggy client) changes nothing either.
    other = await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "req-1")
    assert other.applied is False
    tally = await store.tally(poll)
    assert tally.counts == (0, 1, 0) and tally.voters == 1
    assert await store.room_version("r1") == first.version


async def test_request_seen_records_only_applied_votes(store: Store) -> None:
    await setup_event(store)
    poll = make_poll("p1")
    await store.add_poll(poll)
    with pytest.raises(PollNotOpen):
        await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "refused")
    assert await store.request_seen("u1", "refused") is False
    await open_poll(store, poll)
    await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "req-1")
    assert await store.request_seen("u1", "req-1") is True
    assert await store.request_seen("u2", "req-1") is False


async def test_participant_ballots_are_only_that_participants(store: Store) -> None:
    await setup_event(store)
    await add_open_poll(store, make_poll("p1"))
    await store.cast_vote("p1", "u1", Ballot(choices=(2,)), None)
    await store.cast_vote("p1", "u2", Ballot(choices=(0,)), None)
    assert await store.participant_ballots("u1", ["p1", "nope"]) == {"p1": Ballot(choices=(2,))}
    assert await store.participant_ballots("u3", ["p1"]) == {}
    assert await store.participant_ballots("u1", []) == {}


async def test_request_id_is_per_participant(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1"))
    assert (await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "req-1")).applied
    assert (await store.cast_vote("p1", "u2", Ballot(choices=(0,)), "req-1")).applied
    tally = await store.tally(poll)
    assert tally.counts == (2, 0, 0) and tally.voters == 2


@pytest.mark.parametrize("state", ["draft", "closed"])
async def test_vote_on_a_poll_that_is_not_open_is_refused(store: Store, state: str) -> None:
    await setup_event(store)
    poll = make_poll("p1")
    await store.add_poll(poll)
    if state == "closed":
        await close_poll(store, await open_poll(store, poll))
    version = await store.room_version("r1")
    with pytest.raises(PollNotOpen) as refused:
        await store.cast_vote("p1", "u2", Ballot(choices=(1,)), "req-1")
    assert refused.value.state == state
    assert await store.room_version("r1") == version
    assert (await store.ballots(["p1"]))["p1"] == {}


async def test_refused_request_id_can_be_used_after_the_poll_opens(store: Store) -> None:
    await setup_event(store)
    poll = make_poll("p1")
    await store.add_poll(poll)
    with pytest.raises(PollNotOpen):
        await store.cast_vote("p1", "u1", Ballot(choices=(2,)), "req-1")
    opened = await open_poll(store, poll)
    outcome = await store.cast_vote("p1", "u1", Ballot(choices=(2,)), "req-1")
    assert outcome.applied is True
    assert (await store.tally(opened)).counts == (0, 0, 1)
    # Closed and re-opened: a refused request stays retryable.
    await close_poll(store, opened)
    with pytest.raises(PollNotOpen):
        await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "req-2")
    await open_poll(store, poll)
    assert (await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "req-2")).applied


async def test_concurrent_votes_end_with_each_participants_last_ballot(store: Store) -> None:
    """2,000 votes from 500 participants, all in flight together; each participant changes its
    mind three times (in order: one browser tab sends one vote after the other) and finally
    retries its first request. The store must end with exactly each participant's last ballot."""
    await setup_event(store)
    options = ("a", "b", "c", "d", "e")
    poll = await add_open_poll(store, make_poll("p1", kind="multiple", options=options))
    rng = random.Random(20250506)
    plans = {
        f"u{n:03d}": [
            Ballot(choices=tuple(sorted(rng.sample(range(5), rng.randint(1, 5))))) for _ in range(4)
        ]
        for n in range(500)
    }
    versions: list[int] = []

    async def participant(pid: str, ballots: list[Ballot]) -> None:
        for i, ballot in enumerate(ballots):
            outcome = await store.cast_vote("p1", pid, ballot, f"{pid}-{i}")
            assert outcome.applied
            versions.append(outcome.version)
        # A late retry of the first request must not undo the later votes.
        retry = await store.cast_vote("p1", pid, ballots[0], f"{pid}-0")
        assert not retry.applied

    await asyncio.gather(*(participant(pid, ballots) for pid, ballots in plans.items()))

    last = {pid: ballots[-1] for pid, ballots in plans.items()}
    expected = Counter(choice for ballot in last.values() for choice in ballot.choices)
    tally = await store.tally(poll)
    assert tally.voters == 500
    assert tally.counts == tuple(expected[i] for i in range(5))
    assert (await store.ballots(["p1"]))["p1"] == last
    # Every applied vote got a version of its own, and the room ends at the newest.
    assert len(versions) == 2000 == len(set(versions))
    assert await store.room_version("r1") == max(versions)


async def test_votes_racing_a_close_are_counted_or_refused(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1"))
    voters = [f"u{n}" for n in range(300)]
    closing = close_poll(store, poll)
    calls = [store.cast_vote("p1", pid, Ballot(choices=(0,)), None) for pid in voters[:150]]
    calls.append(closing)
    calls += [store.cast_vote("p1", pid, Ballot(choices=(0,)), None) for pid in voters[150:]]
    results = await asyncio.gather(*calls, return_exceptions=True)
    applied = [r for r in results if isinstance(r, VoteOutcome)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, PollNotOpen) and r.state == "closed" for r in refused)
    assert len(applied) + len(refused) == 300
    tally = await store.tally(poll)
    assert tally.voters == len(applied) == tally.counts[0]
    # Everything counted happened before the close.
    close_version = await store.room_version("r1")
    assert all(outcome.version < close_version for outcome in applied)


# --- tallies ------------------------------------------------------------------------------


async def test_tally_single(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1"))
    empty = await store.tally(poll)
    assert empty.counts == (0, 0, 0) and empty.voters == 0
    for pid, choice in (("u1", 1), ("u2", 1), ("u3", 0)):
        await store.cast_vote("p1", pid, Ballot(choices=(choice,)), None)
    tally = await store.tally(poll)
    assert tally.counts == (1, 2, 0) and tally.voters == 3 and tally.texts == ()


async def test_tally_multiple(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(
        store, make_poll("p1", kind="multiple", options=("a", "b", "c", "d"))
    )
    for pid, choices in (("u1", (0, 2)), ("u2", (2,)), ("u3", (0, 1, 2)), ("u4", (1,))):
        await store.cast_vote("p1", pid, Ballot(choices=choices), None)
    tally = await store.tally(poll)
    assert tally.counts == (2, 2, 3, 0) and tally.voters == 4


async def test_tally_scale(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1", kind="scale", scale=(-2, 2)))
    assert (await store.tally(poll)).counts == (0, 0, 0, 0, 0)
    for pid, value in (("u1", -2), ("u2", 0), ("u3", 0), ("u4", 2), ("u5", 1)):
        await store.cast_vote("p1", pid, Ballot(value=value), None)
    tally = await store.tally(poll)
    assert tally.counts == (1, 0, 2, 1, 1) and tally.voters == 5


async def test_tally_text_in_order_of_last_change(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1", kind="text"))
    await store.cast_vote("p1", "u1", Ballot(text="erste"), None)
    await store.cast_vote("p1", "u2", Ballot(text="zweite"), None)
    await store.cast_vote("p1", "u3", Ballot(text="dritte"), None)
    await store.cast_vote("p1", "u1", Ballot(text="neu"), None)  # an edit moves it to the end
    tally = await store.tally(poll)
    assert tally.texts == ("zweite", "dritte", "neu")
    assert tally.voters == 3 and tally.counts == ()


async def test_ballots(store: Store) -> None:
    await setup_event(store)
    await add_open_poll(store, make_poll("p1", kind="multiple"))
    await add_open_poll(store, make_poll("p2", kind="scale", scale=(1, 5)))
    await add_open_poll(store, make_poll("p3", kind="text"))
    await store.cast_vote("p1", "u1", Ballot(choices=(0, 2)), None)
    await store.cast_vote("p1", "u2", Ballot(choices=()), None)
    await store.cast_vote("p2", "u1", Ballot(value=4), None)
    await store.cast_vote("p3", "u2", Ballot(text='Grüße, "Welt" 🎉'), None)
    got = await store.ballots(["p1", "p2", "p3", "missing"])
    assert got == {
        "p1": {"u1": Ballot(choices=(0, 2)), "u2": Ballot()},
        "p2": {"u1": Ballot(value=4)},
        "p3": {"u2": Ballot(text='Grüße, "Welt" 🎉')},
        "missing": {},
    }
    assert await store.ballots([]) == {}


# --- health and lifecycle -----------------------------------------------------------------


async def test_ping(store: Store) -> None:
    await store.ping()


async def test_close_is_idempotent_and_a_closed_store_fails_ping(store: Store) -> None:
    await setup_event(store)
    await store.close()
    await store.close()
    with pytest.raises(StoreError):
        await store.ping()
