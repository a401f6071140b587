"""Telling the board which of a room's participants are connected to this process."""

from __future__ import annotations

import asyncio
import logging

from live.fanout.members import Members
from live.fanout.types import ApplauseSource

log = logging.getLogger("live.fanout")

ANNOUNCE_EVERY = 2.0  # seconds between presence announcements to the board


class Presence:
    """This process's share of a room's "present" count on the board (applause is measured
    against the people present, across every process).

    Invariants: a participant who arrives is announced with the next tick, alone with the other
    newcomers (a ramp of thousands of arrivals must not re-announce everyone on every tick); all
    participants present are announced at least every ANNOUNCE_EVERY seconds: by the ticks,
    and by ``heartbeat`` while the room is idle (no ticks).
    """

    __slots__ = ("_announced_at", "_members", "_newcomers", "_room_id", "_source")

    def __init__(self, room_id: str, source: ApplauseSource, members: Members) -> None:
        self._room_id = room_id
        self._source = source
        self._members = members
        self._announced_at = 0.0
        self._newcomers: set[str] = set()

    def arrived(self, participant_id: str) -> None:
        # Counted as present with the next tick: a lagging head count would make a few clappers
        # sound like the whole room.
        self._newcomers.add(participant_id)

    async def update(self, now: float) -> None:
        """From a tick: everyone if it is time, else the newcomers, if any."""
        if now - self._announced_at >= ANNOUNCE_EVERY:
            await self._announce_all(now)
        elif self._newcomers:
            newcomers, self._newcomers = self._newcomers, set()
            await self._source.announce(self._room_id, newcomers)

    async def heartbeat(self) -> None:
        """Tell the board who is here every ANNOUNCE_EVERY seconds, also while the room is idle
        (no ticks): other processes must count this process's participants as present."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(ANNOUNCE_EVERY)
            try:
                await self._announce_all(loop.time())
            except Exception:  # the board is briefly unreachable: next beat
                log.debug("room %s: presence announce failed", self._room_id, exc_info=True)

    async def _announce_all(self, now: float) -> None:
        self._announced_at = now
        self._newcomers = set()
        present = {c.participant_id for c in self._members.connections if c.participant_id}
        await self._source.announce(self._room_id, present)
