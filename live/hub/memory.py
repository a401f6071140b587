"""In-process hub: the embedded default for a single process."""

from __future__ import annotations

from collections import defaultdict

from live.hub.base import Mailbox, Message

# A subscriber this many distinct messages behind gets a RESET instead of the backlog (Mailbox).
_QUEUE_LIMIT = 1024


class MemorySubscription:
    def __init__(self, hub: MemoryHub, topic: str) -> None:
        self._hub = hub
        self._topic = topic
        self._mailbox = Mailbox(_QUEUE_LIMIT)

    def deliver(self, message: Message) -> None:
        self._mailbox.put(message)

    async def get(self) -> Message:
        return await self._mailbox.get()

    async def close(self) -> None:
        self._hub._remove(self._topic, self)


class MemoryHub:
    def __init__(self) -> None:
        self._subs: defaultdict[str, set[MemorySubscription]] = defaultdict(set)

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        self._subs.clear()

    async def ping(self) -> None:
        return None

    async def publish(self, topic: str, message: Message) -> None:
        # Copy: a subscriber may unsubscribe while we deliver.
        for sub in tuple(self._subs.get(topic, ())):
            sub.deliver(message)

    async def subscribe(self, topic: str) -> MemorySubscription:
        sub = MemorySubscription(self, topic)
        self._subs[topic].add(sub)
        return sub

    def _remove(self, topic: str, sub: MemorySubscription) -> None:
        subs = self._subs.get(topic)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._subs[topic]
