"""Branding of the SQLite store (issue 17): the event's colour and its logo.

A mixin of SQLiteStore (sqlite.py, which describes the job model). The colour and the logo's
version are columns of ``events`` (read with every event); the bytes are in ``event_logos``,
read only when a browser fetches the logo. ``set_logo`` writes both in one job.
"""

from __future__ import annotations

import sqlite3

from live.domain.models import Logo
from live.store.base import StoreError
from live.store.sqlite_program import _Core


class SQLiteBrand:
    async def set_brand_color(self: _Core, code: str, color: str | None) -> None:
        def work(conn: sqlite3.Connection) -> None:
            found = conn.execute(
                "UPDATE events SET brand_color = ? WHERE code = ? RETURNING code", (color, code)
            ).fetchall()
            if not found:
                raise StoreError(f"unknown event {code!r}")

        await self._runner.write(work)

    async def set_logo(self: _Core, code: str, logo: Logo | None) -> None:
        version = None if logo is None else logo.version

        def work(conn: sqlite3.Connection) -> None:
            found = conn.execute(
                "UPDATE events SET logo_version = ? WHERE code = ? RETURNING code",
                (version, code),
            ).fetchall()
            if not found:
                raise StoreError(f"unknown event {code!r}")
            if logo is None:
                conn.execute("DELETE FROM event_logos WHERE event_code = ?", (code,))
                return
            conn.execute(
                "INSERT INTO event_logos (event_code, media_type, data) VALUES (?, ?, ?)"
                " ON CONFLICT (event_code) DO UPDATE"
                " SET media_type = excluded.media_type, data = excluded.data",
                (code, logo.media_type, logo.data),
            )

        await self._runner.write(work)

    async def get_logo(self: _Core, code: str) -> Logo | None:
        # One statement, so the version and the bytes are of the same write.
        row = await self._read_one(
            "SELECT l.media_type, l.data, e.logo_version FROM event_logos AS l"
            " JOIN events AS e ON e.code = l.event_code WHERE l.event_code = ?",
            (code,),
        )
        if row is None or row[2] is None:
            return None
        return Logo(media_type=str(row[0]), data=bytes(row[1]), version=str(row[2]))
