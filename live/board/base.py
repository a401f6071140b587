"""The board interface. Times are passed in (``now``) so tests control them."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Protocol

# A phone re-sends its grade about every second while clapping; one silent this long stopped.
GRADE_TTL = timedelta(seconds=3)
# Each process re-announces its connected participants about every 2 s.
PRESENCE_TTL = timedelta(seconds=8)


class BoardError(Exception):
    """The backend failed (connection, timeout); the call may not have happened. Every call may
    be made again: each sets or reads a state."""


class Board(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def set_grade(self, room_id: str, participant_id: str, grade: int, now: datetime) -> None:
        """The participant's current applause grade (0 = stopped). Last write wins."""

    async def grades(self, room_id: str, now: datetime) -> Mapping[str, tuple[int, datetime]]:
        """participant id -> (grade, reported at), fresh ones (within GRADE_TTL) with grade > 0."""

    async def announce(self, room_id: str, participant_ids: Collection[str], now: datetime) -> None:
        """This process has these participants connected to the room right now."""

    async def present(self, room_id: str, now: datetime) -> int:
        """Distinct participants announced for the room within PRESENCE_TTL, by any process."""
