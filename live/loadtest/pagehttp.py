"""A phone on the page path for the load generator: its own keep-alive HTTP/1.1 connection for
the form posts, as htmx sends them (``HX-Request``, the page's ``Origin``, the participant's
cookie), beside the page socket that pushes the regions (live/loadtest/rawws.py).

Lean on purpose, like rawws.py: thousands of phones per load-generator process, one request
each in a burst; a general HTTP client would cost more CPU than the server under test.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl


class PageHttp:
    """One phone's connection. ``post`` answers the status; a connection the
    server closed meanwhile (its keep-alive timeout) is opened again first, and a post that
    fails on a connection that went away is sent once more on a new one: a vote is an upsert of
    the participant's ballot, so a repeat counts once."""

    def __init__(
        self,
        host: str,
        port: int,
        local_host: str | None,
        authority: str,
        tls: ssl.SSLContext | None,
        headers: bytes,
    ) -> None:
        """``authority``: the Host header; ``tls``: https; ``headers``: the phone's own header
        lines (cookie, origin, …), each ending in CRLF."""
        self._host, self._port, self._local = host, port, local_host
        self._authority, self._tls = authority.encode(), tls
        self._headers = headers
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        # One request at a time on the connection: a phone's next vote may be due while the
        # server still answers its last one (HTTP/1.1 without pipelining, as a browser).
        self._busy = asyncio.Lock()

    async def open(self) -> None:
        self.close()
        sock = None
        name = self._host if self._tls is not None else None
        if self._local is not None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.bind((self._local, 0))
            await asyncio.get_running_loop().sock_connect(sock, (self._host, self._port))
            self._reader, self._writer = await asyncio.open_connection(
                sock=sock, ssl=self._tls, server_hostname=name
            )
        else:
            self._reader, self._writer = await asyncio.open_connection(
                self._host, self._port, ssl=self._tls, server_hostname=name
            )

    @property
    def is_open(self) -> bool:
        return self._reader is not None and not self._reader.at_eof()

    def close(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
        self._reader = self._writer = None

    async def post(self, path: str, body: bytes) -> int:
        async with self._busy:
            return await self._post_once_more(path, body)

    async def _post_once_more(self, path: str, body: bytes) -> int:
        for attempt in (1, 2):
            if not self.is_open:
                await self.open()
            try:
                return await self._post(path, body)
            except (ConnectionError, asyncio.IncompleteReadError, ValueError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _post(self, path: str, body: bytes) -> int:
        reader, writer = self._reader, self._writer
        assert reader is not None and writer is not None
        writer.write(
            b"POST %s HTTP/1.1\r\nHost: %s\r\n%s"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s"
            % (path.encode(), self._authority, self._headers, len(body), body)
        )
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionResetError("closed before the answer")
        status = int(status_line.split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            key, value = name.strip().lower(), value.strip().lower()
            if key == b"content-length":
                length = int(value)
            elif key == b"transfer-encoding":
                chunked = b"chunked" in value
            elif key == b"connection":
                close = b"close" in value
        if chunked:
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                await reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await reader.readexactly(length)
        if close:
            self.close()
        return status
