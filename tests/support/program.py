"""Helpers for tests of the event program that run against the real clock (pages, browser)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")  # LIVE_TIMEZONE's default


def program_today() -> date:
    """Today in Berlin, for an item that runs all day (00:00–23:59) and so runs "now". In the
    last two minutes of a day this waits for the next one, so the item cannot end while the
    test runs."""
    now = datetime.now(BERLIN)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), BERLIN)
    if midnight - now < timedelta(minutes=2):
        time.sleep((midnight - now).total_seconds() + 1)
    return datetime.now(BERLIN).date()
