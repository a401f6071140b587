"""Pace and technics feedback: participants say "zu schnell", "zu langsam" or "Ton/Bild
gestört" whenever they like (live/domain/pace.py); the latest counts for a while, and every
signal is kept for the report's timeline.

A participant toggling fast cannot flood the room: each signal is one small write and one
notice, and the fan-out coalesces notices into one read per tick; that read re-tallies no poll
(``pace.updated`` marks only the room, live/fanout/channel.py). The socket's token bucket
bounds the messages per participant as for every other message.
"""

from __future__ import annotations

from datetime import timedelta

from live.domain import pace as rules
from live.domain.models import Room
from live.hub import Hub
from live.service.changes import publish_change
from live.service.clock import Clock
from live.service.requests import WriteResult, write_once
from live.store import Store


class PaceService:
    def __init__(
        self, store: Store, hub: Hub, clock: Clock, window: timedelta = rules.WINDOW
    ) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock
        self.window = window  # how long a signal counts (LIVE_PACE_SECONDS)

    async def set_pace(
        self, room: Room, participant_id: str, raw: object, request_id: object = None
    ) -> WriteResult:
        result = await write_once(
            self.store,
            participant_id,
            request_id,
            lambda key: self.store.set_pace(
                room.id, participant_id, rules.parse_pace(raw), key, self.clock.now()
            ),
        )
        if result.applied and result.version is not None:
            await publish_change(self.hub, room.id, "pace.updated", result.version)
        return result
