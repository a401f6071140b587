"""Votes written together (live/store/sqlite_votes.py, SQLiteRunner.write_grouped): each vote of
a batch gets the verdict, the version and the effect it would get alone, in queue order.

``writer_held`` keeps the writer busy so that everything queued meanwhile is one batch."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from live.domain.models import Ballot
from live.store import JoinedAfterOpening, PollNotOpen, StoreError, VoteOutcome
from live.store.sqlite import SQLiteStore
from tests.store.test_contract import CODE, T0, add_open_poll, make_poll, setup_event
from tests.store.test_sqlite import writer_held

YES, NO, EGAL = Ballot(choices=(0,)), Ballot(choices=(1,)), Ballot(choices=(2,))


async def one_batch(store: SQLiteStore, *calls: Awaitable[Any], commits: bool = True) -> list[Any]:
    """Run ``calls`` as one batch of the writer; their results (or errors) in order.
    ``commits``: whether that batch is expected to commit."""
    before = store.commits
    async with writer_held(store):
        tasks = [asyncio.ensure_future(call) for call in calls]
        await asyncio.sleep(0)  # every task queues its job behind the held one
    results = await asyncio.gather(*tasks, return_exceptions=True)
    # The holder's batch, then all of these together.
    assert store.commits - before == (2 if commits else 1)
    return results


async def test_a_batch_of_votes_gets_a_version_each_and_counts_each_once(
    file_store: SQLiteStore,
) -> None:
    await setup_event(file_store)
    poll = await add_open_poll(file_store, make_poll("p1"))
    await add_open_poll(file_store, replace(make_poll("p2"), options=("A", "B", "C")))
    await file_store.add_poll(make_poll("draft"))
    assert (await file_store.cast_vote("p1", "u9", NO, "earlier")).applied
    version = await file_store.room_version("r1")
    results = await one_batch(
        file_store,
        file_store.cast_vote("p1", "u1", YES, "a"),
        file_store.cast_vote("p1", "u2", NO, "b"),
        file_store.cast_vote("p1", "u1", YES, "a"),  # the same request again: once
        file_store.cast_vote("p1", "u1", EGAL, "c"),  # a new choice by u1: the later wins
        file_store.cast_vote("p1", "u9", YES, "earlier"),  # claimed in an earlier batch
        file_store.cast_vote("draft", "u3", YES, "d"),  # not open: refused
        file_store.cast_vote("nope", "u3", YES, "e"),  # unknown poll
        file_store.cast_vote("p2", "u3", NO, "f"),  # another poll of the room
        file_store.cast_vote("p1", "u4", YES, None),  # no request id
    )
    expected = [
        VoteOutcome(True, version + 1),
        VoteOutcome(True, version + 2),
        VoteOutcome(False, version + 2),
        VoteOutcome(True, version + 3),
        VoteOutcome(False, version + 3),
    ]
    assert results[:5] == expected
    assert isinstance(results[5], PollNotOpen)
    assert isinstance(results[6], StoreError)
    assert results[7:] == [VoteOutcome(True, version + 4), VoteOutcome(True, version + 5)]
    assert await file_store.room_version("r1") == version + 5
    assert (await file_store.tally(poll)).counts == (1, 2, 1)  # u4 yes; u2, u9 no; u1 egal
    assert await file_store.participant_ballots("u1", ["p1"]) == {"p1": EGAL}
    assert await file_store.participant_ballots("u3", ["p1", "p2", "draft"]) == {"p2": NO}
    # The refused vote's request id stays unused; the applied ones are claimed.
    assert not await file_store.request_seen("u3", "d")
    assert await file_store.request_seen("u1", "c")


async def test_votes_keep_their_place_among_other_writes_of_the_batch(
    file_store: SQLiteStore,
) -> None:
    """A close between two votes in one batch: the vote before it counts, the one after it is
    refused, and a retry of the first after the close is answered as applied."""
    await setup_event(file_store)
    poll = await add_open_poll(file_store, make_poll("p1"))
    closed = replace(poll, state="closed", closed_at=T0 + timedelta(minutes=5))
    results = await one_batch(
        file_store,
        file_store.cast_vote("p1", "u1", YES, "a"),
        file_store.update_poll(closed),
        file_store.cast_vote("p1", "u2", YES, "b"),
        file_store.cast_vote("p1", "u1", YES, "a"),
    )
    assert isinstance(results[0], VoteOutcome) and results[0].applied
    assert isinstance(results[2], PollNotOpen)
    assert isinstance(results[3], VoteOutcome) and not results[3].applied
    assert (await file_store.tally(poll)).voters == 1


async def test_the_join_time_rule_holds_for_each_vote_of_a_batch(file_store: SQLiteStore) -> None:
    await setup_event(file_store)
    opened = T0 + timedelta(minutes=10)
    await file_store.add_participant(CODE, "early", "h1", opened - timedelta(seconds=1))
    await file_store.add_participant(CODE, "late", "h2", opened + timedelta(seconds=1))
    await file_store.add_participant(CODE, "unknown", "h3")  # no creation time kept
    await file_store.add_poll(replace(make_poll("p1"), joined_before_only=True))
    await file_store.update_poll(
        replace(make_poll("p1"), joined_before_only=True, state="open", opened_at=opened)
    )
    results = await one_batch(
        file_store,
        file_store.cast_vote("p1", "early", YES, "a"),
        file_store.cast_vote("p1", "late", YES, "b"),
        file_store.cast_vote("p1", "unknown", YES, "c"),
    )
    assert isinstance(results[0], VoteOutcome) and results[0].applied
    assert isinstance(results[1], JoinedAfterOpening)
    assert isinstance(results[2], VoteOutcome) and results[2].applied
    assert not await file_store.request_seen("late", "b")


async def test_a_group_that_fails_after_writing_fails_its_whole_batch(
    file_store: SQLiteStore,
) -> None:
    """As for a savepoint-free job: an sqlite3 error inside a group's run leaves nothing of the
    batch behind, and the writer goes on with the next batch."""
    await setup_event(file_store)
    poll = await add_open_poll(file_store, make_poll("p1"))

    def half_done(conn: sqlite3.Connection, items: list[Any]) -> list[tuple[bool, object]]:
        conn.execute("UPDATE rooms SET version = version + 100 WHERE id = 'r1'")
        conn.execute("INSERT INTO no_such_table VALUES (1)")
        return [(True, None)] * len(items)

    version = await file_store.room_version("r1")
    results = await one_batch(
        file_store,
        file_store.cast_vote("p1", "u1", YES, "a"),
        file_store._runner.write_grouped(half_done, 1),
        file_store._runner.write_grouped(half_done, 2),
        commits=False,
    )
    assert all(isinstance(r, StoreError) for r in results), results
    assert await file_store.room_version("r1") == version
    assert (await file_store.tally(poll)).voters == 0
    assert (await file_store.cast_vote("p1", "u1", YES, "a")).applied


async def test_a_group_that_answers_wrongly_fails_its_batch_and_the_writer_goes_on(
    file_store: SQLiteStore,
) -> None:
    await setup_event(file_store)
    poll = await add_open_poll(file_store, make_poll("p1"))

    def short(conn: sqlite3.Connection, items: list[Any]) -> list[tuple[bool, object]]:
        conn.execute("UPDATE rooms SET version = version + 100 WHERE id = 'r1'")
        return []  # a bug: one answer per item is due

    version = await file_store.room_version("r1")
    results = await one_batch(
        file_store,
        file_store.cast_vote("p1", "u1", YES, "a"),
        file_store._runner.write_grouped(short, 1),
        commits=False,
    )
    assert all(isinstance(r, StoreError) for r in results), results
    assert await file_store.room_version("r1") == version
    assert (await file_store.cast_vote("p1", "u1", YES, "a")).applied
    assert (await file_store.tally(poll)).voters == 1


@pytest.mark.parametrize("count", [1, 199, 200, 201, 450])
async def test_batches_larger_than_one_statement_are_written_whole(
    file_store: SQLiteStore, count: int
) -> None:
    """The multi-row statements are cut in chunks; every vote lands whatever the batch size."""
    await setup_event(file_store)
    poll = await add_open_poll(file_store, make_poll("p1"))
    version = await file_store.room_version("r1")
    results = await one_batch(
        file_store,
        *(file_store.cast_vote("p1", f"u{n}", YES, f"r{n}") for n in range(count)),
    )
    assert [r.version for r in results] == list(range(version + 1, version + count + 1))
    assert (await file_store.tally(poll)).voters == count
