"""The board of a single process."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from datetime import datetime

from live.board.base import GRADE_TTL, PRESENCE_TTL


class MemoryBoard:
    def __init__(self) -> None:
        self._grades: defaultdict[str, dict[str, tuple[int, datetime]]] = defaultdict(dict)
        self._seen: defaultdict[str, dict[str, datetime]] = defaultdict(dict)

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        self._grades.clear()
        self._seen.clear()

    async def set_grade(self, room_id: str, participant_id: str, grade: int, now: datetime) -> None:
        if grade <= 0:
            self._grades[room_id].pop(participant_id, None)
        else:
            self._grades[room_id][participant_id] = (grade, now)

    async def grades(self, room_id: str, now: datetime) -> Mapping[str, tuple[int, datetime]]:
        room = self._grades.get(room_id, {})
        stale = [pid for pid, (_g, at) in room.items() if now - at > GRADE_TTL]
        for pid in stale:  # forget phones that went silent without sending 0
            del room[pid]
        return dict(room)

    async def announce(self, room_id: str, participant_ids: Collection[str], now: datetime) -> None:
        seen = self._seen[room_id]
        for pid in participant_ids:
            seen[pid] = now

    async def present(self, room_id: str, now: datetime) -> int:
        seen = self._seen.get(room_id, {})
        stale = [pid for pid, at in seen.items() if now - at > PRESENCE_TTL]
        for pid in stale:
            del seen[pid]
        return len(seen)
