"""SQLite: the migration from schema version 12 to 13 (issue 24: a room's countdown), which adds
three nullable room columns: the rooms of a running event keep everything and have no
countdown."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from live.domain.models import Countdown
from live.store.sqlite import SQLiteStore
from live.store.sqlite_schema import _MIGRATIONS, SCHEMA_VERSION
from tests.store.test_sqlite import raw_query
from tests.store.test_sqlite_schema_v10 import make_v9_database


def make_v12_database(path: Path) -> None:
    """make_v9_database's event, migrated by the steps of issue 24 before the countdown
    (_MIGRATIONS[9] to [11]: blocklist, panel Q&A, pace feedback)."""
    make_v9_database(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        for step in (9, 10, 11):
            for statement in _MIGRATIONS[step]:
                conn.execute(statement)
        conn.execute("UPDATE schema_version SET version = 12")


async def test_a_version_12_database_gets_rooms_without_a_countdown(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v12_database(path)
    rooms_before = raw_query(path, "SELECT * FROM rooms ORDER BY id")
    store = SQLiteStore(path)
    await store.open()
    try:
        room = await store.get_room("r1")
        assert room is not None and room.countdown is None
        assert room.screen_poll_id == "t1"
        running = Countdown("Pause", ends_at=datetime(2026, 3, 4, 14, 30, tzinfo=UTC))
        await store.set_countdown("r1", running)
        room = await store.get_room("r1")
        assert room is not None and room.countdown == running
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 16
    after = raw_query(path, "SELECT * FROM rooms ORDER BY id")
    # Every room kept as it was, besides the version bump of r1, with three columns appended
    # (and version 14's ideas_open after them, off, and version 15's forum columns, unset).
    assert [row[:-6] for row in after if row[0] != "r1"] == [
        row for row in rooms_before if row[0] != "r1"
    ]
    assert [row[-6:] for row in after if row[0] != "r1"] == [(None, None, None, 0, None, None)]
