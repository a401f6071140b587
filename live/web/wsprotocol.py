"""uvicorn's WebSocket protocol (websockets-sansio) plus a direct frame writer for the fan-out.

Through ASGI every frame to every socket is one awaited ``send`` that passes the middleware
stack, is UTF-8 encoded and framed again for each socket: at 10,000 sockets and ten ticks a
second that per-socket work dominated the server's CPU (docs/benchmarks.md). The fan-out sends
one identical frame to thousands of sockets, so it frames it once per tick and writes the bytes
to each transport itself, as the websockets library's ``broadcast()`` does. Everything else
(handshake, receiving, pings, closing) stays with uvicorn; the writer is offered to the app as
the ASGI scope extension ``live.frames`` and only used once the socket is accepted. Servers
without it (tests with Starlette's TestClient) use the ordinary ASGI path.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Close, Frame, Opcode

from live.one_reader import OneReader

SCOPE_KEY = "live.frames"


class FrameWriter:
    """Writes ready-made frames to one accepted socket's transport, without awaiting."""

    __slots__ = ("_proto",)

    def __init__(self, proto: WebSocketsSansIOProtocol) -> None:
        self._proto = proto

    @property
    def open(self) -> bool:
        p = self._proto
        return (
            p.handshake_complete
            and not p.close_sent
            and not p.disconnected
            and p.transport is not None
            and not p.transport.is_closing()
        )

    @property
    def writable(self) -> bool:
        """False while the transport's buffer is above its high-water mark: the client is not
        reading; hold back (latest wins) instead of buffering more."""
        return self._proto.writable.is_set()

    async def wait_writable(self) -> None:
        await self._proto.writable.wait()

    def write(self, frame: bytes) -> bool:
        if not self.open:
            return False
        self._proto.transport.write(frame)
        return True

    def close_behind(self, code: int, reason: str, grace: float = 5.0) -> None:
        """Close a socket whose client stopped reading: the close frame goes behind what is
        buffered (a client that resumes in time reads it), and after ``grace`` seconds the
        connection is dropped with whatever is still buffered."""
        p = self._proto
        if p.transport is None or p.transport.is_closing():
            return
        if not p.close_sent:
            p.transport.write(
                Frame(Opcode.CLOSE, Close(code, reason).serialize()).serialize(mask=False)
            )
            p.close_sent = True
        p.transport.close()
        p.loop.call_later(grace, p.transport.abort)


class Inbox(OneReader):
    """What uvicorn's protocol needs of its receive queue (put_nowait, get, empty), without
    asyncio.Queue's four deques and event: at 10,000 sockets those were ~1.5 KiB each, idle.
    uvicorn pauses reading after every message until the app took it, so this holds one or two
    items at a time and a list is the right container."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        super().__init__()
        self._items: list[Any] = []

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        self._wake()

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)

    async def get(self) -> Any:
        while not self._items:
            await self._wait()
        return self._items.pop(0)


class LiveWebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = Inbox()  # type: ignore[assignment]

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message.get("type") == "websocket.accept" and self.handshake_complete:
            # The handshake's request and response (headers and all) are not needed once the
            # answer is out, but uvicorn keeps them for the socket's lifetime.
            self.request = None  # type: ignore[assignment]
            self.response = None  # type: ignore[assignment]

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        # The ASGI task was created above but has not run yet: the scope can still be extended.
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"][SCOPE_KEY] = {"writer": FrameWriter(self)}
