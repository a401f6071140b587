"""The blocklist of the SQLite store (issue 24): the switch of the shipped list is a column of
``events``; the event's own entries and the default entries it switched off are rows of
``event_blocklist`` (set membership, like poll_hidden), read with the event by get_event.

A mixin of SQLiteStore (sqlite.py, which describes the job model).
"""

from __future__ import annotations

import sqlite3

from live.domain.blocklist import BlockKind
from live.store.base import StoreError
from live.store.sqlite_program import _Core
from live.store.sqlite_schema import check_block_kind
from live.store.sqlite_sql import bump_event_rooms


def _known(conn: sqlite3.Connection, code: str) -> None:
    if not conn.execute("SELECT 1 FROM events WHERE code = ?", (code,)).fetchall():
        raise StoreError(f"unknown event {code!r}")


class SQLiteBlocklist:
    async def set_blocklist_default(self: _Core, code: str, on: bool) -> list[tuple[str, int]]:
        def work(conn: sqlite3.Connection) -> list[tuple[str, int]]:
            found = conn.execute(
                "UPDATE events SET blocklist_default = ? WHERE code = ? RETURNING code",
                (int(on), code),
            ).fetchall()
            if not found:
                raise StoreError(f"unknown event {code!r}")
            return bump_event_rooms(conn, code)

        return await self._runner.write(work)

    async def set_blocklist_entry(
        self: _Core, code: str, kind: BlockKind, key: str, shown: str, present: bool
    ) -> list[tuple[str, int]]:
        check_block_kind(kind)

        def work(conn: sqlite3.Connection) -> list[tuple[str, int]]:
            _known(conn, code)
            if present:
                conn.execute(
                    "INSERT INTO event_blocklist (event_code, kind, entry, shown)"
                    " VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (event_code, kind, entry) DO UPDATE SET shown = excluded.shown",
                    (code, kind, key, shown),
                )
            else:
                conn.execute(
                    "DELETE FROM event_blocklist WHERE event_code = ? AND kind = ? AND entry = ?",
                    (code, kind, key),
                )
            return bump_event_rooms(conn, code)

        return await self._runner.write(work)
