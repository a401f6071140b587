"""The reads that move an event to another instance (live export, issue 22), SQLite side.

A mixin of SQLiteStore (sqlite.py): plain reads on the reader threads, each one snapshot.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime

from live.domain.models import Ballot
from live.store.sqlite_program import _Core
from live.store.sqlite_schema import decode_ballot, opt_from_iso

_IN_CHUNK = 500  # ids per "IN (...)" query, well below SQLite's variable limit


class SQLiteTransfer:
    async def list_participants(self: _Core, event_code: str) -> list[tuple[str, datetime | None]]:
        # NULLs sort first in SQLite; fixed-width ISO text sorts by time.
        rows = await self._read_all(
            "SELECT participant_id, created_at FROM participants WHERE event_code = ?"
            " ORDER BY created_at, participant_id",
            (event_code,),
        )
        return [(str(pid), opt_from_iso(created)) for pid, created in rows]

    async def poll_ballots(self: _Core, poll_id: str) -> list[tuple[str, Ballot]]:
        # updated_at is strictly increasing per write (the store's _WriteClock): the order of
        # the changes, as _tally_text reads it.
        rows = await self._read_all(
            "SELECT v.participant_id, v.ballot FROM votes v JOIN polls p ON p.id = v.poll_id"
            " WHERE v.poll_id = ?"
            " ORDER BY CASE WHEN p.kind = 'text' THEN v.updated_at ELSE '' END, v.participant_id",
            (poll_id,),
        )
        return [(str(pid), decode_ballot(ballot)) for pid, ballot in rows]

    async def upvoters(self: _Core, question_ids: Sequence[str]) -> Mapping[str, set[str]]:
        ids = list(dict.fromkeys(question_ids))

        def work(conn: sqlite3.Connection) -> dict[str, set[str]]:
            found: dict[str, set[str]] = {}
            for start in range(0, len(ids), _IN_CHUNK):
                chunk = ids[start : start + _IN_CHUNK]
                marks = ", ".join("?" * len(chunk))
                known = conn.execute(
                    f"SELECT id FROM questions WHERE id IN ({marks})", chunk
                ).fetchall()
                for (question_id,) in known:
                    found[str(question_id)] = set()
                rows = conn.execute(
                    f"SELECT question_id, participant_id FROM upvotes"
                    f" WHERE question_id IN ({marks})",
                    chunk,
                ).fetchall()
                for question_id, participant_id in rows:
                    found[str(question_id)].add(str(participant_id))
            return found

        if not ids:
            return {}
        return await self._runner.read(work)
