"""The organiser's control room, /e/{code}/control: every room at a glance (present, open
polls, questions waiting, applause, what each projector shows).

The page re-reads its fragment every CONTROL_REFRESH_SECONDS (htmx polling) instead of holding a
socket per room: every number lives in shared places — the store and the board — so any worker
process answers correctly, and presence, which changes without any notice on the hub, is
current too.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain.models import Event
from live.views.screen import MODE_LABELS
from live.web.access import organiser_event
from live.web.responses import fragment, page
from live.web.runtime import services

CONTROL_REFRESH_SECONDS = 2  # the template names it for htmx


async def _context(request: Request, event: Event) -> dict[str, Any]:
    overview = await services(request).control.overview(event)
    return {
        "event": event,
        "overview": overview,
        "total_present": sum(o.present for o in overview),
        "total_pending": sum(o.pending for o in overview),
        "mode_labels": MODE_LABELS,
        "refresh_seconds": CONTROL_REFRESH_SECONDS,
    }


async def control(request: Request) -> Response:
    event = await organiser_event(request)
    return page(request, "control.html", **await _context(request, event))


async def control_rooms(request: Request) -> Response:
    """The overview fragment the control room page re-reads."""
    event = await organiser_event(request)
    html = fragment(request, "fragments/control_rooms.html", **await _context(request, event))
    return HTMLResponse(html)
