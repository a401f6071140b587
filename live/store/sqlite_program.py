"""Event setup and data protection of the SQLite store (issue 7): event days, room names,
links and settings, the projector's screen mode, the agenda, and deleting an event with
everything in it.

A mixin of SQLiteStore (sqlite.py, which describes the job model): every write is one job of the
writer thread, atomic within its savepoint, committed with synchronous=FULL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from live.domain.models import AgendaItem, Countdown, ScreenMode
from live.store.base import StoreError
from live.store.sqlite_runner import SQLiteRunner
from live.store.sqlite_schema import (
    AGENDA_COLUMNS,
    agenda_from_row,
    agenda_params,
    check_screen_mode,
    countdown_params,
    to_day,
)
from live.store.sqlite_sql import bump, bump_event_rooms, insert

# Screen modes that take the highlighted question off the projector (set_screen_mode).
CLEARS_HIGHLIGHT: frozenset[str] = frozenset({"join", "poll", "slide"})

Row = tuple[Any, ...]


class _Core(Protocol):
    """What these methods use of SQLiteStore."""

    _runner: SQLiteRunner

    async def _read_all(self, sql: str, params: Sequence[Any]) -> list[Row]: ...

    async def _read_one(self, sql: str, params: Sequence[Any]) -> Row | None: ...


class SQLiteProgram:
    # --- event and rooms --------------------------------------------------------------------

    async def update_event(
        self: _Core, code: str, *, title: str, starts_on: date | None, ends_on: date | None
    ) -> list[tuple[str, int]]:
        """One job: title and days, then version + 1 for every room (by position). StoreError
        for an unknown event."""
        params = (title, to_day(starts_on), to_day(ends_on), code)

        def work(conn: sqlite3.Connection) -> list[tuple[str, int]]:
            found = conn.execute(
                "UPDATE events SET title = ?, starts_on = ?, ends_on = ? WHERE code = ?"
                " RETURNING code",
                params,
            ).fetchall()
            if not found:
                raise StoreError(f"unknown event {code!r}")
            return bump_event_rooms(conn, code)

        return await self._runner.write(work)

    async def rename_room(self: _Core, room_id: str, name: str) -> int:
        return await self._runner.write(lambda conn: bump(conn, room_id, name=name))

    async def set_room_token(self: _Core, room_id: str, token_hash: str | None) -> None:
        """No version bump: nothing any page shows changes. StoreError for an unknown room."""

        def work(conn: sqlite3.Connection) -> None:
            rows = conn.execute(
                "UPDATE rooms SET moderator_token_hash = ? WHERE id = ? RETURNING id",
                (token_hash, room_id),
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown room {room_id!r}")

        await self._runner.write(work)

    async def set_parallel_polls(self: _Core, room_id: str, allowed: bool) -> int:
        """StoreError for an unknown room."""
        return await self._runner.write(lambda conn: bump(conn, room_id, parallel_polls=allowed))

    async def set_applause_via_stream(self: _Core, room_id: str, on: bool) -> int:
        """StoreError for an unknown room."""
        return await self._runner.write(lambda conn: bump(conn, room_id, applause_via_stream=on))

    async def set_countdown(self: _Core, room_id: str, countdown: Countdown | None) -> int:
        """StoreError for an unknown room."""
        columns = countdown_params(countdown)
        return await self._runner.write(lambda conn: bump(conn, room_id, **columns))

    async def set_forum_results(
        self: _Core, room_id: str, shown: bool | None, poll_id: str | None
    ) -> int:
        """StoreError for an unknown room."""
        flag = None if shown is None else int(shown)
        return await self._runner.write(
            lambda conn: bump(conn, room_id, forum_shown=flag, forum_poll_id=poll_id)
        )

    async def set_screen_mode(
        self: _Core, room_id: str, mode: ScreenMode, poll_id: str | None
    ) -> int:
        """ValueError for an unknown mode (before writing). StoreError for an unknown room or a
        poll that is not one of this room's (the composite foreign key of screen_poll_id)."""
        check_screen_mode(mode)
        columns: dict[str, str | None] = {"screen_mode": mode}
        if poll_id is not None:
            columns["screen_poll_id"] = poll_id
        if mode in CLEARS_HIGHLIGHT:
            columns["highlighted_question_id"] = None
        return await self._runner.write(lambda conn: bump(conn, room_id, **columns))

    # --- agenda -----------------------------------------------------------------------------

    async def add_agenda_item(self: _Core, item: AgendaItem) -> None:
        """StoreError for an unknown room, ValueError for a room of another event, DuplicateKey
        for a taken id."""
        params = agenda_params(item)
        marks = ", ".join("?" * len(params))

        def work(conn: sqlite3.Connection) -> None:
            _check_room(conn, item.room_id, item.event_code)
            insert(
                conn,
                f"INSERT INTO agenda_items ({AGENDA_COLUMNS}) VALUES ({marks})",
                params,
                f"agenda item {item.id!r}",
            )

        await self._runner.write(work)

    async def update_agenda_item(self: _Core, item: AgendaItem) -> None:
        """The item's event is the stored one (immutable, like a poll's room). StoreError for an
        unknown item or room, ValueError for a room of another event."""
        _, _, room_id, title, speaker, starts_at, ends_at = agenda_params(item)

        def work(conn: sqlite3.Connection) -> None:
            rows = conn.execute(
                "SELECT event_code FROM agenda_items WHERE id = ?", (item.id,)
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown agenda item {item.id!r}")
            _check_room(conn, room_id, rows[0][0])
            conn.execute(
                "UPDATE agenda_items SET room_id = ?, title = ?, speaker = ?, starts_at = ?,"
                " ends_at = ? WHERE id = ?",
                (room_id, title, speaker, starts_at, ends_at, item.id),
            )

        await self._runner.write(work)

    async def delete_agenda_item(self: _Core, item_id: str) -> None:
        """One job: the polls prepared for it keep existing, unlinked (agenda_item_id NULL),
        then the item goes. StoreError for an unknown item."""

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE polls SET agenda_item_id = NULL WHERE agenda_item_id = ?", (item_id,)
            )
            rows = conn.execute(
                "DELETE FROM agenda_items WHERE id = ? RETURNING id", (item_id,)
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown agenda item {item_id!r}")

        await self._runner.write(work)

    async def get_agenda_item(self: _Core, item_id: str) -> AgendaItem | None:
        row = await self._read_one(
            f"SELECT {AGENDA_COLUMNS} FROM agenda_items WHERE id = ?", (item_id,)
        )
        return None if row is None else agenda_from_row(row)

    async def list_agenda(self: _Core, event_code: str) -> list[AgendaItem]:
        """By starts_at, then the room's position, then id; [] for an unknown event."""
        rows = await self._read_all(
            f"SELECT {_AGENDA_A} FROM agenda_items AS a JOIN rooms AS r ON r.id = a.room_id"
            " WHERE a.event_code = ? ORDER BY a.starts_at, r.position, a.id",
            (event_code,),
        )
        return [agenda_from_row(row) for row in rows]

    async def participant_count(self: _Core, event_code: str) -> int:
        row = await self._read_one(
            "SELECT count(*) FROM participants WHERE event_code = ?", (event_code,)
        )
        return 0 if row is None else int(row[0])

    # --- data protection --------------------------------------------------------------------

    async def delete_event(self: _Core, code: str) -> list[str]:
        """One job (one transaction): every row of the event in every table, children before
        parents so the foreign keys hold at each step. Returns the room ids by position; []
        and nothing written for an unknown event.

        Request ids (vote_requests) carry no event: the rows of the event's participants go,
        and those whose subject is a poll, question or room of the event (a participant id
        that never joined is found that way). Rows about a question deleted earlier by a
        participant that never joined would stay; the app only writes for joined ones."""

        def work(conn: sqlite3.Connection) -> list[str]:
            rooms = conn.execute(
                "SELECT id FROM rooms WHERE event_code = ? ORDER BY position, id", (code,)
            ).fetchall()
            if not conn.execute("SELECT 1 FROM events WHERE code = ?", (code,)).fetchall():
                return []
            # The rooms point at polls and questions: let go of them first.
            conn.execute(
                "UPDATE rooms SET screen_poll_id = NULL, highlighted_question_id = NULL"
                " WHERE event_code = ?",
                (code,),
            )
            for statement in _DELETE_EVENT:
                conn.execute(statement, {"code": code})
            return [str(room_id) for (room_id,) in rooms]

        return await self._runner.write(work)

    async def events_ended_before(self: _Core, day: date) -> list[str]:
        """Codes (sorted) of the events whose last day (ends_on, else starts_on, else the UTC
        day of created_at: Event.last_day) is before ``day``. A scan of events: the cleanup
        runs once in a while, and there are a few thousand events at most."""
        rows = await self._read_all(
            "SELECT code FROM events"
            " WHERE coalesce(ends_on, starts_on, substr(created_at, 1, 10)) < ? ORDER BY code",
            (to_day(day),),
        )
        return [str(code) for (code,) in rows]


def _check_room(conn: sqlite3.Connection, room_id: str, event_code: str) -> None:
    rows = conn.execute("SELECT event_code FROM rooms WHERE id = ?", (room_id,)).fetchall()
    if not rows:
        raise StoreError(f"unknown room {room_id!r}")
    if rows[0][0] != event_code:
        raise ValueError(f"room {room_id!r} belongs to {rows[0][0]!r}, not {event_code!r}")


# AGENDA_COLUMNS of the table aliased "a".
_AGENDA_A = ", ".join(f"a.{column.strip()}" for column in AGENDA_COLUMNS.split(","))

_ROOMS = "SELECT id FROM rooms WHERE event_code = :code"
# By event and by room: add_poll does not compare the poll's event with its room's.
_POLLS = f"SELECT id FROM polls WHERE event_code = :code OR room_id IN ({_ROOMS})"
_QUESTIONS = "SELECT id FROM questions WHERE event_code = :code"
_IDEAS = "SELECT id FROM ideas WHERE event_code = :code"

# delete_event after the rooms let go of their poll and question: children before parents.
_DELETE_EVENT: tuple[str, ...] = (
    "DELETE FROM vote_requests WHERE participant_id IN"
    " (SELECT participant_id FROM participants WHERE event_code = :code)"
    f" OR subject_id IN ({_POLLS} UNION ALL {_QUESTIONS} UNION ALL {_ROOMS}"
    f" UNION ALL {_IDEAS})",
    f"DELETE FROM votes WHERE poll_id IN ({_POLLS})",
    f"DELETE FROM poll_hidden WHERE poll_id IN ({_POLLS})",
    f"DELETE FROM upvotes WHERE question_id IN ({_QUESTIONS})",
    "DELETE FROM questions WHERE event_code = :code",
    f"DELETE FROM idea_upvotes WHERE idea_id IN ({_IDEAS})",
    "DELETE FROM ideas WHERE event_code = :code",
    "DELETE FROM surveys WHERE event_code = :code",
    f"DELETE FROM polls WHERE id IN ({_POLLS})",
    f"DELETE FROM moods WHERE room_id IN ({_ROOMS})",
    f"DELETE FROM mood_log WHERE room_id IN ({_ROOMS})",
    f"DELETE FROM pace WHERE room_id IN ({_ROOMS})",
    f"DELETE FROM pace_log WHERE room_id IN ({_ROOMS})",
    f"DELETE FROM applause_seconds WHERE room_id IN ({_ROOMS})",
    "DELETE FROM agenda_items WHERE event_code = :code",
    "DELETE FROM participants WHERE event_code = :code",
    "DELETE FROM event_logos WHERE event_code = :code",
    "DELETE FROM event_blocklist WHERE event_code = :code",
    "DELETE FROM rooms WHERE event_code = :code",
    "DELETE FROM events WHERE code = :code",
)
