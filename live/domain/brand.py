"""Branding of an event: its primary colour and its logo.

The colour replaces the app's accent (live.css ``--accent``). The accent is used as text on the
page backgrounds (links, outlined buttons, the word cloud, the projector's bars) and as the
background of white text (primary buttons, pressed states), so it must reach WCAG's 4.5:1
against white *and* against the light grey of the page body (``--wash``, slightly darker than
white, hence the harder of the two). A colour below that is refused with the ratio measured.

The logo is a PNG (checked by its signature and header) or an SVG (parsed safely and rebuilt
from an allowlist, live/domain/svg.py). What passes is stored and served as it is.

Pure: bytes and strings in, records and DomainError out.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
import zlib
from collections.abc import Iterator

from live.domain.errors import DomainError
from live.domain.models import Logo
from live.domain.svg import clean_svg
from live.domain.text import _n

# The app's own accent (live.css), used when an event sets none.
DEFAULT_ACCENT = "#0b5394"
# The backgrounds the accent sits on as text (live.css --paper and --wash), and the colour of
# the text it carries as a background (--accent-ink).
BACKGROUNDS = ("#ffffff", "#f2f4f7")
ACCENT_INK = "#ffffff"
MIN_CONTRAST = 4.5

MAX_LOGO_BYTES = 256 * 1024
MAX_LOGO_SIDE = 4096  # pixels per side of a PNG: a logo, not a poster (and no decoding bomb)
PNG = "image/png"
SVG = "image/svg+xml"
MEDIA_TYPES = (PNG, SVG)

_HEX = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Allowed bit depths per PNG colour type (PNG spec, table 11.1).
_PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
# The soft tint of the accent (live.css --accent-soft, e.g. a chosen answer's background): this
# share of the accent mixed into white, less if the accent as text on it would fall below 4.5:1.
_TINT_SHARE = 0.15


# --- colour --------------------------------------------------------------------------------


def parse_color(raw: object) -> str | None:
    """A colour as typed: "#rgb" or "#rrggbb", any case, spaces around ignored; returned as
    "#rrggbb" in lower case. Empty (or None): None, the app's own colour."""
    if raw is None:
        return None
    text = raw.strip().lower() if isinstance(raw, str) else None
    if text == "":
        return None
    match = _HEX.fullmatch(text) if text is not None else None
    if match is None:
        raise DomainError(
            "invalid_color",
            _n("Bitte geben Sie die Farbe als Hex-Wert an, z. B. #0b5394 oder #05a."),
        )
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits}"


def _channels(color: str) -> tuple[int, int, int]:
    value = int(color[1:], 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def relative_luminance(color: str) -> float:
    """WCAG 2.x relative luminance of a "#rrggbb" colour (0 black … 1 white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two "#rrggbb" colours, 1 … 21 (order does not matter)."""
    a, b = relative_luminance(first), relative_luminance(second)
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def accent_contrast(color: str) -> float:
    """The lowest contrast of the accent where it is used: as text on each page background,
    and as the background of white text."""
    return min(contrast_ratio(color, other) for other in (*BACKGROUNDS, ACCENT_INK))


def check_color(raw: object) -> str | None:
    """parse_color, then refuse a colour below MIN_CONTRAST, naming the ratio it has."""
    color = parse_color(raw)
    if color is None:
        return None
    ratio = accent_contrast(color)
    if ratio < MIN_CONTRAST:
        # Rounded down: a ratio of 4.49 must not read as "4,5" in a refusal. The number is
        # passed as its two parts so each language writes its own decimal mark.
        tenths = math.floor(ratio * 10)
        raise DomainError(
            "low_contrast",
            _n(
                "Diese Farbe ist zu hell: Kontrast %(whole)d,%(tenth)d : 1, "
                "nötig sind mindestens 4,5 : 1."
            ),
            whole=tenths // 10,
            tenth=tenths % 10,
        )
    return color


def soft_tint(color: str) -> str:
    """A light tint of an accent for backgrounds behind dark text and behind the accent itself
    as text (live.css --accent-soft): as light as needed so the accent keeps 4.5:1 on it."""
    r, g, b = _channels(color)
    share = _TINT_SHARE
    while True:
        tint = "#" + "".join(f"{round(255 - share * (255 - c)):02x}" for c in (r, g, b))
        if share <= 0 or contrast_ratio(color, tint) >= MIN_CONTRAST:
            return tint
        share = max(0.0, share - 0.01)


# --- logo ----------------------------------------------------------------------------------


def logo_version(data: bytes) -> str:
    """A short content hash: the same bytes, the same version (and the same ETag)."""
    return hashlib.sha256(data).hexdigest()[:16]


def check_logo(data: bytes, declared: str | None = None) -> Logo:
    """The logo as it will be stored: a PNG as it is, an SVG sanitised (svg.py). The kind is
    taken from the content; ``declared`` (a Content-Type sent with the upload), when given,
    must agree with it. DomainError for anything else."""
    if not data:
        raise DomainError("logo_empty", _n("Die Logodatei ist leer."))
    if len(data) > MAX_LOGO_BYTES:
        raise logo_too_large()
    media_type = PNG if data.startswith(_PNG_SIGNATURE) else SVG
    if declared is not None and declared.split(";")[0].strip().lower() != media_type:
        raise _wrong_type()
    if media_type == PNG:
        check_png(data)
        clean = data
    else:
        clean = clean_svg(data, wrong_type=_wrong_type)
        if len(clean) > MAX_LOGO_BYTES:  # cannot grow much, but the limit is the limit
            raise logo_too_large()
    return Logo(media_type, clean, logo_version(clean))


def logo_too_large() -> DomainError:
    return DomainError(
        "logo_too_large",
        _n("Die Logodatei ist zu groß: erlaubt sind höchstens %(kib)d KB."),
        kib=MAX_LOGO_BYTES // 1024,
    )


def _wrong_type() -> DomainError:
    return DomainError("logo_type", _n("Das Logo muss eine SVG- oder PNG-Datei sein."))


def _broken_png() -> DomainError:
    return DomainError("logo_invalid", _n("Die PNG-Datei ist beschädigt oder unvollständig."))


def check_png(data: bytes) -> tuple[int, int]:
    """A structurally sound PNG: the signature, an IHDR first with a correct checksum and sane
    values, chunks that fit the file, an IEND. Returns (width, height). The image data is not
    decoded: the browser does that, and the size limits bound its work."""
    chunks = _png_chunks(data)
    kind, body = next(chunks, (b"", b""))
    if kind != b"IHDR" or len(body) != 13:
        raise _broken_png()
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", body
    )
    if not (1 <= width <= MAX_LOGO_SIDE and 1 <= height <= MAX_LOGO_SIDE):
        raise DomainError(
            "logo_dimensions",
            _n("Das Logo ist zu groß: höchstens %(side)d × %(side)d Pixel."),
            side=MAX_LOGO_SIDE,
        )
    if depth not in _PNG_DEPTHS.get(colour, ()) or compression or filtering or interlace > 1:
        raise _broken_png()
    if not any(kind == b"IEND" for kind, _ in chunks):
        raise _broken_png()
    return width, height


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(type, body) of each chunk after the signature; DomainError for a chunk that does not
    fit the file or whose checksum is wrong."""
    pos = len(_PNG_SIGNATURE)
    while pos < len(data):
        if pos + 12 > len(data):
            raise _broken_png()
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise _broken_png()
        body = data[pos + 8 : end - 4]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[end - 4 : end])[0]:
            raise _broken_png()
        yield kind, body
        pos = end
