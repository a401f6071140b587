"""A lean WebSocket client for thousands of sockets per load-generator process.

A general client library spends tens of microseconds per received frame (futures, queues,
UTF-8 validation); at 10,000 sockets and 10 ticks per second that alone would use more CPU than
the server under test. This client is an asyncio Protocol that only does what the benchmark
needs: the RFC 6455 opening handshake, reading frame headers to count frames and bytes per
`type`, handing acks and (for screen clients) whole frames to its owner, answering pings, and
sending text frames. Client frames are masked with the all-zero key: RFC 6455 requires a mask,
not an unpredictable one from a test client, and the zero key leaves the payload as it is.

Not offered: permessage-deflate (the app switches it off; the baseline is configured alike).
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import ssl
import time
from collections.abc import Callable
from typing import Any, cast

_TYPE_PREFIX = b'{"type":"'
_ACK_PREFIX = b'{"type":"ack"'
_ERROR_PREFIX = b'{"type":"error"'

OnText = Callable[["RawSocket", float, bytes], None]


def encode_text(payload: bytes) -> bytes:
    """One masked (zero key) final text frame."""
    n = len(payload)
    if n < 126:
        header = bytes((0x81, 0x80 | n))
    elif n < 65536:
        header = bytes((0x81, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x81, 0x80 | 127)) + n.to_bytes(8, "big")
    return header + b"\x00\x00\x00\x00" + payload


_CLOSE_FRAME = bytes((0x88, 0x82)) + b"\x00\x00\x00\x00" + (1000).to_bytes(2, "big")


# The voters line of a poll's results region as the pages' socket pushes it
# (templates/fragments/distribution.html).
RESULTS_MARK = b'<p class="voters">'


def shown_voters(frame: bytes, poll_id: str) -> int | None:
    """How many voters a page push shows for ``poll_id`` ("123 Stimmen" in its results
    region), or None when the push holds no results of that poll."""
    at = frame.find(f'id="results-{poll_id}"'.encode())
    if at < 0:
        return None
    after = frame.find(b'id="results-', at + 1)  # the next poll's results, if any
    line = frame.find(RESULTS_MARK, at, after if after >= 0 else len(frame))
    if line < 0:
        return None
    digits = frame[line + len(RESULTS_MARK) :].split(b" ", 1)[0]
    return int(digits) if digits.isdigit() else None


def frame_kind(payload: bytes | bytearray | memoryview) -> bytes:
    """The `type` of a server frame: the app and the baseline both write it first."""
    head = bytes(payload[:24])
    if head.startswith(b"<!--sent:"):
        return b"sent"  # a page socket's answer to a vote sent over it (live/web/participant.py)
    if head.startswith(b"<"):
        return b"html"  # the pages' socket pushes HTML regions (htmx swaps them by id)
    if not head.startswith(_TYPE_PREFIX):
        return b"?"
    end = head.find(b'"', len(_TYPE_PREFIX))
    return head[len(_TYPE_PREFIX) : end] if end > 0 else b"?"


class RawSocket(asyncio.Protocol):
    """One client socket. ``on_open`` fires after the 101 answer, ``on_text`` for frames the
    owner wants whole (acks and errors always; every frame when ``keep_all``)."""

    def __init__(
        self,
        host: str,
        path: str,
        *,
        on_open: Callable[[RawSocket], None],
        on_text: OnText,
        on_close: Callable[[RawSocket], None],
        keep_all: bool = False,
        tag: Any = None,
        headers: str = "",
    ) -> None:
        """``headers``: more handshake header lines, each ending in CRLF (a page socket's
        cookie and Origin)."""
        self.tag = tag
        self._headers = headers
        self._host = host
        self._path = path
        self._on_open = on_open
        self._on_text = on_text
        self._on_close = on_close
        self._keep_all = keep_all
        self._buf = bytearray()
        self._open = False
        self.transport: asyncio.Transport | None = None
        self.frames: dict[bytes, int] = {}
        self.bytes_in = 0
        self.close_code: int | None = None
        self.http_status: int | None = None
        self.last_poll: bytes | None = None  # the newest poll frame (read at the end)
        # A page socket's newest push with a poll's results in it (read at the end).
        self.last_results: bytes | None = None
        self.closed = False
        self.snapshot_at: float | None = None
        self.first_frame_at: float | None = None  # a page socket's first push

    # --- asyncio.Protocol --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A cast, not isinstance: uvloop's transports are no subclass of asyncio.Transport.
        self.transport = writer = cast("asyncio.Transport", transport)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET {self._path} HTTP/1.1\r\nHost: {self._host}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\n{self._headers}\r\n"
            ).encode()
        )

    def data_received(self, data: bytes) -> None:
        buf = self._buf
        buf += data
        self.bytes_in += len(data)
        if not self._open:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            status_line = bytes(buf[: buf.find(b"\r\n")])
            parts = status_line.split(b" ", 2)
            self.http_status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
            del buf[: end + 4]
            if self.http_status != 101:
                self._fail()
                return
            self._open = True
            self._on_open(self)
        pos = 0
        size = len(buf)
        frames = self.frames
        while size - pos >= 2:
            b1 = buf[pos]
            length = buf[pos + 1] & 0x7F
            start = pos + 2
            if length == 126:
                if size - pos < 4:
                    break
                length = (buf[pos + 2] << 8) | buf[pos + 3]
                start = pos + 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                start = pos + 10
            end = start + length
            if end > size:
                break
            opcode = b1 & 0x0F
            if opcode == 1:
                kind = frame_kind(buf[start : start + 24])
                frames[kind] = frames.get(kind, 0) + 1
                if self.first_frame_at is None:
                    self.first_frame_at = loop_time()
                if kind == b"snapshot" and self.snapshot_at is None:
                    self.snapshot_at = loop_time()
                if self._keep_all or kind == b"ack" or kind == b"error" or kind == b"sent":
                    self._on_text(self, loop_time(), bytes(buf[start:end]))
                elif kind == b"poll":
                    self.last_poll = bytes(buf[start:end])
                elif kind == b"html" and buf.find(RESULTS_MARK, start, end) >= 0:
                    self.last_results = bytes(buf[start:end])
            elif opcode == 8:
                if length >= 2:
                    self.close_code = (buf[start] << 8) | buf[start + 1]
                else:
                    self.close_code = 1005
                self._shutdown()
                return
            elif opcode == 9:  # ping: answer with the same payload
                self._send_control(0x8A, bytes(buf[start:end]))
            pos = end
        if pos:
            del buf[:pos]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed:
            self.closed = True
            self._on_close(self)

    # --- use ---------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._open and not self.closed

    def send(self, payload: bytes) -> None:
        if self.transport is not None and not self.closed:
            self.transport.write(encode_text(payload))

    def close(self) -> None:
        """Send a close frame and drop the connection (the server need not answer)."""
        if self.transport is not None and not self.closed:
            self.transport.write(_CLOSE_FRAME)
            self.transport.close()

    def pause(self) -> None:
        """Stop reading: the kernel buffers fill and the server's writes back up."""
        if self.transport is not None:
            self.transport.pause_reading()

    def resume(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.resume_reading()

    def _send_control(self, first: int, payload: bytes) -> None:
        if self.transport is not None and not self.closed:
            self.transport.write(bytes((first, 0x80 | len(payload))) + b"\0\0\0\0" + payload)

    def _fail(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def _shutdown(self) -> None:
        if self.transport is not None:
            self.transport.write(_CLOSE_FRAME)
            self.transport.close()


# time.monotonic() is CLOCK_MONOTONIC: one clock for every process of the machine, so a send
# time from one load generator compares with an arrival time in another.
loop_time = time.monotonic


def tls_context() -> ssl.SSLContext:
    """The system's trust store and hostname check: a load test against https:// proves the
    certificate the phones will see too."""
    return ssl.create_default_context()


def _bind_socket(local_host: str | None, rcvbuf: int | None) -> socket.socket | None:
    if local_host is None and rcvbuf is None:
        return None
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    if rcvbuf is not None:
        # Before connect(): the window scale is agreed in the handshake.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if local_host is not None:
        sock.bind((local_host, 0))
    return sock


async def open_socket(
    host: str,
    port: int,
    path: str,
    *,
    local_host: str | None = None,
    rcvbuf: int | None = None,
    tls: ssl.SSLContext | None = None,
    factory: Callable[[], RawSocket],
) -> RawSocket:
    """Connect (from ``local_host``, one of 127.0.0.x, to spread the source ports); ``tls``:
    wss, the certificate checked for ``host``."""
    loop = asyncio.get_running_loop()
    sock = _bind_socket(local_host, rcvbuf)
    name = host if tls is not None else None
    if sock is not None:
        await loop.sock_connect(sock, (host, port))
        _, proto = await loop.create_connection(factory, sock=sock, ssl=tls, server_hostname=name)
    else:
        _, proto = await loop.create_connection(factory, host, port, ssl=tls, server_hostname=name)
    return proto
