"""Channels by room: created with the first socket of a room in this process, stopped a little
after the last one leaves (a reload should not cost a resubscribe)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Callable

from live.fanout.channel import RoomChannel
from live.fanout.connection import CLOSE_POLICY, Connection
from live.fanout.quota import ParticipantSockets
from live.fanout.state import RoomState
from live.fanout.tasks import TaskSet
from live.fanout.types import UNMETERED, ApplauseSource, FanoutMeter, Renderer, StateLoader
from live.hub import Hub

IDLE_GRACE_SECONDS = 5.0


class Fanout:
    """The process's room channels.

    Invariants: at most one channel per room (a second socket of a new room waits for the
    first one's start); a channel whose last socket left is stopped IDLE_GRACE_SECONDS later
    unless a socket came back meanwhile; a reaper's task is kept until its channel stopped, and
    ``close`` waits for it before stopping the rest.
    """

    def __init__(
        self,
        *,
        hub: Hub,
        topic: Callable[[str], str],
        load: StateLoader,
        renderer: Renderer[Connection],
        tick: float,
        slow_after: float,
        applause: ApplauseSource | None = None,
        sliced: bool = False,
        suspect: Callable[[], None] | None = None,
        meter: FanoutMeter = UNMETERED,
    ) -> None:
        """``suspect``: called when a tick finds its room gone (the store may have lost its
        data: live/service/integrity.py checks). ``meter``: told of sockets and ticks."""
        self._hub = hub
        self._meter = meter
        self._suspect = suspect
        self._sliced = sliced
        self._applause = applause
        self._topic = topic
        self._load = load
        self._renderer = renderer
        self._tick = tick
        self._slow_after = slow_after
        self._channels: dict[str, RoomChannel] = {}
        # Two sockets of a new room may attach at once: the second waits for the first's start.
        self._starting: dict[str, asyncio.Task[RoomChannel]] = {}
        self._reapers: dict[str, asyncio.TimerHandle] = {}
        self._reaping = TaskSet()  # reapers whose timer went off, until their channel stopped
        self._per_participant = ParticipantSockets()
        self._closing = TaskSet()  # closes of sockets beyond a participant's limit

    async def attach(self, room_id: str, conn: Connection) -> RoomChannel:
        reaper = self._reapers.pop(room_id, None)
        if reaper is not None:
            reaper.cancel()
        channel = self._channels.get(room_id)
        if channel is None:
            task = self._starting.get(room_id)
            if task is None:
                # A context of its own: the channel outlives the socket that happened to start
                # it, and its log lines must not carry that socket's request id (live/logs.py).
                task = asyncio.create_task(self._start(room_id), context=contextvars.Context())
                self._starting[room_id] = task
            channel = await asyncio.shield(task)
        channel.add(conn)
        # One participant's oldest sockets beyond the limit go (live/fanout/quota.py).
        for old in self._per_participant.admit(conn):
            self._closing.spawn(old.shut(CLOSE_POLICY, "too many sockets for this participant"))
        return channel

    async def _start(self, room_id: str) -> RoomChannel:
        try:
            channel = RoomChannel(
                room_id,
                hub=self._hub,
                topic=self._topic(room_id),
                load=self._load,
                renderer=self._renderer,
                tick=self._tick,
                slow_after=self._slow_after,
                applause=self._applause,
                sliced=self._sliced,
                suspect=self._suspect,
                meter=self._meter,
            )
            await channel.start()
            self._channels[room_id] = channel
            return channel
        finally:
            self._starting.pop(room_id, None)

    def detach(self, room_id: str, conn: Connection) -> None:
        self._per_participant.release(conn)
        channel = self._channels.get(room_id)
        if channel is None:
            return
        channel.discard(conn)
        if not channel.connections and room_id not in self._reapers:
            loop = asyncio.get_running_loop()
            self._reapers[room_id] = loop.call_later(
                IDLE_GRACE_SECONDS,
                lambda: self._reaping.spawn(self._reap(room_id), name=f"reap:{room_id}"),
                context=contextvars.Context(),  # not the leaving socket's (see attach)
            )

    def shut_all(self, code: int, reason: str) -> None:
        """Close every socket of this process (the store lost its data); the closes run in the
        background, each bounded (Connection.shut)."""
        for channel in self._channels.values():
            for conn in tuple(channel.connections):
                self._closing.spawn(conn.shut(code, reason))

    @property
    def rooms(self) -> int:
        """Rooms with a channel in this process (a socket, or one that left moments ago)."""
        return len(self._channels)

    def channel(self, room_id: str) -> RoomChannel | None:
        return self._channels.get(room_id)

    def state(self, room_id: str) -> RoomState | None:
        """The room's state as its channel in this process last read it; None when the room
        has no channel here (no socket of it in this process) or it has not read yet."""
        channel = self._channels.get(room_id)
        return channel.state if channel is not None else None

    async def _reap(self, room_id: str) -> None:
        self._reapers.pop(room_id, None)
        channel = self._channels.get(room_id)
        if channel is not None and not channel.connections:
            del self._channels[room_id]
            await channel.stop()

    async def close(self) -> None:
        for handle in self._reapers.values():
            handle.cancel()
        self._reapers.clear()
        await self._reaping.wait()  # a reaper stopping its channel: let it finish
        await self._closing.wait()  # each close gives up after a moment (Connection.shut)
        channels, self._channels = list(self._channels.values()), {}
        for channel in channels:
            with contextlib.suppress(Exception):
                await channel.stop()
