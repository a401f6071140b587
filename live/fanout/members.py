"""Who is in a room (in this process), in the order a tick serves them."""

from __future__ import annotations

from live.fanout.connection import Connection


class Members:
    """A room's sockets, split into the front and the phones.

    The front (projectors, overlays, moderators: everyone but participants) is served before the
    phones within a tick, and on its own while the room pauses after a long tick
    (live.fanout.pacing). Invariants: ``connections`` is the disjoint union of ``front`` and
    ``phones``; ``fresh`` (added since the last tick took them: a snapshot is due) is a subset of
    ``connections``; ``page_participants`` counts the sockets of the participant page in
    ``connections``. The sets are never replaced (other parts hold them), only changed.
    """

    __slots__ = ("_fresh", "connections", "front", "page_participants", "phones")

    def __init__(self) -> None:
        self.connections: set[Connection] = set()
        self.front: set[Connection] = set()
        self.phones: set[Connection] = set()
        # Sockets of the participant page: they show their own ballots, so while there are any
        # the state read loads every ballot of the open polls.
        self.page_participants = 0
        self._fresh: set[Connection] = set()

    def __len__(self) -> int:
        return len(self.connections)

    def __contains__(self, conn: object) -> bool:
        return conn in self.connections

    def add(self, conn: Connection) -> bool:
        """False if ``conn`` was already in."""
        if conn in self.connections:
            return False
        self.connections.add(conn)
        (self.front if conn.role != "participant" else self.phones).add(conn)
        if conn.view == "participant":
            self.page_participants += 1
        self._fresh.add(conn)
        return True

    def discard(self, conn: Connection) -> bool:
        """False if ``conn`` was not in."""
        if conn not in self.connections:
            return False
        self.connections.discard(conn)
        self.front.discard(conn)
        self.phones.discard(conn)
        self._fresh.discard(conn)
        if conn.view == "participant":
            self.page_participants -= 1
        return True

    def take_fresh(self) -> set[Connection]:
        """The sockets added since the last call (a new set: the next ones go to another)."""
        fresh, self._fresh = self._fresh, set()
        return fresh

    def front_first(self) -> tuple[Connection, ...]:
        """Projectors, overlays and moderators before the phones: in a room of thousands the
        last socket of a tick is served tens of milliseconds after the first, and the screen
        the whole hall watches should not wait behind them."""
        return (*self.front, *self.phones)
