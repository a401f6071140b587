"""SQLite: the migration from schema version 8 (issue 24's poll kinds) to 9 (issue 23: the room
setting applause_via_stream, "Applaus kommt über den Stream")."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from live.store import StoreError
from live.store.sqlite import SQLiteStore
from live.store.sqlite_schema import _MIGRATIONS, SCHEMA_VERSION
from tests.store.test_contract import CODE
from tests.store.test_sqlite import raw_query, schema_shape
from tests.store.test_sqlite_schema_v8 import make_v7_database


def make_v8_database(path: Path, *extra_ddl: str) -> None:
    """A live.db as issue 24's poll kinds leave it: make_v7_database's event (rooms r1 and r2)
    migrated by that release's own step (_MIGRATIONS[7], which never changes)."""
    make_v7_database(path)
    # One explicit transaction, as the store migrates: step 7 rebuilds polls with its foreign
    # keys deferred to the commit (sqlite3's implicit transactions would commit each DDL alone).
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN")
        for statement in (*_MIGRATIONS[7], *extra_ddl):
            conn.execute(statement)
        conn.execute("UPDATE schema_version SET version = 8")
        conn.execute("COMMIT")


async def test_a_version_8_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v8_database(path)
    store = SQLiteStore(path)
    await store.open()
    try:
        rooms = await store.list_rooms(CODE)
        # Rooms of before: the devices play the applause, as they did.
        assert [(r.id, r.applause_via_stream) for r in rooms] == [("r1", False), ("r2", False)]
        version = rooms[1].id and await store.set_applause_via_stream("r2", True)
        assert isinstance(version, int)
        assert [r.applause_via_stream for r in await store.list_rooms(CODE)] == [False, True]
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 16
    assert raw_query(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_query(path, "PRAGMA foreign_key_check") == []


async def test_a_version_8_database_has_the_schema_of_a_fresh_one(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v8_database(migrated)
    for path in (migrated, fresh):
        store = SQLiteStore(path)
        await store.open()
        await store.close()
    assert schema_shape(migrated) == schema_shape(fresh)


async def test_a_failed_migration_leaves_the_version_8_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    # A column in the way of the ALTER TABLE: the migration fails and keeps nothing.
    make_v8_database(path, "ALTER TABLE rooms ADD COLUMN applause_via_stream TEXT")
    store = SQLiteStore(path)
    with pytest.raises(StoreError, match="applause_via_stream"):
        await store.open()
    await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(8,)]
