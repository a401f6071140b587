"""The mood barometer: participants set their mood 1..5 whenever they like; the latest counts,
and every change is kept for the course over time (durable: it is for the report)."""

from __future__ import annotations

from live.domain import mood as rules
from live.domain.models import Room
from live.hub import Hub
from live.service.changes import publish_change
from live.service.clock import Clock
from live.service.meter import NO_METER, WriteMeter, counts_refusals
from live.service.requests import WriteResult, write_once
from live.store import Store


class MoodService:
    def __init__(self, store: Store, hub: Hub, clock: Clock, meter: WriteMeter = NO_METER) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock
        self.meter = meter

    @counts_refusals("mood")
    async def set_mood(
        self, room: Room, participant_id: str, raw: object, request_id: object = None
    ) -> WriteResult:
        result = await write_once(
            self.store,
            participant_id,
            request_id,
            lambda key: self.store.set_mood(
                room.id, participant_id, rules.parse_mood(raw), key, self.clock.now()
            ),
        )
        if result.applied and result.version is not None:
            self.meter.wrote("mood")
            await publish_change(self.hub, room.id, "mood.updated", result.version)
        return result
