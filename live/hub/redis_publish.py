"""Publishing to Redis in batches: whatever is published while one batch is on its way goes out
with the next, as one pipeline on one connection.

At hundreds of votes a second one PUBLISH per vote, each on a pooled connection of its own, ran
redis-py's pool dry (it raises once its 100 connections are in use) and those notices were lost:
another worker's projector then showed the tally late (docs/benchmarks.md). Notices of one batch
that differ only in "version" are merged, as the receiving Mailbox merges them (here the newest
goes to the end of the batch; the Mailbox keeps the older one's place).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Hashable

from redis.asyncio import Redis


class _Batch:
    __slots__ = ("done", "messages")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        # (channel, notice key) -> (channel, data); a later notice replaces an earlier one
        self.messages: dict[tuple[bytes, Hashable], tuple[bytes, bytes]] = {}
        self.done: asyncio.Future[None] = loop.create_future()
        # Read the outcome even when every caller has given up waiting (no "never retrieved").
        self.done.add_done_callback(lambda f: f.cancelled() or f.exception())


class BatchPublisher:
    """One batch in flight at a time; ``publish`` returns once Redis took the batch that holds
    its message, or raises what sending it raised (``timeout``: per batch; a caller may wait
    for the batch before its own, so it waits up to three times that)."""

    def __init__(self, client: Redis, timeout: float) -> None:
        self._client = client
        self._timeout = timeout
        self._next: _Batch | None = None  # filling; sent when the one in flight is done
        self._sending: asyncio.Task[None] | None = None
        self._closed: Exception = RuntimeError("publisher closed")

    async def publish(self, channel: bytes, data: bytes, key: Hashable) -> None:
        """Send ``data`` on ``channel``; a message with an equal ``key`` waiting in the same
        batch is replaced by this one."""
        loop = asyncio.get_running_loop()
        batch = self._next
        if batch is None:
            batch = self._next = _Batch(loop)
        batch.messages.pop((channel, key), None)  # merged: goes to the end, as the newest
        batch.messages[(channel, key)] = (channel, data)
        if self._sending is None:
            self._sending = loop.create_task(self._send_all(), name="live-hub-publish")
        # Shielded: a caller that gives up must not cancel the batch for everybody else.
        await asyncio.wait_for(asyncio.shield(batch.done), self._timeout * 3)

    async def _send_all(self) -> None:
        try:
            while self._next is not None:
                batch, self._next = self._next, None
                try:
                    async with self._client.pipeline(transaction=False) as pipe:
                        for channel, data in batch.messages.values():
                            pipe.publish(channel, data)
                        await asyncio.wait_for(pipe.execute(), self._timeout)
                except asyncio.CancelledError:
                    batch.done.set_exception(self._closed)
                    raise
                except Exception as exc:
                    batch.done.set_exception(exc)
                else:
                    batch.done.set_result(None)
        finally:
            self._sending = None

    async def close(self, error: Exception) -> None:
        """Stop sending; whoever still waits gets ``error``."""
        self._closed = error
        task, self._sending = self._sending, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._next is not None:
            self._next.done.set_exception(error)
            self._next = None
