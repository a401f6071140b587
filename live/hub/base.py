"""The hub interface: publish small JSON-able dicts on a topic; subscribers receive them.

Bus messages say *that* something changed ("poll.updated" in room X, with the new version), never
HTML and never whole state: receivers re-read the store, so a lost message costs latency, not data.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Protocol

from live.one_reader import OneReader

Message = dict[str, Any]

# Delivered to a subscription when the backend may have dropped messages (e.g. after a reconnect,
# or a receiver far behind: see Mailbox). Receivers treat it as "everything may have changed".
RESET: Message = {"type": "hub.reset"}


class Subscription(Protocol):
    async def get(self) -> Message:
        """The next message; blocks. Raises asyncio.CancelledError when cancelled."""

    async def close(self) -> None: ...


class Hub(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Raise when the hub does not answer (used by /healthz)."""

    async def publish(self, topic: str, message: Message) -> None: ...

    async def subscribe(self, topic: str) -> Subscription:
        """Returns only once messages published after the return are sure to be delivered."""


class Mailbox(OneReader):
    """A subscription's queue of pending messages, shared by the backends.

    Messages are notices that receivers answer by re-reading, so a message that differs from a
    pending one only in its "version" replaces that one's content (the newest version, at the
    older one's place) instead of queueing behind it. A burst of 10,000 applause or vote notices
    per second, arriving while the receiver is busy with a tick, is then one or two entries, not
    an overflow. More than ``limit`` distinct messages pending: the backlog is replaced by one
    RESET (the receiver re-reads everything; nothing is lost but time). One reader at a time,
    as a subscription has."""

    __slots__ = ("_limit", "_pending")

    def __init__(self, limit: int) -> None:
        super().__init__()
        self._limit = limit
        self._pending: dict[Hashable, Message] = {}

    def put(self, message: Message) -> None:
        key = notice_key(message)
        if key not in self._pending and len(self._pending) >= self._limit:
            self._pending = {_RESET_KEY: RESET}
        else:
            self._pending[key] = message
        self._wake()

    async def get(self) -> Message:
        while not self._pending:
            await self._wait()
        key = next(iter(self._pending))
        return self._pending.pop(key)

    def drain(self) -> list[Message]:
        """Everything pending now, oldest first, without waiting."""
        taken, self._pending = list(self._pending.values()), {}
        return taken


_RESET_KEY = object()


def notice_key(message: Message) -> Hashable:
    try:
        return frozenset(item for item in message.items() if item[0] != "version")
    except TypeError:  # a value that cannot be hashed (a list): never merged
        return object()
