"""Replies (acks) that ride with a big room's next tick instead of going out on their own."""

from __future__ import annotations

import asyncio

from live.fanout.connection import Connection
from live.fanout.members import Members

# From this many sockets in a room, replies (acks) are not written on their own but with the
# room's next tick, which the request itself set off, or when the front is next served (at the
# tick rate): one send() per socket instead of two for most of them. A send() to a socket was
# the largest single cost of a vote in a 10,000-participant burst, and the ack waits about a
# tick. Smaller rooms answer at once.
HOLD_REPLIES_FROM = 1000


class HeldReplies:
    """The sockets whose queued reply waits for the room's next tick.

    Invariants: a reply is held only while the room has HOLD_REPLIES_FROM sockets or more and
    its socket is in the room; holding one wakes the room's tick; every held socket is flushed
    at the end of the next tick, a failed one included (an ack must not wait for the store to
    come back), when the front is next served (live.fanout.channel), or when it leaves the
    room, whichever comes first.
    """

    __slots__ = ("_held", "_members", "_wake")

    def __init__(self, members: Members, wake: asyncio.Event) -> None:
        self._members = members
        self._wake = wake
        self._held: set[Connection] = set()

    def hold(self, conn: Connection) -> bool:
        """Keep ``conn``'s queued reply for the next tick's write; False: write it now."""
        if len(self._members) < HOLD_REPLIES_FROM or conn not in self._members:
            return False
        self._held.add(conn)
        self._wake.set()
        return True

    def release(self, conn: Connection) -> None:
        """``conn`` leaves the room: write its held reply now."""
        if conn in self._held:
            self._held.discard(conn)
            conn.flush()

    def flush(self) -> None:
        """Write every held reply (the tick's own frames went out with them, where it had any)."""
        held, self._held = self._held, set()
        for conn in held:
            conn.flush()  # nothing left to write if the tick already flushed it
