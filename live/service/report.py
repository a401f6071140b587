"""The conference report's one read of the store (live/report/gather.py), by the services' clock
and with the store's failures turned into 503 like every other use case."""

from __future__ import annotations

from typing import Any

from live.domain.models import Event
from live.report.data import EventReport
from live.report.export import export_event
from live.report.gather import gather
from live.service.clock import Clock
from live.store import Store


class ReportService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def gather(self, event: Event) -> EventReport:
        return await gather(self.store, event, self.clock.now())

    async def export(self, event: Event, timezone: str) -> dict[str, Any]:
        """The complete export (live/report/export.py with records.py): what `live export`
        writes and `live import` reads."""
        return await export_event(self.store, event, self.clock.now(), timezone)
