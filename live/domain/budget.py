"""A budget of events per key in a sliding window: "at most ``limit`` new identities from one
address in any 60 seconds", "at most 10 wrong admin tokens from one address a minute".

Pure and synchronous: ``now`` (seconds on any steady scale) comes in as an argument, so tests
step a fake clock. The budget lives in one process's memory: with several workers each keeps
its own (docs/deploy.md).

A sliding log rather than fixed windows: a fixed window lets twice the limit through around
its boundary, and the log is exact. It keeps one timestamp per admitted event of the last
window, so its memory follows what was admitted (each one also a stored participant or a
refused guess) and never what was refused.
"""

from __future__ import annotations

import ipaddress
import math
from collections import deque


class Budget:
    """At most ``limit`` events per key in any ``window`` seconds."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a budget needs a limit of at least 1 and a positive window")
        self.limit = limit
        self.window = window
        self._log: dict[str, deque[float]] = {}
        self._swept = -math.inf

    def __len__(self) -> int:
        """How many keys are held (the budget's memory)."""
        return len(self._log)

    def wait(self, key: str, now: float) -> float:
        """Seconds until ``key`` may spend again; 0 when it may now."""
        log = self._recent(key, now)
        if log is None or len(log) < self.limit:
            return 0.0
        # The oldest event that keeps the log full leaves the window then.
        return max(log[len(log) - self.limit] + self.window - now, 0.0)

    def spend(self, key: str, now: float) -> None:
        """Count one event of ``key`` (whether or not the budget had room: a caller that
        counts failures spends after checking ``wait``)."""
        self._sweep(now)
        self._log.setdefault(key, deque()).append(now)

    def take(self, key: str, now: float) -> float:
        """Spend one event if the budget has room: 0 when taken, else the seconds to wait
        (nothing is counted then)."""
        wait = self.wait(key, now)
        if wait == 0:
            self.spend(key, now)
        return wait

    def _recent(self, key: str, now: float) -> deque[float] | None:
        log = self._log.get(key)
        if log is None:
            return None
        start = now - self.window
        while log and log[0] <= start:
            log.popleft()
        if not log:
            del self._log[key]
            return None
        return log

    def _sweep(self, now: float) -> None:
        """Once a window, forget the keys that spent nothing in the last one (the keys that
        come back are pruned as they come: ``_recent``)."""
        if now - self._swept < self.window:
            return
        self._swept = now
        start = now - self.window
        for key in [k for k, log in self._log.items() if log[-1] <= start]:
            del self._log[key]


def address_key(host: str) -> str:
    """The budget key of a client address. An IPv6 client holds a whole /64 (it may pick any
    address in it at will), so the /64 is the key; IPv4 addresses and anything that is not an
    address (a test client's name) stand for themselves."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # an IPv4 client on a dual-stack socket
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
