"""A room channel with a fake renderer and fake sockets: coalescing, render-once, slow sockets,
retries. Ticks are stepped (``tick_once``) or run on the virtual-time loop (conftest.py)."""

from __future__ import annotations

import asyncio

from live.fanout.connection import CLOSE_TRY_AGAIN_LATER, Connection
from live.hub.memory import MemoryHub
from tests.fanout.fakes import (
    SLOW_AFTER,
    TICK,
    CountingRenderer,
    FakeSocket,
    Versions,
    attach,
    make_channel,
)
from tests.support.virtual_time import advance, settle


async def test_one_render_serves_every_socket_and_a_burst_is_one_read() -> None:
    renderer, versions = CountingRenderer(), Versions()
    channel = make_channel(renderer, versions)
    sockets = [FakeSocket() for _ in range(50)]
    conns = [Connection(s, "screen") for s in sockets]
    senders = [asyncio.create_task(c.run_sender()) for c in conns]
    for conn in conns:
        channel.add(conn)
    await channel.tick_once()
    await settle()  # the sender tasks write what the tick queued
    assert all(s.sent == ["v1"] for s in sockets)
    assert (versions.loads, renderer.renders) == (1, 1)  # one render, not one per socket
    # 100 changes before the next tick: one state read and one render serve them all.
    for _ in range(100):
        versions.version += 1
        channel.poke("p")
    await channel.tick_once()
    await settle()
    assert all(s.sent == ["v1", "v101"] for s in sockets)
    assert (versions.loads, renderer.renders) == (2, 2)
    for task in senders:
        task.cancel()
    await channel.stop()


async def test_the_running_channel_reads_a_stream_of_votes_about_once_per_tick() -> None:
    """Votes through the hub, one every 10 ms for a second: the channel reads and renders about
    once per tick (50 ms), not once per vote, and ends on the last state."""
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = make_channel(renderer, versions, hub)
    await channel.start()
    sockets = [attach(channel)[0] for _ in range(20)]
    await advance(0.2)
    assert all(s.sent == ["v1"] for s in sockets)
    loads, renders = versions.loads, renderer.renders
    for n in range(100):
        versions.version += 1
        # Distinct notices (the hub merges only those that differ in their version).
        await hub.publish("room.r1", {"type": "poll.voted", "poll": f"p{n % 3}"})
        await advance(0.01)
    await advance(0.2)
    assert all(s.sent[-1] == "v101" for s in sockets)
    ticks = 1.0 / TICK
    assert ticks <= versions.loads - loads <= ticks + 2
    assert renderer.renders - renders == versions.loads - loads  # one render per tick
    await channel.stop()


async def test_unchanged_state_sends_nothing() -> None:
    renderer, versions = CountingRenderer(), Versions()
    channel = make_channel(renderer, versions)
    socket, sender = attach(channel, "screen")
    await channel.tick_once()
    await channel.notice({"type": "screen.updated"})  # nothing really changed
    await channel.tick_once()
    await settle()
    assert socket.sent == ["v1"]
    assert versions.loads == 2  # it was read again, and found the same
    sender.cancel()
    await channel.stop()


async def test_json_sockets_get_the_snapshot_first_and_again_after_a_reset() -> None:
    renderer, versions = CountingRenderer(), Versions()
    channel = make_channel(renderer, versions)
    socket, sender = attach(channel, "json")
    await channel.tick_once()
    await settle()
    assert socket.sent == ["snapshot v1"]
    versions.version = 7
    await channel.notice({"type": "hub.reset"})
    await channel.tick_once()
    await settle()
    assert socket.sent[-1] == "snapshot v7"
    sender.cancel()
    await channel.stop()


async def test_a_socket_that_stops_reading_is_closed_with_1013_after_its_limit() -> None:
    renderer, versions = CountingRenderer(), Versions()
    channel = make_channel(renderer, versions)  # slow_after = SLOW_AFTER (0.3 s)
    slow, fast = FakeSocket(block=True), FakeSocket()
    slow_conn, fast_conn = Connection(slow, "screen"), Connection(fast, "screen")
    tasks = [asyncio.create_task(c.run_sender()) for c in (slow_conn, fast_conn)]
    channel.add(slow_conn)
    channel.add(fast_conn)
    await channel.tick_once()
    await settle()  # the slow sender is now stuck in its send
    waited = 0.0
    while waited < SLOW_AFTER:  # a tick every 60 ms, each with news
        assert slow_conn in channel.connections, f"closed after {waited:.2f} s"
        await advance(0.06)
        waited += 0.06
        versions.version += 1
        channel.poke()
        await channel.tick_once()
    # Found within a look (at most every SLOW_AFTER / 4) after its limit.
    for _ in range(2):
        await advance(0.06)
        await channel.tick_once()
    assert slow_conn not in channel.connections
    await settle()  # the close runs in a task the channel keeps
    assert slow.closed_with == CLOSE_TRY_AGAIN_LATER
    assert fast.sent[-1] == f"v{versions.version}"
    for task in tasks:
        task.cancel()
    await channel.stop()


async def test_a_failed_state_read_is_retried_with_backoff_until_it_succeeds() -> None:
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = make_channel(renderer, versions, hub)
    await channel.start()
    socket, sender = attach(channel, "screen")
    await advance(0.1)
    assert socket.sent == ["v1"]
    versions.failing = True
    versions.version = 2
    await hub.publish("room.r1", {"type": "poll.updated"})
    tries = versions.tries
    # Failures at 0, 0.1, 0.3, 0.7, 1.5 s: the pause doubles from two ticks.
    await advance(1.6)
    assert versions.tries - tries == 5
    assert socket.sent == ["v1"]
    versions.failing = False  # the store is back: the change arrives, unprompted
    await advance(1.6)  # the next try, 1.6 s after the last (capped at MAX_RETRY_PAUSE)
    assert socket.sent == ["v1", "v2"]
    sender.cancel()
    await channel.stop()
