"""The wake-up of a queue with exactly one reader, without asyncio.Queue's deques and Event.

Both of the app's single-reader queues use it: uvicorn's per-socket inbox (live.web.wsprotocol;
at 10,000 sockets asyncio.Queue cost ~1.5 KiB each, idle) and a hub subscription's mailbox
(live.hub.base). The subclass holds the items; this holds the one waiting reader.
"""

from __future__ import annotations

import asyncio


class OneReader:
    __slots__ = ("_waiter",)

    def __init__(self) -> None:
        self._waiter: asyncio.Future[None] | None = None

    def _wake(self) -> None:
        """Something was put: let the reader, if one waits, look again."""
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def _wait(self) -> None:
        """Wait for the next ``_wake`` (the reader loops until its items are there)."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        try:
            await waiter
        finally:
            self._waiter = None
