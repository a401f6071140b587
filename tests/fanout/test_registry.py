"""Fanout: one channel per room, stopped a grace period after its last socket left."""

from __future__ import annotations

from live.fanout.connection import Connection
from live.fanout.registry import IDLE_GRACE_SECONDS, Fanout
from live.hub.memory import MemoryHub
from tests.fanout.fakes import TICK, CountingRenderer, FakeSocket, Versions
from tests.support.virtual_time import advance


def make_fanout() -> Fanout:
    return Fanout(
        hub=MemoryHub(),
        topic=lambda room_id: f"room.{room_id}",
        load=Versions().load,
        renderer=CountingRenderer(),
        tick=TICK,
        slow_after=5,
    )


async def test_a_room_without_sockets_is_stopped_after_the_grace_unless_one_comes_back() -> None:
    fanout = make_fanout()
    first = Connection(FakeSocket(), "screen")
    channel = await fanout.attach("r1", first)
    fanout.detach("r1", first)
    await advance(IDLE_GRACE_SECONDS / 2)
    again = Connection(FakeSocket(), "screen")  # a reload: the same channel
    assert await fanout.attach("r1", again) is channel
    fanout.detach("r1", again)
    await advance(IDLE_GRACE_SECONDS * 0.99)
    kept = fanout.channel("r1")
    assert kept is channel and not kept.connections
    await advance(IDLE_GRACE_SECONDS * 0.02)  # the reaper stops it
    assert fanout.channel("r1") is None
    await fanout.close()


async def test_close_stops_every_channel_and_its_sockets() -> None:
    fanout = make_fanout()
    socket = FakeSocket()
    await fanout.attach("r1", Connection(socket, "screen"))
    left = Connection(FakeSocket(), "screen")
    await fanout.attach("r2", left)
    fanout.detach("r2", left)  # r2's reaper is pending
    await fanout.close()
    assert fanout.channel("r1") is None and fanout.channel("r2") is None
    assert socket.closed_with == 1001
    await advance(IDLE_GRACE_SECONDS * 2)  # the cancelled reaper does not run
