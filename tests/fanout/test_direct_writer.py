"""The fan-out's direct path: frames encoded once per tick and written to the transport without a
sender task; a client that stops reading gets newest-state-wins and is closed with 1013; a big
room's pacing (the front first, the pause after a long tick, sliced sends). Ticks are stepped
(``tick_once``) or run on the virtual-time loop, where the test says what work costs (``spend``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import pytest

from live.fanout import pacing, replies
from live.fanout.connection import CLOSE_TRY_AGAIN_LATER, Connection, FrameCache, encode_text
from live.fanout.state import RoomState
from live.fanout.types import Region
from live.hub.memory import MemoryHub
from tests.fanout.fakes import (
    TICK,
    CountingRenderer,
    FakeSocket,
    FakeWriter,
    Versions,
    attach_direct,
    decode,
    decode_all,
    make_channel,
    phone,
)
from tests.support.virtual_time import advance, settle, spend


def test_encode_text_is_a_valid_unmasked_text_frame_of_any_length() -> None:
    for text in ("", "ä" * 10, "x" * 125, "x" * 126, "x" * 70_000):
        assert decode(encode_text(text)) == text


def test_the_frame_cache_encodes_each_string_once() -> None:
    cache = FrameCache()
    text = "".join(["{", '"type":"poll"', "}"])  # built at run time: a distinct object
    first = cache(text)
    assert cache(text) is first
    equal_but_other = "".join(["{", '"type":"poll"', "}"])
    assert cache(equal_but_other) == first


async def test_direct_sockets_get_frames_without_a_sender_task() -> None:
    renderer, versions = CountingRenderer(), Versions()
    channel = make_channel(renderer, versions)
    conns = [attach_direct(channel) for _ in range(20)]
    await channel.tick_once()
    assert all(w.texts() == ["v1"] for _, w in conns)
    versions.version = 2
    channel.poke("p")
    await channel.tick_once()
    assert all(w.texts() == ["v1", "v2"] for _, w in conns)
    # One encoding per tick serves every socket: the very same bytes object, and one record
    # of what was sent (live.fanout.diff) is shared by all of them.
    assert len({id(w.frames[-1]) for _, w in conns}) == 1
    assert len({id(c.last) for c, _ in conns}) == 1
    assert dict(conns[0][0].last) == {"stage": "v2"}
    await channel.stop()


async def test_replies_go_out_at_once_but_never_before_the_json_snapshot() -> None:
    renderer, versions = CountingRenderer(), Versions()
    channel = make_channel(renderer, versions)
    writer = FakeWriter()
    conn = Connection(FakeSocket(), "json")
    conn.writer = writer
    conn.reply('{"type":"ack","request_id":"early"}')  # before the channel has it
    assert writer.frames == []
    channel.add(conn)
    await channel.tick_once()
    assert writer.texts() == ["snapshot v1", '{"type":"ack","request_id":"early"}']
    assert len(writer.frames) == 1  # one write for both
    conn.reply('{"type":"ack","request_id":"late"}')
    assert writer.texts()[-1] == '{"type":"ack","request_id":"late"}'
    await channel.stop()


async def test_in_a_big_room_a_reply_rides_with_the_next_tick(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(replies, "HOLD_REPLIES_FROM", 3)
    renderer, versions = CountingRenderer(), Versions()
    channel = make_channel(renderer, versions)
    small = [attach_direct(channel) for _ in range(2)]
    await channel.tick_once()
    # Below the threshold a reply is written at once, on its own.
    conn, writer = small[0]
    conn.reply("ack small")
    assert writer.frames[-1:] == [encode_text("ack small")]

    crowd = [attach_direct(channel) for _ in range(3)]
    await channel.tick_once()
    conn, writer = crowd[0]
    writes = len(writer.frames)
    # As a vote does it: the change is published, then the ack queued.
    versions.version = 2
    await channel.notice({"type": "poll.voted", "poll": "p"})
    conn.reply("ack big")
    assert len(writer.frames) == writes  # held
    await channel.tick_once()
    # The reply and the tick's frame in one write, the reply first.
    assert decode_all(writer.frames[-1]) == ["ack big", "v2"]
    # A held reply goes out with the next tick even when nothing changed.
    conn.reply("ack alone")
    await channel.tick_once()
    assert decode_all(writer.frames[-1]) == ["ack alone"]
    await channel.stop()


async def test_a_held_reply_goes_out_when_the_tick_fails_or_the_socket_leaves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(replies, "HOLD_REPLIES_FROM", 1)
    renderer, versions = CountingRenderer(), Versions()
    channel = make_channel(renderer, versions)
    conn, writer = attach_direct(channel)
    await channel.tick_once()

    versions.failing = True
    conn.reply("ack 1")
    assert writer.texts()[-1] == "v1"  # held
    channel.poke("p")
    await channel.tick_once()  # the read fails: the ack goes out all the same
    assert writer.texts()[-1] == "ack 1"

    conn.reply("ack 2")  # held: the socket leaves before the next tick
    assert writer.texts()[-1] == "ack 1"
    channel.discard(conn)
    assert writer.texts()[-1] == "ack 2"
    await channel.stop()


class PerSocketRenderer(CountingRenderer):
    """Every socket its own variant: renders count the sockets a tick visits."""

    def personal_key(self, conn: Connection, state: RoomState) -> Hashable:
        return id(conn)


async def test_a_newcomer_is_served_without_a_pass_over_the_others() -> None:
    renderer, versions = PerSocketRenderer(), Versions()
    channel = make_channel(renderer, versions)
    _, old = attach_direct(channel)
    await channel.tick_once()
    renders = renderer.renders
    _, new = attach_direct(channel)
    await channel.tick_once()
    assert new.texts() == ["v1"]
    assert old.texts() == ["v1"]
    assert renderer.renders - renders == 1  # the newcomer only, not every socket again
    await channel.stop()


async def test_a_client_that_stops_reading_gets_only_the_newest_state_then_1013() -> None:
    renderer, versions = CountingRenderer(), Versions()
    channel = make_channel(renderer, versions)  # slow_after = 0.3 s

    async def changes(count: int) -> None:
        """A change every 60 ms, each sent with a tick."""
        for _ in range(count):
            versions.version += 1
            channel.poke()
            await channel.tick_once()
            await advance(0.06)

    slow_conn, slow = attach_direct(channel)
    _, fast = attach_direct(channel)
    await channel.tick_once()
    slow.ready.clear()  # the transport's buffer is above its high-water mark
    await changes(3)
    assert slow.texts() == ["v1"]  # nothing more was buffered for it
    slow.ready.set()  # it reads again: only the newest state follows, no backlog
    await settle()
    assert slow.texts() == ["v1", f"v{versions.version}"]
    assert fast.texts()[-1] == f"v{versions.version}"

    slow.ready.clear()  # and now for good
    await changes(5)  # the last tick 0.24 s after the first that found it not reading
    assert slow_conn in channel.connections
    # Past its limit, it is found with the next look (the stall watch looks at most every
    # slow_after / 4 seconds: here every other tick).
    await changes(3)
    assert slow.closed_behind == CLOSE_TRY_AGAIN_LATER
    assert slow_conn not in channel.connections
    assert fast.texts()[-1] == f"v{versions.version}"
    await channel.stop()


async def test_a_buffer_that_was_full_for_a_moment_with_nothing_queued_is_not_a_stall() -> None:
    """A held ack's flush can find the buffer full after the tick wrote its frame: nothing is
    queued, the client drains, and later ticks go out directly. It reads, so it stays."""
    renderer, versions = CountingRenderer(), Versions()
    channel = make_channel(renderer, versions)  # slow_after = 0.3 s
    conn, writer = attach_direct(channel)
    await channel.tick_once()
    writer.ready.clear()
    conn.flush()  # nothing queued, the buffer above its high-water mark for a moment
    await advance(0.02)
    writer.ready.set()
    await settle()
    for _ in range(8):  # 0.5 s of changes, every one written at once
        await advance(0.06)
        versions.version += 1
        channel.poke()
        await channel.tick_once()
    assert conn in channel.connections and writer.closed_behind is None
    assert writer.texts()[-1] == f"v{versions.version}"
    await channel.stop()


class SlowForPhones(CountingRenderer):
    """Rendering for a participant takes 10 ms: a room whose full tick is slow."""

    def regions(self, conn: Connection, state: RoomState) -> list[Region]:
        if conn.role == "participant":
            spend(0.01)
        return super().regions(conn, state)


async def test_after_a_slow_tick_the_front_keeps_the_tick_rate_and_the_phones_catch_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full tick that took t is followed by a pause of t * SEND_SHARE_PAUSE, so sending to
    every phone leaves time for the votes; the projector is still served at the tick rate, and
    the phones get the newest state with the next full tick."""
    monkeypatch.setattr(pacing, "SEND_SHARE_PAUSE", 60.0)  # 0.6 s after a tick of 10 ms
    hub, renderer, versions = MemoryHub(), SlowForPhones(), Versions()
    channel = make_channel(renderer, versions, hub)
    await channel.start()
    _, screen = attach_direct(channel, "screen")
    phone_writer = FakeWriter()
    channel.add(phone(phone_writer))
    await settle()  # the first tick, then its long pause begins
    assert screen.texts() == ["v1"] and phone_writer.texts() == ["v1"]

    versions.version = 2
    await hub.publish("room.r1", {"type": "poll.voted", "poll": "p"})
    await advance(2 * TICK)  # well inside the pause
    assert screen.texts() == ["v1", "v2"]
    assert phone_writer.texts() == ["v1"]
    await advance(0.4)  # still inside it
    assert phone_writer.texts() == ["v1"]
    # After the pause the next full tick brings the phone up to date.
    await advance(0.2)
    assert phone_writer.texts() == ["v1", "v2"]
    assert screen.texts() == ["v1", "v2"]  # nothing twice
    await channel.stop()


async def test_after_a_slow_tick_a_held_reply_goes_out_with_the_front_not_after_the_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A reply held in a big room rides with the next tick only when that comes soon: during
    the long pause after a slow tick it goes out when the front is next served, at the tick
    rate (at 10,000 phones the acks otherwise waited 1.5-2 s)."""
    monkeypatch.setattr(pacing, "SEND_SHARE_PAUSE", 60.0)  # 0.6 s after a tick of 10 ms
    monkeypatch.setattr(replies, "HOLD_REPLIES_FROM", 1)
    hub, renderer, versions = MemoryHub(), SlowForPhones(), Versions()
    channel = make_channel(renderer, versions, hub)
    await channel.start()
    attach_direct(channel, "screen")
    phone_writer = FakeWriter()
    conn = phone(phone_writer)
    channel.add(conn)
    await settle()  # the first tick, then its long pause begins
    assert phone_writer.texts() == ["v1"]
    conn.reply("ack")
    assert phone_writer.texts() == ["v1"]  # held
    await advance(2 * TICK)  # well inside the pause
    assert phone_writer.texts() == ["v1", "ack"]
    await channel.stop()


@dataclass
class LoggingWriter(FakeWriter):
    """Notes every frame in one log shared by all sockets; ``cost``: loop time each write
    blocks the loop (a send() to a busy kernel); ``after``: called after each write."""

    name: str = ""
    log: list[tuple[str, str]] = field(default_factory=list)
    cost: float = 0.0
    after: Callable[[], None] | None = None

    def write(self, frame: bytes) -> bool:
        spend(self.cost)
        self.log.extend((self.name, text) for text in decode_all(frame))
        written = super().write(frame)
        if self.after is not None:
            self.after()
        return written


async def test_after_a_long_tick_the_projector_gets_what_changed_meanwhile_at_once() -> None:
    """A vote stored while a full tick writes to the phones reaches the projector as soon as
    that tick is done, not a tick interval later: in a burst at 10,000 phones each full tick
    takes a quarter of a second, and the extra wait after each made the projector lag."""
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = make_channel(renderer, versions, hub)  # one process: the tick holds the loop
    await channel.start()
    log: list[tuple[str, str]] = []
    attach_direct(channel, "screen", LoggingWriter(name="screen", log=log))
    publishing: list[asyncio.Task[None]] = []
    loop = asyncio.get_running_loop()
    tick_ended: list[float] = []

    def vote_arrives() -> None:
        """A vote, stored while the first tick writes to the 100th phone; its notice is read
        once the tick lets the loop run."""
        if log.count(("phone", "v1")) == 100 and not publishing:
            versions.version = 2
            notice = hub.publish("room.r1", {"type": "poll.voted", "poll": "p"})
            publishing.append(loop.create_task(notice))
        if log.count(("phone", "v1")) == 400:
            tick_ended.append(loop.time())

    for n in range(400):  # a tick of writes: 400 x 1 ms of loop time
        writer = LoggingWriter(name="phone", log=log, cost=0.001, after=vote_arrives)
        channel.add(phone(writer, n))
    shown: list[float] = []
    screen_log = log

    def watch() -> None:
        if ("screen", "v2") in screen_log and not shown:
            shown.append(loop.time())

    for _ in range(20):
        await advance(TICK / 10)
        watch()
    assert tick_ended and shown, (tick_ended, log[-3:])
    assert shown[0] - tick_ended[0] < TICK / 2
    await channel.stop()


async def test_a_long_sliced_tick_lets_the_loop_run_and_serves_the_projector_in_between() -> None:
    """Writing to thousands of phones takes long; it goes in slices, and between them the
    loop reads hub notices and the projector gets the newest state at the tick rate, while
    the rest of the phones still get the tick's state. Before, a vote that came during the
    writes was not even read until the last phone had its frame."""
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    # Sliced as with several processes (live.app: settings.shares_state).
    channel = make_channel(renderer, versions, hub, slow_after=5, sliced=True)
    await channel.start()
    log: list[tuple[str, str]] = []
    attach_direct(channel, "screen", LoggingWriter(name="screen", log=log))
    phones = 400
    publishing: list[asyncio.Task[None]] = []

    def vote_arrives() -> None:
        """A vote, stored and published while the tick writes v2 to the 100th phone (the
        hub's publish runs when the tick lets the loop run)."""
        if log.count(("phone", "v2")) == 100 and not publishing:
            versions.version = 3
            notice = hub.publish("room.r1", {"type": "poll.voted", "poll": "p"})
            publishing.append(asyncio.get_running_loop().create_task(notice))

    for n in range(phones):
        # A tick of writes: 400 x 1 ms of loop time.
        writer = LoggingWriter(name="phone", log=log, cost=0.001, after=vote_arrives)
        channel.add(phone(writer, n))
    await advance(1.0)
    assert log.count(("phone", "v1")) == phones

    versions.version = 2
    await hub.publish("room.r1", {"type": "poll.voted", "poll": "p"})
    await advance(5.0)
    assert publishing, "the vote did not arrive during the tick"
    # The projector had v3 while the tick was still writing v2 to the phones ...
    assert log.index(("screen", "v3")) < max(
        i for i, entry in enumerate(log) if entry == ("phone", "v2")
    )
    # ... and the phones get it with the next full tick, each frame once, in order.
    assert log.count(("phone", "v2")) == phones
    assert log.count(("phone", "v3")) == phones
    assert [text for who, text in log if who == "screen"] == ["v1", "v2", "v3"]
    await channel.stop()
