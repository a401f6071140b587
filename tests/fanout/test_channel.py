"""A room channel with a fake renderer and fake sockets: coalescing, render-once, slow sockets."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from live.domain.models import Event, Room
from live.fanout.channel import Region, RoomChannel
from live.fanout.connection import CLOSE_TRY_AGAIN_LATER, Connection, View
from live.fanout.state import RoomState
from live.hub.memory import MemoryHub

EVENT = Event("ABCDEF", "Test", datetime(2026, 1, 1, tzinfo=UTC), "x")
ROOM = Room("r1", "ABCDEF", "Plenum", 0)


@dataclass
class FakeSocket:
    sent: list[str] = field(default_factory=list)
    block: bool = False
    closed_with: int | None = None

    async def send_text(self, data: str) -> None:
        if self.block:
            await asyncio.Event().wait()  # a client that never reads
        self.sent.append(data)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed_with = code


class CountingRenderer:
    def __init__(self) -> None:
        self.renders = 0

    def personal_key(self, conn: Connection, state: RoomState) -> Hashable:
        return None

    def regions(self, conn: Connection, state: RoomState) -> list[Region]:
        self.renders += 1
        frame = f"v{state.version}"
        return [Region("stage", frame, frame)]

    def snapshot(self, conn: Connection, state: RoomState) -> str:
        return f"snapshot v{state.version}"


class Versions:
    """A store stand-in: the room's version, bumped by the test."""

    def __init__(self) -> None:
        self.version = 1
        self.loads = 0

    async def load(
        self, room_id: str, dirty: set[str] | None, ballots: bool, previous: RoomState | None
    ) -> RoomState:
        self.loads += 1
        return RoomState(self.version, EVENT, ROOM, (ROOM,), (), {})


def attach(channel: RoomChannel, view: View = "screen") -> tuple[FakeSocket, asyncio.Task[None]]:
    """A fake socket of ``view`` joined to the channel, with its sender running."""
    socket = FakeSocket()
    conn = Connection(socket, view)
    sender = asyncio.create_task(conn.run_sender())
    channel.add(conn)
    return socket, sender


async def settle(seconds: float = 0.15) -> None:
    await asyncio.sleep(seconds)


async def make_channel(
    renderer: CountingRenderer,
    versions: Versions,
    hub: MemoryHub,
    *,
    slow_after: float = 0.3,
    sliced: bool = False,
) -> RoomChannel:
    channel = RoomChannel(
        "r1",
        hub=hub,
        topic="room.r1",
        load=versions.load,
        renderer=renderer,
        tick=0.05,
        slow_after=slow_after,
        sliced=sliced,
    )
    await channel.start()
    return channel


async def test_one_render_serves_every_socket_and_bursts_are_coalesced() -> None:
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = await make_channel(renderer, versions, hub)
    sockets = [FakeSocket() for _ in range(50)]
    conns = [Connection(s, "screen") for s in sockets]
    senders = [asyncio.create_task(c.run_sender()) for c in conns]
    for conn in conns:
        channel.add(conn)
    await settle()
    assert all(s.sent == ["v1"] for s in sockets)
    renders_before, loads_before = renderer.renders, versions.loads
    # 100 changes in a burst: far fewer state reads and renders than changes.
    for _ in range(100):
        versions.version += 1
        await hub.publish("room.r1", {"type": "poll.voted", "poll": "p"})
    await settle(0.3)
    assert all(s.sent[-1] == "v101" for s in sockets)
    assert versions.loads - loads_before <= 10
    assert renderer.renders - renders_before <= 10  # one per tick, not one per socket
    for task in senders:
        task.cancel()
    await channel.stop()


async def test_unchanged_state_sends_nothing() -> None:
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = await make_channel(renderer, versions, hub)
    socket, sender = attach(channel, "screen")
    await settle()
    await hub.publish("room.r1", {"type": "screen.updated"})  # nothing really changed
    await settle()
    assert socket.sent == ["v1"]
    sender.cancel()
    await channel.stop()


async def test_json_sockets_get_the_snapshot_first_and_again_after_a_reset() -> None:
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = await make_channel(renderer, versions, hub)
    socket, sender = attach(channel, "json")
    await settle()
    assert socket.sent == ["snapshot v1"]
    versions.version = 7
    await hub.publish("room.r1", {"type": "hub.reset"})
    await settle()
    assert socket.sent[-1] == "snapshot v7"
    sender.cancel()
    await channel.stop()


async def test_a_socket_that_stops_reading_is_closed_with_1013_and_the_others_go_on() -> None:
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = await make_channel(renderer, versions, hub)
    slow, fast = FakeSocket(block=True), FakeSocket()
    slow_conn, fast_conn = Connection(slow, "screen"), Connection(fast, "screen")
    tasks = [asyncio.create_task(c.run_sender()) for c in (slow_conn, fast_conn)]
    channel.add(slow_conn)
    channel.add(fast_conn)
    for _ in range(12):
        versions.version += 1
        await hub.publish("room.r1", {"type": "poll.updated"})
        await settle(0.06)
    await settle(0.2)
    assert slow.closed_with == CLOSE_TRY_AGAIN_LATER
    assert slow_conn not in channel.connections
    assert fast.sent[-1] == f"v{versions.version}"
    for task in tasks:
        task.cancel()
    await channel.stop()


async def test_a_failed_state_read_is_retried_until_it_succeeds() -> None:
    hub, renderer = MemoryHub(), CountingRenderer()

    class Flaky(Versions):
        failing = False

        async def load(
            self, room_id: str, dirty: set[str] | None, ballots: bool, previous: RoomState | None
        ) -> RoomState:
            if self.failing:
                raise OSError("store down")
            return await super().load(room_id, dirty, ballots, previous)

    versions = Flaky()
    channel = await make_channel(renderer, versions, hub)
    socket, sender = attach(channel, "screen")
    await settle()
    assert socket.sent == ["v1"]
    versions.failing = True
    versions.version = 2
    await hub.publish("room.r1", {"type": "poll.updated"})
    await settle(0.3)
    versions.failing = False  # the store is back: the change must still arrive, unprompted
    await settle(1.0)
    assert socket.sent[-1] == "v2"
    sender.cancel()
    await channel.stop()
