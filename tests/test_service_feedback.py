"""Barrier reports (live/service/feedback.py): budgeted per address and per process, logged
once each, nothing counted for a refused one."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from live.domain.errors import DomainError
from live.errors import TooMany
from live.service.clock import Clock
from live.service.feedback import REPORTS_PER_ADDRESS, REPORTS_PER_HOUR, FeedbackService


class SteppedClock(Clock):
    def __init__(self) -> None:
        self.at = datetime(2026, 5, 6, 9, 0, tzinfo=UTC)
        super().__init__(lambda: self.at)


def test_per_address_budget_counts_ipv6_per_64(caplog: pytest.LogCaptureFixture) -> None:
    clock = SteppedClock()
    service = FeedbackService(clock)
    with caplog.at_level(logging.WARNING, logger="live.feedback"):
        for n in range(REPORTS_PER_ADDRESS):
            service.report(f"Meldung {n}", "", f"2001:db8:1:2::{n + 1}")
        with pytest.raises(TooMany) as caught:
            service.report("noch eine", "", "2001:db8:1:2:ffff::9")
        assert 0 < caught.value.retry_after <= 600
        service.report("andere Adresse", "", "2001:db8:1:3::1")
        clock.at += timedelta(minutes=10, seconds=1)
        service.report("später wieder", "", "2001:db8:1:2::1")
    assert len(caplog.records) == REPORTS_PER_ADDRESS + 2
    assert all(r.name == "live.feedback" and r.levelno == logging.WARNING for r in caplog.records)


def test_the_whole_process_takes_a_bounded_number_an_hour() -> None:
    service = FeedbackService(SteppedClock())
    for n in range(REPORTS_PER_HOUR):
        service.report("Meldung", "", f"10.0.{n // 250}.{n % 250}")
    with pytest.raises(TooMany):
        service.report("Meldung", "", "192.0.2.1")


def test_a_refused_report_spends_nothing(caplog: pytest.LogCaptureFixture) -> None:
    service = FeedbackService(SteppedClock())
    with caplog.at_level(logging.WARNING, logger="live.feedback"):
        for _ in range(REPORTS_PER_ADDRESS * 2):
            with pytest.raises(DomainError):
                service.report("   ", "", "192.0.2.7")
        service.report("jetzt richtig", "", "192.0.2.7")
    assert len(caplog.records) == 1
