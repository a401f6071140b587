"""SQLite: the migration from schema version 6 (issue 19) to 7 (issue 21: participants'
creation time, the poll option joined_before_only, the event's join-code secret)."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from live.domain.models import Ballot
from live.store import JoinedAfterOpening, StoreError
from live.store.sqlite import SQLiteStore
from live.store.sqlite_schema import _MIGRATIONS, SCHEMA_VERSION
from tests.store.test_contract import CODE, T0
from tests.store.test_sqlite import raw_query, schema_shape
from tests.store.test_sqlite_schema_v6 import make_v5_database


def make_v6_database(path: Path, *extra_ddl: str) -> None:
    """A live.db as issue 19's release leaves it: make_v5_database's event (rooms r1 and r2,
    the open polls p1 and t1 in r1) with a participant u1, migrated by that release's own step
    (_MIGRATIONS[5], which never changes)."""
    make_v5_database(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for statement in (*_MIGRATIONS[5], *extra_ddl):
            conn.execute(statement)
        conn.execute(
            "INSERT OR IGNORE INTO participants (event_code, participant_id, token_hash)"
            " VALUES (?, 'u-old', 'hash-old')",
            (CODE,),
        )
        conn.execute("UPDATE schema_version SET version = 6")


async def test_a_version_6_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v6_database(path)
    store = SQLiteStore(path)
    await store.open()
    try:
        event = await store.get_event(CODE)
        assert event is not None and event.join_code_secret is None
        polls = await store.list_polls("r1")
        assert [(p.id, p.joined_before_only) for p in polls] == [("p1", False), ("t1", False)]
        # Switched on for an open poll: the identity of before (no creation time) counts as
        # joined before; a new one made after the opening is refused.
        p1 = polls[0]
        assert p1.opened_at is not None
        await store.update_poll(replace(p1, joined_before_only=True))
        assert (await store.cast_vote("p1", "u-old", Ballot(choices=(0,)), None)).applied
        await store.add_participant(CODE, "u-new", "hash-new", p1.opened_at + timedelta(hours=1))
        with pytest.raises(JoinedAfterOpening):
            await store.cast_vote("p1", "u-new", Ballot(choices=(0,)), None)
        await store.set_join_code_secret(CODE, "secret")
        assert (await store.get_event(CODE)).join_code_secret == "secret"  # type: ignore[union-attr]
        assert await store.voters_created_since("p1", T0 - timedelta(days=1)) == []
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 16
    assert raw_query(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_query(path, "PRAGMA foreign_key_check") == []


async def test_a_version_6_database_has_the_schema_of_a_fresh_one(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v6_database(migrated)
    for path in (migrated, fresh):
        store = SQLiteStore(path)
        await store.open()
        await store.close()
    assert schema_shape(migrated) == schema_shape(fresh)


async def test_a_failed_migration_leaves_the_version_6_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    # A column in the way of the ALTER TABLE: the migration fails and keeps nothing.
    make_v6_database(path, "ALTER TABLE polls ADD COLUMN joined_before_only TEXT")
    store = SQLiteStore(path)
    with pytest.raises(StoreError, match="joined_before_only"):
        await store.open()
    await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(6,)]
    assert raw_query(path, "SELECT name FROM pragma_table_info('events')")[-1] == ("logo_version",)
