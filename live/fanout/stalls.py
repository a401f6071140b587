"""Finding the sockets of a room that stopped reading."""

from __future__ import annotations

from collections.abc import Collection

from live.fanout.connection import Connection

STALL_CHECK_EVERY = 0.5  # seconds between looks for sockets that stopped reading (at most)


class StallWatch:
    """Says which sockets have been stuck in a send (ASGI) or behind a full transport buffer
    (direct writes) for longer than ``slow_after`` seconds.

    A look is a pass over every socket: in a room of 10,000 not on every tick, but often enough
    that a socket is closed soon after its limit. Invariants: at most one look per
    min(STALL_CHECK_EVERY, slow_after / 4) seconds of loop time, so a socket is found at most
    that long after its limit (counted from the ticks that ask); the first call looks.
    """

    __slots__ = ("_looked_at", "slow_after")

    def __init__(self, slow_after: float) -> None:
        self.slow_after = slow_after
        self._looked_at = float("-inf")

    def stalled(self, now: float, conns: Collection[Connection]) -> list[Connection]:
        """The sockets of ``conns`` past their limit at loop time ``now`` (none between looks)."""
        if now - self._looked_at < min(STALL_CHECK_EVERY, self.slow_after / 4):
            return []
        self._looked_at = now
        return [conn for conn in conns if conn.is_stalled(now, self.slow_after)]
