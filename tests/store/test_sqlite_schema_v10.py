"""SQLite: the migration from schema version 9 to 10 (issue 24: the blocklist's switch on
events and the table event_blocklist)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from live.store.sqlite import SQLiteStore
from live.store.sqlite_schema import _MIGRATIONS, SCHEMA_VERSION
from tests.store.test_contract import CODE
from tests.store.test_sqlite import raw_query, schema_shape
from tests.store.test_sqlite_schema_v9 import make_v8_database


def make_v9_database(path: Path) -> None:
    """make_v8_database's event, migrated by issue 23's step (_MIGRATIONS[8])."""
    make_v8_database(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        for statement in _MIGRATIONS[8]:
            conn.execute(statement)
        conn.execute("UPDATE schema_version SET version = 9")


async def test_a_version_9_event_keeps_the_default_list_on(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v9_database(path)
    events_before = raw_query(path, "SELECT * FROM events")
    store = SQLiteStore(path)
    await store.open()
    try:
        event = await store.get_event(CODE)
        assert event is not None
        assert event.blocklist_default is True and event.blocklist_added == ()
        await store.set_blocklist_entry(CODE, "added", "wort", "Wort", True)
        event = await store.get_event(CODE)
        assert event is not None and event.blocklist_added == ("Wort",)
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    # The columns of before keep their values; the new ones (blocklist_default, and
    # question_labels of the version after) come after them.
    width = len(events_before[0])
    assert [row[:width] for row in raw_query(path, "SELECT * FROM events")] == events_before
    assert raw_query(path, "PRAGMA foreign_key_check") == []


async def test_a_version_9_database_has_the_schema_of_a_fresh_one(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    make_v9_database(migrated)
    for path in (migrated, fresh):
        store = SQLiteStore(path)
        await store.open()
        await store.close()
    assert schema_shape(migrated) == schema_shape(fresh)
