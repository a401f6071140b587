"""The idea board of the SQLite store (issue 24): rooms.ideas_open, the tables ideas and
idea_upvotes. Upvotes are set membership counted with count(*) over the primary key, as for
questions; the cap on marked ideas is counted in the same job as the mark.

A mixin of SQLiteStore (sqlite.py, which describes the job model).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from live.domain.models import Idea, IdeaState
from live.store.base import IdeaClosed, StoreError, TooManyMarked, VoteOutcome
from live.store.sqlite_runner import SQLiteRunner
from live.store.sqlite_schema import IDEA_COLUMNS, check_idea_state, idea_from_row, idea_params
from live.store.sqlite_sql import bump, claim_request, insert

Row = tuple[Any, ...]

_IDEA_SELECT = (
    f"SELECT {IDEA_COLUMNS}, marked,"
    " (SELECT count(*) FROM idea_upvotes WHERE idea_upvotes.idea_id = ideas.id)"
    " FROM ideas"
)


class _Clock(Protocol):
    def now(self) -> str: ...


class _Core(Protocol):
    """What these methods use of SQLiteStore."""

    _runner: SQLiteRunner

    @property
    def _clock(self) -> _Clock: ...

    async def _read_all(self, sql: str, params: Sequence[Any]) -> list[Row]: ...


def _idea_home(conn: sqlite3.Connection, idea_id: str) -> tuple[str, str]:
    """(state, room id) of the idea; StoreError for an unknown one."""
    rows = conn.execute("SELECT state, room_id FROM ideas WHERE id = ?", (idea_id,)).fetchall()
    if not rows:
        raise StoreError(f"unknown idea {idea_id!r}")
    return str(rows[0][0]), str(rows[0][1])


class SQLiteIdeas:
    async def set_ideas_open(self: _Core, room_id: str, on: bool) -> int:
        return await self._runner.write(lambda conn: bump(conn, room_id, ideas_open=int(on)))

    async def add_idea(self: _Core, idea: Idea, request_id: str | None) -> VoteOutcome:
        """One job: the room (StoreError / ValueError), the request id, the insert, version + 1."""
        params = idea_params(idea)
        marks = ", ".join("?" * len(params))

        def work(conn: sqlite3.Connection) -> VoteOutcome:
            rows = conn.execute(
                "SELECT event_code, version FROM rooms WHERE id = ?", (idea.room_id,)
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown room {idea.room_id!r}")
            if rows[0][0] != idea.event_code:
                raise ValueError(
                    f"room {idea.room_id!r} belongs to {rows[0][0]!r}, not {idea.event_code!r}"
                )
            if request_id is not None and not claim_request(
                conn, idea.participant_id, request_id, idea.id, self._clock.now()
            ):
                return VoteOutcome(applied=False, version=int(rows[0][1]))
            insert(
                conn,
                f"INSERT INTO ideas ({IDEA_COLUMNS}) VALUES ({marks})",
                params,
                f"idea {idea.id!r}",
            )
            return VoteOutcome(applied=True, version=bump(conn, idea.room_id))

        return await self._runner.write(work)

    async def get_idea(self: _Core, idea_id: str) -> Idea | None:
        rows = await self._read_all(f"{_IDEA_SELECT} WHERE id = ?", (idea_id,))
        return idea_from_row(rows[0]) if rows else None

    async def ideas(self: _Core, room_id: str) -> list[Idea]:
        sql = f"{_IDEA_SELECT} WHERE room_id = ? ORDER BY created_at, id"
        return [idea_from_row(r) for r in await self._read_all(sql, (room_id,))]

    async def event_ideas(self: _Core, event_code: str) -> list[Idea]:
        # A subquery: rooms shares the column names id and event_code with ideas.
        sql = (
            f"SELECT i.* FROM ({_IDEA_SELECT} WHERE event_code = ?) AS i"
            " JOIN rooms ON rooms.id = i.room_id"
            " ORDER BY rooms.position, rooms.id, i.created_at, i.id"
        )
        return [idea_from_row(r) for r in await self._read_all(sql, (event_code,))]

    async def set_idea_state(self: _Core, idea_id: str, state: IdeaState) -> int:
        check_idea_state(state)

        def work(conn: sqlite3.Connection) -> int:
            rows = conn.execute(
                # Only approved ideas are marked: leaving approved drops the mark in this step.
                "UPDATE ideas SET state = ?, marked = marked * (? = 'approved') WHERE id = ?"
                " RETURNING room_id",
                (state, state, idea_id),
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown idea {idea_id!r}")
            return bump(conn, rows[0][0])

        return await self._runner.write(work)

    async def set_idea_marked(self: _Core, idea_id: str, marked: bool, limit: int) -> int:
        def work(conn: sqlite3.Connection) -> int:
            state, room_id = _idea_home(conn, idea_id)
            if marked:
                if state != "approved":
                    raise IdeaClosed(state)
                # The cap, counted in the job that writes: two moderators marking the last
                # free place at once get one mark and one refusal.
                (others,) = conn.execute(
                    "SELECT count(*) FROM ideas WHERE room_id = ? AND marked = 1 AND id != ?",
                    (room_id, idea_id),
                ).fetchone()
                if others >= limit:
                    raise TooManyMarked(limit)
            conn.execute("UPDATE ideas SET marked = ? WHERE id = ?", (int(marked), idea_id))
            return bump(conn, room_id)

        return await self._runner.write(work)

    async def set_idea_upvote(
        self: _Core, idea_id: str, participant_id: str, up: bool, request_id: str | None
    ) -> VoteOutcome:
        """One job, as set_upvote: the state (checked after the request id, so a repeat is
        acknowledged whatever the state is now), the set membership, version + 1."""

        def work(conn: sqlite3.Connection) -> VoteOutcome:
            state, room_id = _idea_home(conn, idea_id)
            if request_id is not None:
                seen = conn.execute(
                    "SELECT 1 FROM vote_requests WHERE participant_id = ? AND request_id = ?",
                    (participant_id, request_id),
                ).fetchall()
                if seen:
                    (version,) = conn.execute(
                        "SELECT version FROM rooms WHERE id = ?", (room_id,)
                    ).fetchone()
                    return VoteOutcome(applied=False, version=int(version))
            if state != "approved":
                raise IdeaClosed(state)
            if request_id is not None:
                claim_request(conn, participant_id, request_id, idea_id, self._clock.now())
            if up:
                conn.execute(
                    "INSERT OR IGNORE INTO idea_upvotes (idea_id, participant_id) VALUES (?, ?)",
                    (idea_id, participant_id),
                )
            else:
                conn.execute(
                    "DELETE FROM idea_upvotes WHERE idea_id = ? AND participant_id = ?",
                    (idea_id, participant_id),
                )
            return VoteOutcome(applied=True, version=bump(conn, room_id))

        return await self._runner.write(work)

    async def idea_upvoted_by(
        self: _Core, participant_id: str, idea_ids: Sequence[str]
    ) -> set[str]:
        ids = list(dict.fromkeys(idea_ids))
        if not ids:
            return set()
        marks = ", ".join("?" * len(ids))
        rows = await self._read_all(
            f"SELECT idea_id FROM idea_upvotes WHERE participant_id = ? AND idea_id IN ({marks})",
            (participant_id, *ids),
        )
        return {str(idea_id) for (idea_id,) in rows}

    async def idea_upvoters(self: _Core, idea_ids: Sequence[str]) -> Mapping[str, set[str]]:
        ids = list(dict.fromkeys(idea_ids))
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        rows = await self._read_all(
            f"SELECT idea_id, participant_id FROM idea_upvotes WHERE idea_id IN ({marks})",
            ids,
        )
        found: dict[str, set[str]] = {}
        for idea_id, participant_id in rows:
            found.setdefault(str(idea_id), set()).add(str(participant_id))
        return found
