"""uvicorn's HTTP protocol (httptools) plus a deadline for a request's headers.

uvicorn has no header read timeout (its issue #157, "--timeout-request-start", is still open):
``--timeout-keep-alive`` only closes a connection that is idle *between* requests, and any byte
resets it. A client that connects and sends nothing, or half a request line and then a byte now
and then, holds its connection for as long as it likes; 3,000 of them were held for 40 s in a
test (issue 21). Here every request must have sent its whole head within HEADER_TIMEOUT of its
first byte (the first request: of the connection), or the connection is closed. The body is not
covered (the proxy's client_body_timeout is; docs/deploy.md), nor is a WebSocket once upgraded.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# A phone on bad Wi-Fi sends its ~1 KiB of headers in well under a second; nginx's default
# client_header_timeout is 60 s, Go's usual ReadHeaderTimeout a few seconds.
HEADER_TIMEOUT = 10.0


class HeaderDeadlineProtocol(HttpToolsProtocol):
    header_timeout = HEADER_TIMEOUT
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # a connection that sends nothing at all

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()  # the next request on a kept-alive connection

    def on_headers_complete(self) -> None:
        self._disarm()  # before the parent: it may hand the connection to the WebSocket side
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.header_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()
