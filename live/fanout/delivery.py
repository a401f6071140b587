"""Sending one state to a room's sockets: what one tick renders, diffs and encodes once and
shares between every socket it serves.

A ``Delivery`` lives for one tick and one state. Where several processes share an event, the
room hands it sockets in slices and lets the event loop run between them (``Pacing.send`` in
live.fanout.pacing): in a room of 15,000 sockets one tick of writes takes half a second and
more, and the votes and notices that arrived meanwhile waited for all of it.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable

from live.fanout.connection import CLOSE_TRY_AGAIN_LATER, Connection, FrameCache
from live.fanout.diff import NOTHING_SENT, DiffCache, Sent, snapshot_sent
from live.fanout.outbox import OutboxOverflow
from live.fanout.state import RoomState
from live.fanout.tasks import TaskSet
from live.fanout.types import Region, Renderer


class Delivery:
    """One state on its way to a room's sockets.

    Invariants: each distinct (view, language, personal key) is rendered once, each JSON
    snapshot made once, each (regions, last sent) pair diffed and each frame encoded once, for
    all the sockets this delivery serves; a socket is sent only what differs from what it was
    last sent; a socket whose outbox overflows is closed with 1013 (the close runs in a task of
    ``closing``, which its owner waits for).
    """

    __slots__ = (
        "_changes_for",
        "_closing",
        "_encode",
        "_only_applause",
        "_renderer",
        "_renders",
        "_snapshot_bodies",
        "_snapshots",
        "state",
    )

    def __init__(
        self,
        renderer: Renderer[Connection],
        state: RoomState,
        *,
        only_applause: bool,
        closing: TaskSet,
    ) -> None:
        self.state = state
        self._renderer = renderer
        self._closing = closing
        self._only_applause = only_applause
        self._renders: dict[Hashable, list[Region]] = {}
        self._snapshots: dict[Hashable, str] = {}
        self._snapshot_bodies: dict[int, tuple[list[Region], Sent]] = {}
        self._encode = FrameCache()
        self._changes_for = DiffCache(self._encode)

    def send_all(self, conns: Collection[Connection]) -> None:
        """Send to ``conns`` in one go (a few sockets: the front)."""
        for conn in tuple(conns):
            self.send(conn)

    def send(self, conn: Connection) -> None:
        """Bring ``conn`` up to this state: its snapshot, or the regions that changed since it
        was last sent."""
        try:
            self._send(conn)
        except OutboxOverflow:
            self._closing.spawn(conn.shut(CLOSE_TRY_AGAIN_LATER, "slow"))

    def _send(self, conn: Connection) -> None:
        if conn.closed.is_set():
            return
        if conn.view == "json" and conn.needs_snapshot:
            pkey = self._renderer.personal_key(conn, self.state)
            frame = self._snapshots.get(pkey)
            if frame is None:
                frame = self._snapshots[pkey] = self._renderer.snapshot(conn, self.state)
            conn.outbox.put_state("snapshot", frame)
            # The snapshot holds every poll: remember their bodies as already sent.
            regions = self._render(conn, only_applause=False)
            sent = self._snapshot_bodies.get(id(regions))
            if sent is None:
                sent = self._snapshot_bodies[id(regions)] = (regions, snapshot_sent(regions))
            conn.last = sent[1]
            conn.needs_snapshot = False
            conn.flush(self._encode)
            return
        if conn.needs_snapshot:  # page views: send every region once
            conn.last = NOTHING_SENT
            conn.needs_snapshot = False
        diff = self._changes_for(conn.last, self._render(conn, self._only_applause))
        if not diff.changes:
            return
        conn.last = diff.after
        if conn.write_now(diff.payload):
            return
        # Something is queued (a held ack, a backlog) or the client is not reading: queue the
        # changes, where newer state replaces older.
        for region in diff.changes:
            conn.outbox.put_state(region.key, region.frame, supersedes=region.children)
        conn.flush(self._encode)

    def _render(self, conn: Connection, only_applause: bool) -> list[Region]:
        """The regions for ``conn``, rendered once per tick for all sockets that share them."""
        lang = conn.lang if conn.view != "json" else ""
        if only_applause:  # the same for every socket of a view and language
            key: Hashable = (conn.view, lang)
        else:
            key = (conn.view, lang, self._renderer.personal_key(conn, self.state))
        regions = self._renders.get(key)
        if regions is None:
            regions = (
                self._renderer.applause_regions(conn, self.state)
                if only_applause
                else self._renderer.regions(conn, self.state)
            )
            self._renders[key] = regions
        return regions
