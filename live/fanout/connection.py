"""One connected socket as the fan-out sees it: its view, its outbox, and what it was last sent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Literal, Protocol

from live.fanout.outbox import Outbox

log = logging.getLogger("live.fanout")

View = Literal["json", "participant", "screen", "moderator", "overlay"]
Role = Literal["participant", "moderator", "viewer"]

# Close codes (RFC 6455 / IANA registry).
CLOSE_TRY_AGAIN_LATER = 1013
CLOSE_GOING_AWAY = 1001


class Socket(Protocol):
    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


@dataclass(eq=False)
class Connection:
    socket: Socket
    view: View
    lang: str = "de"
    participant_id: str | None = None
    role: Role = "viewer"
    sort: str = "votes"  # Q&A order the reader chose ("votes" | "newest")
    outbox: Outbox = field(init=False)
    # key -> frame body last queued for this socket; the channel sends only what differs.
    last: dict[str, str] = field(default_factory=dict)
    needs_snapshot: bool = True
    # Loop time at which the current send started; None while idle. A send that blocks for long
    # means the client stopped reading.
    sending_since: float | None = None
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    close_code: int | None = None

    def __post_init__(self) -> None:
        self.outbox = Outbox(hold_until_snapshot=self.view == "json")

    async def run_sender(self) -> None:
        """Drain the outbox into the socket until the connection closes."""
        loop = asyncio.get_running_loop()
        try:
            while not self.closed.is_set():
                frames = await self.outbox.take()
                for frame in frames:
                    self.sending_since = loop.time()
                    await self.socket.send_text(frame)
                    self.sending_since = None
        except asyncio.CancelledError:
            raise
        except Exception:  # the peer went away mid-send; the receive side notices and cleans up
            log.debug("send failed", exc_info=True)
            self.closed.set()

    def is_stalled(self, now: float, limit: float) -> bool:
        return self.sending_since is not None and now - self.sending_since > limit

    async def shut(self, code: int, reason: str = "") -> None:
        """Close from the server side. Bounded: a client that stopped reading cannot even take the
        close frame, so give up after a moment and let the handler return (uvicorn then drops
        it)."""
        if self.closed.is_set():
            return
        self.close_code = code
        self.closed.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.socket.close(code, reason), timeout=1.0)
