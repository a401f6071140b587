"""Data protection: deleting an event with all its data, by the organiser or automatically
LIVE_RETENTION_DAYS after its last day.

Every process may run the automatic deletion (several workers, several hosts): deleting an event
that is already gone is a no-op, so no leader election is needed.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from live.domain.models import Event
from live.hub import Hub
from live.service.changes import publish_change
from live.service.clock import Clock
from live.service.events import EventService
from live.service.participants import ParticipantService
from live.service.polls import PollService
from live.store import Store

log = logging.getLogger("live.retention")

# How often the automatic deletion looks for expired events. Days matter, not minutes; hourly
# keeps a restarted or long-running process within an hour of the promised day.
PURGE_EVERY_SECONDS = 3600.0


class RetentionService:
    def __init__(
        self,
        store: Store,
        hub: Hub,
        clock: Clock,
        *,
        forget: tuple[EventService, ParticipantService, PollService],
        retention_days: int,
        zone: ZoneInfo,
    ) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock
        # The in-memory copies that must not outlive a deleted event.
        self._events, self._participants, self._polls = forget
        self.retention_days = retention_days
        self.zone = zone

    def today(self) -> date:
        """The local calendar day (event days are local dates)."""
        return self.clock.now().astimezone(self.zone).date()

    def deletion_day(self, event: Event) -> date:
        """The first day on which the event is gone (shown to the organiser)."""
        return event.last_day + timedelta(days=self.retention_days + 1)

    async def delete_event(self, event: Event) -> None:
        """Delete everything of the event and close its open sockets (in every process: the hub
        tells each room's channel)."""
        room_ids = await self.store.delete_event(event.code)
        self._events.forget(event.code, room_ids)
        self._participants.forget(event.code)
        self._polls.forget(event.code)
        for room_id in room_ids:
            await publish_change(self.hub, room_id, "room.deleted", 0)
        log.info("event %s deleted with %d rooms", event.code, len(room_ids))

    async def purge_expired(self) -> list[str]:
        """Delete the events whose last day lies more than retention_days before today."""
        cutoff = self.today() - timedelta(days=self.retention_days)
        codes = await self.store.events_ended_before(cutoff)
        deleted: list[str] = []
        for code in codes:
            event = await self.store.get_event(code)
            if event is None:  # another process was quicker
                continue
            await self.delete_event(event)
            deleted.append(code)
        return deleted

    async def run(self, every: float = PURGE_EVERY_SECONDS) -> None:
        """The background loop of the app's lifespan: purge now, then every ``every`` seconds.
        A failure (store briefly down) is logged and retried at the next round."""
        while True:
            try:
                deleted = await self.purge_expired()
                if deleted:
                    log.info("automatic deletion after %d days: %s", self.retention_days, deleted)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("automatic deletion failed; next try in %.0f s", every, exc_info=True)
            await asyncio.sleep(every)
