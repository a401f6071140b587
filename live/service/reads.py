"""Store reads shared by the requests in flight: when a short-lived copy runs out in the middle of
a burst (thousands of phones voting within two seconds), the requests that need it share one read
instead of each making its own (docs/benchmarks.md, "The page path")."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from functools import partial
from typing import Any, TypeVar, cast

T = TypeVar("T")


class ReadsInFlight:
    def __init__(self) -> None:
        self._reading: dict[Hashable, asyncio.Future[Any]] = {}

    async def once(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        """``read()``, or the same read another request started for ``key`` and that has not
        finished yet. Its outcome, a value or an error, is every waiter's."""
        pending = self._reading.get(key)
        if pending is None:
            pending = asyncio.ensure_future(read())
            self._reading[key] = pending
            pending.add_done_callback(partial(self._done, key))
        # Shielded: a waiter that goes away (its client hung up) must not cancel the others' read.
        return cast("T", await asyncio.shield(pending))

    def _done(self, key: Hashable, done: asyncio.Future[Any]) -> None:
        if self._reading.get(key) is done:
            del self._reading[key]
        if not done.cancelled():
            done.exception()  # marked as seen: a read whose waiters all went away logs nothing
