"""SQLite: the migration to schema version 15 (issue 24: the forums' results), which rebuilds
rooms for the screen mode 'forums' and adds two nullable room columns: the rooms of a running
event keep everything, take part by default, and their projector can show the roll-up."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from live.domain.models import Countdown
from live.store.sqlite import SQLiteStore
from live.store.sqlite_schema import _MIGRATIONS, SCHEMA_VERSION
from tests.store.test_sqlite import raw_query
from tests.store.test_sqlite_schema_v13 import make_v12_database


def make_v14_database(path: Path) -> None:
    """make_v12_database's event, migrated to version 14 (the countdown and the idea board),
    with a countdown in r1."""
    make_v12_database(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        for step in (12, 13):
            for statement in _MIGRATIONS[step]:
                conn.execute(statement)
        conn.execute(
            "UPDATE rooms SET countdown_label = 'Pause', countdown_left_ms = 5000 WHERE id = 'r1'"
        )
        conn.execute("UPDATE schema_version SET version = 14")


async def test_a_version_14_database_gets_rooms_with_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v14_database(path)
    rooms_before = raw_query(path, "SELECT * FROM rooms ORDER BY id")
    store = SQLiteStore(path)
    await store.open()
    try:
        room = await store.get_room("r1")
        assert room is not None
        assert room.countdown == Countdown("Pause", left_ms=5000)
        assert room.screen_poll_id == "t1"
        assert room.forum_shown is None and room.forum_poll_id is None
        # The new screen mode passes the rebuilt CHECK, and the new columns take values.
        await store.set_screen_mode("r1", "forums", None)
        await store.set_forum_results("r1", False, "t1")
        room = await store.get_room("r1")
        assert room is not None and room.screen_mode == "forums"
        assert (room.forum_shown, room.forum_poll_id) == (False, "t1")
        # Polls still find their room (the foreign keys survived the rebuild).
        assert [p.id for p in await store.list_polls("r1")]
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 15
    assert raw_query(path, "PRAGMA foreign_key_check") == []
    after = raw_query(path, "SELECT * FROM rooms ORDER BY id")
    # Every other room kept as it was, with two columns appended.
    assert [row[:-2] for row in after if row[0] != "r1"] == [
        row for row in rooms_before if row[0] != "r1"
    ]
    assert [row[-2:] for row in after if row[0] != "r1"] == [(None, None)] * (len(after) - 1)
