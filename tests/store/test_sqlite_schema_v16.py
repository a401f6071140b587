"""SQLite: the migration from schema version 15 to 16 (issue 24: self-paced surveys), which adds
polls.survey_id and the table surveys: the polls of a running event stay ordinary polls."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from live.store.sqlite import SQLiteStore
from live.store.sqlite_schema import _MIGRATION_JOBS, _MIGRATIONS, SCHEMA_VERSION
from tests.store.test_sqlite import raw_query
from tests.store.test_sqlite_schema_v15 import make_v14_database


def make_v15_database(path: Path) -> None:
    """make_v14_database's event, migrated by the forums' results' step (_MIGRATIONS[14])."""
    make_v14_database(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        for statement in _MIGRATIONS[14]:
            conn.execute(statement)
        _MIGRATION_JOBS[14](conn)
        conn.execute("UPDATE schema_version SET version = 15")


async def test_a_version_15_database_keeps_its_polls_ordinary(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    make_v15_database(path)
    polls_before = raw_query(path, "SELECT * FROM polls ORDER BY id")
    store = SQLiteStore(path)
    await store.open()
    try:
        polls = await store.list_polls("r1")
        assert polls and all(p.survey_id is None for p in polls)
        assert await store.list_surveys(polls[0].event_code) == []
    finally:
        await store.close()
    assert raw_query(path, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert SCHEMA_VERSION == 16
    after = raw_query(path, "SELECT * FROM polls ORDER BY id")
    # Every poll kept as it was, with survey_id appended (NULL).
    assert [row[:-1] for row in after] == polls_before
    assert {row[-1] for row in after} == {None}
