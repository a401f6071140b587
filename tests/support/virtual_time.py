"""An event loop whose clock only the test moves: timing tests that cannot flake.

``loop.time()`` starts at 1,000 and stands still while code runs; it moves only when every task
waits: then it jumps straight to the next timer (``asyncio.sleep``, ``call_later``,
``wait_for``). Real I/O is still polled first, without waiting. So a test says how much time
passes (``advance``) and what running code costs (``spend``), and its outcome does not depend
on how fast the machine is or how busy its CPUs are.

Use it for a whole test directory with the pytest-asyncio hook (see tests/fanout/conftest.py).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import selectors


class _JumpingSelector(selectors.DefaultSelector):
    """Polls real I/O without waiting; where the loop would wait for a timer, the clock jumps."""

    def __init__(self, loop: VirtualTimeLoop) -> None:
        super().__init__()
        self._loop = loop

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        events = super().select(0)
        if events or timeout == 0:
            return events
        # Every task waits: the loop is idle at the current time.
        if self._loop._wake_idle():
            return []
        if self._loop._jump(timeout):
            return []
        # Nothing scheduled and no test waiting on the clock: only another thread can wake the
        # loop (call_soon_threadsafe), through its self-pipe.
        return super().select(None)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """Invariants: ``time()`` never goes back; it moves forward only when the loop is idle (to
    the next timer, or to an ``advance`` target, whichever comes first) or by ``spend``; an
    ``advance`` returns only once the loop is idle at its target time, so everything due up to
    then, and everything that set off, has run."""

    def __init__(self) -> None:
        self._now = 1000.0  # like a monotonic clock: not zero ("never" is -inf in places)
        self._targets: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        super().__init__(_JumpingSelector(self))

    def time(self) -> float:
        return self._now

    def spend(self, seconds: float) -> None:
        """The running code took ``seconds`` (e.g. a render or a send() that blocks the loop)."""
        assert seconds >= 0
        self._now += seconds

    async def advance(self, seconds: float) -> None:
        """Let ``seconds`` of loop time pass, running everything due meanwhile; return once the
        loop is idle at the end of it (``advance(0)``: once everything ready now has run)."""
        assert seconds >= 0
        done: asyncio.Future[None] = self.create_future()
        heapq.heappush(self._targets, (self._now + seconds, next(self._order), done))
        await done

    def _wake_idle(self) -> bool:
        """Idle at or past a target: wake its ``advance`` (one at a time)."""
        while self._targets and self._targets[0][0] <= self._now:
            _, _, done = heapq.heappop(self._targets)
            if not done.done():  # its waiter may have been cancelled
                done.set_result(None)
                return True
        return False

    def _jump(self, timeout: float | None) -> bool:
        """Move the clock to the next timer or ``advance`` target; False if there is neither."""
        candidates = [self._now + timeout] if timeout is not None else []
        if self._targets:
            candidates.append(self._targets[0][0])
        if not candidates:
            return False
        self._now = max(self._now, min(candidates))
        return True


def virtual_loop() -> VirtualTimeLoop:
    loop = asyncio.get_running_loop()
    assert isinstance(loop, VirtualTimeLoop), "this test needs the virtual-time loop"
    return loop


async def advance(seconds: float) -> None:
    """Let ``seconds`` of (virtual) loop time pass; see VirtualTimeLoop.advance."""
    await virtual_loop().advance(seconds)


async def settle() -> None:
    """Run everything that is ready now (no time passes): e.g. a hub notice's listener."""
    await virtual_loop().advance(0)


def spend(seconds: float) -> None:
    """The code running now took ``seconds`` of loop time."""
    virtual_loop().spend(seconds)
