"""Barrier reports from the accessibility statement's form: checked (live/domain/feedback.py),
budgeted, and written as one line to the operator's log (logger ``live.feedback``, level
WARNING so it shows at every usual log level). Nothing is stored: the operator reads the log.

Budgets against a flood that would bury the log: a few reports per client address and
10 minutes (a venue's Wi-Fi puts many behind one address, but reports are rare), and a cap
for the whole process per hour (many addresses at once). Per worker process, like the join
budget (docs/deploy.md).
"""

from __future__ import annotations

import logging

from live.domain.budget import Budget, address_key
from live.domain.feedback import BarrierReport, barrier_report
from live.domain.text import _n
from live.errors import TooMany
from live.service.clock import Clock

log = logging.getLogger("live.feedback")

REPORTS_PER_ADDRESS = 5  # per 10 minutes
REPORTS_PER_HOUR = 200  # per process, all addresses together
TOO_MANY_REPORTS = _n(
    "Von hier kamen gerade viele Meldungen. Bitte versuchen Sie es in einigen Minuten noch einmal."
)


class FeedbackService:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.per_address = Budget(REPORTS_PER_ADDRESS, 600.0)
        self.overall = Budget(REPORTS_PER_HOUR, 3600.0)

    def report(self, text: str, contact: str, address: str) -> BarrierReport:
        """Check the report (DomainError when it is empty or too long: nothing is counted or
        logged), spend the budgets (TooMany when one is spent), then log it."""
        report = barrier_report(text, contact)
        key, now = address_key(address), self.clock.now().timestamp()
        wait = max(self.per_address.wait(key, now), self.overall.wait("*", now))
        if wait:
            raise TooMany("too_many_reports", TOO_MANY_REPORTS, retry_after=wait)
        self.per_address.spend(key, now)
        self.overall.spend("*", now)
        log.warning("%s", report.log_message())
        return report
