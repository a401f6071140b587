"""SQL helpers shared by the SQLite store's modules (sqlite.py, sqlite_program.py). They run
inside a write job on the writer thread (see sqlite_runner.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from live.store.base import DuplicateKey, StoreError


def insert(conn: sqlite3.Connection, sql: str, params: Sequence[Any], what: str) -> None:
    try:
        conn.execute(sql, params)
    except sqlite3.IntegrityError as exc:
        if exc.sqlite_errorcode in (
            sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY,
            sqlite3.SQLITE_CONSTRAINT_UNIQUE,
        ):
            raise DuplicateKey(f"{what} already exists") from exc
        raise  # e.g. a foreign key: the runner turns it into StoreError


def version(conn: sqlite3.Connection, room_id: str) -> int:
    rows = conn.execute("SELECT version FROM rooms WHERE id = ?", (room_id,)).fetchall()
    if not rows:
        raise StoreError(f"unknown room {room_id!r}")
    return int(rows[0][0])


# The room columns a version bump may set along the way (names are put into the SQL).
_BUMP_COLUMNS = frozenset(
    {
        "screen_poll_id",
        "highlighted_question_id",
        "screen_mode",
        "name",
        "parallel_polls",
        "applause_via_stream",
        "screen_label",
        "countdown_label",
        "countdown_ends_at",
        "countdown_left_ms",
        "ideas_open",
        "forum_shown",
        "forum_poll_id",
    }
)


def bump(conn: sqlite3.Connection, room_id: str, **columns: str | int | None) -> int:
    """Increment the room's version, set the given room columns (screen_poll_id,
    highlighted_question_id, screen_mode, name, parallel_polls, applause_via_stream,
    screen_label, the countdown's, ideas_open, the forums' results) and return the new
    version. StoreError for an unknown room."""
    unknown = columns.keys() - _BUMP_COLUMNS
    if unknown:
        raise ValueError(f"bump cannot set {sorted(unknown)}")
    sets = "".join(f", {name} = ?" for name in columns)
    # fetchall, not fetchone: a RETURNING statement left unfinished would keep the statement
    # active and make the later RELEASE/COMMIT fail.
    rows = conn.execute(
        f"UPDATE rooms SET version = version + 1{sets} WHERE id = ? RETURNING version",
        (*columns.values(), room_id),
    ).fetchall()
    if not rows:
        raise StoreError(f"unknown room {room_id!r}")
    return int(rows[0][0])


def bump_event_rooms(conn: sqlite3.Connection, code: str) -> list[tuple[str, int]]:
    """Version + 1 for every room of the event: [(room_id, new_version)] by room position."""
    # RETURNING comes in no particular order: sort like list_rooms.
    rows = conn.execute(
        "UPDATE rooms SET version = version + 1 WHERE event_code = ?"
        " RETURNING position, id, version",
        (code,),
    ).fetchall()
    return [(str(room_id), int(version)) for _, room_id, version in sorted(rows)]


def claim_request(
    conn: sqlite3.Connection, participant_id: str, request_id: str, subject_id: str, now: str
) -> bool:
    """Record (participant, request id) as applied; False if it was already (a repeat). A job
    that raises after claiming rolls the claim back with its savepoint."""
    return bool(
        conn.execute(
            "INSERT OR IGNORE INTO vote_requests"
            " (participant_id, request_id, subject_id, created_at) VALUES (?, ?, ?, ?)",
            (participant_id, request_id, subject_id, now),
        ).rowcount
    )
