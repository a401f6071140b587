"""A running channel and the board: who is present (Presence) and the applause (ApplauseMeter)."""

from __future__ import annotations

from collections.abc import Collection

from live.domain.applause import ApplauseReading
from live.fanout.channel import RoomChannel
from live.fanout.connection import Connection
from live.fanout.presence import ANNOUNCE_EVERY
from live.fanout.state import RoomState
from live.fanout.types import Region
from live.hub.memory import MemoryHub
from tests.fanout.fakes import TICK, CountingRenderer, FakeWriter, Versions, attach_direct, phone
from tests.support.virtual_time import advance, settle


class Board:
    """The board as the channel sees it (an ApplauseSource): a level the test sets."""

    def __init__(self) -> None:
        self.reading = ApplauseReading(0.0, 0, 0)
        self.reads = 0
        self.announced: list[set[str]] = []

    async def read(self, room_id: str, previous_level: float, dt: float) -> ApplauseReading:
        self.reads += 1
        return self.reading

    async def announce(self, room_id: str, participant_ids: Collection[str]) -> None:
        self.announced.append(set(participant_ids))


class ApplauseRenderer(CountingRenderer):
    def regions(self, conn: Connection, state: RoomState) -> list[Region]:
        return [*super().regions(conn, state), *self.applause_regions(conn, state)]

    def applause_regions(self, conn: Connection, state: RoomState) -> list[Region]:
        level = f"a{state.applause.level}"
        return [Region("applause", level, level)]


async def running(board: Board, hub: MemoryHub) -> RoomChannel:
    channel = RoomChannel(
        "r1",
        hub=hub,
        topic="room.r1",
        load=Versions().load,
        renderer=ApplauseRenderer(),
        tick=TICK,
        slow_after=5,
        applause=board,
    )
    await channel.start()
    return channel


async def test_newcomers_are_announced_alone_and_everyone_regularly_also_when_idle() -> None:
    board, hub = Board(), MemoryHub()
    channel = await running(board, hub)
    channel.add(phone(FakeWriter(), 1))
    channel.add(phone(FakeWriter(), 2))
    await settle()
    assert board.announced == [{"u1", "u2"}]  # the first tick: everyone
    channel.add(phone(FakeWriter(), 3))
    await advance(TICK)
    assert board.announced[1:] == [{"u3"}]  # a newcomer: alone, with the next tick
    await advance(ANNOUNCE_EVERY)  # no ticks (nothing changes): the heartbeat
    assert board.announced[2:] == [{"u1", "u2", "u3"}]
    await channel.stop()


async def test_applause_is_read_and_sent_while_it_sounds_then_the_room_goes_quiet() -> None:
    board, hub = Board(), MemoryHub()
    channel = await running(board, hub)
    _, screen = attach_direct(channel)
    await settle()
    assert screen.texts() == ["v1", "a0.0"]
    reads = board.reads
    await advance(1.0)
    assert board.reads == reads  # quiet: nobody asks the board

    board.reading = ApplauseReading(0.5, 3, 10)
    await hub.publish("room.r1", {"type": "applause.changed", "room": "r1"})
    await advance(1.0)
    assert screen.texts()[-1] == "a0.5"  # only the applause region: the state is unchanged
    assert screen.texts().count("v1") == 1
    ticks = 1.0 / TICK
    assert ticks <= board.reads - reads <= ticks + 1  # every tick while it sounds

    board.reading = ApplauseReading(0.0, 0, 10)
    await advance(TICK)
    assert screen.texts()[-1] == "a0.0"
    reads = board.reads
    await advance(1.0)
    assert board.reads == reads  # quiet again
    await channel.stop()
