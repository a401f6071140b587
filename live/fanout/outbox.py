"""Per-socket outgoing queue: bounded, latest state wins.

State frames are keyed ("snapshot", "poll:<id>", an HTML region id): a newer frame for the same key
replaces the queued one, so a socket that reads slowly gets the newest state, never a backlog.
Replies (acks and errors for this socket's own requests) are kept in order, up to a bound.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

MAX_REPLIES = 256


class OutboxOverflow(Exception):
    """The client sends requests faster than it reads the answers."""


class Outbox:
    def __init__(self, *, hold_until_snapshot: bool) -> None:
        self._state: dict[str, str] = {}
        # A list and a lazily made Event: the direct writer never waits on the outbox, and an
        # idle deque or Event costs ~0.4 KiB each, at 10,000 sockets.
        self._replies: list[str] = []
        self._ready: asyncio.Event | None = None
        # The JSON protocol promises the snapshot as the first message: hold everything else back
        # until the first snapshot has been queued.
        self._holding = hold_until_snapshot

    def put_state(self, key: str, frame: str, *, supersedes: Iterable[str] = ()) -> None:
        if key == "snapshot":
            self._state.clear()  # a snapshot contains everything queued before it
            self._holding = False
        else:
            for child in supersedes:  # e.g. a results region inside a re-rendered poll region
                self._state.pop(child, None)
            self._state.pop(key, None)  # re-insert at the end: keeps the order of first-to-last
        self._state[key] = frame
        if not self._holding and self._ready is not None:
            self._ready.set()

    def put_reply(self, frame: str) -> None:
        if len(self._replies) >= MAX_REPLIES:
            raise OutboxOverflow
        self._replies.append(frame)
        if not self._holding and self._ready is not None:
            self._ready.set()

    def pending(self) -> bool:
        return bool(self._state or self._replies)

    @property
    def idle(self) -> bool:
        """Nothing queued and nothing held back: a frame may go out ahead of the queue."""
        return not (self._state or self._replies or self._holding)

    async def take(self) -> list[str]:
        """Wait until something is queued; return all of it (snapshot first, then replies)."""
        if self._ready is None:
            self._ready = asyncio.Event()
        while True:
            if frames := self.take_now():
                return frames
            await self._ready.wait()
            self._ready.clear()

    def take_now(self) -> list[str]:
        """Everything that may go out now, in sending order (empty while holding)."""
        if self._holding:
            return []
        frames: list[str] = []
        snapshot = self._state.pop("snapshot", None)
        if snapshot is not None:
            frames.append(snapshot)
        frames.extend(self._replies)
        self._replies.clear()
        frames.extend(self._state.values())
        self._state.clear()
        return frames
