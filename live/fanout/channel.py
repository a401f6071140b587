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
from collections.abc import Awaitable, Callable, Collection, Hashable, Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from live.domain.applause import ApplauseReading
from live.fanout.connection import CLOSE_GONE, CLOSE_TRY_AGAIN_LATER, Connection
from live.fanout.delivery import Delivery
from live.fanout.outbox import OutboxOverflow
from live.fanout.state import RoomState
from live.hub import Hub, Subscription

log = logging.getLogger("live.fanout")

MAX_RETRY_PAUSE = 2.0  # seconds between state reads while the store is unreachable
# After a tick that took t seconds (reading, rendering, writing to every socket), pause at least
# t * this before the next: sending to everyone then never takes more than 1 / (1 + this) of the
# process, and votes keep the rest. With 10,000 sockets on a slow machine one tick of writes
# takes longer than the tick interval; without this the ticks ran back to back and starved the
# votes. The front (projectors, moderators) is still served at the tick rate (_serve_front).
SEND_SHARE_PAUSE = 2.0
# From this many sockets in a room, replies (acks) are not written on their own but with the
# room's next tick, which the request itself set off: one send() per socket instead of two. A
# send() to a socket was the largest single cost of a vote in a 10,000-participant burst, and
# the ack waits at most one tick pause. Smaller rooms answer at once.
HOLD_REPLIES_FROM = 1000
ANNOUNCE_EVERY = 2.0  # seconds between presence announcements to the board
STALL_CHECK_EVERY = 0.5  # seconds between looks for sockets that stopped reading (at most)
# With several processes serving one event, a tick sends for at most this long before it lets
# the event loop run (the hub's notices, votes being read and stored) and serves the front if
# it is due; then it goes on with the next socket. A 15,000-socket tick written in one go held
# up the other process's projector: it waited for this one's votes (Redis, 2 workers, 30,000:
# S3 p99 0.9-1.7 s in one go, 0.25-0.55 s in slices). A single process has nobody waiting on
# it; there the slices showed no gain in S2 and S3 at 10,000 (within the spread of single
# runs), so it sends in one go as before (docs/benchmarks.md).
SLICE_SECONDS = 0.01
SLICE_CHECK = 64  # sockets between looks at the clock


@dataclass(frozen=True, slots=True)
class Region:
    """One live region: its key (DOM id or JSON key), the frame to send, and the keys of regions
    it contains (sending the parent makes queued children obsolete)."""

    key: str
    frame: str
    body: str  # what "unchanged" is judged by (for JSON: the frame without the version)
    children: tuple[str, ...] = ()


class ApplauseSource(Protocol):
    """Where a room's applause comes from (the board, shared by all processes)."""

    async def read(self, room_id: str, previous_level: float, dt: float) -> ApplauseReading: ...

    async def announce(self, room_id: str, participant_ids: Collection[str]) -> None:
        """This process's participants in the room (for "present")."""


class Renderer(Protocol):
    def personal_key(self, conn: Connection, state: RoomState) -> Hashable:
        """Sockets of one view and language with equal keys get identical frames: one render
        serves them all."""

    def regions(self, conn: Connection, state: RoomState) -> list[Region]: ...

    def snapshot(self, conn: Connection, state: RoomState) -> str:
        """The JSON view's full snapshot frame."""

    def applause_regions(self, conn: Connection, state: RoomState) -> list[Region]:
        """Only the regions that show the applause (sent on applause-only ticks); the same for
        every socket of one view and language."""


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
        applause: ApplauseSource | None = None,
        sliced: bool = False,
    ) -> None:
        """``sliced``: send ticks in slices (SLICE_SECONDS; for processes that share an event)."""
        self.room_id = room_id
        self._sliced = sliced
        self.connections: set[Connection] = set()
        self._front: set[Connection] = set()  # not participants: served first (_front_first)
        self._phones: set[Connection] = set()  # the participants: connections minus the front
        self._page_participants = 0  # sockets of the participant page (they show own ballots)
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
        self._state_dirty = True
        self._sub: Subscription | None = None
        self._tasks: list[asyncio.Task[None]] = []
        # Applause is short-lived state on the board: no version bump, no store read. While it
        # is active (or decaying) the channel ticks on its own and sends only the applause.
        self._applause_source = applause
        self._applause = ApplauseReading(0.0, 0, 0)
        self._applause_dirty = False
        self._applause_at: float | None = None
        self._announced_at = 0.0
        # Participants who came since the last announcement: announced on the next tick, alone
        # (a ramp of thousands of arrivals must not re-announce everyone on every tick).
        self._newcomers: set[str] = set()
        self._fresh: set[Connection] = set()  # added since the last tick: snapshot due
        self._held_replies: set[Connection] = set()
        self._behind = False  # the front has a newer state than the others (_serve_front)
        self._front_at = float("-inf")  # when the front was last served
        self._stall_check_at = float("-inf")

    async def start(self) -> None:
        # subscribe() returns once the hub confirmed; only then is the first state read, so no
        # change can fall between the read and the subscription.
        self._sub = await self._hub.subscribe(self._topic)
        self._tasks = [
            asyncio.create_task(self._listen(), name=f"listen:{self.room_id}"),
            asyncio.create_task(self._run(), name=f"tick:{self.room_id}"),
        ]
        if self._applause_source is not None:
            self._tasks.append(
                asyncio.create_task(self._heartbeat(), name=f"presence:{self.room_id}")
            )

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
        if conn in self.connections:
            return
        self.connections.add(conn)
        conn.hold_reply = self.hold_reply
        (self._front if conn.role != "participant" else self._phones).add(conn)
        if conn.view == "participant":
            self._page_participants += 1
        if conn.participant_id is not None:
            # Count a newcomer as present at once: a lagging head count would make a few
            # clappers sound like the whole room.
            self._newcomers.add(conn.participant_id)
        self._fresh.add(conn)
        self._wake.set()

    def discard(self, conn: Connection) -> None:
        if conn not in self.connections:
            return
        self.connections.discard(conn)
        self._front.discard(conn)
        self._phones.discard(conn)
        self._fresh.discard(conn)
        if conn.view == "participant":
            self._page_participants -= 1
        conn.hold_reply = None
        if conn in self._held_replies:
            self._held_replies.discard(conn)
            conn.flush()

    def hold_reply(self, conn: Connection) -> bool:
        """Keep ``conn``'s queued reply for the next tick's write (see HOLD_REPLIES_FROM)."""
        if len(self.connections) < HOLD_REPLIES_FROM or conn not in self.connections:
            return False
        self._held_replies.add(conn)
        self._wake.set()
        return True

    def _flush_held_replies(self) -> None:
        held, self._held_replies = self._held_replies, set()
        for conn in held:
            conn.flush()  # nothing left to write if the tick already flushed it

    def _front_first(self) -> tuple[Connection, ...]:
        """Projectors, overlays and moderators before the phones: in a room of thousands the
        last socket of a tick is served tens of milliseconds after the first, and the screen
        the whole hall watches should not wait behind them."""
        return (*self._front, *self._phones)

    def poke_applause(self) -> None:
        self._applause_dirty = True
        self._wake.set()

    def poke(self, poll_id: str | None = None) -> None:
        """Mark the room changed (from the hub, or locally)."""
        self._state_dirty = True
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
            elif kind == "applause.changed":
                self.poke_applause()
            elif kind == "room.deleted":
                # The event was deleted: its sockets go, with a code that tells clients not to
                # reconnect (the htmx ws extension retries only 1006/1012/1013).
                # Shut them together; the listener goes on (the registry stops the channel
                # once the last socket is gone).
                await asyncio.gather(
                    *(conn.shut(CLOSE_GONE, "deleted") for conn in tuple(self.connections))
                )
            else:
                self.poke(None)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        failures = 0
        while True:
            await self._wake.wait()
            self._wake.clear()
            pause = self._tick
            started = loop.time()
            fresh, self._fresh = self._fresh, set()
            try:
                # _behind: the front was served a newer state than the phones (_serve_front).
                full = self._state_dirty or self._state is None or self._behind
                applause_changed = await self._read(full)
                assert self._state is not None
                if full:
                    self._behind = False
                    self._deliver_now(self._state, self._front)
                    self._front_at = loop.time()
                    await self._deliver(self._state, self._phones)
                else:
                    # Newcomers get their snapshot; the others only what changed, if anything.
                    # (Not a pass over every socket for each arrival: a ramp of thousands of
                    # connections would cost O(sockets) per tick.)
                    fresh = {c for c in fresh if c.needs_snapshot}
                    if fresh:
                        await self._deliver(self._state, fresh)
                    if applause_changed:
                        others = (c for c in self._front_first() if c not in fresh)
                        await self._deliver(self._state, others, only_applause=True)
                if self._applause.level > 0.0 or self._applause.clappers:
                    self._wake.set()  # keep ticking: the level rises and decays by itself
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
                self._state_dirty = True  # the read failed: read everything again next time
                self._wake.set()
                pause = min(self._tick * 2 ** min(failures, 6), MAX_RETRY_PAUSE)
            # Also after a failed tick: an ack must not wait for the store to come back.
            self._flush_held_replies()
            now = loop.time()
            self._close_stalled(now)
            # The full tick's pause comes after the sending, not instead of it: under load the
            # ticks stretch, which leaves the CPU to incoming votes (shortening the pause by the
            # sending time made a 10,000-socket burst 2.5 times slower; docs/benchmarks.md).
            # The tick's wall time counts, with the turns it gave to the votes between its
            # slices: counting only its own time started the next tick at once in a burst, and
            # the phones' ticks ran back to back (S2's final tally took 2.7 s instead of 0.2 s).
            # Coalesce: whatever arrives during this pause goes out together in the next tick.
            if failures:
                await asyncio.sleep(pause)
            else:
                took = now - started
                await self._serve_front(started + max(pause, took * SEND_SHARE_PAUSE))

    async def _read(self, full: bool) -> bool:
        """Re-read the room's state if it changed (only the polls known to have changed, when
        known), and the applause when it is active or ``full``. True if the applause changed."""
        if self._state_dirty or self._state is None:
            dirty, self._dirty_polls = self._dirty_polls, set()
            self._state_dirty = False
            needs_ballots = self._page_participants > 0
            self._state = await self._load(self.room_id, dirty, needs_ballots, self._state)
        changed = await self._update_applause(asyncio.get_running_loop().time(), full)
        if changed:
            self._state = replace(self._state, applause=self._applause)
        return changed

    async def _serve_front(self, until: float) -> None:
        """Pause until ``until``; while a long pause lasts (a big room whose last tick took
        long), keep the front (projectors, moderators, overlays: a handful of sockets) at the
        tick rate. The hall watches the projector; the phones get the newest state with the
        next full tick. Failures are left to the next full tick, which reports and retries."""
        loop = asyncio.get_running_loop()
        while self._front and until - loop.time() > self._tick * 1.5:
            await asyncio.sleep(self._tick)
            if not await self._serve_front_now():
                break
        left = until - loop.time()
        if left > 0:
            await asyncio.sleep(left)

    async def _serve_front_now(self) -> bool:
        """Bring the front up to the newest state, if anything changed since it was served.
        False if the read failed (left to the next full tick)."""
        self._front_at = asyncio.get_running_loop().time()
        applause_active = self._applause_dirty or self._applause.level > 0.0
        if not (self._state_dirty or applause_active):
            return True
        try:
            full = self._state_dirty
            if not await self._read(full) and not full:
                return True
        except asyncio.CancelledError:
            raise
        except Exception:
            self._dirty_polls = None
            self._state_dirty = True
            return False
        assert self._state is not None
        self._behind = True
        self._deliver_now(self._state, self._front, only_applause=not full)
        return True

    async def _heartbeat(self) -> None:
        """Tell the board who is here every ANNOUNCE_EVERY seconds, also while the room is idle
        (no ticks): other processes must count this process's participants as present."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(ANNOUNCE_EVERY)
            try:
                await self._announce(loop.time())
            except Exception:  # the board is briefly unreachable: next beat
                log.debug("room %s: presence announce failed", self.room_id, exc_info=True)

    async def _announce(self, now: float) -> None:
        assert self._applause_source is not None
        self._announced_at = now
        self._newcomers = set()
        present = {c.participant_id for c in self.connections if c.participant_id}
        await self._applause_source.announce(self.room_id, present)

    async def _announce_newcomers(self) -> None:
        assert self._applause_source is not None
        newcomers, self._newcomers = self._newcomers, set()
        await self._applause_source.announce(self.room_id, newcomers)

    async def _update_applause(self, now: float, full: bool) -> bool:
        """Read the board when applause is (or may have become) active; True if the reading
        changed. Also tells the board who is here, every couple of seconds."""
        source = self._applause_source
        if source is None:
            return False
        if now - self._announced_at >= ANNOUNCE_EVERY:
            await self._announce(now)
        elif self._newcomers:  # see add()
            await self._announce_newcomers()
        active = self._applause_dirty or self._applause.level > 0.0 or self._applause.clappers
        if not (active or full):
            return False
        self._applause_dirty = False
        dt = 0.0 if self._applause_at is None else now - self._applause_at
        self._applause_at = now
        before = self._applause
        self._applause = await source.read(self.room_id, before.level, dt)
        return self._applause != before

    def _deliver_now(
        self, state: RoomState, conns: Collection[Connection], *, only_applause: bool = False
    ) -> None:
        """Send ``state`` to a few sockets (the front) in one go."""
        delivery = Delivery(self._renderer, state, only_applause=only_applause)
        for conn in tuple(conns):
            self._send(delivery, conn)

    async def _deliver(
        self, state: RoomState, conns: Iterable[Connection], *, only_applause: bool = False
    ) -> None:
        """Send ``state`` to ``conns``; in a sliced channel in slices of SLICE_SECONDS. Between
        slices the loop runs other work, and the front is served at the tick rate with whatever
        changed meanwhile (the rest of ``conns`` still get ``state``: the next full tick brings
        them up)."""
        loop = asyncio.get_running_loop()
        delivery = Delivery(self._renderer, state, only_applause=only_applause)
        slice_start = loop.time()
        for n, conn in enumerate(tuple(conns), 1):
            self._send(delivery, conn)
            if not self._sliced or n % SLICE_CHECK or loop.time() - slice_start < SLICE_SECONDS:
                continue
            await asyncio.sleep(0)
            if self._front and loop.time() - self._front_at >= self._tick:
                await self._serve_front_now()
            slice_start = loop.time()

    def _send(self, delivery: Delivery, conn: Connection) -> None:
        try:
            delivery.send(conn)
        except OutboxOverflow:
            asyncio.get_running_loop().create_task(conn.shut(CLOSE_TRY_AGAIN_LATER, "slow"))

    def _close_stalled(self, now: float) -> None:
        # A pass over every socket: in a room of 10,000 not on every tick, but often enough
        # that a socket is closed soon after its limit.
        if now - self._stall_check_at < min(STALL_CHECK_EVERY, self._slow_after / 4):
            return
        self._stall_check_at = now
        for conn in tuple(self.connections):
            if conn.is_stalled(now, self._slow_after):
                log.info("room %s: closing a socket that stopped reading", self.room_id)
                self.discard(conn)
                asyncio.get_running_loop().create_task(conn.shut(CLOSE_TRY_AGAIN_LATER, "slow"))
