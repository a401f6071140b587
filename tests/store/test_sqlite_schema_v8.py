"""SQLite: the migration from schema version 7 (issue 21) to 8 (issue 24: the poll kinds
ranking and points, their settings and the scale's end labels), which rebuilds polls while
votes, poll_hidden and rooms.screen_poll_id point at it."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from live.domain.models import Ballot
from live.store import StoreError
from live.store.sqlite import SQLiteStore
from live.store.sqlite_schema import _MIGRATIONS, SCHEMA_VERSION
from tests.store.test_contract import make_poll
from tests.store.test_sqlite import raw_query, schema_shape
from tests.store.test_sqlite_schema_v7 import make_v6_database


def make_v7_database(path: Path, *extra_ddl: str) -> None:
    """A live.db as issue 21's release leaves it: make_v6_database's event (rooms r1 and r2,
    the open polls p1 and t1 in r1, the projector of r1 on t1) with a vote in each poll and a
    hidden word in t1, migrated by that release's own step (_MIGRATIONS[6])."""
    make_v6_database(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for statement in (*_MIGRATIONS[6], *extra_ddl):
            conn.execute(statement)
        conn.execute(
            "INSERT OR REPLACE INTO votes VALUES ('p1', 'u-old', '{\"choices\":[1]}', 't')"
        )
        conn.execute(
            "INSERT OR REPLACE INTO votes VALUES ('t1', 'u-old', '{\"texts\":[\"Zeit\"]}', 't')"
        )
        conn.execute("INSERT OR IGNORE INTO poll_hidden VALUES ('t1', 'word', 'geld', 'Geld')")
        conn.execute("UPDATE rooms SET screen_poll_id = 't1' WHERE id = 'r1'")
        conn.execute("UPDATE schema_version SET version = 7")


def counts(path: Path) -> dict[str, Any]:
    return {
        table: raw_query(path, f"SELECT * FROM {table} ORDER BY 1, 2")
        for table in ("votes", "poll_hidden")
    } | {"screen": raw_query(path, "SELECT id, screen_poll_id FROM rooms ORDER BY id")}


async def test_a_version_7_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v7_database(path)
    before = counts(path)
    polls_before = raw_query(path, "SELECT * FROM polls ORDER BY id")
    store = SQLiteStore(path)
    await store.open()
    try:
        polls = await store.list_polls("r1")
        assert [(p.id, p.max_ranked, p.budget, p.scale_min_label) for p in polls] == [
            ("p1", None, None, None),
            ("t1", None, None, None),
        ]
        assert polls[1].hidden_words == ("Geld",)
        # The new kinds are allowed now, with their settings.
        ranking = replace(make_poll("k", kind="ranking", options=("A", "B")), max_ranked=2)
        await store.add_poll(ranking)
        assert await store.get_poll("k") == ranking
        # The old polls still take votes (the foreign keys point at the new table).
        opened = polls[0]
        assert (await store.cast_vote(opened.id, "u2", Ballot(choices=(0,)), None)).applied
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 16
    assert raw_query(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_query(path, "PRAGMA foreign_key_check") == []
    # Every row of polls kept with its values (the four new columns appended as NULL, and
    # version 14's survey_id after them).
    after = raw_query(path, "SELECT * FROM polls WHERE id != 'k' ORDER BY id")
    assert [row[:-5] for row in after] == polls_before
    assert all(row[-5:] == (None, None, None, None, None) for row in after)
    moved = counts(path)
    assert moved["poll_hidden"] == before["poll_hidden"]
    assert moved["screen"] == before["screen"] == [("r1", "t1"), ("r2", None)]
    assert raw_query(path, "SELECT name FROM sqlite_master WHERE name = 'polls_new'") == []


async def test_the_rebuilt_polls_still_guard_their_children(tmp_path: Path) -> None:
    """The foreign keys of votes, poll_hidden and rooms point at the new polls table (not at
    a renamed old one), and its own constraints hold."""
    path = tmp_path / "live.db"
    make_v7_database(path)
    store = SQLiteStore(path)
    await store.open()
    await store.close()
    for statement in (
        "INSERT INTO votes VALUES ('no-such-poll', 'u', '{}', 't')",
        "INSERT INTO poll_hidden VALUES ('no-such-poll', 'word', 'x', 'x')",
        "UPDATE rooms SET screen_poll_id = 'p1' WHERE id = 'r2'",  # a poll of another room
        "DELETE FROM polls WHERE id = 'p1'",  # it has votes
        "UPDATE polls SET kind = 'survey' WHERE id = 'p1'",
        "UPDATE polls SET budget = 0 WHERE id = 'p1'",
    ):
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA foreign_keys = ON")
            with pytest.raises(sqlite3.IntegrityError), conn:
                conn.execute(statement)
    sql = str(raw_query(path, "SELECT sql FROM sqlite_master WHERE name = 'rooms'")[0][0])
    assert "REFERENCES polls (id, room_id)" in sql


async def test_a_version_7_database_has_the_schema_of_a_fresh_one(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v7_database(migrated)
    for path in (migrated, fresh):
        store = SQLiteStore(path)
        await store.open()
        await store.close()
    assert schema_shape(migrated) == schema_shape(fresh)


async def test_a_failed_migration_leaves_the_version_7_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    # A table in the way of the rebuild: the migration fails and keeps nothing.
    make_v7_database(path, "CREATE TABLE polls_new (x)")
    polls_before = raw_query(path, "SELECT * FROM polls ORDER BY id")
    store = SQLiteStore(path)
    with pytest.raises(StoreError, match="polls_new"):
        await store.open()
    await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(7,)]
    assert raw_query(path, "SELECT * FROM polls ORDER BY id") == polls_before
    assert raw_query(path, "SELECT name FROM pragma_table_info('polls')")[-1] == (
        "joined_before_only",
    )
    assert raw_query(path, "PRAGMA foreign_key_check") == []
