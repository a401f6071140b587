"""A room's countdown for speaking time and breaks (issue 24, item 8).

The store keeps the instant the countdown reaches 0:00 (``Countdown.ends_at``), never a
ticking number: every projector, overlay and console counts down locally towards it, so no
push per second is needed, all of them agree, and a reload shows the same time. Paused, it
keeps the milliseconds that were left instead.

Pure: ``now`` comes in as an argument. The pages show the time left rounded up to whole
seconds (static/countdown.js follows the same rule as ``shown_seconds``), so "0:00" appears
only when the time is really up.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from live.domain.errors import DomainError
from live.domain.models import Countdown
from live.domain.text import _n, clean_text

MAX_SECONDS = 4 * 3600  # longer than any break or talk of a conference day
PRESET_MINUTES = (1, 3, 5, 10, 15)  # the console's buttons
LABEL_MAX = 40  # fits one line above the time on the projector
# Labels offered by the console. Stored as these German words and translated where shown;
# any other text is the moderator's own and shown as typed.
PRESET_LABELS = (_n("Redezeit"), _n("Pause"))
ADD_SECONDS = 60  # the console's "+1 min"

_CLOCK = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3})(?::(\d{1,2}))?$")


def _too_long() -> DomainError:
    return DomainError("countdown_too_long", _n("Ein Countdown dauert höchstens 4 Stunden."))


def _invalid() -> DomainError:
    return DomainError(
        "invalid_countdown",
        _n("Bitte geben Sie die Dauer als Minuten:Sekunden an, zum Beispiel 3:00."),
    )


def check_seconds(seconds: object) -> int:
    """A duration in whole seconds as given to the JSON interface: 1..MAX_SECONDS."""
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise _invalid()
    if seconds <= 0:
        raise _invalid()
    if seconds > MAX_SECONDS:
        raise _too_long()
    return seconds


def parse_duration(raw: object) -> int:
    """The console's duration field: "m:ss" ("3:00", "90:00"), "h:mm:ss" ("1:30:00") or whole
    minutes ("5"). Seconds beyond 59 are refused (a typo, not a duration)."""
    if not isinstance(raw, str):
        raise _invalid()
    text = raw.strip().replace(".", ":")
    parts = text.split(":")
    if not _CLOCK.match(text) or len(parts) > 3:
        raise _invalid()
    numbers = [int(p) for p in parts]
    if len(numbers) == 1:
        seconds = numbers[0] * 60
    elif len(numbers) == 2:
        minutes, secs = numbers
        if secs > 59:
            raise _invalid()
        seconds = minutes * 60 + secs
    else:
        hours, minutes, secs = numbers
        if minutes > 59 or secs > 59:
            raise _invalid()
        seconds = hours * 3600 + minutes * 60 + secs
    return check_seconds(seconds)


def clean_label(raw: object) -> str:
    """The label as stored: cleaned text of at most LABEL_MAX characters ("" allowed)."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise DomainError("invalid_countdown_label", _n("Die Bezeichnung muss ein Text sein."))
    label = clean_text(raw)
    if len(label) > LABEL_MAX:
        raise DomainError(
            "countdown_label_too_long",
            _n("Die Bezeichnung ist zu lang (höchstens %(max)s Zeichen)."),
            max=LABEL_MAX,
        )
    return label


def start(label: str, seconds: int, now: datetime) -> Countdown:
    return Countdown(label, ends_at=now + timedelta(seconds=check_seconds(seconds)))


def left_ms(countdown: Countdown, now: datetime) -> int:
    """Milliseconds left (0 once the time is up)."""
    if countdown.ends_at is None:
        return max(0, countdown.left_ms or 0)
    return max(0, math.ceil((countdown.ends_at - now) / timedelta(milliseconds=1)))


def is_over(countdown: Countdown, now: datetime) -> bool:
    return left_ms(countdown, now) == 0


def shown_seconds(ms: int) -> int:
    """What the pages show for ``ms`` left: whole seconds, rounded up."""
    return max(0, math.ceil(ms / 1000))


def add(countdown: Countdown, seconds: int, now: datetime) -> Countdown:
    """More time. A countdown already at 0:00 starts again from now with the added time."""
    extra = check_seconds(seconds) * 1000
    total = left_ms(countdown, now) + extra
    if total > MAX_SECONDS * 1000:
        raise _too_long()
    if countdown.paused:
        return Countdown(countdown.label, left_ms=total)
    return Countdown(countdown.label, ends_at=now + timedelta(milliseconds=total))


def pause(countdown: Countdown, now: datetime) -> Countdown:
    """Hold the time left (a paused countdown stays as it is)."""
    if countdown.paused:
        return countdown
    return Countdown(countdown.label, left_ms=left_ms(countdown, now))


def resume(countdown: Countdown, now: datetime) -> Countdown:
    """Run again from what was left (a running countdown stays as it is)."""
    if not countdown.paused:
        return countdown
    return Countdown(countdown.label, ends_at=now + timedelta(milliseconds=left_ms(countdown, now)))


def format_left(seconds: int) -> str:
    """ "m:ss" below an hour, "h:mm:ss" from an hour on ("0:00", "3:00", "1:05:09")."""
    seconds = max(0, seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def no_countdown() -> DomainError:
    return DomainError("no_countdown", _n("In diesem Raum läuft kein Countdown."))
