"""The projector's rotating join code: four digits that change every minute, so that joining an
event that requires it needs someone in the hall (or watching the stream) to read the wall.

Pure: the event's secret and ``now`` come in. The code is derived, never stored: an HMAC of the
minute's number under the event's secret, so every worker (and the Redis-backed cluster) shows
and accepts the same code without sharing any state. The current and the previous minute's code
are accepted: whoever types the code just as it changes is not turned away.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

WINDOW_SECONDS = 60
DIGITS = 4
# Codes of this many windows are accepted: the current one and the one before.
ACCEPTED_WINDOWS = 2


def window_of(now: datetime) -> int:
    """The number of the minute ``now`` falls in (counted from 1970, UTC)."""
    return int(now.timestamp()) // WINDOW_SECONDS


def code_for(secret: str, window: int) -> str:
    """The code of one window: DIGITS decimal digits (leading zeros kept)."""
    digest = hmac.new(secret.encode(), f"join-code:{window}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**DIGITS:0{DIGITS}d}"


def current_code(secret: str, now: datetime) -> str:
    return code_for(secret, window_of(now))


def seconds_left(now: datetime) -> int:
    """Seconds until the shown code changes (1..WINDOW_SECONDS)."""
    return WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS


def normalise(offered: object) -> str | None:
    """What a person typed, as a code to compare: digits only (spaces taken out, as people
    type "12 34"); None when it cannot be a code at all."""
    if not isinstance(offered, str):
        return None
    digits = "".join(offered.split())
    if len(digits) != DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def accepts(secret: str, offered: object, now: datetime) -> bool:
    """Whether ``offered`` is the code of the current or the previous window."""
    code = normalise(offered)
    if code is None:
        return False
    window = window_of(now)
    # Compare every accepted code (constant time each): the answer must not say which matched.
    matches = [
        hmac.compare_digest(code, code_for(secret, window - back))
        for back in range(ACCEPTED_WINDOWS)
    ]
    return any(matches)
