"""Applause use cases: a phone's current grade goes onto the board (shared, short-lived), and a
notice goes out so every process's room channel starts ticking. Also the room channels' source
of readings (live.fanout.types.ApplauseSource), and the control room's look at a room."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from live.board import Board
from live.domain import applause as rules
from live.domain.applause import ApplauseReading
from live.hub import Hub
from live.service.changes import room_topic
from live.service.clock import Clock
from live.service.meter import NO_METER, WriteMeter, counts_refusals
from live.store import Store

log = logging.getLogger("live.applause")


class ApplauseService:
    def __init__(
        self,
        board: Board,
        hub: Hub,
        clock: Clock,
        store: Store | None = None,
        meter: WriteMeter = NO_METER,
    ) -> None:
        self.board = board
        self.hub = hub
        self.clock = clock
        self.store = store
        self.meter = meter
        # room -> (second, highest level within it) not yet written to the timeline
        self._pending: dict[str, tuple[datetime, float]] = {}

    @counts_refusals("applause")
    async def set_grade(self, room_id: str, participant_id: str, raw: object) -> int:
        """Validate and record the participant's current grade (0 = stopped). No ack: the
        phone re-sends its state every second while clapping, so a lost one heals itself."""
        grade = rules.parse_grade(raw)
        await self.board.set_grade(room_id, participant_id, grade, self.clock.now())
        self.meter.wrote("applause")
        try:
            await self.hub.publish(
                room_topic(room_id), {"type": "applause.changed", "room": room_id}
            )
        except Exception:
            # The grade is on the board, and the phone sends it again within a second: the next
            # notice brings it. Debug only: a whole room clapping through a hub outage would
            # flood the log, and the hub logs its own outage.
            log.debug("applause notice failed for %s", room_id, exc_info=True)
        return grade

    async def read(self, room_id: str, previous_level: float, dt: float) -> ApplauseReading:
        now = self.clock.now()
        grades = await self.board.grades(room_id, now)
        present = await self.board.present(room_id, now)
        result = rules.reading(grades, present, previous_level, now, dt)
        await self._keep(room_id, now, result.level)
        return result

    async def _keep(self, room_id: str, now: datetime, level: float) -> None:
        """The report wants the level per second: keep each second's highest level and write a
        second once it is over (one small upsert per second and room, only while applauding)."""
        if self.store is None:
            return
        second = now.replace(microsecond=0)
        pending = self._pending.get(room_id)
        if pending is not None and pending[0] != second:
            del self._pending[room_id]
            if pending[1] > 0.0:
                await self.store.record_applause(room_id, [pending])
            pending = None
        if level > 0.0 or pending is not None:
            self._pending[room_id] = (second, max(level, pending[1] if pending else 0.0))

    async def announce(self, room_id: str, participant_ids: Collection[str]) -> None:
        await self.board.announce(room_id, participant_ids, self.clock.now())

    async def right_now(self, room_id: str) -> ApplauseReading:
        """The room's applause for the control room: the same numbers the room's fan-out
        shows, unsmoothed, and without writing the room's applause timeline (that is the room
        channel's job)."""
        now = self.clock.now()
        grades = await self.board.grades(room_id, now)
        return rules.unsmoothed(grades, await self.board.present(room_id, now), now)
