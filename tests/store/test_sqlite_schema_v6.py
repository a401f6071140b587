"""SQLite: the migration from schema version 5 (issue 17) to 6 (issue 19: the room setting
parallel_polls)."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from live.store import StoreError
from live.store.sqlite import SQLiteStore
from live.store.sqlite_schema import _MIGRATIONS, SCHEMA_VERSION
from tests.store.test_contract import CODE, T0, make_poll, make_room, setup_event
from tests.store.test_sqlite import raw_query, schema_shape
from tests.store.test_sqlite_schema_v5 import make_v4_database


def make_v5_database(path: Path, *extra_ddl: str) -> None:
    """A live.db as issue 17's release leaves it: make_v4_database's event (rooms r1 and r2,
    the open polls p1 and t1 in r1) migrated by that release's own step (_MIGRATIONS[4], which
    never changes)."""
    make_v4_database(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for statement in (*_MIGRATIONS[4], *extra_ddl):
            conn.execute(statement)
        conn.execute("UPDATE schema_version SET version = 5")


async def test_a_version_5_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v5_database(path)
    store = SQLiteStore(path)
    await store.open()
    try:
        rooms = await store.list_rooms(CODE)
        # Rooms of before allow one open poll, like new ones.
        assert [(r.id, r.parallel_polls) for r in rooms] == [("r1", False), ("r2", False)]
        # Both polls of r1 were open before the rule: they stay open until the next opening.
        polls = await store.list_polls("r1")
        assert [(p.id, p.state) for p in polls] == [("p1", "open"), ("t1", "open")]
        await store.add_poll(make_poll("p2", created_at=T0 + timedelta(hours=1)))
        opened = replace(
            make_poll("p2"), state="open", opened_at=T0 + timedelta(hours=2), closed_at=None
        )
        assert (await store.open_poll(opened)).closed == ("p1", "t1")
        await store.set_parallel_polls("r2", True)
        assert [r.parallel_polls for r in await store.list_rooms(CODE)] == [False, True]
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 16
    assert raw_query(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_query(path, "PRAGMA foreign_key_check") == []


async def test_a_version_5_database_has_the_schema_of_a_fresh_one(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v5_database(migrated)
    for path in (migrated, fresh):
        store = SQLiteStore(path)
        await store.open()
        await store.close()
    assert schema_shape(migrated) == schema_shape(fresh)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE rooms SET parallel_polls = 2", "UPDATE rooms SET parallel_polls = NULL"],
)
async def test_a_version_5_database_gets_the_constraints_of_a_fresh_one(
    tmp_path: Path, statement: str
) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v5_database(migrated)
    fresh_store = SQLiteStore(fresh)
    await fresh_store.open()
    await setup_event(fresh_store, "r1")
    await fresh_store.close()
    migrated_store = SQLiteStore(migrated)
    await migrated_store.open()
    await migrated_store.close()
    for path in (migrated, fresh):
        with (
            contextlib.closing(sqlite3.connect(path)) as conn,
            pytest.raises(sqlite3.IntegrityError),
            conn,
        ):
            conn.execute(statement)


async def test_a_failed_migration_leaves_the_version_5_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    # A column in the way of the ALTER TABLE: the migration fails and keeps nothing.
    make_v5_database(path, "ALTER TABLE rooms ADD COLUMN parallel_polls TEXT")
    store = SQLiteStore(path)
    with pytest.raises(StoreError, match="parallel_polls"):
        await store.open()
    await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(5,)]


def test_a_new_room_allows_one_open_poll() -> None:
    assert make_room("r1").parallel_polls is False
