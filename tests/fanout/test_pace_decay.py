"""A pace signal decays by itself (live/domain/pace.py): nobody pokes the room for that, so the
channel reads it again when the earliest signal's time is up. Loop time is virtual."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from live.domain.pace import PaceReading
from live.fanout.state import RoomState
from live.hub.memory import MemoryHub
from tests.fanout.fakes import EVENT, ROOM, CountingRenderer, Versions, attach, make_channel
from tests.support.virtual_time import advance

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


class Decaying(Versions):
    """The room holds a signal that decays ``after`` seconds after each read, ``times`` times."""

    def __init__(self, after: float, times: int) -> None:
        super().__init__()
        self.after = after
        self.times = times

    async def load(self, *args: object) -> RoomState:
        self.loads += 1
        counting = self.loads <= self.times
        pace = (
            PaceReading((1, 0, 0), NOW + timedelta(seconds=self.after))
            if counting
            else PaceReading((0, 0, 0))
        )
        return RoomState(1, EVENT, ROOM, (ROOM,), (), {}, pace=pace, read_at=NOW)


async def test_the_room_is_read_again_when_a_signal_decays_and_not_otherwise() -> None:
    renderer, versions = CountingRenderer(), Decaying(after=120, times=1)
    channel = make_channel(renderer, versions, MemoryHub())
    await channel.start()
    attach(channel)
    await advance(1)
    assert versions.loads == 1
    await advance(118)
    assert versions.loads == 1  # before the signal decays: no read
    await advance(2)
    assert versions.loads == 2  # read again once it has
    await advance(600)
    assert versions.loads == 2  # nothing left to decay: idle
    await channel.stop()


async def test_a_pace_notice_reads_the_room_without_tallying_polls_again() -> None:
    seen: list[set[str] | None] = []

    class Recording(Versions):
        async def load(self, room_id: str, dirty: set[str] | None, *args: object) -> RoomState:
            seen.append(dirty)
            return await super().load(room_id, dirty, *args)  # type: ignore[arg-type]

    hub = MemoryHub()
    channel = make_channel(CountingRenderer(), Recording(), hub)
    await channel.start()
    attach(channel)
    await advance(1)
    await hub.publish("room.r1", {"type": "pace.updated", "room": "r1", "version": 2})
    await advance(1)
    assert seen[-1] == set()  # no poll to tally again (None would mean all of them)
    await channel.stop()
