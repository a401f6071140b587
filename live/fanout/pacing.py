"""How a room spreads its sending over time: the pause after a tick, the front served during
that pause, and sending in slices."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Collection, Iterable

from live.fanout.connection import Connection
from live.fanout.delivery import Delivery

MAX_RETRY_PAUSE = 2.0  # seconds between state reads while the store is unreachable
# After a tick that took t seconds (reading, rendering, writing to every socket), pause at least
# t * this before the next: sending to everyone then never takes more than 1 / (1 + this) of the
# process, and votes keep the rest. With 10,000 sockets on a slow machine one tick of writes
# takes longer than the tick interval; without this the ticks ran back to back and starved the
# votes. The front (projectors, moderators) is still served at the tick rate (Pacing.pause).
SEND_SHARE_PAUSE = 2.0
# A tick sends for at most this long before it lets the event loop run (the hub's notices, votes
# being read and stored) and serves the front if it is due; then it goes on with the next socket.
# A 15,000-socket tick written in one go held up the other process's projector: it waited for
# this one's votes (Redis, 2 workers, 30,000: S3 p99 0.9-1.7 s in one go, 0.25-0.55 s in
# slices). A single process gained nothing from slices while its writer spent four statements
# per vote; since votes are written a batch at a time (live/store/sqlite_votes.py) it does:
# page votes at 10,000 phones, vote -> screen p99 1.0-1.4 s in one go, 0.45-0.55 s in slices
# (docs/benchmarks.md).
SLICE_SECONDS = 0.01
SLICE_CHECK = 64  # sockets between looks at the clock

ServeFront = Callable[[], Awaitable[bool]]


class Pacing:
    """When a room's next tick may start, and who is served until then.

    ``serve_front`` brings the front up to the newest state (False: the read failed; left to the
    next full tick). Invariants, all in loop time: after a tick that started at s and ended at e,
    having given g of that time away between its slices, the next starts no earlier than
    max(s + tick, e + min((e - s) * (SEND_SHARE_PAUSE - 1), (e - s - g) * SEND_SHARE_PAUSE))
    (without slices: s + max(tick, (e - s) * SEND_SHARE_PAUSE)), or, after failed ticks,
    e + the backoff (tick doubled per failure, at most MAX_RETRY_PAUSE); while a pause
    after a good tick lasts longer than 1.5 ticks and there is a front, the front is served
    every tick interval at most, and once it was last served a tick ago as soon as the room
    changes (``changed``); a sliced send lets the loop run at least every SLICE_SECONDS (looking at
    the clock every SLICE_CHECK sockets) and serves the front in between when it was last served
    a tick interval ago or more (``front_at``).
    """

    __slots__ = ("_changed", "_front", "_given", "_serve_front", "front_at", "sliced", "tick")

    def __init__(
        self,
        tick: float,
        *,
        sliced: bool,
        front: Collection[Connection],
        serve_front: ServeFront,
        changed: asyncio.Event | None = None,
    ) -> None:
        """``changed``: set when the room changed since its tick began (the room's wake-up)."""
        self.tick = tick
        self.sliced = sliced
        self._front = front
        self._serve_front = serve_front
        self._changed = changed
        # Loop time at which the front was last served (set by the room's full ticks too).
        self.front_at = float("-inf")
        # Loop time the current tick gave away between its slices (votes, the front).
        self._given = 0.0

    def next_tick_at(self, started: float, ended: float, failures: int) -> float:
        """The loop time before which the next tick must not start."""
        given, self._given = self._given, 0.0
        if failures:
            return ended + min(self.tick * 2.0 ** min(failures, 6), MAX_RETRY_PAUSE)
        # The full tick's pause comes after the sending, not instead of it: under load the
        # ticks stretch, which leaves the CPU to incoming votes (shortening the pause by the
        # sending time made a 10,000-socket burst 2.5 times slower; docs/benchmarks.md).
        # The tick's wall time counts, with the turns it gave to the votes between its
        # slices: counting only its own time started the next tick at once in a burst, and
        # the phones' ticks ran back to back (S2's final tally took 2.7 s instead of 0.2 s).
        # But the pause after it is bounded by its own time: in a burst of 10,000 votes one
        # sliced tick stretched over the whole burst (2.3 s) while sending for a tenth of that,
        # and a pause as long again left the phones on an old tally for seconds after the
        # projector had the final one.
        wall, own = ended - started, ended - started - given
        pause = min(wall * (SEND_SHARE_PAUSE - 1), own * SEND_SHARE_PAUSE)
        return max(started + self.tick, ended + pause)

    async def pause(self, until: float, *, serve_front: bool) -> None:
        """Pause until ``until``; with ``serve_front``, while a long pause lasts (a big room
        whose last tick took long), keep the front (projectors, moderators, overlays: a handful
        of sockets) at the tick rate. The hall watches the projector; the phones get the newest
        state with the next full tick. Whatever arrives during the pause goes out together in
        the next tick (coalescing)."""
        loop = asyncio.get_running_loop()
        while serve_front and self._front and until - loop.time() > self.tick * 1.5:
            # Once the front was last served a tick ago or more, as soon as something changed:
            # after a long full tick (a quarter of a second at 10,000 phones) the votes that
            # came meanwhile reach the projector as soon as they are stored, not up to a tick
            # later (docs/benchmarks.md).
            wait = self.front_at + self.tick - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            elif self._changed is not None and not self._changed.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), self.tick)
            if not await self._front_now(loop):
                break
        left = until - loop.time()
        if left > 0:
            await asyncio.sleep(left)

    async def send(self, delivery: Delivery, conns: Iterable[Connection]) -> None:
        """Send ``delivery`` to ``conns``; in a sliced room in slices of SLICE_SECONDS. Between
        slices the loop runs other work, and the front is served at the tick rate with whatever
        changed meanwhile (the rest of ``conns`` still get ``delivery``'s state: the next full
        tick brings them up)."""
        if not self.sliced:
            for conn in tuple(conns):
                delivery.send(conn)
            return
        loop = asyncio.get_running_loop()
        slice_start = loop.time()
        for n, conn in enumerate(tuple(conns), 1):
            delivery.send(conn)
            if n % SLICE_CHECK or loop.time() - slice_start < SLICE_SECONDS:
                continue
            given = loop.time()
            await asyncio.sleep(0)
            if self._front and loop.time() - self.front_at >= self.tick:
                await self._front_now(loop)
            slice_start = loop.time()
            self._given += slice_start - given

    async def _front_now(self, loop: asyncio.AbstractEventLoop) -> bool:
        self.front_at = loop.time()
        return await self._serve_front()
