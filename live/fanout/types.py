"""The types the fan-out's modules share, and what the rest of the app plugs into it.

This module imports nothing else from ``live.fanout`` but the room state (``state.py``, which
imports none of the fan-out either), so every other fan-out module can import from here and none
imports another in a circle. What the app provides: a ``StateLoader`` (reads a room), a
``Renderer`` (state -> regions per view), an ``ApplauseSource`` (the board) and, per socket, a
``Socket`` (the ASGI path) or a ``Writer`` (frames written straight to the transport).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Hashable
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from live.domain.applause import ApplauseReading
from live.fanout.state import RoomState

View = Literal["json", "participant", "screen", "moderator", "overlay"]
Role = Literal["participant", "moderator", "viewer"]

Encode = Callable[[str], bytes]


@dataclass(frozen=True, slots=True)
class Region:
    """One live region: its key (DOM id or JSON key), the frame to send, and the keys of regions
    it contains (sending the parent makes queued children obsolete)."""

    key: str
    frame: str
    body: str  # what "unchanged" is judged by (for JSON: the frame without the version)
    children: tuple[str, ...] = ()


# The body of a region that says "this is gone" (a question the reader may no longer see). The
# diff treats it as equal to never having been sent: only sockets that hold the thing hear of
# its removal (live/fanout/diff.py).
GONE = "\x00gone"


class Socket(Protocol):
    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class Writer(Protocol):
    """Direct frame writing (live.web.wsprotocol.FrameWriter): no await per frame."""

    @property
    def writable(self) -> bool: ...

    async def wait_writable(self) -> None: ...

    def write(self, frame: bytes) -> bool: ...

    def close_behind(self, code: int, reason: str) -> None: ...


class ApplauseSource(Protocol):
    """Where a room's applause comes from (the board, shared by all processes)."""

    async def read(self, room_id: str, previous_level: float, dt: float) -> ApplauseReading: ...

    async def announce(self, room_id: str, participant_ids: Collection[str]) -> None:
        """This process's participants in the room (for "present")."""


class FanoutMeter(Protocol):
    """What the fan-out tells the operator (live/metrics.py): sockets coming and going, per
    view, and how long each tick took. Called on every socket and tick: must be cheap."""

    def joined(self, view: View) -> None: ...

    def left(self, view: View) -> None: ...

    def ticked(self, seconds: float) -> None: ...


class _Unmetered:
    def joined(self, view: View) -> None:
        pass

    def left(self, view: View) -> None:
        pass

    def ticked(self, seconds: float) -> None:
        pass


UNMETERED: FanoutMeter = _Unmetered()


# What a renderer is handed for each socket: the fan-out's Connection. A type parameter rather
# than the class itself because connection.py imports this module; the fan-out asks for a
# ``Renderer[Connection]``.
Conn = TypeVar("Conn", contravariant=True)


class Renderer(Protocol[Conn]):
    def personal_key(self, conn: Conn, state: RoomState) -> Hashable:
        """Sockets of one view and language with equal keys get identical frames: one render
        serves them all."""

    def regions(self, conn: Conn, state: RoomState) -> list[Region]: ...

    def snapshot(self, conn: Conn, state: RoomState) -> str:
        """The JSON view's full snapshot frame."""

    def applause_regions(self, conn: Conn, state: RoomState) -> list[Region]:
        """Only the regions that show the applause (sent on applause-only ticks); the same for
        every socket of one view and language."""


# (room id, poll ids whose results changed or None for "all", load every ballot?, the state
# read last time, question ids that changed or None for "all") -> the room's state now.
# live.fanout.state.load_room_state with a store bound.
StateLoader = Callable[
    [str, "set[str] | None", bool, "RoomState | None", "set[str] | None"], Awaitable[RoomState]
]
