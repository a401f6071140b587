"""SQLite-specific behaviour of SQLiteStore, beyond the backend-agnostic test_contract.py.

Some tests reach into ``store._runner`` to put a job of their own into the writer queue: that is
the only way to hold the writer still (to make a batch deterministic) or to make a COMMIT fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from live.domain.models import Ballot, Logo
from live.store import (
    DuplicateKey,
    PollNotOpen,
    QuestionClosed,
    StoreError,
    TooSoon,
    VoteOutcome,
    open_store,
)
from live.store.sqlite import SQLiteStore
from live.store.sqlite_schema import _MIGRATIONS, SCHEMA_VERSION
from tests.store.test_contract import (
    CODE,
    T0,
    add_open_poll,
    make_event,
    make_poll,
    make_question,
    make_room,
    setup_event,
)
from tests.store.test_contract_program import make_agenda_item

T = TypeVar("T")

# Seconds that bound a hang (a read that waits for the held writer would wait that long).
HANG = 60.0


@contextlib.contextmanager
def traced_reads(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement the store's reads run inside the block, with their parameters filled in
    (sqlite3's trace callback gives the expanded SQL)."""
    statements: list[str] = []
    read = store._runner.read

    async def traced_read(work: Callable[[sqlite3.Connection], T]) -> T:
        def traced(conn: sqlite3.Connection) -> T:
            conn.set_trace_callback(statements.append)
            try:
                return work(conn)
            finally:
                conn.set_trace_callback(None)

        return await read(traced)

    with monkeypatch.context() as patch:
        patch.setattr(store._runner, "read", traced_read)
        yield statements


async def query_plan(store: SQLiteStore, sql: str) -> list[str]:
    """The steps of SQLite's plan for ``sql`` ("SEARCH votes USING INDEX …", "SCAN …")."""
    rows = await store._runner.read(lambda conn: conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
    return [str(detail) for *_, detail in rows]


@contextlib.asynccontextmanager
async def writer_held(store: SQLiteStore) -> AsyncIterator[None]:
    """Keep the writer thread busy inside a batch until the block ends, so that everything
    submitted meanwhile queues up and is committed together as the next batch."""
    entered, release = threading.Event(), threading.Event()

    # The waits only bound a hang; the hold must outlast any test body on a busy machine.
    def hold(conn: sqlite3.Connection) -> None:
        entered.set()
        release.wait(HANG)

    holder = asyncio.create_task(store._runner.write(hold))
    assert await asyncio.to_thread(entered.wait, HANG)
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


async def test_a_savepoint_free_job_that_fails_after_writing_fails_its_batch(
    file_store: SQLiteStore,
) -> None:
    """Votes run without a savepoint of their own (they check before they write). Should a job
    of that kind still hit an sqlite3 error after a write, nothing could undo just its part:
    the whole batch fails and nothing of it is committed, votes included."""
    await setup_event(file_store)
    poll = await add_open_poll(file_store, make_poll("p1"))

    def half_done(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE rooms SET version = version + 100 WHERE id = 'r1'")
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    version = await file_store.room_version("r1")
    async with writer_held(file_store):
        tasks = [
            asyncio.create_task(file_store.cast_vote("p1", "u1", Ballot(choices=(0,)), "a")),
            asyncio.create_task(file_store._runner.write(half_done, savepoint=False)),
        ]
        await asyncio.sleep(0)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, StoreError) for r in results), results
    assert (await file_store.tally(poll)).voters == 0
    assert await file_store.room_version("r1") == version
    assert (await file_store.cast_vote("p1", "u1", Ballot(choices=(0,)), "a")).applied


async def test_reads_do_not_wait_for_the_writer(file_store: SQLiteStore) -> None:
    await setup_event(file_store)
    async with writer_held(file_store):
        # The writer is inside an open write transaction; WAL readers see the last commit.
        event = await asyncio.wait_for(file_store.get_event(CODE), timeout=HANG / 2)
        assert event is not None
        await asyncio.wait_for(file_store.ping(), timeout=HANG / 2)


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
        await file_store.set_screen_mode("r1", "poll", "p2")


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


async def test_tally_of_ten_thousand_ballots(
    file_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup_event(file_store)
    options = tuple("abcdef")
    poll = await add_open_poll(file_store, make_poll("p1", kind="multiple", options=options))
    ballots = {f"u{n:05d}": Ballot(choices=(n % 6, (n // 6) % 6)) for n in range(10_000)}
    await asyncio.gather(*(file_store.cast_vote("p1", p, b, None) for p, b in ballots.items()))
    with traced_reads(file_store, monkeypatch) as statements:
        tally = await file_store.tally(poll)
    # A ballot listing an option twice still counts once for it.
    expected = Counter(c for b in ballots.values() for c in set(b.choices))
    assert tally.voters == 10_000
    assert tally.counts == tuple(expected[i] for i in range(6))
    # Fast at any number of ballots, judged by what runs rather than by a stopwatch (which a
    # busy machine fails): one query, reaching the poll's votes through the index, not a scan.
    [query] = statements
    plan = await query_plan(file_store, query)
    assert any(step.startswith("SEARCH votes USING") for step in plan), plan
    assert not any(step.startswith("SCAN") for step in plan), plan


# --- Q&A: group commit --------------------------------------------------------------------


async def test_refused_qa_jobs_do_not_take_their_batch_down(file_store: SQLiteStore) -> None:
    """TooSoon and QuestionClosed roll back only their own job, including the request id it had
    claimed; and a job sees the writes of the jobs before it in the same batch (the second
    question is too soon because of the first, committed in the same transaction)."""
    await setup_event(file_store)
    await file_store.add_question(make_question("open", participant_id="u9"), None, None)
    await file_store.add_question(
        make_question("pending", participant_id="u9", state="pending"), None, None
    )
    now = T0 + timedelta(minutes=1)
    window = timedelta(seconds=10)
    before = file_store.commits
    async with writer_held(file_store):
        tasks = [
            asyncio.create_task(
                file_store.add_question(make_question("q1", created_at=now), "a", now - window)
            ),
            asyncio.create_task(
                file_store.add_question(make_question("q2", created_at=now), "b", now - window)
            ),
            asyncio.create_task(file_store.set_upvote("pending", "u2", True, "c")),
            asyncio.create_task(file_store.set_upvote("open", "u2", True, "d")),
        ]
        await asyncio.sleep(0)  # let every task enqueue its job behind the held one
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert file_store.commits - before == 2  # the holder's batch, then all four together
    assert isinstance(results[0], VoteOutcome) and results[0].applied
    assert isinstance(results[1], TooSoon)
    assert isinstance(results[2], QuestionClosed) and results[2].state == "pending"
    assert isinstance(results[3], VoteOutcome) and results[3].applied
    assert results[0].version < results[3].version
    assert await file_store.get_question("q2") is None
    assert [(q.id, q.upvotes) for q in await file_store.list_questions("r1")] == [
        ("open", 1),
        ("pending", 0),
        ("q1", 0),
    ]
    seen = [
        await file_store.request_seen(pid, rid)
        for pid, rid in (("u1", "a"), ("u1", "b"), ("u2", "c"), ("u2", "d"))
    ]
    assert seen == [True, False, False, True]


# --- Q&A: persistence and scale -----------------------------------------------------------


async def test_qa_data_survives_close_and_reopen(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    first = SQLiteStore.from_url(url)
    await first.open()
    await setup_event(first, "r1", "r2")
    await first.update_event_settings(CODE, questions_need_approval=False, names_allowed=False)
    question = replace(make_question("q1", name="Ada"), answer="Ja.")
    await first.add_question(question, "ask-1", None)
    await first.set_upvote("q1", "u2", True, "up-1")
    await first.set_highlight("r1", "q1")
    version = await first.room_version("r1")
    await first.close()

    second = SQLiteStore.from_url(url)
    await second.open()
    try:
        event = await second.get_event(CODE)
        assert event == replace(make_event(), questions_need_approval=False, names_allowed=False)
        assert await second.get_question("q1") == replace(question, upvotes=1)
        room = await second.get_room("r1")
        assert room is not None and room.highlighted_question_id == "q1"
        assert await second.upvoted_by("u2", ["q1"]) == {"q1"}
        assert await second.set_upvote("q1", "u2", False, "up-1") == VoteOutcome(False, version)
        assert await second.add_question(question, "ask-1", None) == VoteOutcome(False, version)
    finally:
        await second.close()


async def test_list_questions_counts_ten_thousand_upvotes(
    file_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counts come from count(*) on the read path: 200 questions, 10,000 upvotes."""
    await setup_event(file_store)
    question_ids = [f"q{n:03d}" for n in range(200)]
    await asyncio.gather(
        *(
            file_store.add_question(make_question(qid, participant_id=f"a{qid}"), None, None)
            for qid in question_ids
        )
    )
    # Participant n upvotes questions n % 200 and (7n + 3) % 200 (never the same one: 6n + 3 is
    # odd, so it is never a multiple of 200).
    pairs = [
        (question_ids[i], f"u{n:04d}") for n in range(5000) for i in (n % 200, (7 * n + 3) % 200)
    ]
    expected = Counter(qid for qid, _ in pairs)
    await asyncio.gather(*(file_store.set_upvote(qid, pid, True, None) for qid, pid in pairs))
    with traced_reads(file_store, monkeypatch) as statements:
        listed = await file_store.list_questions("r1")
    assert {q.id: q.upvotes for q in listed} == dict(expected)
    assert sum(q.upvotes for q in listed) == 10_000
    # One query; each question's count comes from its own range of the upvotes index (reading
    # all 10,000 upvotes once per question would be the slow way).
    [query] = statements
    plan = await query_plan(file_store, query)
    assert any(step.startswith("SEARCH questions USING") for step in plan), plan
    assert any(step.startswith("SEARCH upvotes USING") for step in plan), plan
    assert not any(step.startswith("SCAN") for step in plan), plan


# --- Q&A: migration from schema version 1 -------------------------------------------------

# The DDL of schema version 1 (the previous release), verbatim from sqlite_schema.py before Q&A.
V1_DDL: tuple[str, ...] = (
    """
    CREATE TABLE schema_version (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE events (
        code                 TEXT PRIMARY KEY,
        title                TEXT NOT NULL,
        created_at           TEXT NOT NULL,
        moderator_token_hash TEXT NOT NULL
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE rooms (
        id             TEXT PRIMARY KEY,
        event_code     TEXT NOT NULL REFERENCES events (code),
        name           TEXT NOT NULL,
        position       INTEGER NOT NULL,
        screen_poll_id TEXT,
        version        INTEGER NOT NULL DEFAULT 1,
        FOREIGN KEY (screen_poll_id, id) REFERENCES polls (id, room_id)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX rooms_by_event ON rooms (event_code, position, id)",
    """
    CREATE TABLE participants (
        event_code     TEXT NOT NULL REFERENCES events (code),
        participant_id TEXT NOT NULL,
        token_hash     TEXT NOT NULL,
        PRIMARY KEY (event_code, participant_id),
        UNIQUE (event_code, token_hash)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE polls (
        id         TEXT PRIMARY KEY,
        event_code TEXT NOT NULL REFERENCES events (code),
        room_id    TEXT NOT NULL REFERENCES rooms (id),
        question   TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'scale', 'text')),
        options    TEXT NOT NULL,
        scale_min  INTEGER,
        scale_max  INTEGER,
        state      TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed')),
        visibility TEXT NOT NULL CHECK (visibility IN ('live', 'after_vote', 'after_close')),
        created_at TEXT NOT NULL,
        opened_at  TEXT,
        closed_at  TEXT,
        UNIQUE (id, room_id)
    )
    """,
    "CREATE INDEX polls_by_room ON polls (room_id, created_at, id)",
    """
    CREATE TABLE votes (
        poll_id        TEXT NOT NULL REFERENCES polls (id),
        participant_id TEXT NOT NULL,
        ballot         TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        PRIMARY KEY (poll_id, participant_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE vote_requests (
        participant_id TEXT NOT NULL,
        request_id     TEXT NOT NULL,
        poll_id        TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        PRIMARY KEY (participant_id, request_id)
    ) WITHOUT ROWID
    """,
)

_T0_ISO = "2025-05-06T09:00:00.000000+00:00"
_T1_ISO = "2025-05-06T09:01:00.000000+00:00"


def make_v1_database(path: Path, *extra_ddl: str) -> None:
    """A live.db as the previous release leaves it: event KONF25 with rooms r1 (showing the open
    multiple-choice poll p1, two ballots, version 5) and r2, participant u1, and u1's applied
    vote request req-1. The rows are what that release's SQLiteStore wrote."""
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for statement in (*V1_DDL, *extra_ddl):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version (id, version) VALUES (1, 1)")
        conn.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?)", (CODE, "Konferenz", _T0_ISO, "m" * 64)
        )
        conn.execute("INSERT INTO rooms VALUES ('r1', ?, 'Saal r1', 0, NULL, 5)", (CODE,))
        conn.execute("INSERT INTO rooms VALUES ('r2', ?, 'Saal r2', 1, NULL, 1)", (CODE,))
        conn.execute("INSERT INTO participants VALUES (?, 'u1', 'hash-1')", (CODE,))
        conn.execute(
            "INSERT INTO polls VALUES ('p1', ?, 'r1', 'Frage p1?', 'multiple',"
            " '[\"Ja\",\"Nein\",\"Egal\"]', NULL, NULL, 'open', 'live', ?, ?, NULL)",
            (CODE, _T0_ISO, _T1_ISO),
        )
        conn.execute("UPDATE rooms SET screen_poll_id = 'p1' WHERE id = 'r1'")
        conn.execute("INSERT INTO votes VALUES ('p1', 'u1', '{\"choices\":[0,2]}', ?)", (_T1_ISO,))
        conn.execute("INSERT INTO votes VALUES ('p1', 'u2', '{\"choices\":[2]}', ?)", (_T1_ISO,))
        conn.execute("INSERT INTO vote_requests VALUES ('u1', 'req-1', 'p1', ?)", (_T1_ISO,))


def raw_query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def schema_shape(path: Path) -> dict[str, object]:
    """Every table's columns (name, type, not null, default, primary key), foreign keys,
    indexes (with their columns), and whether it is WITHOUT ROWID. CHECK constraints are not in
    any pragma; test_a_migrated_database_has_the_constraints_of_a_fresh_one tries them."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        shape: dict[str, object] = {}
        tables = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        for table, sql in tables:
            columns = conn.execute(f"PRAGMA table_info({table})").fetchall()
            keys: dict[int, list[tuple[object, ...]]] = {}
            for (
                fk_id,
                _,
                parent,
                child_col,
                parent_col,
                on_update,
                on_delete,
                match,
            ) in conn.execute(f"PRAGMA foreign_key_list({table})").fetchall():
                keys.setdefault(fk_id, []).append(
                    (parent, child_col, parent_col, on_update, on_delete, match)
                )
            indexes = sorted(
                (
                    name,
                    unique,
                    origin,
                    partial,
                    tuple(c[2] for c in conn.execute(f"PRAGMA index_info({name})").fetchall()),
                )
                for _, name, unique, origin, partial in conn.execute(
                    f"PRAGMA index_list({table})"
                ).fetchall()
            )
            shape[table] = {
                "columns": columns,
                "foreign_keys": sorted(tuple(rows) for rows in keys.values()),
                "indexes": indexes,
                "without_rowid": sql.rstrip().upper().endswith("WITHOUT ROWID"),
            }
        return shape


async def test_a_version_1_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v1_database(path)
    store = SQLiteStore(path)
    await store.open()
    try:
        # Everything of the previous release is still there; the new settings have defaults.
        assert await store.get_event(CODE) == make_event()
        assert await store.list_rooms(CODE) == [
            replace(make_room("r1"), screen_poll_id="p1"),
            make_room("r2", position=1),
        ]
        assert await store.participant_by_token(CODE, "hash-1") == "u1"
        poll = replace(
            make_poll("p1", kind="multiple"), state="open", opened_at=T0 + timedelta(minutes=1)
        )
        assert await store.get_poll("p1") == poll
        tally = await store.tally(poll)
        assert tally.counts == (1, 0, 2) and tally.voters == 2
        assert await store.room_version("r1") == 5
        # An applied request of the old release is still a repeat, for votes and questions.
        assert await store.request_seen("u1", "req-1") is True
        retry = await store.cast_vote("p1", "u1", Ballot(choices=(1,)), "req-1")
        assert retry == VoteOutcome(applied=False, version=5)
        assert not (await store.add_question(make_question("q0"), "req-1", None)).applied
        # And Q&A works on the migrated database.
        assert await store.add_question(make_question("q1"), "ask-1", T0) == VoteOutcome(True, 6)
        assert (await store.set_upvote("q1", "u2", True, "up-1")).applied
        assert await store.set_highlight("r1", "q1") == 8
        changed = await store.update_event_settings(
            CODE, questions_need_approval=False, names_allowed=True
        )
        assert changed == [("r1", 9), ("r2", 2)]
        assert await store.get_question("q1") == replace(make_question("q1"), upvotes=1)
        assert await store.delete_question("q1") == 10
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 16
    assert raw_query(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_query(path, "PRAGMA foreign_key_check") == []
    # Opening the migrated file again is a no-op.
    again = SQLiteStore(path)
    await again.open()
    try:
        assert await again.room_version("r1") == 10
    finally:
        await again.close()


async def test_a_migrated_database_has_the_schema_of_a_fresh_one(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v1_database(migrated)
    for path in (migrated, fresh):
        store = SQLiteStore(path)
        await store.open()
        await store.close()
    assert schema_shape(migrated) == schema_shape(fresh)
    shape = schema_shape(fresh)
    assert {"questions", "upvotes"} <= shape.keys()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET questions_need_approval = 2",
        "UPDATE events SET names_allowed = NULL",
        "UPDATE rooms SET highlighted_question_id = 'no-such-question'",
        "INSERT INTO questions (id, event_code, room_id, participant_id, text, name, state,"
        " answer, created_at) VALUES ('q9', 'KONF25', 'r1', 'u1', 'x', NULL, 'open', NULL, 't')",
        "INSERT INTO upvotes VALUES ('no-such-question', 'u1')",
        "INSERT INTO vote_requests (participant_id, request_id, created_at) VALUES ('u', 'r', 't')",
    ],
)
async def test_a_migrated_database_has_the_constraints_of_a_fresh_one(
    tmp_path: Path, statement: str
) -> None:
    """The CHECK, NOT NULL and foreign key constraints that the pragmas do not show."""
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v1_database(migrated)
    fresh_store = SQLiteStore(fresh)
    await fresh_store.open()
    await setup_event(fresh_store, "r1")
    await fresh_store.close()
    migrated_store = SQLiteStore(migrated)
    await migrated_store.open()
    await migrated_store.close()
    for path in (migrated, fresh):
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA foreign_keys = ON")
            with pytest.raises(sqlite3.IntegrityError), conn:
                conn.execute(statement)


async def test_a_failed_migration_leaves_the_version_1_database_as_it_was(tmp_path: Path) -> None:
    """The migration runs in one transaction: if a step fails, no step is kept."""
    path = tmp_path / "live.db"
    # A table in the way of the migration's CREATE TABLE upvotes: the steps before it (among
    # them CREATE TABLE questions) must not be kept either.
    make_v1_database(path, "CREATE TABLE upvotes (x)")
    store = SQLiteStore(path)
    with pytest.raises(StoreError, match="upvotes"):
        await store.open()
    await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(1,)]
    assert [c[1] for c in raw_query(path, "PRAGMA table_info(events)")] == [
        "code",
        "title",
        "created_at",
        "moderator_token_hash",
    ]
    assert "poll_id" in [c[1] for c in raw_query(path, "PRAGMA table_info(vote_requests)")]
    assert raw_query(path, "SELECT name FROM sqlite_master WHERE name = 'questions'") == []
    assert raw_query(path, "SELECT count(*) FROM votes") == [(2,)]


# --- mood and applause: migration from schema version 2 -----------------------------------

# The DDL of schema version 2 (the Q&A release), verbatim from sqlite_schema.py before moods.
V2_DDL: tuple[str, ...] = (
    """
    CREATE TABLE schema_version (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE events (
        code                    TEXT PRIMARY KEY,
        title                   TEXT NOT NULL,
        created_at              TEXT NOT NULL,
        moderator_token_hash    TEXT NOT NULL,
        questions_need_approval INTEGER NOT NULL DEFAULT 1
                                CHECK (questions_need_approval IN (0, 1)),
        names_allowed           INTEGER NOT NULL DEFAULT 1 CHECK (names_allowed IN (0, 1))
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE rooms (
        id             TEXT PRIMARY KEY,
        event_code     TEXT NOT NULL REFERENCES events (code),
        name           TEXT NOT NULL,
        position       INTEGER NOT NULL,
        screen_poll_id TEXT,
        version        INTEGER NOT NULL DEFAULT 1,
        highlighted_question_id TEXT REFERENCES questions (id),
        FOREIGN KEY (screen_poll_id, id) REFERENCES polls (id, room_id)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX rooms_by_event ON rooms (event_code, position, id)",
    "CREATE INDEX rooms_by_highlight ON rooms (highlighted_question_id)",
    """
    CREATE TABLE participants (
        event_code     TEXT NOT NULL REFERENCES events (code),
        participant_id TEXT NOT NULL,
        token_hash     TEXT NOT NULL,
        PRIMARY KEY (event_code, participant_id),
        UNIQUE (event_code, token_hash)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE polls (
        id         TEXT PRIMARY KEY,
        event_code TEXT NOT NULL REFERENCES events (code),
        room_id    TEXT NOT NULL REFERENCES rooms (id),
        question   TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'scale', 'text')),
        options    TEXT NOT NULL,
        scale_min  INTEGER,
        scale_max  INTEGER,
        state      TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed')),
        visibility TEXT NOT NULL CHECK (visibility IN ('live', 'after_vote', 'after_close')),
        created_at TEXT NOT NULL,
        opened_at  TEXT,
        closed_at  TEXT,
        UNIQUE (id, room_id)
    )
    """,
    "CREATE INDEX polls_by_room ON polls (room_id, created_at, id)",
    """
    CREATE TABLE votes (
        poll_id        TEXT NOT NULL REFERENCES polls (id),
        participant_id TEXT NOT NULL,
        ballot         TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        PRIMARY KEY (poll_id, participant_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE vote_requests (
        participant_id TEXT NOT NULL,
        request_id     TEXT NOT NULL,
        subject_id     TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        PRIMARY KEY (participant_id, request_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE questions (
        id             TEXT PRIMARY KEY,
        event_code     TEXT NOT NULL REFERENCES events (code),
        room_id        TEXT NOT NULL REFERENCES rooms (id),
        participant_id TEXT NOT NULL,
        text           TEXT NOT NULL,
        name           TEXT,
        state          TEXT NOT NULL
                       CHECK (state IN ('pending', 'approved', 'answered', 'hidden', 'archived')),
        answer         TEXT,
        created_at     TEXT NOT NULL
    )
    """,
    "CREATE INDEX questions_by_room ON questions (room_id, created_at, id)",
    "CREATE INDEX questions_by_author ON questions (event_code, participant_id, created_at)",
    """
    CREATE TABLE upvotes (
        question_id    TEXT NOT NULL REFERENCES questions (id),
        participant_id TEXT NOT NULL,
        PRIMARY KEY (question_id, participant_id)
    ) WITHOUT ROWID
    """,
)


def make_v2_database(path: Path, *extra_ddl: str) -> None:
    """A live.db as the Q&A release leaves it: event KONF25 with rooms r1 (version 7) and r2, an
    approved question q1 in r1 with one upvote, and u1's applied request ask-1."""
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for statement in (*V2_DDL, *extra_ddl):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version (id, version) VALUES (1, 2)")
        conn.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, 1, 1)", (CODE, "Konferenz", _T0_ISO, "m" * 64)
        )
        conn.execute("INSERT INTO rooms VALUES ('r1', ?, 'Saal r1', 0, NULL, 7, NULL)", (CODE,))
        conn.execute("INSERT INTO rooms VALUES ('r2', ?, 'Saal r2', 1, NULL, 1, NULL)", (CODE,))
        conn.execute(
            "INSERT INTO questions VALUES ('q1', ?, 'r1', 'u1', 'Frage q1?', NULL, 'approved',"
            " NULL, ?)",
            (CODE, _T0_ISO),
        )
        conn.execute("INSERT INTO upvotes VALUES ('q1', 'u2')")
        conn.execute("INSERT INTO vote_requests VALUES ('u1', 'ask-1', 'q1', ?)", (_T1_ISO,))


async def test_a_version_2_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v2_database(path)
    store = SQLiteStore(path)
    await store.open()
    try:
        assert await store.get_event(CODE) == make_event()
        assert await store.room_version("r1") == 7
        question = await store.get_question("q1")
        assert question is not None and question.upvotes == 1 and question.state == "approved"
        # An applied request of the old release is a repeat for moods too.
        assert await store.set_mood("r1", "u1", 4, "ask-1", T0) == VoteOutcome(False, 7)
        # And moods and applause work on the migrated database.
        assert await store.set_mood("r1", "u1", 4, "mood-1", T0) == VoteOutcome(True, 8)
        assert await store.mood_values("r1") == [4]
        assert await store.mood_log("r1") == [(T0, "u1", 4)]
        await store.record_applause("r1", [(T0, 0.5)])
        assert await store.applause_timeline("r1") == [(T0, 0.5)]
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert raw_query(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_query(path, "PRAGMA foreign_key_check") == []
    again = SQLiteStore(path)
    await again.open()
    try:
        assert await again.room_version("r1") == 8
        assert await again.mood_values("r1") == [4]
    finally:
        await again.close()


async def test_a_version_2_database_has_the_schema_of_a_fresh_one(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v2_database(migrated)
    for path in (migrated, fresh):
        store = SQLiteStore(path)
        await store.open()
        await store.close()
    assert schema_shape(migrated) == schema_shape(fresh)
    shape = schema_shape(fresh)
    assert {"moods", "mood_log", "applause_seconds"} <= shape.keys()
    mood_log = shape["mood_log"]
    assert isinstance(mood_log, dict)
    assert ("mood_log_by_room", 0, "c", 0, ("room_id", "at")) in mood_log["indexes"]


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO moods VALUES ('r1', 'u1', 6, 't')",
        "INSERT INTO moods VALUES ('r1', 'u1', 0, 't')",
        "INSERT INTO moods VALUES ('no-such-room', 'u1', 3, 't')",
        "INSERT INTO mood_log VALUES ('r1', 't', 'u1', 9)",
        "INSERT INTO mood_log VALUES ('no-such-room', 't', 'u1', 3)",
        "INSERT INTO applause_seconds VALUES ('r1', 't', NULL)",
        "INSERT INTO applause_seconds VALUES ('no-such-room', 't', 0.5)",
    ],
)
async def test_a_version_2_database_gets_the_constraints_of_a_fresh_one(
    tmp_path: Path, statement: str
) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v2_database(migrated)
    fresh_store = SQLiteStore(fresh)
    await fresh_store.open()
    await setup_event(fresh_store, "r1")
    await fresh_store.close()
    migrated_store = SQLiteStore(migrated)
    await migrated_store.open()
    await migrated_store.close()
    for path in (migrated, fresh):
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA foreign_keys = ON")
            with pytest.raises(sqlite3.IntegrityError), conn:
                conn.execute(statement)


async def test_a_failed_migration_leaves_the_version_2_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    # A table in the way of CREATE TABLE applause_seconds, the last step: moods and mood_log,
    # created before it, must not be kept either.
    make_v2_database(path, "CREATE TABLE applause_seconds (x)")
    store = SQLiteStore(path)
    with pytest.raises(StoreError, match="applause_seconds"):
        await store.open()
    await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(2,)]
    assert (
        raw_query(path, "SELECT name FROM sqlite_master WHERE name IN ('moods', 'mood_log')") == []
    )


async def test_applause_is_stored_per_whole_second(file_store: SQLiteStore, tmp_path: Path) -> None:
    await setup_event(file_store)
    await file_store.record_applause("r1", [(T0 + timedelta(microseconds=999_999), 0.5)])
    await file_store.record_applause("r1", [(T0, 0.25)])
    assert raw_query(tmp_path / "live.db", "SELECT * FROM applause_seconds") == [
        ("r1", _T0_ISO, 0.5)
    ]


async def test_refused_mood_jobs_do_not_take_their_batch_down(file_store: SQLiteStore) -> None:
    """A mood for an unknown room fails alone (its request id is not kept); the moods and the
    applause batched with it are committed in the same transaction."""
    await setup_event(file_store)
    before = file_store.commits
    async with writer_held(file_store):
        tasks = [
            asyncio.create_task(file_store.set_mood("r1", "u1", 3, "m-1", T0)),
            asyncio.create_task(file_store.set_mood("nope", "u2", 3, "m-2", T0)),
            asyncio.create_task(file_store.record_applause("r1", [(T0, 0.5)])),
            asyncio.create_task(file_store.set_mood("r1", "u3", 5, "m-3", T0)),
        ]
        await asyncio.sleep(0)  # let every task enqueue its job behind the held one
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert file_store.commits - before == 2  # the holder's batch, then all four together
    assert results[0] == VoteOutcome(True, 2)
    assert isinstance(results[1], StoreError)
    assert results[2] is None
    assert results[3] == VoteOutcome(True, 3)
    assert sorted(await file_store.mood_values("r1")) == [3, 5]
    assert await file_store.applause_timeline("r1") == [(T0, 0.5)]
    assert await file_store.request_seen("u2", "m-2") is False


# --- event program: migration from schema version 3 ---------------------------------------

# The DDL of schema version 3 (the mood release), verbatim from sqlite_schema.py before the
# event program: version 2's tables, then the three of the mood barometer.
V3_DDL: tuple[str, ...] = (
    *V2_DDL,
    """
    CREATE TABLE moods (
        room_id        TEXT NOT NULL REFERENCES rooms (id),
        participant_id TEXT NOT NULL,
        value          INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
        updated_at     TEXT NOT NULL,
        PRIMARY KEY (room_id, participant_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE mood_log (
        room_id        TEXT NOT NULL REFERENCES rooms (id),
        at             TEXT NOT NULL,
        participant_id TEXT NOT NULL,
        value          INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5)
    )
    """,
    "CREATE INDEX mood_log_by_room ON mood_log (room_id, at)",
    """
    CREATE TABLE applause_seconds (
        room_id TEXT NOT NULL REFERENCES rooms (id),
        second  TEXT NOT NULL,
        level   REAL NOT NULL,
        PRIMARY KEY (room_id, second)
    ) WITHOUT ROWID
    """,
)


def make_v3_database(path: Path, *extra_ddl: str) -> None:
    """A live.db as the mood release leaves it: event KONF25 with rooms r1 (version 9, showing
    the open poll p1 and highlighting the approved question q1) and r2; participant u1 with a
    vote in p1, an upvote on q1, a mood and applied request ids; a mood log entry and one
    second of applause in r1."""
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for statement in (*V3_DDL, *extra_ddl):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version (id, version) VALUES (1, 3)")
        conn.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, 0, 1)", (CODE, "Konferenz", _T0_ISO, "m" * 64)
        )
        conn.execute("INSERT INTO rooms VALUES ('r1', ?, 'Saal r1', 0, NULL, 9, NULL)", (CODE,))
        conn.execute("INSERT INTO rooms VALUES ('r2', ?, 'Saal r2', 1, NULL, 1, NULL)", (CODE,))
        conn.execute("INSERT INTO participants VALUES (?, 'u1', 'hash-1')", (CODE,))
        conn.execute(
            "INSERT INTO polls VALUES ('p1', ?, 'r1', 'Frage p1?', 'single',"
            " '[\"Ja\",\"Nein\",\"Egal\"]', NULL, NULL, 'open', 'live', ?, ?, NULL)",
            (CODE, _T0_ISO, _T1_ISO),
        )
        conn.execute("INSERT INTO votes VALUES ('p1', 'u1', '{\"choices\":[1]}', ?)", (_T1_ISO,))
        conn.execute(
            "INSERT INTO questions VALUES ('q1', ?, 'r1', 'u1', 'Frage q1?', NULL, 'approved',"
            " NULL, ?)",
            (CODE, _T0_ISO),
        )
        conn.execute("INSERT INTO upvotes VALUES ('q1', 'u1')")
        conn.execute(
            "UPDATE rooms SET screen_poll_id = 'p1', highlighted_question_id = 'q1' WHERE id = 'r1'"
        )
        conn.execute("INSERT INTO vote_requests VALUES ('u1', 'req-1', 'p1', ?)", (_T1_ISO,))
        conn.execute("INSERT INTO vote_requests VALUES ('u1', 'mood-1', 'r1', ?)", (_T1_ISO,))
        conn.execute("INSERT INTO moods VALUES ('r1', 'u1', 4, ?)", (_T1_ISO,))
        conn.execute("INSERT INTO mood_log VALUES ('r1', ?, 'u1', 4)", (_T1_ISO,))
        conn.execute("INSERT INTO applause_seconds VALUES ('r1', ?, 0.75)", (_T0_ISO,))


async def test_a_version_3_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v3_database(path)
    store = SQLiteStore(path)
    await store.open()
    try:
        # Everything of the mood release is still there; the new fields have their defaults.
        event = await store.get_event(CODE)
        assert event == replace(make_event(), questions_need_approval=False)
        assert event is not None and event.starts_on is None and event.ends_on is None
        assert event.last_day == T0.date()
        r1 = replace(make_room("r1"), screen_poll_id="p1", highlighted_question_id="q1")
        assert await store.list_rooms(CODE) == [r1, make_room("r2", position=1)]
        assert r1.screen_mode == "auto" and r1.moderator_token_hash is None
        poll = await store.get_poll("p1")
        assert poll is not None and poll.agenda_item_id is None and poll.state == "open"
        assert (await store.tally(poll)).counts == (0, 1, 0)
        question = await store.get_question("q1")
        assert question is not None and question.upvotes == 1
        assert await store.request_seen("u1", "req-1") is True
        assert await store.mood_values("r1") == [4]
        assert await store.mood_log("r1") == [(T0 + timedelta(minutes=1), "u1", 4)]
        assert await store.applause_timeline("r1") == [(T0, 0.75)]
        assert await store.participant_count(CODE) == 1
        assert await store.room_version("r1") == 9
        # And the event program works on the migrated database.
        day = T0.date()
        assert await store.update_event(CODE, title="Tagung", starts_on=day, ends_on=day) == [
            ("r1", 10),
            ("r2", 2),
        ]
        assert await store.set_screen_mode("r1", "slide", None) == 11
        assert await store.get_room("r1") == replace(
            r1, screen_mode="slide", highlighted_question_id=None
        )
        await store.set_room_token("r2", "t" * 64)
        item = make_agenda_item("a1", "r2")
        await store.add_agenda_item(item)
        assert await store.add_poll(replace(make_poll("p2", "r2"), agenda_item_id="a1")) == 3
        assert await store.list_agenda(CODE) == [item]
        assert await store.events_ended_before(day + timedelta(days=1)) == [CODE]
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 16
    assert raw_query(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_query(path, "PRAGMA foreign_key_check") == []
    again = SQLiteStore(path)
    await again.open()
    try:
        room = await again.get_room("r2")
        assert room is not None and room.moderator_token_hash == "t" * 64
        # Deleting the migrated event leaves no row behind in any table.
        assert await again.delete_event(CODE) == ["r1", "r2"]
    finally:
        await again.close()
    for (table,) in raw_query(
        path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'schema_version'"
    ):
        assert raw_query(path, f"SELECT count(*) FROM {table}") == [(0,)], table


async def test_a_version_3_database_has_the_schema_of_a_fresh_one(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v3_database(migrated)
    for path in (migrated, fresh):
        store = SQLiteStore(path)
        await store.open()
        await store.close()
    assert schema_shape(migrated) == schema_shape(fresh)
    shape = schema_shape(fresh)
    assert "agenda_items" in shape
    polls = shape["polls"]
    assert isinstance(polls, dict)
    assert ("polls_by_agenda_item", 0, "c", 0, ("agenda_item_id",)) in polls["indexes"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE rooms SET screen_mode = 'disco'",
        "UPDATE rooms SET screen_mode = NULL",
        "UPDATE polls SET agenda_item_id = 'no-such-item'",
        "INSERT INTO agenda_items VALUES ('a9', 'KONF25', 'no-such-room', 't', NULL, 's', 'e')",
        "INSERT INTO agenda_items VALUES ('a9', 'NOPE', 'r1', 't', NULL, 's', 'e')",
        "INSERT INTO agenda_items VALUES ('a9', 'KONF25', 'r1', NULL, NULL, 's', 'e')",
        "INSERT INTO agenda_items VALUES ('a9', 'KONF25', 'r1', 't', NULL, NULL, 'e')",
    ],
)
async def test_a_version_3_database_gets_the_constraints_of_a_fresh_one(
    tmp_path: Path, statement: str
) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v3_database(migrated)
    fresh_store = SQLiteStore(fresh)
    await fresh_store.open()
    await setup_event(fresh_store, "r1")
    await fresh_store.add_poll(make_poll("p1"))
    await fresh_store.close()
    migrated_store = SQLiteStore(migrated)
    await migrated_store.open()
    await migrated_store.close()
    for path in (migrated, fresh):
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA foreign_keys = ON")
            with pytest.raises(sqlite3.IntegrityError), conn:
                conn.execute(statement)


async def test_a_failed_migration_leaves_the_version_3_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    # A table in the way of CREATE TABLE agenda_items, after all the ALTER TABLEs: none of
    # them may be kept.
    make_v3_database(path, "CREATE TABLE agenda_items (x)")
    store = SQLiteStore(path)
    with pytest.raises(StoreError, match="agenda_items"):
        await store.open()
    await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(3,)]
    assert "starts_on" not in [c[1] for c in raw_query(path, "PRAGMA table_info(events)")]
    assert "screen_mode" not in [c[1] for c in raw_query(path, "PRAGMA table_info(rooms)")]
    assert "agenda_item_id" not in [c[1] for c in raw_query(path, "PRAGMA table_info(polls)")]


# --- branding: migration from schema version 4 ---------------------------------------------


def make_v4_database(path: Path, *extra_ddl: str) -> None:
    """A live.db as the event program release leaves it: the version 3 database of
    make_v3_database migrated by that release's own step (_MIGRATIONS[3], which never changes),
    with the event's first day and a room link set."""
    make_v3_database(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for statement in (*_MIGRATIONS[3], *extra_ddl):
            conn.execute(statement)
        conn.execute("UPDATE schema_version SET version = 4")
        conn.execute("UPDATE events SET starts_on = '2025-05-06'")
        conn.execute("UPDATE rooms SET moderator_token_hash = 't' WHERE id = 'r2'")


async def test_a_version_4_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v4_database(path)
    store = SQLiteStore(path)
    await store.open()
    try:
        # The event program's data is still there; the brand is unset.
        event = await store.get_event(CODE)
        assert event == replace(
            make_event(), questions_need_approval=False, starts_on=date(2025, 5, 6)
        )
        assert event is not None and event.brand_color is None and event.logo_version is None
        assert await store.get_logo(CODE) is None
        room = await store.get_room("r2")
        assert room is not None and room.moderator_token_hash == "t"
        assert await store.room_version("r1") == 9
        # And branding works on the migrated database.
        logo = Logo("image/png", b"\x89PNG bytes", "v" * 16)
        await store.set_brand_color(CODE, "#1e6b34")
        await store.set_logo(CODE, logo)
        assert await store.get_logo(CODE) == logo
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 16
    assert raw_query(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_query(path, "PRAGMA foreign_key_check") == []
    again = SQLiteStore(path)
    await again.open()
    try:
        event = await again.get_event(CODE)
        assert event is not None and event.brand_color == "#1e6b34"
        assert event.logo_version == "v" * 16
        # Deleting the migrated event leaves no row behind in any table, the logo's neither.
        assert await again.delete_event(CODE) == ["r1", "r2"]
    finally:
        await again.close()
    for (table,) in raw_query(
        path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'schema_version'"
    ):
        assert raw_query(path, f"SELECT count(*) FROM {table}") == [(0,)], table


async def test_a_version_4_database_has_the_schema_of_a_fresh_one(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v4_database(migrated)
    for path in (migrated, fresh):
        store = SQLiteStore(path)
        await store.open()
        await store.close()
    assert schema_shape(migrated) == schema_shape(fresh)
    shape = schema_shape(fresh)
    logos = shape["event_logos"]
    assert isinstance(logos, dict) and logos["without_rowid"] is False


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO event_logos VALUES ('NOPE', 'image/png', x'00')",
        "INSERT INTO event_logos VALUES ('KONF25', 'image/gif', x'00')",
        "INSERT INTO event_logos VALUES ('KONF25', 'image/png', NULL)",
    ],
)
async def test_a_version_4_database_gets_the_constraints_of_a_fresh_one(
    tmp_path: Path, statement: str
) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v4_database(migrated)
    fresh_store = SQLiteStore(fresh)
    await fresh_store.open()
    await setup_event(fresh_store, "r1")
    await fresh_store.close()
    migrated_store = SQLiteStore(migrated)
    await migrated_store.open()
    await migrated_store.close()
    for path in (migrated, fresh):
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA foreign_keys = ON")
            with pytest.raises(sqlite3.IntegrityError), conn:
                conn.execute(statement)


async def test_a_failed_migration_leaves_the_version_4_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    # A table in the way of CREATE TABLE event_logos, after the ALTER TABLEs.
    make_v4_database(path, "CREATE TABLE event_logos (x)")
    store = SQLiteStore(path)
    with pytest.raises(StoreError, match="event_logos"):
        await store.open()
    await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(4,)]
    assert "brand_color" not in [c[1] for c in raw_query(path, "PRAGMA table_info(events)")]


async def test_delete_event_is_one_transaction(file_store: SQLiteStore) -> None:
    """A delete batched with votes of the same event: the votes before it are deleted with it,
    those after it fail alone (unknown poll); the other event is untouched."""
    await setup_event(file_store)
    await add_open_poll(file_store, make_poll("p1"))
    await file_store.create_event(make_event("OTHER"), [make_room("o1", event_code="OTHER")])
    before = file_store.commits
    async with writer_held(file_store):
        tasks = [
            asyncio.create_task(file_store.cast_vote("p1", "u1", Ballot(choices=(0,)), "a")),
            asyncio.create_task(file_store.delete_event(CODE)),
            asyncio.create_task(file_store.cast_vote("p1", "u2", Ballot(choices=(1,)), "b")),
        ]
        await asyncio.sleep(0)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert file_store.commits - before == 2
    assert results[0] == VoteOutcome(True, 4)
    assert results[1] == ["r1"]
    assert isinstance(results[2], StoreError)
    assert await file_store.request_seen("u1", "a") is False
    assert await file_store.ballots(["p1"]) == {"p1": {}}
    assert await file_store.get_room("o1") == make_room("o1", event_code="OTHER")
