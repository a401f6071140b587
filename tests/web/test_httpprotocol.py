"""The header deadline (live/web/httpprotocol.py): a request whose head is not complete within
HEADER_TIMEOUT of its first byte (the first request: of the connection) loses its connection; a
slow but complete one is answered.

uvicorn's real HTTP protocol fed bytes directly, on a loop whose clock only the test moves
(tests/support/virtual_time.py): no wall-clock waits and no real socket whose delivery could
race the clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.server import ServerState

from live.web.httpprotocol import HEADER_TIMEOUT, HeaderDeadlineProtocol
from tests.support.virtual_time import VirtualTimeLoop, advance


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    headers = [(b"content-length", b"5")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"hello"})


class Transport(asyncio.Transport):
    """What the protocol writes, and whether it closed the connection."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closed = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default
        )

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def run(test: Callable[[HeaderDeadlineProtocol, Transport], Awaitable[None]]) -> None:
    config = Config(app=hello, http=HeaderDeadlineProtocol, lifespan="off", log_level="warning")
    config.load()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        protocol = HeaderDeadlineProtocol(config, ServerState(), app_state={}, _loop=loop)
        transport = Transport()
        protocol.connection_made(transport)
        try:
            await test(protocol, transport)
        finally:
            protocol.connection_lost(None)

    loop = VirtualTimeLoop()
    try:
        loop.run_until_complete(main())
    finally:
        loop.close()


def test_a_request_head_left_unfinished_loses_its_connection() -> None:
    async def test(protocol: HeaderDeadlineProtocol, transport: Transport) -> None:
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never the blank line
        await advance(HEADER_TIMEOUT - 0.5)
        assert not transport.closed
        await advance(0.5)
        assert transport.closed
        assert transport.written == b""

    run(test)


def test_a_connection_that_sends_nothing_loses_it_too() -> None:
    async def test(protocol: HeaderDeadlineProtocol, transport: Transport) -> None:
        await advance(HEADER_TIMEOUT)
        assert transport.closed

    run(test)


def test_a_slow_but_complete_head_is_answered_and_each_request_gets_its_own_time() -> None:
    async def test(protocol: HeaderDeadlineProtocol, transport: Transport) -> None:
        for answered in (1, 2):  # two requests on one kept-alive connection
            protocol.data_received(b"GET / HTTP/1.1\r\n")
            await advance(HEADER_TIMEOUT * 0.9)
            protocol.data_received(b"Host: x\r\n\r\n")
            await advance(0)
            assert not transport.closed
            # The second head ends 18 s after the connection began: its own 10 s count.
            assert transport.written.count(b"HTTP/1.1 200 OK") == answered

    run(test)
