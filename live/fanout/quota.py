"""At most a few open sockets per participant, in this process.

A phone needs one socket per open page (a second tab, a reload before the old socket is gone);
a script with one participant token could otherwise open hundreds and make every tick serve
them. When one more arrives than allowed, the oldest goes: a reloading phone keeps its newest
page, and no client is ever refused a fresh socket.

Per process, not per deployment: with several workers (Redis) one token may hold this many
sockets in each worker (docs/deploy.md). Moderators and viewers have no participant and are not
counted (a projector's sockets are the organiser's business).
"""

from __future__ import annotations

from collections import OrderedDict

from live.fanout.connection import Connection

MAX_SOCKETS_PER_PARTICIPANT = 10


class ParticipantSockets:
    """Invariant: each participant has at most ``limit`` connections admitted and not yet
    released, kept oldest first."""

    def __init__(self, limit: int = MAX_SOCKETS_PER_PARTICIPANT) -> None:
        self.limit = limit
        self._open: dict[str, OrderedDict[Connection, None]] = {}

    def admit(self, conn: Connection) -> list[Connection]:
        """Count ``conn``; returns the participant's oldest connections beyond the limit, now no
        longer counted, for the caller to close."""
        pid = conn.participant_id
        if pid is None:
            return []
        sockets = self._open.setdefault(pid, OrderedDict())
        sockets[conn] = None
        evicted: list[Connection] = []
        while len(sockets) > self.limit:
            oldest, _ = sockets.popitem(last=False)
            evicted.append(oldest)
        return evicted

    def release(self, conn: Connection) -> None:
        pid = conn.participant_id
        if pid is None:
            return
        sockets = self._open.get(pid)
        if sockets is None:
            return
        sockets.pop(conn, None)
        if not sockets:
            del self._open[pid]

    def count(self, participant_id: str) -> int:
        return len(self._open.get(participant_id, ()))
