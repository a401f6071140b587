"""Self-paced surveys in the SQLite store (issue 24; live/domain/surveys.py).

A mixin of SQLiteStore (sqlite.py, which describes the job model). A survey is a row of
``surveys`` with its questions' ids in order (JSON); the questions are rows of ``polls`` with
``survey_id`` set. add_survey writes the polls and the survey in one job, save_survey the
survey and its polls' state: a participant never finds half a survey open.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any, cast

import orjson

from live.domain.models import Poll, Survey, SurveyState
from live.store.base import StoreError
from live.store.sqlite_program import _Core
from live.store.sqlite_schema import (
    POLL_COLUMNS,
    from_iso,
    opt_from_iso,
    opt_iso,
    poll_params,
    to_iso,
)
from live.store.sqlite_sql import bump, insert

SURVEY_COLUMNS = "id, event_code, room_id, title, state, poll_ids, created_at, opened_at, closed_at"
_STATES = ("draft", "open", "closed")


def survey_params(survey: Survey) -> tuple[Any, ...]:
    if survey.state not in _STATES:
        raise ValueError(f"survey {survey.id!r}: bad state")
    return (
        survey.id,
        survey.event_code,
        survey.room_id,
        survey.title,
        survey.state,
        orjson.dumps(list(survey.poll_ids)).decode(),
        to_iso(survey.created_at),
        opt_iso(survey.opened_at),
        opt_iso(survey.closed_at),
    )


def survey_from_row(row: Sequence[Any]) -> Survey:
    return Survey(
        id=row[0],
        event_code=row[1],
        room_id=row[2],
        title=row[3],
        state=cast("SurveyState", row[4]),  # the CHECK in the DDL
        poll_ids=tuple(orjson.loads(row[5])),
        created_at=from_iso(row[6]),
        opened_at=opt_from_iso(row[7]),
        closed_at=opt_from_iso(row[8]),
    )


class SQLiteSurveys:
    async def add_survey(self: _Core, survey: Survey, polls: Sequence[Poll]) -> int:
        params = survey_params(survey)
        if [p.id for p in polls] != list(survey.poll_ids) or any(
            p.survey_id != survey.id or p.room_id != survey.room_id for p in polls
        ):
            raise ValueError(f"survey {survey.id!r}: polls do not match")
        rows = [poll_params(p) for p in polls]

        def work(conn: sqlite3.Connection) -> int:
            for poll, values in zip(polls, rows, strict=True):
                marks = ", ".join("?" * len(values))
                sql = f"INSERT INTO polls ({POLL_COLUMNS}) VALUES ({marks})"
                insert(conn, sql, values, f"poll {poll.id!r}")
            marks = ", ".join("?" * len(params))
            sql = f"INSERT INTO surveys ({SURVEY_COLUMNS}) VALUES ({marks})"
            insert(conn, sql, params, f"survey {survey.id!r}")
            return bump(conn, survey.room_id)

        return await self._runner.write(work)

    async def get_survey(self: _Core, event_code: str, survey_id: str) -> Survey | None:
        row = await self._read_one(
            f"SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = ? AND event_code = ?",
            (survey_id, event_code),
        )
        return None if row is None else survey_from_row(row)

    async def list_surveys(self: _Core, event_code: str) -> list[Survey]:
        rows = await self._read_all(
            f"SELECT {SURVEY_COLUMNS} FROM surveys WHERE event_code = ? ORDER BY created_at, id",
            (event_code,),
        )
        return [survey_from_row(row) for row in rows]

    async def save_survey(self: _Core, survey: Survey) -> int:
        """Title and state of the survey, and its questions' state with it, in one job."""
        if survey.state not in _STATES:
            raise ValueError(f"survey {survey.id!r}: bad state")
        opened, closed = opt_iso(survey.opened_at), opt_iso(survey.closed_at)

        def work(conn: sqlite3.Connection) -> int:
            rows = conn.execute(
                "UPDATE surveys SET title = ?, state = ?, opened_at = ?, closed_at = ?"
                " WHERE id = ? AND event_code = ? RETURNING room_id",
                (survey.title, survey.state, opened, closed, survey.id, survey.event_code),
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown survey {survey.id!r}")
            conn.execute(
                "UPDATE polls SET state = ?, opened_at = ?, closed_at = ? WHERE survey_id = ?",
                (survey.state, opened, closed, survey.id),
            )
            return bump(conn, rows[0][0])

        return await self._runner.write(work)
