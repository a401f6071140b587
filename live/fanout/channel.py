"""One room's fan-out: one hub subscription per process, one state read per tick, one render
per view.

The server's state is the truth; hub messages only say "room X changed". Per tick the channel
re-reads the room once, renders each distinct view once (the JSON view, the screen, the moderator
and the participant variants), and queues the same string on every socket of that view whose
last frame differs. Sockets that stay behind are closed with 1013 and resync on reconnect.

The channel composes the parts that hold each job: ``Members`` (who is here, front and phones),
``RoomReader`` and ``ApplauseMeter`` (what a tick reads), ``Presence`` (who is here, told to the
board), ``Delivery`` (one state to many sockets), ``Pacing`` (pauses, the front, slices),
``HeldReplies`` (acks that ride with a tick), ``StallWatch`` (sockets that stopped reading) and
``TaskSet`` (tasks kept until done).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from live.fanout.connection import CLOSE_GONE, CLOSE_TRY_AGAIN_LATER, Connection
from live.fanout.delivery import Delivery
from live.fanout.members import Members
from live.fanout.pacing import Pacing
from live.fanout.presence import Presence
from live.fanout.reading import ApplauseMeter, RoomReader
from live.fanout.replies import HeldReplies
from live.fanout.stalls import StallWatch
from live.fanout.state import RoomState
from live.fanout.tasks import TaskSet
from live.fanout.types import UNMETERED, ApplauseSource, FanoutMeter, Renderer, StateLoader
from live.hub import Hub, Message, Subscription

log = logging.getLogger("live.fanout")


class RoomChannel:
    """A room's fan-out in this process.

    Running (``start``): a listener turns hub notices into pokes, and a loop runs ``tick_once``
    whenever something was poked, pausing after each tick as ``Pacing`` says. A test may instead
    leave it unstarted and step it: ``notice`` or ``poke``, then ``await tick_once()``.
    Invariants: every socket added gets a snapshot (or every region) with the next tick; a tick
    that sends the room's state to the phones sends it (or a newer one) to the front first; the
    phones never stay behind the front longer than the pause after a full tick (``_behind``);
    a failed tick loses no change: everything is read again, with backoff.
    """

    def __init__(
        self,
        room_id: str,
        *,
        hub: Hub,
        topic: str,
        load: StateLoader,
        renderer: Renderer[Connection],
        tick: float,
        slow_after: float,
        applause: ApplauseSource | None = None,
        sliced: bool = False,
        suspect: Callable[[], None] | None = None,
        meter: FanoutMeter = UNMETERED,
    ) -> None:
        """``sliced``: send ticks in slices (SLICE_SECONDS; for processes that share an event).
        ``suspect``: called when a read finds the room gone (see Fanout). ``meter``: told of
        sockets and ticks (metrics)."""
        self.room_id = room_id
        self._meter = meter
        self._suspect = suspect
        self._hub = hub
        self._topic = topic
        self._renderer = renderer
        self._wake = asyncio.Event()
        self._members = Members()
        self._reader = RoomReader(room_id, load)
        self._applause: ApplauseMeter | None = None
        self._presence: Presence | None = None
        if applause is not None:
            self._applause = ApplauseMeter(room_id, applause)
            self._presence = Presence(room_id, applause, self._members)
        self._pacing = Pacing(
            tick,
            sliced=sliced,
            front=self._members.front,
            serve_front=self._serve_front,
            changed=self._wake,
        )
        self._replies = HeldReplies(self._members, self._wake)
        # Handed to every socket (Connection.hold_reply): one bound method, not one per socket.
        self._hold_reply = self._replies.hold
        self._stalls = StallWatch(slow_after)
        self._behind = False  # the front has a newer state than the phones (_serve_front)
        self._failures = 0  # ticks failed in a row
        self._sub: Subscription | None = None
        self._loops = TaskSet()  # the listener, the tick loop, the presence heartbeat
        self._closing = TaskSet()  # closes of slow sockets
        # Reads the room again when its earliest pace signal decays (nobody pokes for that).
        self._decay: asyncio.TimerHandle | None = None

    @property
    def state(self) -> RoomState | None:
        """The room's state as the last tick read it (None before the first read). A page's
        action answers from it (live/web/held.py): every socket of the room gets this state or
        a newer one, so it costs no store read of its own."""
        return self._reader.state

    @property
    def connections(self) -> set[Connection]:
        """The room's sockets in this process (do not change it: use ``add``/``discard``)."""
        return self._members.connections

    async def start(self) -> None:
        # subscribe() returns once the hub confirmed; only then is the first state read, so no
        # change can fall between the read and the subscription.
        self._sub = await self._hub.subscribe(self._topic)
        self._loops.spawn(self._listen(self._sub), name=f"listen:{self.room_id}")
        self._loops.spawn(self._run(), name=f"tick:{self.room_id}")
        if self._presence is not None:
            self._loops.spawn(self._presence.heartbeat(), name=f"presence:{self.room_id}")

    async def stop(self) -> None:
        if self._decay is not None:
            self._decay.cancel()
        await self._loops.cancel()
        if self._sub is not None:
            await self._sub.close()
        for conn in tuple(self.connections):
            await conn.shut(1001, "server shutdown")
        await self._closing.wait()  # each close gives up after a moment (Connection.shut)

    def add(self, conn: Connection) -> None:
        if not self._members.add(conn):
            return
        self._meter.joined(conn.view)
        conn.hold_reply = self._hold_reply
        if conn.participant_id is not None and self._presence is not None:
            self._presence.arrived(conn.participant_id)
        self._wake.set()

    def discard(self, conn: Connection) -> None:
        if not self._members.discard(conn):
            return
        self._meter.left(conn.view)
        conn.hold_reply = None
        self._replies.release(conn)

    def poke_applause(self) -> None:
        if self._applause is not None:
            self._applause.poke()
        self._wake.set()

    def poke(self, poll_id: str | None = None) -> None:
        """Mark the room changed (from the hub, or locally)."""
        self._reader.poke(poll_id)
        self._wake.set()

    async def _listen(self, sub: Subscription) -> None:
        while True:
            await self.notice(await sub.get())

    async def notice(self, message: Message) -> None:
        """Act on one hub notice: what changed, for the next tick to read."""
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
        elif kind in ("pace.updated", "ideas.updated"):
            # Read on every tick anyway (the pace, the idea board): no poll to tally again, no
            # question to read again.
            self._pace_changed()
        elif kind == "questions.updated" and isinstance(message.get("question"), str):
            self._reader.poke_question(message["question"])
            self._wake.set()
        elif kind == "forums.changed":
            # Another room's column changed: only a room showing the roll-up reads it again
            # (a notice sent just before a switch away from it costs nothing).
            state = self._reader.state
            if state is None or state.room.screen_mode == "forums":
                self.poke(None)
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
        while True:
            await self._wake.wait()
            until = await self.tick_once()
            # A failed tick only waits (backoff); the next full tick reports and retries.
            await self._pacing.pause(until, serve_front=not self._failures)

    async def tick_once(self) -> float:
        """One tick: read what changed, send it, write the held replies, close the sockets
        that stopped reading. Returns the loop time before which the next tick must not start
        (``Pacing.next_tick_at``). Never raises but for cancellation: a failure is logged and
        retried with the next tick."""
        loop = asyncio.get_running_loop()
        self._wake.clear()  # what is poked from here on waits for the next tick
        started = loop.time()
        fresh = self._members.take_fresh()
        try:
            # _behind: the front was served a newer state than the phones (_serve_front).
            full = self._reader.stale or self._behind
            applause_changed = await self._read(full)
            state = self._reader.state
            assert state is not None
            if full:
                self._watch_decay(state)
                self._behind = False
                delivery = self._delivery(state)
                delivery.send_all(self._members.front)
                self._pacing.front_at = loop.time()
                await self._pacing.send(delivery, self._members.phones)
            else:
                # Newcomers get their snapshot; the others only what changed, if anything.
                # (Not a pass over every socket for each arrival: a ramp of thousands of
                # connections would cost O(sockets) per tick.)
                fresh = {c for c in fresh if c.needs_snapshot}
                if fresh:
                    await self._pacing.send(self._delivery(state), fresh)
                if applause_changed:
                    others = (c for c in self._members.front_first() if c not in fresh)
                    await self._pacing.send(self._delivery(state, only_applause=True), others)
            if self._applause is not None and self._applause.sounding:
                self._wake.set()  # keep ticking: the level rises and decays by itself
            if self._failures:
                log.warning(
                    "room %s: store reachable again after %d tries", self.room_id, self._failures
                )
            self._failures = 0
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if isinstance(exc, LookupError) and self._suspect is not None:
                # The room is gone without a room.deleted notice: maybe all data is gone.
                self._suspect()
            # The store may be briefly unavailable (a Redis restart): keep the sockets, retry
            # with backoff, log the first failure and then only now and then.
            self._failures += 1
            if self._failures == 1 or self._failures % 50 == 0:
                log.warning(
                    "room %s: tick failed (%d)", self.room_id, self._failures, exc_info=True
                )
            self._reader.failed()
            self._wake.set()
        # Also after a failed tick: an ack must not wait for the store to come back.
        self._replies.flush()
        ended = loop.time()
        self._meter.ticked(ended - started)
        self._close_stalled(ended)
        return self._pacing.next_tick_at(started, ended, self._failures)

    async def _read(self, full: bool) -> bool:
        """Re-read the room's state if it changed (only the polls known to have changed, when
        known), and the applause when it is active or ``full``. True if the applause changed."""
        await self._reader.read(with_ballots=self._members.page_participants > 0)
        if self._applause is None:
            return False
        now = asyncio.get_running_loop().time()
        if self._presence is not None:
            await self._presence.update(now)
        changed = await self._applause.read(now, full)
        if changed:
            self._reader.show_applause(self._applause.reading)
        return changed

    async def _serve_front(self) -> bool:
        """Bring the front up to the newest state, if anything changed since it was served
        (Pacing calls it during a pause and between slices), and write the held replies. False
        if the read failed (left to the next full tick)."""
        try:
            return await self._front_up_to_date()
        finally:
            # Acks wait for the front's rate at most, not for the next full tick: after a long
            # tick its pause is longer still (ack p99 1.5-2 s at 10,000 phones in slices).
            self._replies.flush()

    async def _front_up_to_date(self) -> bool:
        applause = self._applause
        applause_active = applause is not None and (applause.poked or applause.reading.level > 0.0)
        full = self._reader.dirty
        if not (full or applause_active):
            return True
        try:
            if not await self._read(full) and not full:
                return True
        except asyncio.CancelledError:
            raise
        except Exception:
            self._reader.failed()
            return False
        assert self._reader.state is not None
        self._behind = True
        self._delivery(self._reader.state, only_applause=not full).send_all(self._members.front)
        return True

    def _pace_changed(self) -> None:
        self._reader.poke_room()
        self._wake.set()

    def _watch_decay(self, state: RoomState) -> None:
        """Wake when the earliest pace signal of ``state`` decays (a little after: the clocks of
        the loop and of the services need not agree to the millisecond)."""
        if self._decay is not None:
            self._decay.cancel()
            self._decay = None
        wait = state.pace_decays_in
        if wait is not None:
            loop = asyncio.get_running_loop()
            self._decay = loop.call_later(max(wait, 0.0) + 0.05, self._pace_changed)

    def _delivery(self, state: RoomState, *, only_applause: bool = False) -> Delivery:
        return Delivery(self._renderer, state, only_applause=only_applause, closing=self._closing)

    def _close_stalled(self, now: float) -> None:
        # stalled() returns a list: discarding cannot disturb its pass over the sockets.
        for conn in self._stalls.stalled(now, self.connections):
            log.info("room %s: closing a socket that stopped reading", self.room_id)
            self.discard(conn)
            self._closing.spawn(conn.shut(CLOSE_TRY_AGAIN_LATER, "slow"))
