"""How a room's countdown is shown: the projector's and the overlay's panel, the console's
control and the JSON interface (its snapshot key and its update). The regions hold the stored
end instant only, never the time left, so they change when a moderator acts and never with the
clock: nothing is pushed per second. static/countdown.js counts down on each page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from live.domain import countdown as rules
from live.domain.models import Countdown
from live.fanout.state import RoomState
from live.fanout.types import Region
from live.i18n import Lang
from live.views import api
from live.views.templating import render


def epoch_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def countdown_dict(countdown: Countdown | None) -> dict[str, Any] | None:
    """The JSON shape (docs/api.md): running with ``ends_at``, or paused with ``left_ms``."""
    if countdown is None:
        return None
    return {
        "label": countdown.label,
        "state": "paused" if countdown.paused else "running",
        "ends_at": api.iso(countdown.ends_at),
        "left_ms": countdown.left_ms if countdown.paused else None,
    }


def _context(countdown: Countdown | None) -> dict[str, Any]:
    if countdown is None:
        return {"countdown": None}
    paused_text = (
        rules.format_left(rules.shown_seconds(countdown.left_ms or 0)) if countdown.paused else ""
    )
    return {
        "countdown": countdown,
        "preset_label": countdown.label in rules.PRESET_LABELS,
        "ends_ms": epoch_ms(countdown.ends_at) if countdown.ends_at is not None else None,
        "paused_text": paused_text,
    }


def countdown_html(lang: Lang, countdown: Countdown | None, *, where: str) -> str:
    """The panel on the projector (``where`` "screen") or the overlay ("overlay")."""
    return render(lang, "fragments/countdown.html", where=where, **_context(countdown))


def screen_countdown_region(lang: Lang, state: RoomState) -> Region:
    html = countdown_html(lang, state.room.countdown, where="screen")
    return Region("countdown", html, html)


def overlay_countdown_region(lang: Lang, state: RoomState) -> Region:
    html = countdown_html(lang, state.room.countdown, where="overlay")
    return Region("countdown", html, html)


def moderator_countdown_html(lang: Lang, state: RoomState) -> str:
    return render(
        lang,
        "fragments/mod_countdown.html",
        event=state.event,
        room=state.room,
        **_context(state.room.countdown),
    )


def moderator_countdown_region(lang: Lang, state: RoomState) -> Region:
    html = moderator_countdown_html(lang, state)
    return Region("mod-countdown", html, html)


def json_countdown_region(state: RoomState) -> Region:
    """{"type": "countdown", "version", "countdown": {...} | null}: sent when it changes."""
    body = api.dumps({"countdown": countdown_dict(state.room.countdown)})
    return Region("countdown", f'{{"type":"countdown","version":{state.version},{body[1:]}', body)
