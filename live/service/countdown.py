"""A room's countdown for speaking time and breaks (issue 24, item 8).

Same shape as the other use cases: rule (live/domain/countdown.py, with the service clock's
"now") → store → hub.publish. The store keeps the end instant, so this publishes once per
change, never per second: the pages count down by themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from live.domain import countdown as rules
from live.domain.models import Countdown, Room
from live.hub import Hub
from live.service.changes import publish_change
from live.service.clock import Clock
from live.store import Store

# What a moderator can do to a running (or paused) countdown.
ACTIONS = ("stop", "add", "pause", "resume")


class CountdownService:
    def __init__(self, store: Store, hub: Hub, clock: Clock) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock

    async def start(self, room: Room, seconds: int, label: object) -> Countdown:
        """Start (or restart) the room's countdown: ``seconds`` checked by the caller's parser
        or rules.check_seconds. Bad input raises DomainError and changes nothing."""
        countdown = rules.start(rules.clean_label(label), rules.check_seconds(seconds), self.now())
        await self._save(room, countdown)
        return countdown

    async def stop(self, room: Room) -> None:
        """Take the countdown off every screen (nothing to do when there is none)."""
        if room.countdown is not None:
            await self._save(room, None)

    async def add(self, room: Room, seconds: int = rules.ADD_SECONDS) -> Countdown:
        return await self._change(room, lambda cd: rules.add(cd, seconds, self.now()))

    async def pause(self, room: Room) -> Countdown:
        return await self._change(room, lambda cd: rules.pause(cd, self.now()))

    async def resume(self, room: Room) -> Countdown:
        return await self._change(room, lambda cd: rules.resume(cd, self.now()))

    def now(self) -> datetime:
        return self.clock.now()

    async def _change(self, room: Room, rule: Callable[[Countdown], Countdown]) -> Countdown:
        if room.countdown is None:
            raise rules.no_countdown()
        changed = rule(room.countdown)
        if changed != room.countdown:
            await self._save(room, changed)
        return changed

    async def _save(self, room: Room, countdown: Countdown | None) -> None:
        version = await self.store.set_countdown(room.id, countdown)
        await publish_change(self.hub, room.id, "countdown.updated", version)
