"""SQLite-specific behaviour of SQLiteStore, beyond the backend-agnostic test_contract.py.

Some tests reach into ``store._runner`` to put a job of their own into the writer queue: that is
the only way to hold the writer still (to make a batch deterministic) or to make a COMMIT fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from live.domain.models import Ballot
from live.store import DuplicateKey, PollNotOpen, StoreError, VoteOutcome, open_store
from live.store.sqlite import SQLiteStore
from tests.store.test_contract import (
    CODE,
    T0,
    add_open_poll,
    make_event,
    make_poll,
    make_room,
    setup_event,
)


@pytest.fixture
async def file_store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    store = SQLiteStore.from_url(f"sqlite:///{tmp_path / 'live.db'}")
    await store.open()
    try:
        yield store
    finally:
        await store.close()


@contextlib.asynccontextmanager
async def writer_held(store: SQLiteStore) -> AsyncIterator[None]:
    """Keep the writer thread busy inside a batch until the block ends, so that everything
    submitted meanwhile queues up and is committed together as the next batch."""
    entered, release = threading.Event(), threading.Event()

    def hold(conn: sqlite3.Connection) -> None:
        entered.set()
        release.wait(10)

    holder = asyncio.create_task(store._runner.write(hold))
    assert await asyncio.to_thread(entered.wait, 10)
    try:
        yield
    finally:
        release.set()
        await holder


# --- URLs ---------------------------------------------------------------------------------


def test_from_url_paths() -> None:
    assert SQLiteStore.from_url("sqlite:///live.db").path == Path("live.db")
    # Everything after the third slash: relative, as in SQLAlchemy.
    assert SQLiteStore.from_url("sqlite:///tmp/x.db").path == Path("tmp/x.db")
    assert SQLiteStore.from_url("sqlite:////var/lib/live/x.db").path == Path("/var/lib/live/x.db")
    assert SQLiteStore.from_url("sqlite://:memory:").path is None
    assert SQLiteStore.from_url("sqlite:///:memory:").path is None
    assert isinstance(open_store("sqlite://:memory:"), SQLiteStore)


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///", "sqlite://host/x.db", "sqlite:///x.db?mode=ro", "pg://x"]
)
def test_from_url_rejects(url: str) -> None:
    with pytest.raises(ValueError):
        SQLiteStore.from_url(url)


async def test_relative_path_and_parent_directories_are_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///data/deep/live.db")
    await store.open()
    await store.close()
    assert (tmp_path / "data" / "deep" / "live.db").is_file()


# --- settings -----------------------------------------------------------------------------


async def test_file_database_uses_wal_and_synchronous_full(file_store: SQLiteStore) -> None:
    pragmas = await file_store.pragmas()
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["synchronous"] == 2  # FULL
    assert pragmas["foreign_keys"] == 1
    assert pragmas["busy_timeout"] > 0
    # WAL is a property of the file, seen by any other connection too.
    assert file_store.path is not None
    with contextlib.closing(sqlite3.connect(file_store.path)) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_memory_database_settings() -> None:
    store = SQLiteStore.from_url("sqlite://:memory:")
    await store.open()
    try:
        pragmas = await store.pragmas()
        assert pragmas["synchronous"] == 2 and pragmas["foreign_keys"] == 1
    finally:
        await store.close()


# --- group commit -------------------------------------------------------------------------


async def test_group_commit_batches_concurrent_writes(file_store: SQLiteStore) -> None:
    await setup_event(file_store)
    poll = await add_open_poll(file_store, make_poll("p1"))
    before = file_store.commits
    outcomes = await asyncio.gather(
        *(
            file_store.cast_vote("p1", f"u{n}", Ballot(choices=(n % 3,)), f"q{n}")
            for n in range(200)
        )
    )
    transactions = file_store.commits - before
    assert all(o.applied for o in outcomes)
    assert (await file_store.tally(poll)).voters == 200
    # One fsync per batch instead of per vote. (Usually 1-3 here; the bound leaves room for a
    # slow machine where the writer wakes up before all 200 are queued.)
    assert 1 <= transactions <= 20, transactions


async def test_failing_jobs_do_not_take_their_batch_down(file_store: SQLiteStore) -> None:
    await setup_event(file_store)
    poll = await add_open_poll(file_store, make_poll("p1"))
    await file_store.add_poll(make_poll("draft"))
    before = file_store.commits
    async with writer_held(file_store):
        tasks = [
            asyncio.create_task(file_store.cast_vote("p1", "u1", Ballot(choices=(0,)), "a")),
            asyncio.create_task(file_store.cast_vote("draft", "u1", Ballot(choices=(0,)), "b")),
            asyncio.create_task(file_store.create_event(make_event(), [])),
            asyncio.create_task(file_store.cast_vote("p1", "u2", Ballot(choices=(1,)), "c")),
        ]
        await asyncio.sleep(0)  # let every task enqueue its job behind the held one
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert file_store.commits - before == 2  # the holder's batch, then all four together
    assert isinstance(results[0], VoteOutcome) and results[0].applied
    assert isinstance(results[1], PollNotOpen)
    assert isinstance(results[2], DuplicateKey)
    assert isinstance(results[3], VoteOutcome) and results[3].applied
    assert (await file_store.tally(poll)).counts == (1, 1, 0)
    # The refused vote's request id was rolled back with it.
    await file_store.update_poll(replace(make_poll("draft"), state="open", opened_at=T0))
    assert (await file_store.cast_vote("draft", "u1", Ballot(choices=(0,)), "b")).applied


async def test_a_failed_commit_fails_the_whole_batch(file_store: SQLiteStore) -> None:
    await setup_event(file_store)
    poll = await add_open_poll(file_store, make_poll("p1"))

    def orphan_vote(conn: sqlite3.Connection) -> None:
        # A deferred foreign key violation is only detected by COMMIT: the statement succeeds,
        # the batch's COMMIT fails.
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.execute(
            "INSERT INTO votes (poll_id, participant_id, ballot, updated_at)"
            " VALUES ('no-such-poll', 'x', '{}', '2025-01-01T00:00:00.000000+00:00')"
        )

    version = await file_store.room_version("r1")
    before = file_store.commits
    async with writer_held(file_store):
        tasks = [
            asyncio.create_task(file_store.cast_vote("p1", "u1", Ballot(choices=(0,)), "a")),
            asyncio.create_task(file_store._runner.write(orphan_vote)),
        ]
        await asyncio.sleep(0)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, StoreError) for r in results), results
    assert isinstance(results[0].__cause__, sqlite3.Error)  # type: ignore[union-attr]
    assert file_store.commits - before == 1  # only the holder's batch
    assert (await file_store.tally(poll)).voters == 0
    assert await file_store.room_version("r1") == version
    # The writer recovers, and the failed request id was not recorded: the retry applies.
    assert (await file_store.cast_vote("p1", "u1", Ballot(choices=(0,)), "a")).applied


async def test_reads_do_not_wait_for_the_writer(file_store: SQLiteStore) -> None:
    await setup_event(file_store)
    async with writer_held(file_store):
        # The writer is inside an open write transaction; WAL readers see the last commit.
        event = await asyncio.wait_for(file_store.get_event(CODE), timeout=5)
        assert event is not None
        await asyncio.wait_for(file_store.ping(), timeout=5)


async def test_a_cancelled_caller_does_not_disturb_the_writer(file_store: SQLiteStore) -> None:
    await setup_event(file_store)
    poll = await add_open_poll(file_store, make_poll("p1"))
    task = asyncio.create_task(file_store.cast_vote("p1", "u1", Ballot(choices=(0,)), None))
    await asyncio.sleep(0)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert (await file_store.cast_vote("p1", "u2", Ballot(choices=(1,)), None)).applied
    # The cancelled vote was already queued: it ran; only its answer was dropped.
    assert (await file_store.tally(poll)).voters == 2


# --- errors -------------------------------------------------------------------------------


async def test_missing_references_are_store_errors(file_store: SQLiteStore) -> None:
    await setup_event(file_store)
    with pytest.raises(StoreError) as error:
        await file_store.add_poll(make_poll("p1", room_id="no-such-room"))
    assert not isinstance(error.value, DuplicateKey)
    assert isinstance(error.value.__cause__, sqlite3.IntegrityError)
    with pytest.raises(StoreError):
        await file_store.cast_vote("no-such-poll", "u1", Ballot(choices=(0,)), None)
    with pytest.raises(StoreError):
        await file_store.room_version("no-such-room")
    with pytest.raises(StoreError):
        await file_store.update_poll(make_poll("no-such-poll"))
    # The screen may only show a poll of its own room.
    await file_store.add_room(make_room("r2", position=1))
    await file_store.add_poll(make_poll("p2", room_id="r2"))
    with pytest.raises(StoreError):
        await file_store.set_screen_poll("r1", "p2")


async def test_naive_datetimes_are_refused(file_store: SQLiteStore) -> None:
    with pytest.raises(ValueError):
        await file_store.create_event(replace(make_event(), created_at=T0.replace(tzinfo=None)), [])


# --- persistence and schema ---------------------------------------------------------------


async def test_data_survives_close_and_reopen(tmp_path: Path) -> None:
    """sqlite-file only: the file keeps events, rooms, participants, polls, votes, versions and
    the request ids already applied."""
    url = f"sqlite:///{tmp_path / 'live.db'}"
    first = SQLiteStore.from_url(url)
    await first.open()
    await setup_event(first, "r1", "r2")
    await first.add_participant(CODE, "u1", "hash-1")
    poll = await add_open_poll(first, make_poll("p1", kind="multiple"))
    await first.cast_vote("p1", "u1", Ballot(choices=(0, 2)), "req-1")
    await first.cast_vote("p1", "u2", Ballot(choices=(2,)), None)
    version = await first.room_version("r1")
    await first.close()

    second = SQLiteStore.from_url(url)
    await second.open()
    try:
        assert await second.get_event(CODE) == make_event()
        assert [r.id for r in await second.list_rooms(CODE)] == ["r1", "r2"]
        room = await second.get_room("r1")
        assert room is not None and room.screen_poll_id == "p1"
        assert await second.participant_by_token(CODE, "hash-1") == "u1"
        assert await second.get_poll("p1") == poll
        assert await second.room_version("r1") == version
        tally = await second.tally(poll)
        assert tally.counts == (1, 0, 2) and tally.voters == 2
        retry = await second.cast_vote("p1", "u1", Ballot(choices=(1,)), "req-1")
        assert retry == VoteOutcome(applied=False, version=version)
    finally:
        await second.close()


async def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    store = SQLiteStore(path)
    await store.open()
    await store.close()
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE schema_version SET version = version + 1")
    newer = SQLiteStore(path)
    with pytest.raises(StoreError, match="newer"):
        await newer.open()
    await newer.close()


async def test_close_stops_the_threads(tmp_path: Path) -> None:
    def sqlite_threads() -> list[str]:
        return [t.name for t in threading.enumerate() if t.name.startswith("live-sqlite")]

    before = set(sqlite_threads())
    store = SQLiteStore(tmp_path / "live.db")
    await store.open()
    await store.ping()  # starts a reader thread
    assert len(set(sqlite_threads()) - before) >= 2
    await store.close()
    assert set(sqlite_threads()) <= before
    with pytest.raises(StoreError):
        await store.get_event(CODE)
    with pytest.raises(StoreError):
        await store.add_room(make_room("r9"))


# --- scale --------------------------------------------------------------------------------


async def test_tally_of_ten_thousand_ballots(file_store: SQLiteStore) -> None:
    await setup_event(file_store)
    options = tuple("abcdef")
    poll = await add_open_poll(file_store, make_poll("p1", kind="multiple", options=options))
    ballots = {f"u{n:05d}": Ballot(choices=(n % 6, (n // 6) % 6)) for n in range(10_000)}
    await asyncio.gather(*(file_store.cast_vote("p1", p, b, None) for p, b in ballots.items()))
    started = time.perf_counter()
    tally = await file_store.tally(poll)
    elapsed = time.perf_counter() - started
    # A ballot listing an option twice still counts once for it.
    expected = Counter(c for b in ballots.values() for c in set(b.choices))
    assert tally.voters == 10_000
    assert tally.counts == tuple(expected[i] for i in range(6))
    assert elapsed < 2.0, f"tally of 10,000 ballots took {elapsed:.3f}s"
