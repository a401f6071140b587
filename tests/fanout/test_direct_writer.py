"""The fan-out's direct path: frames encoded once per tick and written to the transport without a
sender task; a client that stops reading gets newest-state-wins and is closed with 1013."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from live.fanout import channel as channel_module
from live.fanout.channel import Region, RoomChannel
from live.fanout.connection import (
    CLOSE_TRY_AGAIN_LATER,
    Connection,
    FrameCache,
    encode_text,
)
from live.fanout.state import RoomState
from live.hub.memory import MemoryHub
from tests.fanout.test_channel import CountingRenderer, FakeSocket, Versions, make_channel, settle


@dataclass
class FakeWriter:
    """A transport as the FrameWriter sees it: takes frames while writable."""

    frames: list[bytes] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    closed_behind: int | None = None

    def __post_init__(self) -> None:
        self.ready.set()

    @property
    def open(self) -> bool:
        return self.closed_behind is None

    @property
    def writable(self) -> bool:
        return self.ready.is_set()

    async def wait_writable(self) -> None:
        await self.ready.wait()

    def write(self, frame: bytes) -> bool:
        assert self.writable, "wrote while the client was not reading"
        self.frames.append(frame)
        return True

    def close_behind(self, code: int, reason: str) -> None:
        self.closed_behind = code

    def texts(self) -> list[str]:
        return [text for write in self.frames for text in decode_all(write)]


def decode(raw: bytes) -> str:
    """Parse a write that holds exactly one server frame."""
    texts = decode_all(raw)
    assert len(texts) == 1, texts
    return texts[0]


def decode_all(raw: bytes) -> list[str]:
    """Parse every server frame of one write with the websockets library (an independent
    reader); a write may carry several frames (e.g. an ack and the tick's frame)."""
    reader = StreamReader()
    reader.feed_data(raw)
    texts: list[str] = []
    while reader.buffer:
        parser = Frame.parse(reader.read_exact, mask=False)
        try:
            next(parser)
        except StopIteration as done:
            frame: Frame = done.value
        else:  # pragma: no cover - the whole frame was fed
            raise AssertionError("incomplete frame")
        assert frame.opcode is Opcode.TEXT and frame.fin
        texts.append(frame.data.decode())
    return texts


def attach_direct(channel: RoomChannel, view: str = "screen") -> tuple[Connection, FakeWriter]:
    writer = FakeWriter()
    conn = Connection(FakeSocket(), view)  # type: ignore[arg-type]
    conn.writer = writer
    channel.add(conn)
    return conn, writer


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
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = await make_channel(renderer, versions, hub)
    conns = [attach_direct(channel) for _ in range(20)]
    await settle()
    assert all(w.texts() == ["v1"] for _, w in conns)
    versions.version = 2
    await hub.publish("room.r1", {"type": "poll.voted", "poll": "p"})
    await settle()
    assert all(w.texts() == ["v1", "v2"] for _, w in conns)
    # One encoding per tick serves every socket: the very same bytes object, and one record
    # of what was sent (live.fanout.diff) is shared by all of them.
    assert len({id(w.frames[-1]) for _, w in conns}) == 1
    assert len({id(c.last) for c, _ in conns}) == 1
    assert dict(conns[0][0].last) == {"stage": "v2"}
    await channel.stop()


async def test_replies_go_out_at_once_but_never_before_the_json_snapshot() -> None:
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = await make_channel(renderer, versions, hub)
    writer = FakeWriter()
    conn = Connection(FakeSocket(), "json")  # type: ignore[arg-type]
    conn.writer = writer
    conn.reply('{"type":"ack","request_id":"early"}')  # before the channel has it
    assert writer.frames == []
    channel.add(conn)
    await settle()
    assert writer.texts() == ["snapshot v1", '{"type":"ack","request_id":"early"}']
    assert len(writer.frames) == 1  # one write for both
    conn.reply('{"type":"ack","request_id":"late"}')
    assert writer.texts()[-1] == '{"type":"ack","request_id":"late"}'
    await channel.stop()


async def test_in_a_big_room_a_reply_rides_with_the_next_tick(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(channel_module, "HOLD_REPLIES_FROM", 3)
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = await make_channel(renderer, versions, hub)
    small = [attach_direct(channel) for _ in range(2)]
    await settle()
    # Below the threshold a reply is written at once, on its own.
    conn, writer = small[0]
    conn.reply("ack small")
    assert writer.frames[-1:] == [encode_text("ack small")]

    crowd = [attach_direct(channel) for _ in range(3)]
    await settle()
    conn, writer = crowd[0]
    writes = len(writer.frames)
    # As a vote does it: the change is published, then the ack queued.
    versions.version = 2
    await hub.publish("room.r1", {"type": "poll.voted", "poll": "p"})
    conn.reply("ack big")
    assert len(writer.frames) == writes  # held
    await settle()
    # The reply and the tick's frame in one write, the reply first.
    assert decode_all(writer.frames[-1]) == ["ack big", "v2"]
    # A held reply goes out with the next tick even when nothing changed.
    conn.reply("ack alone")
    await settle()
    assert decode_all(writer.frames[-1]) == ["ack alone"]
    await channel.stop()


async def test_a_held_reply_goes_out_when_the_tick_fails_or_the_socket_leaves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(channel_module, "HOLD_REPLIES_FROM", 1)
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = await make_channel(renderer, versions, hub)
    conn, writer = attach_direct(channel)
    await settle()

    async def broken(*args: object) -> RoomState:
        raise ConnectionError("store down")

    monkeypatch.setattr(channel, "_load", broken)
    conn.reply("ack 1")
    await hub.publish("room.r1", {"type": "poll.voted", "poll": "p"})
    await settle()
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
    hub, renderer, versions = MemoryHub(), PerSocketRenderer(), Versions()
    channel = await make_channel(renderer, versions, hub)
    _, old = attach_direct(channel)
    await settle()
    renders = renderer.renders
    _, new = attach_direct(channel)
    await settle()
    assert new.texts() == ["v1"]
    assert old.texts() == ["v1"]
    assert renderer.renders - renders == 1  # the newcomer only, not every socket again
    await channel.stop()


async def test_a_client_that_stops_reading_gets_only_the_newest_state_then_1013() -> None:
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = await make_channel(renderer, versions, hub)  # slow_after=0.3 s
    slow_conn, slow = attach_direct(channel)
    _, fast = attach_direct(channel)
    await settle()
    slow.ready.clear()  # the transport's buffer is above its high-water mark
    for _ in range(3):
        versions.version += 1
        await hub.publish("room.r1", {"type": "poll.updated"})
        await settle(0.06)
    assert slow.texts() == ["v1"]  # nothing more was buffered for it
    slow.ready.set()  # it reads again: only the newest state follows, no backlog
    await settle(0.05)
    assert slow.texts() == ["v1", f"v{versions.version}"]
    assert fast.texts()[-1] == f"v{versions.version}"

    slow.ready.clear()  # and now for good
    for _ in range(10):
        versions.version += 1
        await hub.publish("room.r1", {"type": "poll.updated"})
        await settle(0.06)
    await settle(0.2)
    assert slow.closed_behind == CLOSE_TRY_AGAIN_LATER
    assert slow_conn not in channel.connections
    assert fast.texts()[-1] == f"v{versions.version}"
    await channel.stop()


async def test_a_buffer_that_was_full_for_a_moment_with_nothing_queued_is_not_a_stall() -> None:
    """A held ack's flush can find the buffer full after the tick wrote its frame: nothing is
    queued, the client drains, and later ticks go out directly. It reads, so it stays."""
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    channel = await make_channel(renderer, versions, hub)  # slow_after=0.3 s
    conn, writer = attach_direct(channel)
    await settle()
    writer.ready.clear()
    conn.flush()  # nothing queued, the buffer above its high-water mark for a moment
    writer.ready.set()
    await settle(0.02)
    for _ in range(8):  # 0.5 s of changes, every one written at once
        versions.version += 1
        await hub.publish("room.r1", {"type": "poll.updated"})
        await settle(0.06)
    assert conn in channel.connections and writer.closed_behind is None
    assert writer.texts()[-1] == f"v{versions.version}"
    await channel.stop()


async def until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)


class SlowForPhones(CountingRenderer):
    """Rendering for a participant takes a while: a room whose full tick is slow."""

    def regions(self, conn: Connection, state: RoomState) -> list[Region]:
        if conn.role == "participant":
            time.sleep(0.01)
        return super().regions(conn, state)


async def test_after_a_slow_tick_the_front_keeps_the_tick_rate_and_the_phones_catch_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full tick that took t is followed by a pause of t * SEND_SHARE_PAUSE, so sending to
    every phone leaves time for the votes; the projector is still served at the tick rate, and
    the phones get the newest state with the next full tick."""
    monkeypatch.setattr(channel_module, "SEND_SHARE_PAUSE", 60.0)  # >= 0.6 s after a tick
    hub, renderer, versions = MemoryHub(), SlowForPhones(), Versions()
    channel = await make_channel(renderer, versions, hub)
    _, screen_writer = attach_direct(channel, "screen")
    phone = Connection(FakeSocket(), "participant", participant_id="u1", role="participant")  # type: ignore[arg-type]
    phone_writer = FakeWriter()
    phone.writer = phone_writer
    channel.add(phone)
    await settle()
    assert screen_writer.texts() == ["v1"] and phone_writer.texts() == ["v1"]

    versions.version = 2
    await hub.publish("room.r1", {"type": "poll.voted", "poll": "p"})
    # Within a few tick intervals (0.05 s), well inside the long pause:
    await until(lambda: len(screen_writer.frames) == 2, 0.4)
    assert screen_writer.texts() == ["v1", "v2"]
    assert phone_writer.texts() == ["v1"]
    # After the pause the next full tick brings the phone up to date.
    await until(lambda: len(phone_writer.frames) == 2, 10)
    assert phone_writer.texts() == ["v1", "v2"]
    assert screen_writer.texts() == ["v1", "v2"]  # nothing twice
    await channel.stop()


@dataclass
class LoggingWriter(FakeWriter):
    """Notes every frame in one log shared by all sockets; ``cost``: seconds each write blocks
    the loop (a send() to a busy kernel)."""

    name: str = ""
    log: list[tuple[str, str]] = field(default_factory=list)
    cost: float = 0.0

    def write(self, frame: bytes) -> bool:
        time.sleep(self.cost)
        self.log.extend((self.name, text) for text in decode_all(frame))
        return super().write(frame)


async def test_a_long_sliced_tick_lets_the_loop_run_and_serves_the_projector_in_between() -> None:
    """Writing to thousands of phones takes long; it goes in slices, and between them the
    loop reads hub notices and the projector gets the newest state at the tick rate, while
    the rest of the phones still get the tick's state. Before, a vote that came during the
    writes was not even read until the last phone had its frame."""
    hub, renderer, versions = MemoryHub(), CountingRenderer(), Versions()
    # Sliced as with several processes (live.app: settings.shares_state).
    channel = await make_channel(renderer, versions, hub, slow_after=5, sliced=True)
    log: list[tuple[str, str]] = []
    screen = Connection(FakeSocket(), "screen")  # type: ignore[arg-type]
    screen.writer = LoggingWriter(name="screen", log=log)
    channel.add(screen)
    phones = 400
    for n in range(phones):
        phone = Connection(FakeSocket(), "participant", participant_id=f"u{n}", role="participant")  # type: ignore[arg-type]
        phone.writer = LoggingWriter(name="phone", log=log, cost=0.001)  # a tick: >= 0.4 s
        channel.add(phone)
    await until(lambda: log.count(("phone", "v1")) == phones, 10)

    versions.version = 2
    await hub.publish("room.r1", {"type": "poll.voted", "poll": "p"})
    await until(lambda: ("phone", "v2") in log, 5)  # the long tick has begun
    versions.version = 3
    await hub.publish("room.r1", {"type": "poll.voted", "poll": "p"})
    await until(lambda: ("screen", "v3") in log, 5)
    # The projector had v3 while the tick was still writing v2 to the phones ...
    assert log.index(("screen", "v3")) < max(
        i for i, entry in enumerate(log) if entry == ("phone", "v2")
    )
    # ... and the phones get it with the next full tick, each frame once, in order.
    await until(lambda: log.count(("phone", "v3")) == phones, 10)
    assert log.count(("phone", "v2")) == phones
    assert [text for who, text in log if who == "screen"] == ["v1", "v2", "v3"]
    await channel.stop()
