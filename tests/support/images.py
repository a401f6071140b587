"""Small images for the branding tests, made here (no files, no image library): a real PNG of any
size and colour, and SVG documents."""

from __future__ import annotations

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 4, height: int = 2, rgb: tuple[int, int, int] = (11, 83, 148)) -> bytes:
    """A valid 8-bit RGB PNG filled with one colour."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + bytes(rgb) * width  # filter type 0 per row
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def svg(body: str = '<rect width="40" height="20" fill="#0b5394"/>', extra: str = "") -> bytes:
    """An SVG document around ``body``; ``extra``: more attributes of the root."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' viewBox="0 0 40 20" width="40" height="20"{extra}>{body}</svg>'
    ).encode()
