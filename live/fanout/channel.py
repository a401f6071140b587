"""One room's fan-out: one hub subscription per process, one state read per tick, one render
per view.

The server's state is the truth; hub messages only say "room X changed". Per tick the channel
re-reads the room once, renders each distinct view once (the JSON view, the screen, the moderator
and the participant variants), and queues the same string on every socket of that view whose
last frame differs. Sockets that stay behind are closed with 1013 and resync on reconnect.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Protocol

from live.fanout.connection import CLOSE_TRY_AGAIN_LATER, Connection, View
from live.fanout.outbox import OutboxOverflow
from live.fanout.state import RoomState
from live.hub import Hub, Subscription

log = logging.getLogger("live.fanout")

MAX_RETRY_PAUSE = 2.0  # seconds between state reads while the store is unreachable


@dataclass(frozen=True, slots=True)
class Region:
    """One live region: its key (DOM id or JSON key), the frame to send, and the keys of regions
    it contains (sending the parent makes queued children obsolete)."""

    key: str
    frame: str
    body: str  # what "unchanged" is judged by (for JSON: the frame without the version)
    children: tuple[str, ...] = ()


class Renderer(Protocol):
    def personal_key(self, conn: Connection, state: RoomState) -> Hashable:
        """Sockets of one view and language with equal keys get identical frames: one render
        serves them all."""

    def regions(self, conn: Connection, state: RoomState) -> list[Region]: ...

    def snapshot(self, conn: Connection, state: RoomState) -> str:
        """The JSON view's full snapshot frame."""


StateLoader = Callable[[str, "set[str] | None", bool, "RoomState | None"], Awaitable[RoomState]]


class RoomChannel:
    def __init__(
        self,
        room_id: str,
        *,
        hub: Hub,
        topic: str,
        load: StateLoader,
        renderer: Renderer,
        tick: float,
        slow_after: float,
    ) -> None:
        self.room_id = room_id
        self.connections: set[Connection] = set()
        self._hub = hub
        self._topic = topic
        self._load = load
        self._renderer = renderer
        self._tick = tick
        self._slow_after = slow_after
        self._wake = asyncio.Event()
        # Poll ids whose results must be re-read; None means "everything" (start, reset, unknown).
        self._dirty_polls: set[str] | None = None
        self._state: RoomState | None = None
        self._sub: Subscription | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        # subscribe() returns once the hub confirmed; only then is the first state read, so no
        # change can fall between the read and the subscription.
        self._sub = await self._hub.subscribe(self._topic)
        self._tasks = [
            asyncio.create_task(self._listen(), name=f"listen:{self.room_id}"),
            asyncio.create_task(self._run(), name=f"tick:{self.room_id}"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
            except Exception:  # already logged by the task itself
                pass
        if self._sub is not None:
            await self._sub.close()
        for conn in tuple(self.connections):
            await conn.shut(1001, "server shutdown")

    def add(self, conn: Connection) -> None:
        self.connections.add(conn)
        self._wake.set()

    def discard(self, conn: Connection) -> None:
        self.connections.discard(conn)

    def poke(self, poll_id: str | None = None) -> None:
        """Mark the room changed (from the hub, or locally)."""
        if poll_id is None:
            self._dirty_polls = None
        elif self._dirty_polls is not None:
            self._dirty_polls.add(poll_id)
        self._wake.set()

    async def _listen(self) -> None:
        assert self._sub is not None
        while True:
            message = await self._sub.get()
            kind = message.get("type")
            poll_id = message.get("poll")
            if kind == "hub.reset":
                # Messages may have been lost: re-read everything and resend full snapshots.
                for conn in self.connections:
                    conn.needs_snapshot = True
                self.poke(None)
            elif kind == "poll.voted" and isinstance(poll_id, str):
                self.poke(poll_id)
            else:
                self.poke(None)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        failures = 0
        while True:
            await self._wake.wait()
            self._wake.clear()
            dirty, self._dirty_polls = self._dirty_polls, set()
            pause = self._tick
            try:
                needs_ballots = any(c.view == "participant" for c in self.connections)
                self._state = await self._load(self.room_id, dirty, needs_ballots, self._state)
                self._deliver(self._state)
                if failures:
                    log.warning(
                        "room %s: store reachable again after %d tries", self.room_id, failures
                    )
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                # The store may be briefly unavailable (a Redis restart): keep the sockets, retry
                # with backoff, log the first failure and then only now and then.
                failures += 1
                if failures == 1 or failures % 50 == 0:
                    log.warning("room %s: tick failed (%d)", self.room_id, failures, exc_info=True)
                self._dirty_polls = None
                self._wake.set()
                pause = min(self._tick * 2 ** min(failures, 6), MAX_RETRY_PAUSE)
            self._close_stalled(loop.time())
            # Coalesce: whatever arrives during this pause goes out together in the next tick.
            await asyncio.sleep(pause)

    def _deliver(self, state: RoomState) -> None:
        renders: dict[tuple[View, str, Hashable], list[Region]] = {}
        snapshots: dict[Hashable, str] = {}
        for conn in tuple(self.connections):
            if conn.closed.is_set():
                continue
            try:
                if conn.view == "json" and conn.needs_snapshot:
                    pkey = self._renderer.personal_key(conn, state)
                    if pkey not in snapshots:
                        snapshots[pkey] = self._renderer.snapshot(conn, state)
                    conn.outbox.put_state("snapshot", snapshots[pkey])
                    conn.last.clear()
                    # The snapshot holds every poll: remember their bodies as already sent.
                    for region in self._render(renders, conn, state):
                        conn.last[region.key] = region.body
                    conn.needs_snapshot = False
                    continue
                if conn.needs_snapshot:  # page views: send every region once
                    conn.last.clear()
                    conn.needs_snapshot = False
                regions = self._render(renders, conn, state)
                by_key = {region.key: region for region in regions}
                for region in regions:
                    if conn.last.get(region.key) == region.body:
                        continue
                    conn.outbox.put_state(region.key, region.frame, supersedes=region.children)
                    conn.last[region.key] = region.body
                    # The parent carries its children as they are now: they count as sent.
                    for child in region.children:
                        if child in by_key:
                            conn.last[child] = by_key[child].body
            except OutboxOverflow:
                asyncio.get_running_loop().create_task(conn.shut(CLOSE_TRY_AGAIN_LATER, "slow"))

    def _render(
        self,
        cache: dict[tuple[View, str, Hashable], list[Region]],
        conn: Connection,
        state: RoomState,
    ) -> list[Region]:
        lang = conn.lang if conn.view != "json" else ""
        key = (conn.view, lang, self._renderer.personal_key(conn, state))
        regions = cache.get(key)
        if regions is None:
            regions = self._renderer.regions(conn, state)
            cache[key] = regions
        return regions

    def _close_stalled(self, now: float) -> None:
        for conn in tuple(self.connections):
            if conn.is_stalled(now, self._slow_after):
                log.info("room %s: closing a socket that stopped reading", self.room_id)
                self.connections.discard(conn)
                asyncio.get_running_loop().create_task(conn.shut(CLOSE_TRY_AGAIN_LATER, "slow"))
