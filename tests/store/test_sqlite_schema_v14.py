"""SQLite: the migration from schema version 13 to 14 (issue 24: the idea board), which adds
rooms.ideas_open, the tables ideas and idea_upvotes, and widens rooms.screen_mode's CHECK to
'ideas' in place: the rooms of a running event keep everything, their board is off, and the
projector can show the board."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from live.domain.models import Idea
from live.store.sqlite import SQLiteStore
from live.store.sqlite_schema import _MIGRATIONS, SCHEMA_VERSION
from tests.store.test_sqlite import raw_query
from tests.store.test_sqlite_schema_v13 import make_v12_database

NOW = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)


def make_v13_database(path: Path) -> None:
    """make_v12_database's event, migrated by version 13's step (the countdown)."""
    make_v12_database(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        for statement in _MIGRATIONS[12]:
            conn.execute(statement)
        conn.execute("UPDATE schema_version SET version = 13")


async def test_a_version_13_database_gets_rooms_with_the_board_off(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v13_database(path)
    with pytest.raises(sqlite3.IntegrityError):
        raw_query(path, "UPDATE rooms SET screen_mode = 'ideas'")
    rooms_before = raw_query(path, "SELECT * FROM rooms ORDER BY id")
    store = SQLiteStore(path)
    await store.open()
    try:
        room = await store.get_room("r1")
        assert room is not None and room.ideas_open is False
        await store.set_ideas_open("r1", True)
        await store.set_screen_mode("r1", "ideas", None)
        idea = Idea("i1", "KONF25", "r1", "u1", "Mehr Pausen", "approved", NOW)
        await store.add_idea(idea, None)
        await store.set_idea_upvote("i1", "u2", True, None)
        room = await store.get_room("r1")
        assert room is not None and room.ideas_open and room.screen_mode == "ideas"
        assert [(i.id, i.upvotes) for i in await store.ideas("r1")] == [("i1", 1)]
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 16
    after = raw_query(path, "SELECT * FROM rooms ORDER BY id")
    # ideas_open appended (and version 15's two forum columns after it, unset).
    assert [row[:-3] for row in after if row[0] != "r1"] == [
        row for row in rooms_before if row[0] != "r1"
    ]
    assert [row[-3:] for row in after if row[0] != "r1"] == [(0, None, None)]
    assert raw_query(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_query(path, "PRAGMA foreign_key_check") == []
    # The widened CHECK still refuses what is no mode.
    with pytest.raises(sqlite3.IntegrityError):
        raw_query(path, "UPDATE rooms SET screen_mode = 'nonsense'")
