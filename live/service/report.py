"""The conference report's one read of the store (live/report/gather.py), by the services' clock
and with the store's failures turned into 503 like every other use case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from live.domain import pace as pace_rules
from live.domain.models import Event
from live.report.data import EventReport
from live.report.export import export_dict
from live.report.gather import gather
from live.service.clock import Clock
from live.store import Store


class ReportService:
    def __init__(
        self, store: Store, clock: Clock, pace_window: timedelta = pace_rules.WINDOW
    ) -> None:
        self.store = store
        self.clock = clock
        self.pace_window = pace_window  # how long a pace signal counts (LIVE_PACE_SECONDS)

    async def gather(self, event: Event) -> EventReport:
        return await gather(self.store, event, self.clock.now(), self.pace_window)

    async def export(self, event: Event, timezone: str) -> dict[str, Any]:
        """The organiser's download (GET …/export.json): the report's document, results and
        timelines, without the records. Those (each ballot, author and upvoter under a
        pseudonym, live/report/records.py) would link one person's votes across polls, and a
        question signed with a name would name its author's votes: they stay on the server,
        for `live export` (``export_event``), which an operator runs there."""
        report = await gather(self.store, event, self.clock.now(), self.pace_window)
        return export_dict(report, timezone)
