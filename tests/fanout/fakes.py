"""Stand-ins for what the fan-out is plugged into: sockets, transports, a renderer, the store's
room version. The channel, its connections and the hub are the real ones."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from live.domain.models import Event, Room
from live.fanout.channel import RoomChannel
from live.fanout.connection import Connection
from live.fanout.state import RoomState
from live.fanout.types import Region, View
from live.hub.memory import MemoryHub

EVENT = Event("ABCDEF", "Test", datetime(2026, 1, 1, tzinfo=UTC), "x")
ROOM = Room("r1", "ABCDEF", "Plenum", 0)
TICK = 0.05
SLOW_AFTER = 0.3


@dataclass
class FakeSocket:
    """The ASGI path's socket: ``send_text`` blocks for good while ``block``."""

    sent: list[str] = field(default_factory=list)
    block: bool = False
    closed_with: int | None = None

    async def send_text(self, data: str) -> None:
        if self.block:
            await asyncio.Event().wait()  # a client that never reads
        self.sent.append(data)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed_with = code


@dataclass
class FakeWriter:
    """A transport as the FrameWriter sees it: takes frames while writable (``ready``)."""

    frames: list[bytes] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    closed_behind: int | None = None

    def __post_init__(self) -> None:
        self.ready.set()

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
        texts.append(bytes(frame.data).decode())
    return texts


class CountingRenderer:
    """One region whose frame is the state's version; counts its renders."""

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

    def applause_regions(self, conn: Connection, state: RoomState) -> list[Region]:
        return []


class Versions:
    """A store stand-in: the room's version, bumped by the test; unreachable while ``failing``."""

    def __init__(self) -> None:
        self.version = 1
        self.loads = 0  # reads that succeeded
        self.tries = 0  # every read
        self.failing = False

    async def load(
        self,
        room_id: str,
        dirty: set[str] | None,
        ballots: bool,
        previous: RoomState | None,
        questions: set[str] | None,
    ) -> RoomState:
        self.tries += 1
        if self.failing:
            raise OSError("store down")
        self.loads += 1
        return RoomState(self.version, EVENT, ROOM, (ROOM,), (), {})


def make_channel(
    renderer: CountingRenderer,
    versions: Versions,
    hub: MemoryHub | None = None,
    *,
    slow_after: float = SLOW_AFTER,
    sliced: bool = False,
) -> RoomChannel:
    """A channel that is not started: the test steps it (``tick_once``), or starts it."""
    return RoomChannel(
        "r1",
        hub=hub if hub is not None else MemoryHub(),
        topic="room.r1",
        load=versions.load,
        renderer=renderer,
        tick=TICK,
        slow_after=slow_after,
        sliced=sliced,
    )


def attach(channel: RoomChannel, view: View = "screen") -> tuple[FakeSocket, asyncio.Task[None]]:
    """An ASGI socket of ``view`` joined to the channel, with its sender task running."""
    socket = FakeSocket()
    conn = Connection(socket, view)
    sender = asyncio.create_task(conn.run_sender())
    channel.add(conn)
    return socket, sender


def attach_direct(
    channel: RoomChannel, view: View = "screen", writer: FakeWriter | None = None
) -> tuple[Connection, FakeWriter]:
    """A socket on the direct path (frames written by the channel itself, no sender task)."""
    writer = writer if writer is not None else FakeWriter()
    conn = Connection(FakeSocket(), view)
    conn.writer = writer
    channel.add(conn)
    return conn, writer


def phone(writer: FakeWriter, n: int = 1) -> Connection:
    """A participant's page on the direct path (served after the front)."""
    conn = Connection(FakeSocket(), "participant", participant_id=f"u{n}", role="participant")
    conn.writer = writer
    return conn
