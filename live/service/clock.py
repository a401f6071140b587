"""The services' one clock. Every use case asks it for "now" (the domain takes times as
arguments); tests set ``now`` to step through an event's day without waiting for it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


class Clock:
    def __init__(self, now: Callable[[], datetime] = utcnow) -> None:
        self.now = now
