"""SQLite: the migration from schema version 4 (the event program) to 5 (issue 17: the
projector's results setting, answers per person, hidden word-cloud entries)."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from live.domain.models import Ballot
from live.store import StoreError
from live.store.sqlite import SQLiteStore
from live.store.sqlite_schema import SCHEMA_VERSION
from tests.store.test_contract import CODE, make_poll, setup_event
from tests.store.test_sqlite import (
    _T0_ISO,
    _T1_ISO,
    make_v3_database,
    raw_query,
    schema_shape,
)

# The migration from version 3 to 4, verbatim from sqlite_schema.py of the event program
# release: applied to a version 3 database it gives exactly what that release left.
V4_MIGRATION: tuple[str, ...] = (
    "ALTER TABLE events ADD COLUMN starts_on TEXT",
    "ALTER TABLE events ADD COLUMN ends_on TEXT",
    "ALTER TABLE rooms ADD COLUMN moderator_token_hash TEXT",
    "ALTER TABLE rooms ADD COLUMN screen_mode TEXT NOT NULL DEFAULT 'auto'"
    " CHECK (screen_mode IN ('auto', 'join', 'poll', 'question', 'applause', 'words', 'slide'))",
    "ALTER TABLE polls ADD COLUMN agenda_item_id TEXT REFERENCES agenda_items (id)",
    """
    CREATE TABLE agenda_items (
        id         TEXT PRIMARY KEY,
        event_code TEXT NOT NULL REFERENCES events (code),
        room_id    TEXT NOT NULL REFERENCES rooms (id),
        title      TEXT NOT NULL,
        speaker    TEXT,
        starts_at  TEXT NOT NULL,
        ends_at    TEXT NOT NULL
    ) WITHOUT ROWID
    """,
    "CREATE INDEX agenda_by_event ON agenda_items (event_code, starts_at, id)",
    "CREATE INDEX agenda_by_room ON agenda_items (room_id)",
    "CREATE INDEX polls_by_agenda_item ON polls (agenda_item_id)",
    "CREATE INDEX polls_by_event ON polls (event_code)",
)


def make_v4_database(path: Path, *extra_ddl: str) -> None:
    """A live.db as the event program release leaves it: make_v3_database's event (the open
    "live" poll p1 in r1) plus a text poll t1 with visibility "after_vote" and a ballot in the
    one-answer format of that release."""
    make_v3_database(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for statement in (*V4_MIGRATION, *extra_ddl):
            conn.execute(statement)
        conn.execute("UPDATE schema_version SET version = 4")
        conn.execute(
            "INSERT INTO polls VALUES ('t1', ?, 'r1', 'Was nehmen Sie mit?', 'text', '[]', NULL,"
            " NULL, 'open', 'after_vote', ?, ?, NULL, NULL)",
            (CODE, _T0_ISO, _T1_ISO),
        )
        conn.execute(
            "INSERT INTO votes VALUES ('t1', 'u1', '{\"text\":\"Mehr Zeit\"}', ?)", (_T1_ISO,)
        )


async def test_a_version_4_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v4_database(path)
    store = SQLiteStore(path)
    await store.open()
    try:
        live = await store.get_poll("p1")
        text = await store.get_poll("t1")
        assert live is not None and text is not None
        # Until now the phones' setting kept results off the projector too: it still does
        # for the polls of before ("after_vote"), "live" ones stay live.
        assert (live.screen_results, live.max_answers) == ("live", 1)
        assert (text.screen_results, text.max_answers) == ("after_close", 1)
        assert (text.hidden_words, text.hidden_answers) == ((), ())
        # The old one-answer ballot reads as a ballot with one answer.
        assert (await store.tally(text)).texts == ("Mehr Zeit",)
        assert await store.ballots(["t1"]) == {"t1": {"u1": Ballot(texts=("Mehr Zeit",))}}
        # The new things work on the migrated database.
        await store.set_hidden("t1", "word", "zeit", "Zeit", True)
        await store.cast_vote("t1", "u2", Ballot(texts=("Ruhe", "Kaffee")), "new-1")
        await store.update_poll(replace(text, screen_results="live"))
        got = await store.get_poll("t1")
        assert got == replace(text, screen_results="live", hidden_words=("Zeit",))
        assert (await store.tally(text)).texts == ("Mehr Zeit", "Ruhe", "Kaffee")
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 16
    assert raw_query(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_query(path, "PRAGMA foreign_key_check") == []
    again = SQLiteStore(path)
    await again.open()
    try:
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
    assert "poll_hidden" in schema_shape(fresh)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE polls SET screen_results = 'after_vote'",
        "UPDATE polls SET screen_results = NULL",
        "UPDATE polls SET max_answers = 0",
        "UPDATE polls SET max_answers = 4",
        "UPDATE polls SET max_answers = NULL",
        "INSERT INTO poll_hidden VALUES ('p1', 'sentence', 'x', 'x')",
        "INSERT INTO poll_hidden VALUES ('no-such-poll', 'word', 'x', 'x')",
        "INSERT INTO poll_hidden VALUES ('p1', 'word', NULL, 'x')",
        "INSERT INTO poll_hidden VALUES ('p1', 'word', 'x', NULL)",
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


async def test_a_failed_migration_leaves_the_version_4_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    # A table in the way of CREATE TABLE poll_hidden, after the ALTER TABLEs and the UPDATE:
    # none of them may be kept.
    make_v4_database(path, "CREATE TABLE poll_hidden (x)")
    store = SQLiteStore(path)
    with pytest.raises(StoreError, match="poll_hidden"):
        await store.open()
    await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(4,)]
    columns = [c[1] for c in raw_query(path, "PRAGMA table_info(polls)")]
    assert "screen_results" not in columns and "max_answers" not in columns
