"""SQLite: the migration from schema version 14 to 15 (issue 24: the forums' results), which
adds two nullable room columns and widens rooms.screen_mode's CHECK to 'forums' in place: the
rooms of a running event keep everything, take part by default, and their projector can show
the roll-up."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from live.domain.models import Countdown
from live.store.sqlite import SQLiteStore
from live.store.sqlite_schema import _MIGRATION_JOBS, _MIGRATIONS, SCHEMA_VERSION
from tests.store.test_sqlite import raw_query
from tests.store.test_sqlite_schema_v14 import make_v13_database


def make_v14_database(path: Path) -> None:
    """make_v13_database's event, migrated by version 14's step (the idea board), with a
    countdown and the board open in r1."""
    make_v13_database(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        for statement in _MIGRATIONS[13]:
            conn.execute(statement)
        _MIGRATION_JOBS[13](conn)
        conn.execute(
            "UPDATE rooms SET countdown_label = 'Pause', countdown_left_ms = 5000,"
            " ideas_open = 1, screen_mode = 'ideas' WHERE id = 'r1'"
        )
        conn.execute("UPDATE schema_version SET version = 14")


async def test_a_version_14_database_gets_rooms_with_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v14_database(path)
    with pytest.raises(sqlite3.IntegrityError):
        raw_query(path, "UPDATE rooms SET screen_mode = 'forums'")
    rooms_before = raw_query(path, "SELECT * FROM rooms ORDER BY id")
    store = SQLiteStore(path)
    await store.open()
    try:
        room = await store.get_room("r1")
        assert room is not None
        assert room.countdown == Countdown("Pause", left_ms=5000)
        assert room.ideas_open and room.screen_mode == "ideas"
        assert room.forum_shown is None and room.forum_poll_id is None
        # The new screen mode passes the widened CHECK, and the new columns take values.
        await store.set_screen_mode("r1", "forums", None)
        await store.set_forum_results("r1", False, "t1")
        room = await store.get_room("r1")
        assert room is not None and room.screen_mode == "forums"
        assert (room.forum_shown, room.forum_poll_id) == (False, "t1")
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 16
    after = raw_query(path, "SELECT * FROM rooms ORDER BY id")
    # Every other room kept as it was, with two columns appended.
    assert [row[:-2] for row in after if row[0] != "r1"] == [
        row for row in rooms_before if row[0] != "r1"
    ]
    assert [row[-2:] for row in after if row[0] != "r1"] == [(None, None)] * (len(after) - 1)
    assert raw_query(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_query(path, "PRAGMA foreign_key_check") == []
