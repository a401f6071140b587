"""The hub interface: publish small JSON-able dicts on a topic; subscribers receive them.

Bus messages say *that* something changed ("poll.updated" in room X, with the new version), never
HTML and never whole state: receivers re-read the store, so a lost message costs latency, not data.
"""

from __future__ import annotations

from typing import Any, Protocol

Message = dict[str, Any]

# Delivered to a subscription when the backend may have dropped messages (e.g. after a reconnect).
# Receivers treat it as "everything may have changed" and push fresh snapshots.
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
