"""Applause use cases: a phone's current grade goes onto the board (shared, short-lived), and a
notice goes out so every process's room channel starts ticking. Also the room channels' source
of readings (live.fanout.channel.ApplauseSource)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime

from live.board import Board
from live.domain import applause as rules
from live.domain.applause import ApplauseReading
from live.hub import Hub
from live.service import room_topic


class ApplauseService:
    def __init__(self, board: Board, hub: Hub, clock: Callable[[], datetime]) -> None:
        self.board = board
        self.hub = hub
        self.clock = clock

    async def set_grade(self, room_id: str, participant_id: str, raw: object) -> int:
        """Validate and record the participant's current grade (0 = stopped). No ack: the
        phone re-sends its state every second while clapping, so a lost one heals itself."""
        grade = rules.parse_grade(raw)
        await self.board.set_grade(room_id, participant_id, grade, self.clock())
        await self.hub.publish(room_topic(room_id), {"type": "applause.changed", "room": room_id})
        return grade

    async def read(self, room_id: str, previous_level: float, dt: float) -> ApplauseReading:
        now = self.clock()
        grades = await self.board.grades(room_id, now)
        present = await self.board.present(room_id, now)
        return rules.reading(grades, present, previous_level, now, dt)

    async def announce(self, room_id: str, participant_ids: Collection[str]) -> None:
        await self.board.announce(room_id, participant_ids, self.clock())
