"""The Store contract: every backend passes this file unchanged (see conftest.BACKENDS).

Talks only to the Store protocol of live/store/base.py; nothing here may know which backend runs.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter
from collections.abc import Awaitable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from live.domain.models import Ballot, Event, Poll, PollKind, Question, QuestionState, Room
from live.store import (
    DuplicateKey,
    PollNotOpen,
    QuestionClosed,
    Store,
    StoreError,
    TooSoon,
    VoteOutcome,
)

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


async def test_the_tick_reader_reads_what_the_store_wrote(store: Store) -> None:
    ticks = store.tick_reader()
    await setup_event(store, "r1")
    poll = await add_open_poll(store, make_poll("p1"))
    assert await ticks.get_room("r1") == await store.get_room("r1")
    assert await ticks.list_polls("r1") == [poll]
    await store.cast_vote(poll.id, "u1", Ballot(choices=(0,)), "rq1")
    assert await ticks.room_version("r1") == await store.room_version("r1")
    assert (await ticks.tally(poll)).voters == 1


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


async def test_set_screen_mode_with_a_poll(store: Store) -> None:
    await setup_event(store)
    await store.add_poll(make_poll("p1"))
    v1 = await store.set_screen_mode("r1", "poll", "p1")
    room = await store.get_room("r1")
    assert room is not None and (room.screen_mode, room.screen_poll_id) == ("poll", "p1")
    # Without a poll the one chosen before stays (a later "poll" mode presents it again).
    v2 = await store.set_screen_mode("r1", "join", None)
    room = await store.get_room("r1")
    assert room is not None and (room.screen_mode, room.screen_poll_id) == ("join", "p1")
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
    versions.append(await store.set_screen_mode("r1", "join", None))
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


async def test_a_repeat_after_the_poll_closed_is_answered_as_applied_before(
    store: Store,
) -> None:
    """The client only lost our ack: its retry must not turn into 'poll closed', and a new
    request on the closed poll is still refused."""
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1"))
    first = await store.cast_vote("p1", "u1", Ballot(choices=(1,)), "req-1")
    await close_poll(store, poll)
    again = await store.cast_vote("p1", "u1", Ballot(choices=(1,)), "req-1")
    assert again.applied is False and again.version >= first.version
    with pytest.raises(PollNotOpen):
        await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "req-2")
    assert (await store.tally(poll)).counts == (0, 1, 0)


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
    calls: list[Awaitable[object]] = [
        store.cast_vote("p1", pid, Ballot(choices=(0,)), None) for pid in voters[:150]
    ]
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


async def test_tally_multiple_counts_each_ballot_once_per_option(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1", kind="multiple", options=("a", "b", "c")))
    ballots = (
        ("u1", (0, 2)),
        ("u2", (2, 0)),  # the same set in another order: its own ballot text
        ("u3", (1, 1)),  # an option listed twice counts once
        ("u4", ()),  # a voter without a choice
        ("u5", (0, 7)),  # an index the poll does not have is not counted
        ("u6", (0, 2)),
    )
    for pid, choices in ballots:
        await store.cast_vote("p1", pid, Ballot(choices=choices), None)
    await store.cast_vote("p1", "u6", Ballot(choices=(1,)), None)  # a changed vote moves
    tally = await store.tally(poll)
    assert tally.counts == (3, 2, 2) and tally.voters == 6


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
    await store.cast_vote("p1", "u1", Ballot(texts=("erste",)), None)
    await store.cast_vote("p1", "u2", Ballot(texts=("zweite",)), None)
    await store.cast_vote("p1", "u3", Ballot(texts=("dritte",)), None)
    await store.cast_vote("p1", "u1", Ballot(texts=("neu",)), None)  # an edit moves it to the end
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
    await store.cast_vote("p3", "u2", Ballot(texts=('Grüße, "Welt" 🎉',)), None)
    got = await store.ballots(["p1", "p2", "p3", "missing"])
    assert got == {
        "p1": {"u1": Ballot(choices=(0, 2)), "u2": Ballot()},
        "p2": {"u1": Ballot(value=4)},
        "p3": {"u2": Ballot(texts=('Grüße, "Welt" 🎉',))},
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


# ==========================================================================================
# Q&A: event settings, questions, highlight, upvotes
# ==========================================================================================
#
# What every backend keeps here, beyond base.py:
# - Unknown ids: readers answer None / [] / an empty set; writers raise StoreError (as
#   update_poll and cast_vote do for an unknown poll, room_version for an unknown room).
#   set_highlight with a question of ANOTHER room is a programming error: ValueError.
# - Request ids: votes, questions and upvotes share ONE namespace per participant (the one
#   request_seen answers for). Once any of them applied (participant, request_id), a later
#   cast_vote, add_question or set_upvote with the same pair is a repeat: applied=False, the
#   room's current version, nothing changes. A refused call (PollNotOpen, TooSoon,
#   QuestionClosed, an error) records nothing, so its request id stays usable.
# - A repeat is recognised before anything else is checked: the retry of an acknowledged
#   question is acknowledged again, not refused as TooSoon.
# - Every applied write bumps the room's version, set_upvote even when the set did not change.


def make_question(
    question_id: str,
    room_id: str = "r1",
    participant_id: str = "u1",
    *,
    state: QuestionState = "approved",
    created_at: datetime = T0,
    name: str | None = None,
    event_code: str = CODE,
) -> Question:
    return Question(
        id=question_id,
        event_code=event_code,
        room_id=room_id,
        participant_id=participant_id,
        text=f"Frage {question_id}?",
        name=name,
        state=state,
        created_at=created_at,
    )


async def ask(store: Store, question: Question) -> int:
    """Add a question without request id or rate limit; returns the room's new version."""
    outcome = await store.add_question(question, None, None)
    assert outcome.applied
    return outcome.version


async def upvotes(store: Store, question_id: str) -> int:
    question = await store.get_question(question_id)
    assert question is not None
    return question.upvotes


async def highlighted(store: Store, room_id: str) -> str | None:
    room = await store.get_room(room_id)
    assert room is not None
    return room.highlighted_question_id


# --- event settings -----------------------------------------------------------------------


async def test_qa_event_settings_default_to_approval_and_names(store: Store) -> None:
    await setup_event(store)
    got = await store.get_event(CODE)
    assert got is not None
    assert got.questions_need_approval is True and got.names_allowed is True
    room = await store.get_room("r1")
    assert room is not None and room.highlighted_question_id is None


async def test_qa_event_settings_round_trip(store: Store) -> None:
    event = replace(make_event(), questions_need_approval=False, names_allowed=False)
    await store.create_event(event, [make_room("r1")])
    assert await store.get_event(CODE) == event
    await store.update_event_settings(CODE, questions_need_approval=True, names_allowed=False)
    assert await store.get_event(CODE) == replace(event, questions_need_approval=True)
    await store.update_event_settings(CODE, questions_need_approval=False, names_allowed=True)
    assert await store.get_event(CODE) == replace(event, names_allowed=True)
    # Nothing else of the event changed.
    got = await store.get_event(CODE)
    assert got is not None and got.title == event.title and got.created_at == T0


async def test_qa_update_event_settings_bumps_every_room_in_position_order(store: Store) -> None:
    rooms = [make_room("c", position=2), make_room("a", position=0), make_room("b", position=1)]
    await store.create_event(make_event(), rooms)
    await store.create_event(make_event("OTHER"), [make_room("x", event_code="OTHER")])
    await store.add_poll(make_poll("p1", room_id="b"))  # b is at version 2 now
    changed = await store.update_event_settings(
        CODE, questions_need_approval=False, names_allowed=True
    )
    assert changed == [("a", 2), ("b", 3), ("c", 2)]
    assert [await store.room_version(r) for r in ("a", "b", "c")] == [2, 3, 2]
    assert await store.room_version("x") == 1  # another event's rooms are left alone
    # Every call bumps, even one that changes nothing (the fan-out compares content).
    again = await store.update_event_settings(
        CODE, questions_need_approval=False, names_allowed=True
    )
    assert again == [("a", 3), ("b", 4), ("c", 3)]
    # An event without rooms: stored, nothing to bump.
    await store.create_event(make_event("EMPTY"), [])
    assert (
        await store.update_event_settings(
            "EMPTY", questions_need_approval=False, names_allowed=False
        )
        == []
    )
    empty = await store.get_event("EMPTY")
    assert empty is not None and not empty.questions_need_approval and not empty.names_allowed


# --- questions ----------------------------------------------------------------------------


async def test_qa_add_get_and_list_questions(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    cest = timezone(timedelta(hours=2))
    later = make_question("a-late", created_at=datetime(2025, 5, 6, 11, 0, 1, tzinfo=cest))
    pending = make_question("p", participant_id="u2", state="pending", name="Ada Lovelace")
    same_time = make_question("b", participant_id="u3")
    other_room = make_question("o", room_id="r2")
    versions = [await ask(store, q) for q in (later, pending, same_time)]
    assert versions == [2, 3, 4]
    assert await store.add_question(other_room, None, None) == VoteOutcome(True, 2)
    got = await store.get_question("a-late")
    assert got == later
    assert got is not None and got.created_at.utcoffset() == timedelta(0)
    assert got.created_at == T0 + timedelta(seconds=1)
    assert await store.get_question("p") == pending
    # Every state, oldest first; equal created_at by id.
    assert [q.id for q in await store.list_questions("r1")] == ["b", "p", "a-late"]
    assert await store.list_questions("r2") == [other_room]
    # Text with everything a participant might type survives.
    odd = replace(make_question("odd"), text='Grüße, "Welt" 🎉\nZeile 2', answer="Ja.")
    await ask(store, odd)
    assert await store.get_question("odd") == odd


async def test_qa_duplicate_question_id_raises_and_changes_nothing(store: Store) -> None:
    await setup_event(store)
    await ask(store, make_question("q1"))
    version = await store.room_version("r1")
    with pytest.raises(DuplicateKey):
        await store.add_question(make_question("q1", participant_id="u2"), "ask-1", None)
    assert await store.room_version("r1") == version
    assert await store.get_question("q1") == make_question("q1")
    assert await store.request_seen("u2", "ask-1") is False


async def test_qa_upvote_counts_come_from_the_store(store: Store) -> None:
    await setup_event(store)
    # The argument's upvotes are ignored on writes.
    await ask(store, replace(make_question("q1"), upvotes=7))
    await ask(store, make_question("q2"))
    await ask(store, make_question("q3"))
    assert await upvotes(store, "q1") == 0
    for pid in ("u1", "u2", "u3"):
        await store.set_upvote("q1", pid, True, None)
    await store.set_upvote("q2", "u1", True, None)
    counts = {q.id: q.upvotes for q in await store.list_questions("r1")}
    assert counts == {"q1": 3, "q2": 1, "q3": 0}
    assert await upvotes(store, "q1") == 3
    await store.update_question(replace(make_question("q1"), upvotes=0, text="Neu?"))
    assert await upvotes(store, "q1") == 3


async def test_qa_same_request_id_adds_one_question(store: Store) -> None:
    await setup_event(store)
    first = await store.add_question(make_question("q1"), "ask-1", None)
    assert first.applied is True
    again = await store.add_question(make_question("q1"), "ask-1", None)
    assert again == VoteOutcome(applied=False, version=first.version)
    # A retry that carries a fresh question id (a client that rebuilt it) adds nothing either.
    other = await store.add_question(make_question("q2"), "ask-1", None)
    assert other == VoteOutcome(applied=False, version=first.version)
    assert [q.id for q in await store.list_questions("r1")] == ["q1"]
    assert await store.request_seen("u1", "ask-1") is True
    # A retry inside the rate-limit window is acknowledged, not refused as too soon.
    late = make_question("q3", created_at=T0 + timedelta(seconds=5))
    retry = await store.add_question(late, "ask-1", T0 - timedelta(seconds=5))
    assert retry == VoteOutcome(applied=False, version=first.version)
    assert await store.room_version("r1") == first.version
    # Request ids are per participant.
    assert (
        await store.add_question(make_question("q4", participant_id="u2"), "ask-1", None)
    ).applied


async def test_qa_votes_questions_and_upvotes_share_one_request_id_namespace(store: Store) -> None:
    """One namespace per participant: request_seen answers for all three, so the service can
    acknowledge a retry of any of them the same way."""
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1"))
    await ask(store, make_question("q0", participant_id="u9"))
    assert (await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "req-1")).applied
    # A question with a vote's request id is a repeat.
    repeat = await store.add_question(make_question("q1"), "req-1", None)
    assert repeat == VoteOutcome(applied=False, version=await store.room_version("r1"))
    assert await store.get_question("q1") is None
    # An upvote and a vote with a question's request id are repeats.
    assert (await store.add_question(make_question("q2"), "req-2", None)).applied
    assert await store.request_seen("u1", "req-2") is True
    version = await store.room_version("r1")
    assert await store.set_upvote("q0", "u1", True, "req-2") == VoteOutcome(False, version)
    assert await upvotes(store, "q0") == 0
    assert await store.cast_vote("p1", "u1", Ballot(choices=(1,)), "req-2") == VoteOutcome(
        False, version
    )
    # A question with an upvote's request id is a repeat.
    assert (await store.set_upvote("q0", "u1", True, "req-3")).applied
    assert await store.request_seen("u1", "req-3") is True
    assert not (await store.add_question(make_question("q3"), "req-3", None)).applied
    assert await store.get_question("q3") is None
    tally = await store.tally(poll)
    assert tally.counts == (1, 0, 0) and tally.voters == 1
    # Still per participant.
    assert (
        await store.add_question(make_question("q4", participant_id="u2"), "req-1", None)
    ).applied


async def test_qa_too_soon_refuses_a_second_question_within_the_window(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    await store.create_event(make_event("OTHER"), [make_room("x", event_code="OTHER")])
    window = timedelta(seconds=10)
    first = make_question("q1", participant_id="u1", created_at=T0)
    assert (await store.add_question(first, "a-1", T0 - window)).applied
    versions = (await store.room_version("r1"), await store.room_version("r2"))

    # Within the window, in any room of the event: refused, and nothing is recorded.
    second = make_question("q2", room_id="r2", participant_id="u1", created_at=T0 + 9 * window / 10)
    with pytest.raises(TooSoon):
        await store.add_question(second, "a-2", second.created_at - window)
    # At exactly not_before it is still too soon (created_at >= not_before).
    with pytest.raises(TooSoon):
        await store.add_question(second, "a-2", T0)
    assert await store.get_question("q2") is None
    assert (await store.room_version("r1"), await store.room_version("r2")) == versions
    assert await store.request_seen("u1", "a-2") is False
    assert [q.id for q in await store.list_questions("r2")] == []

    # Another participant is not limited by u1's question.
    other = make_question("q3", room_id="r2", participant_id="u2", created_at=second.created_at)
    assert (await store.add_question(other, "b-1", other.created_at - window)).applied
    # The same participant id in another event is somebody else.
    elsewhere = make_question("x1", room_id="x", event_code="OTHER", created_at=second.created_at)
    assert (await store.add_question(elsewhere, "x-1", T0 - window)).applied
    # After the window: accepted, with the request id that was refused before.
    after = replace(second, created_at=T0 + window + timedelta(microseconds=1))
    outcome = await store.add_question(after, "a-2", T0 + timedelta(microseconds=1))
    assert outcome.applied and outcome.version == versions[1] + 2
    assert await store.get_question("q2") == after
    # Without not_before there is no limit.
    assert (
        await store.add_question(make_question("q5", created_at=after.created_at), None, None)
    ).applied


async def test_qa_update_question_stores_only_the_mutable_fields(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    question = make_question("q1", state="pending")
    version = await ask(store, question)
    changed = replace(question, text="Anders?", name="Ada", state="answered", answer="Ja.")
    tampered = replace(
        changed,
        event_code="OTHER",
        room_id="r2",
        participant_id="u9",
        created_at=T0 + timedelta(hours=1),
        upvotes=99,
    )
    new_version = await store.update_question(tampered)
    assert new_version == version + 1 == await store.room_version("r1")
    assert await store.room_version("r2") == 1
    assert await store.get_question("q1") == changed
    # Name and answer can be cleared again.
    cleared = replace(changed, name=None, answer=None, state="approved")
    assert await store.update_question(cleared) == new_version + 1
    assert await store.get_question("q1") == cleared
    assert [q.id for q in await store.list_questions("r1")] == ["q1"]
    assert await store.list_questions("r2") == []


async def test_qa_update_question_writes_only_the_named_fields(store: Store) -> None:
    """Two moderators at once: one approves, the other writes an answer, each from the same
    stale copy. Neither may undo the other."""
    await setup_event(store)
    question = make_question("q1", state="pending")
    await ask(store, question)
    approve = replace(question, state="approved")
    answer = replace(question, answer="Im Bericht.")
    await asyncio.gather(
        store.update_question(approve, ("state",)), store.update_question(answer, ("answer",))
    )
    stored = await store.get_question("q1")
    assert stored is not None
    assert (stored.state, stored.answer) == ("approved", "Im Bericht.")
    # Clearing an optional field by name works too; unnamed fields stay.
    await store.update_question(replace(question, name=None, text="Neu?"), ("name",))
    stored = await store.get_question("q1")
    assert stored is not None and stored.name is None and stored.text == question.text


async def test_qa_delete_question_drops_its_upvotes_and_highlight(store: Store) -> None:
    await setup_event(store)
    await ask(store, make_question("q1"))
    await ask(store, make_question("q2", participant_id="u2"))
    for pid in ("u1", "u2"):
        await store.set_upvote("q1", pid, True, None)
    await store.set_upvote("q2", "u1", True, None)
    await store.set_highlight("r1", "q1")
    before = await store.room_version("r1")
    version = await store.delete_question("q1")
    assert version == before + 1 == await store.room_version("r1")
    assert await store.get_question("q1") is None
    assert await highlighted(store, "r1") is None
    assert [(q.id, q.upvotes) for q in await store.list_questions("r1")] == [("q2", 1)]
    assert await store.upvoted_by("u1", ["q1", "q2"]) == {"q2"}
    assert await store.upvoted_by("u2", ["q1", "q2"]) == set()
    # Deleting another question leaves the room's highlight alone.
    await ask(store, make_question("q3"))
    await store.set_highlight("r1", "q2")
    await store.delete_question("q3")
    assert await highlighted(store, "r1") == "q2"


# --- highlight ----------------------------------------------------------------------------


async def test_qa_set_and_clear_the_highlight(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    await ask(store, make_question("q1"))
    await ask(store, make_question("q2"))
    await ask(store, make_question("q3", room_id="r2"))
    assert await highlighted(store, "r1") is None
    v1 = await store.set_highlight("r1", "q1")
    assert await highlighted(store, "r1") == "q1"
    v2 = await store.set_highlight("r1", "q2")
    assert await highlighted(store, "r1") == "q2"
    v3 = await store.set_highlight("r1", None)
    assert await highlighted(store, "r1") is None
    v4 = await store.set_highlight("r1", None)  # clearing twice is fine and still bumps
    assert 3 < v1 < v2 < v3 < v4 == await store.room_version("r1")
    assert await highlighted(store, "r2") is None and await store.room_version("r2") == 2
    # The highlight is part of the room record, as list_rooms shows it too.
    await store.set_highlight("r2", "q3")
    assert [r.highlighted_question_id for r in await store.list_rooms(CODE)] == [None, "q3"]


async def test_qa_highlighting_a_question_of_another_room_is_refused(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    await ask(store, make_question("q1"))
    await ask(store, make_question("q2", room_id="r2"))
    await store.set_highlight("r1", "q1")
    versions = (await store.room_version("r1"), await store.room_version("r2"))
    with pytest.raises(ValueError):
        await store.set_highlight("r1", "q2")
    assert await highlighted(store, "r1") == "q1"
    assert await highlighted(store, "r2") is None
    assert (await store.room_version("r1"), await store.room_version("r2")) == versions


# --- upvotes ------------------------------------------------------------------------------


async def test_qa_upvote_is_idempotent_and_can_be_withdrawn(store: Store) -> None:
    await setup_event(store)
    await ask(store, make_question("q1"))
    versions = [await store.room_version("r1")]
    for up in (True, True, False, False):
        outcome = await store.set_upvote("q1", "u1", up, None)
        assert outcome.applied is True
        versions.append(outcome.version)
        assert await upvotes(store, "q1") == (1 if up else 0)
    # Withdrawing an upvote that was never given is fine too.
    versions.append((await store.set_upvote("q1", "u2", False, None)).version)
    assert await upvotes(store, "q1") == 0
    # Applied calls bump the version even when the set did not change.
    assert all(a < b for a, b in itertools.pairwise(versions)), versions
    assert await store.room_version("r1") == versions[-1]


async def test_qa_same_request_id_upvotes_once(store: Store) -> None:
    await setup_event(store)
    await ask(store, make_question("q1"))
    first = await store.set_upvote("q1", "u1", True, "up-1")
    assert first.applied is True
    assert await store.set_upvote("q1", "u1", True, "up-1") == VoteOutcome(False, first.version)
    # A repeat that would withdraw (a buggy client) changes nothing either.
    assert await store.set_upvote("q1", "u1", False, "up-1") == VoteOutcome(False, first.version)
    assert await upvotes(store, "q1") == 1
    assert await store.request_seen("u1", "up-1") is True
    assert (await store.set_upvote("q1", "u2", True, "up-1")).applied  # per participant
    assert await upvotes(store, "q1") == 2
    # A fresh request id withdraws.
    assert (await store.set_upvote("q1", "u1", False, "up-2")).applied
    assert await upvotes(store, "q1") == 1


@pytest.mark.parametrize("state", ["pending", "hidden", "archived"])
async def test_qa_upvote_on_a_question_that_is_not_open_is_refused(
    store: Store, state: QuestionState
) -> None:
    await setup_event(store)
    question = make_question("q1")
    await ask(store, question)
    await store.set_upvote("q1", "u1", True, None)
    await store.update_question(replace(question, state=state))
    version = await store.room_version("r1")
    with pytest.raises(QuestionClosed) as refused:
        await store.set_upvote("q1", "u2", True, "up-1")
    assert refused.value.state == state
    # Withdrawing is refused as well: the set is frozen while the question is not open.
    with pytest.raises(QuestionClosed):
        await store.set_upvote("q1", "u1", False, "up-2")
    assert await store.room_version("r1") == version
    assert await store.request_seen("u2", "up-1") is False
    assert await store.request_seen("u1", "up-2") is False
    # Leaving approved does not drop the upvotes it had.
    assert await upvotes(store, "q1") == 1
    assert await store.upvoted_by("u1", ["q1"]) == {"q1"}
    assert await store.upvoted_by("u2", ["q1"]) == set()


async def test_qa_upvote_on_an_answered_question_is_counted(store: Store) -> None:
    await setup_event(store)
    await ask(store, make_question("q1", state="answered"))
    assert (await store.set_upvote("q1", "u1", True, "up-1")).applied
    assert await upvotes(store, "q1") == 1
    assert (await store.set_upvote("q1", "u1", False, "up-2")).applied
    assert await upvotes(store, "q1") == 0


async def test_qa_refused_upvote_request_id_can_be_used_later(store: Store) -> None:
    await setup_event(store)
    question = make_question("q1", state="pending")
    await ask(store, question)
    with pytest.raises(QuestionClosed) as refused:
        await store.set_upvote("q1", "u1", True, "up-1")
    assert refused.value.state == "pending"
    await store.update_question(replace(question, state="approved"))
    outcome = await store.set_upvote("q1", "u1", True, "up-1")
    assert outcome.applied is True and outcome.version == await store.room_version("r1")
    assert await upvotes(store, "q1") == 1


async def test_qa_upvoted_by(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    for qid, room in (("q1", "r1"), ("q2", "r1"), ("q3", "r2")):
        await ask(store, make_question(qid, room_id=room))
    await store.set_upvote("q1", "u1", True, None)
    await store.set_upvote("q3", "u1", True, None)
    await store.set_upvote("q2", "u2", True, None)
    await store.set_upvote("q2", "u1", True, None)
    await store.set_upvote("q2", "u1", False, None)
    assert await store.upvoted_by("u1", ["q1", "q2", "q3", "nope"]) == {"q1", "q3"}
    assert await store.upvoted_by("u1", ["q2"]) == set()
    assert await store.upvoted_by("u2", ["q1", "q2", "q2"]) == {"q2"}
    assert await store.upvoted_by("u3", ["q1", "q2", "q3"]) == set()
    assert await store.upvoted_by("u1", []) == set()


# --- unknown ids --------------------------------------------------------------------------


async def test_qa_unknown_ids(store: Store) -> None:
    await setup_event(store)
    assert await store.get_question("nope") is None
    assert await store.list_questions("nope") == []
    assert await store.list_questions("r1") == []
    assert await store.upvoted_by("u1", ["nope"]) == set()
    with pytest.raises(StoreError) as unknown_room:
        await store.add_question(make_question("q1", room_id="nope"), "ask-1", None)
    assert not isinstance(unknown_room.value, DuplicateKey)
    assert await store.request_seen("u1", "ask-1") is False
    with pytest.raises(StoreError):
        await store.update_question(make_question("nope"))
    with pytest.raises(StoreError):
        await store.delete_question("nope")
    with pytest.raises(StoreError):
        await store.set_upvote("nope", "u1", True, "up-1")
    assert await store.request_seen("u1", "up-1") is False
    with pytest.raises(StoreError):
        await store.set_highlight("nope", None)
    with pytest.raises(StoreError):
        await store.set_highlight("r1", "nope")
    with pytest.raises(StoreError):
        await store.update_event_settings("NOPE", questions_need_approval=True, names_allowed=True)
    assert await store.room_version("r1") == 1
    assert await store.get_question("q1") is None


# --- concurrency --------------------------------------------------------------------------


async def test_qa_upvotes_racing_a_hide_are_counted_or_refused(store: Store) -> None:
    await setup_event(store)
    question = make_question("q1")
    await ask(store, question)
    voters = [f"u{n}" for n in range(300)]
    calls: list[Any] = [store.set_upvote("q1", pid, True, None) for pid in voters[:150]]
    calls.append(store.update_question(replace(question, state="hidden")))
    calls += [store.set_upvote("q1", pid, True, None) for pid in voters[150:]]
    results = await asyncio.gather(*calls, return_exceptions=True)
    hide_version = results.pop(150)
    assert isinstance(hide_version, int)
    applied = [r for r in results if isinstance(r, VoteOutcome)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, QuestionClosed) and r.state == "hidden" for r in refused), refused
    assert len(applied) + len(refused) == 300
    assert await upvotes(store, "q1") == len(applied)
    # Everything counted happened before the hide.
    assert all(outcome.version < hide_version for outcome in applied)
    assert await store.room_version("r1") == hide_version


async def test_qa_concurrent_questions_and_upvotes_end_with_exact_counts(store: Store) -> None:
    """1,000 questions and 10,000 upvotes from 2,000 participants, all in flight together
    (an upvote waits only for the question it is for). Every participant upvotes five questions
    one after the other; every fourth then withdraws its first upvote, every seventh upvotes its
    last one again, and everyone finally retries its first request (which must not undo the
    withdrawal). The counts must equal the sizes of the expected sets exactly."""
    await setup_event(store, "r1", "r2")
    rng = random.Random(20250507)
    participants = [f"u{n:04d}" for n in range(2000)]
    rooms = {f"q{n:04d}": ("r1", "r2")[n % 2] for n in range(1000)}
    question_ids = list(rooms)
    added = {qid: asyncio.Event() for qid in question_ids}
    plans = {pid: rng.sample(question_ids, 5) for pid in participants}
    expected: dict[str, set[str]] = {qid: set() for qid in question_ids}
    for n, (pid, plan) in enumerate(plans.items()):
        for qid in plan[1:] if n % 4 == 0 else plan:
            expected[qid].add(pid)
    versions: dict[str, list[int]] = {"r1": [], "r2": []}
    # All tasks in flight, but store calls at most 256 at a time: otherwise the last of the
    # 13,000 calls wait for one of Redis's pooled connections as long as the whole burst takes,
    # which on a busy machine exceeded the pool's timeout. The test is about exact counts.
    in_flight = asyncio.Semaphore(256)

    async def call(outcome: Awaitable[Any]) -> Any:
        async with in_flight:
            return await outcome

    async def asker(n: int, qid: str) -> None:
        author = participants[2 * n]
        question = make_question(
            qid, room_id=rooms[qid], participant_id=author, created_at=T0 + timedelta(seconds=n)
        )
        outcome = await call(store.add_question(question, f"{author}-ask", None))
        assert outcome.applied
        versions[rooms[qid]].append(outcome.version)
        added[qid].set()

    async def upvoter(n: int, pid: str, plan: list[str]) -> None:
        for i, qid in enumerate(plan):
            await added[qid].wait()
            outcome = await call(store.set_upvote(qid, pid, True, f"{pid}-up-{i}"))
            assert outcome.applied
            versions[rooms[qid]].append(outcome.version)
        if n % 4 == 0:
            outcome = await call(store.set_upvote(plan[0], pid, False, f"{pid}-down"))
            assert outcome.applied
            versions[rooms[plan[0]]].append(outcome.version)
        if n % 7 == 0:
            outcome = await call(store.set_upvote(plan[-1], pid, True, f"{pid}-again"))
            assert outcome.applied
            versions[rooms[plan[-1]]].append(outcome.version)
        retry = await call(store.set_upvote(plan[0], pid, True, f"{pid}-up-0"))
        assert not retry.applied

    await asyncio.gather(
        *(asker(n, qid) for n, qid in enumerate(question_ids)),
        *(upvoter(n, pid, plan) for n, (pid, plan) in enumerate(plans.items())),
    )

    listed = {q.id: q for room in ("r1", "r2") for q in await store.list_questions(room)}
    assert {qid: q.upvotes for qid, q in listed.items()} == {
        qid: len(voters) for qid, voters in expected.items()
    }
    assert sum(q.upvotes for q in listed.values()) == 10_000 - 500
    assert all(q.room_id == rooms[q.id] for q in listed.values())
    for qid in question_ids[::97]:
        assert await upvotes(store, qid) == len(expected[qid])
    for pid in participants[::37]:
        mine = {qid for qid, voters in expected.items() if pid in voters}
        assert await store.upvoted_by(pid, question_ids) == mine
    # Every applied write got a version of its own in its room; the room ends at the newest.
    for room_id, seen in versions.items():
        assert len(seen) == len(set(seen)), room_id
        assert await store.room_version(room_id) == max(seen)


# ==========================================================================================
# mood and applause timeline
# ==========================================================================================

# What every backend keeps here, beyond base.py:
# - set_mood shares the request-id namespace of votes, questions and upvotes; a value outside
#   1..5 is a ValueError before anything is written.
# - Unknown rooms: set_mood and record_applause raise StoreError (recording nothing, not even
#   the request id); mood_values, mood_log and applause_timeline answer [].


async def test_mood_latest_wins_per_participant_and_counts_once(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    await store.set_mood("r1", "u1", 2, None, T0)
    await store.set_mood("r1", "u2", 4, None, T0 + timedelta(seconds=1))
    await store.set_mood("r1", "u1", 5, None, T0 + timedelta(seconds=2))
    await store.set_mood("r2", "u1", 1, None, T0 + timedelta(seconds=3))
    assert sorted(await store.mood_values("r1")) == [4, 5]
    assert await store.mood_values("r2") == [1]


async def test_set_mood_bumps_the_version(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    first = await store.set_mood("r1", "u1", 3, None, T0)
    assert first == VoteOutcome(applied=True, version=2)
    second = await store.set_mood("r1", "u1", 3, "mood-1", T0 + timedelta(seconds=1))
    assert second == VoteOutcome(applied=True, version=3)
    assert await store.room_version("r1") == 3
    assert await store.room_version("r2") == 1


async def test_mood_log_keeps_every_change_in_order(store: Store) -> None:
    await setup_event(store)
    cest = timezone(timedelta(hours=2))
    changes = [
        (T0 + timedelta(seconds=1, microseconds=5), "u1", 3),
        (T0 + timedelta(seconds=2), "u2", 5),
        (T0 + timedelta(seconds=3), "u1", 3),  # the same value again is a change of its own
        (T0 + timedelta(seconds=3), "u1", 1),  # the same moment: in the order of the calls
        (T0 + timedelta(seconds=4), "u2", 2),
    ]
    for at, pid, value in changes:
        await store.set_mood("r1", pid, value, None, at.astimezone(cest))
    log = await store.mood_log("r1")
    assert log == changes
    assert all(at.utcoffset() == timedelta(0) for at, _, _ in log)
    assert sorted(await store.mood_values("r1")) == [1, 2]


async def test_mood_request_id_counts_once_and_shares_the_vote_namespace(store: Store) -> None:
    await setup_event(store)
    await add_open_poll(store, make_poll("p1"))
    first = await store.set_mood("r1", "u1", 2, "mood-1", T0)
    assert first.applied
    retry = await store.set_mood("r1", "u1", 5, "mood-1", T0 + timedelta(seconds=1))
    assert retry == VoteOutcome(applied=False, version=first.version)
    assert await store.mood_values("r1") == [2]
    assert await store.mood_log("r1") == [(T0, "u1", 2)]
    assert await store.request_seen("u1", "mood-1") is True
    # A vote with the mood's request id is a repeat, and a mood with a vote's.
    assert not (await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "mood-1")).applied
    assert (await store.cast_vote("p1", "u1", Ballot(choices=(1,)), "vote-1")).applied
    version = await store.room_version("r1")
    repeat = await store.set_mood("r1", "u1", 4, "vote-1", T0 + timedelta(seconds=2))
    assert repeat == VoteOutcome(applied=False, version=version)
    assert await store.mood_values("r1") == [2]
    # Request ids are per participant.
    assert (await store.set_mood("r1", "u2", 4, "mood-1", T0 + timedelta(seconds=3))).applied
    assert sorted(await store.mood_values("r1")) == [2, 4]


@pytest.mark.parametrize("value", [0, 6, -1, True])
async def test_a_mood_outside_one_to_five_is_refused(store: Store, value: int) -> None:
    await setup_event(store)
    with pytest.raises(ValueError):
        await store.set_mood("r1", "u1", value, "mood-1", T0)
    assert await store.mood_values("r1") == []
    assert await store.request_seen("u1", "mood-1") is False
    assert await store.room_version("r1") == 1


async def test_record_applause_keeps_the_max_per_second_in_order(store: Store) -> None:
    """Two processes record the same room: each second ends with the larger level, whatever
    order the calls come in; samples within one second are reduced to the largest too."""
    await setup_event(store, "r1", "r2")
    cest = timezone(timedelta(hours=2))
    s = [T0 + timedelta(seconds=n) for n in range(4)]
    await store.record_applause(
        "r1",
        [
            (s[2] + timedelta(microseconds=900_000), 0.25),
            (s[0] + timedelta(microseconds=100), 0.5),
            (s[0] + timedelta(microseconds=700_000), 0.75),
            (s[1].astimezone(cest), 0.125),
        ],
    )
    await store.record_applause(
        "r1",
        [
            (s[0] + timedelta(microseconds=300_000), 0.625),  # lower: the 0.75 stays
            (s[1] + timedelta(microseconds=1), 0.875),  # higher: replaces the 0.125
            (s[3], 0.0),
        ],
    )
    await store.record_applause("r1", [])
    timeline = await store.applause_timeline("r1")
    assert timeline == [(s[0], 0.75), (s[1], 0.875), (s[2], 0.25), (s[3], 0.0)]
    assert all(at.utcoffset() == timedelta(0) and at.microsecond == 0 for at, _ in timeline)
    assert await store.applause_timeline("r2") == []
    # Nobody sees it live: the version stays.
    assert await store.room_version("r1") == 1


async def test_concurrent_applause_recorders_agree_on_the_max(store: Store) -> None:
    await setup_event(store)
    rng = random.Random(20250508)
    seconds = [T0 + timedelta(seconds=n) for n in range(20)]
    batches = [[(at, rng.random()) for at in seconds] for _ in range(10)]
    await asyncio.gather(*(store.record_applause("r1", batch) for batch in batches))
    expected = [(at, max(batch[n][1] for batch in batches)) for n, at in enumerate(seconds)]
    assert await store.applause_timeline("r1") == expected


async def test_mood_and_applause_of_an_unknown_room(store: Store) -> None:
    await setup_event(store)
    assert await store.mood_values("nope") == []
    assert await store.mood_log("nope") == []
    assert await store.applause_timeline("nope") == []
    with pytest.raises(StoreError) as unknown:
        await store.set_mood("nope", "u1", 3, "mood-1", T0)
    assert not isinstance(unknown.value, DuplicateKey)
    assert await store.request_seen("u1", "mood-1") is False
    with pytest.raises(StoreError):
        await store.set_mood("nope", "u1", 3, None, T0)
    with pytest.raises(StoreError):
        await store.record_applause("nope", [(T0, 0.5)])
    assert await store.applause_timeline("nope") == []
    assert await store.room_version("r1") == 1


async def test_concurrent_moods_end_with_each_participants_last_value(store: Store) -> None:
    """500 participants, all in flight together, each changing its mood three times (one
    change after the other) with a request id, then retrying its first request."""
    await setup_event(store)
    rng = random.Random(20250509)
    plans = {f"u{n:03d}": [rng.randint(1, 5) for _ in range(3)] for n in range(500)}
    versions: list[int] = []

    async def participant(n: int, pid: str, values: list[int]) -> None:
        for i, value in enumerate(values):
            at = T0 + timedelta(seconds=i, microseconds=n)
            outcome = await store.set_mood("r1", pid, value, f"{pid}-mood-{i}", at)
            assert outcome.applied
            versions.append(outcome.version)
        retry = await store.set_mood("r1", pid, 1, f"{pid}-mood-0", T0 + timedelta(seconds=9))
        assert not retry.applied

    await asyncio.gather(*(participant(n, pid, v) for n, (pid, v) in enumerate(plans.items())))

    values = await store.mood_values("r1")
    assert len(values) == 500
    assert Counter(values) == Counter(v[-1] for v in plans.values())
    log = await store.mood_log("r1")
    assert len(log) == 1500
    assert [entry[0] for entry in log] == sorted(entry[0] for entry in log)
    last = {pid: value for _, pid, value in log}
    assert last == {pid: v[-1] for pid, v in plans.items()}
    assert len(versions) == len(set(versions)) == 1500
    assert await store.room_version("r1") == max(versions) == 1501
