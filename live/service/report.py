"""The conference report's one read of the store (live/report/gather.py), by the services' clock
and with the store's failures turned into 503 like every other use case."""

from __future__ import annotations

from live.domain.models import Event
from live.report.data import EventReport
from live.report.gather import gather
from live.service.clock import Clock
from live.store import Store


class ReportService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def gather(self, event: Event) -> EventReport:
        return await gather(self.store, event, self.clock.now())
