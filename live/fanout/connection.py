"""One connected socket as the fan-out sees it: its view, its outbox, and what it was last sent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from websockets.frames import Frame, Opcode

from live.fanout.diff import NOTHING_SENT, Sent
from live.fanout.outbox import Outbox
from live.fanout.types import Encode, Role, Socket, View, Writer

log = logging.getLogger("live.fanout")

# Close codes (RFC 6455 / IANA registry).
CLOSE_TRY_AGAIN_LATER = 1013
CLOSE_GOING_AWAY = 1001
CLOSE_POLICY = 1008
# The server cannot go on: the store lost its data (live/service/integrity.py).
CLOSE_DATA_LOST = 1011
# Private-use code: the event (and so the room) was deleted; clients must not reconnect.
CLOSE_GONE = 4404


def encode_text(text: str) -> bytes:
    """One unmasked, final, uncompressed text frame (server to client). Valid also on a
    connection that negotiated permessage-deflate: RSV1 unset marks an uncompressed message."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


class FrameCache:
    """Encodes each distinct frame string once: a tick hands the same string object to
    thousands of sockets, so one encoding per tick and view serves them all."""

    __slots__ = ("_frames",)

    def __init__(self) -> None:
        self._frames: dict[int, tuple[str, bytes]] = {}

    def __call__(self, text: str) -> bytes:
        hit = self._frames.get(id(text))
        if hit is not None and hit[0] is text:
            return hit[1]
        frame = encode_text(text)
        self._frames[id(text)] = (text, frame)  # keeps ``text`` alive: its id stays unique
        return frame


@dataclass(eq=False)
class Connection:
    socket: Socket
    view: View
    lang: str = "de"
    participant_id: str | None = None
    role: Role = "viewer"
    sort: str = "votes"  # Q&A order the reader chose ("votes" | "newest")
    # The Q&A pages the reader is on, ((list, page), ...) for lists past their first page
    # (live.domain.qa_paging.Pages): readers on other pages get other regions.
    qa_pages: tuple[tuple[str, int], ...] = ()
    # The stream overlay's parts (live.views.overlay): overlays with other parts get other regions.
    parts: tuple[str, ...] = ()
    outbox: Outbox = field(init=False)
    # key -> frame body last queued for this socket; the channel sends only what differs. Shared
    # with the other sockets that were sent the same (live.fanout.diff): replaced, never changed.
    last: Sent = field(default_factory=lambda: NOTHING_SENT)
    needs_snapshot: bool = True
    # Loop time at which the current send started; None while idle. A send that blocks for long
    # means the client stopped reading.
    sending_since: float | None = None
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    close_code: int | None = None
    # With a writer, queued frames are written to the transport at once (``flush``) instead of
    # by a sender task; None: the ASGI path (``run_sender``).
    writer: Writer | None = None
    # Set by the room's channel: takes a reply that can ride with the next tick's write (True)
    # or declines (False: write it now). See live.fanout.replies.HeldReplies.hold.
    hold_reply: Callable[[Connection], bool] | None = field(default=None, repr=False)
    _draining: asyncio.Task[None] | None = field(default=None, repr=False)

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

    def reply(self, frame: str) -> None:
        """Queue an answer to this socket's own request (raises OutboxOverflow)."""
        self.outbox.put_reply(frame)
        if self.writer is not None and self.hold_reply is not None and self.hold_reply(self):
            return
        self.flush()

    def write_now(self, payload: bytes) -> bool:
        """Direct path, nothing queued and the client reading: write ``payload`` (ready-made
        frames) at once and return True; otherwise False and the caller queues instead."""
        writer = self.writer
        if writer is None or not self.outbox.idle or not writer.writable or self.closed.is_set():
            return False
        writer.write(payload)
        self.sending_since = None
        return True

    def flush(self, encode: Encode | None = None) -> None:
        """Direct path: write everything queued now. While the client does not read (the
        transport's buffer is above its high-water mark) frames stay queued, where newer state
        replaces older; one task waits for the buffer to drain, and the channel closes the
        socket with 1013 when that takes longer than its limit."""
        writer = self.writer
        if writer is None or self.closed.is_set():
            return
        if not writer.writable:
            self._wait_for_drain()
            return
        self.sending_since = None  # the client reads again (also when nothing is queued)
        frames = self.outbox.take_now()
        if not frames:
            return
        enc = encode or encode_text
        # One write (one send() call) for everything queued: e.g. an ack and the tick's frame.
        writer.write(enc(frames[0]) if len(frames) == 1 else b"".join(map(enc, frames)))

    def _wait_for_drain(self) -> None:
        if self._draining is not None and not self._draining.done():
            return
        loop = asyncio.get_running_loop()
        if self.sending_since is None:
            self.sending_since = loop.time()
        self._draining = loop.create_task(self._drain())

    async def _drain(self) -> None:
        assert self.writer is not None
        await self.writer.wait_writable()
        self.flush()

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
        if self._draining is not None:
            self._draining.cancel()
        if self.writer is not None and not self.writer.writable:
            # Its buffer is full: ASGI's close would wait for it to drain, maybe forever.
            self.writer.close_behind(code, reason)
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.socket.close(code, reason), timeout=1.0)
