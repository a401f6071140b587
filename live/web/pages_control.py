"""The organiser's control room, the secret room links, and the projector control.

- ``/e/{code}/control``: every room at a glance (organiser only); the page re-reads its
  fragment every 2 s (see live/service_control.py for why polling, not a socket).
- Room links: the organiser creates or renews a secret moderator link per room (shown once).
- Projector: a room's moderators choose what its screen shows; the neutral slide's program line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain.errors import DomainError
from live.domain.models import AgendaItem, Event, Room
from live.domain.text import _n
from live.i18n import translate
from live.service_control import event_overview
from live.service_screen import room_program, set_screen_mode
from live.views.regions import moderator_screen_region
from live.views.screen import MODE_LABELS, MODE_MESSAGES
from live.views.templating import render
from live.web.errors import status_for
from live.web.identity import request_lang
from live.web.pages import (
    _moderator_event,
    _state,
    _text,
    announce,
    error_text,
    is_htmx,
    page,
    read_form,
    redirect,
)
from live.web.runtime import runtime
from live.web.security import base_url

# How often the control room re-reads the rooms (ms); the template names it for htmx.
CONTROL_REFRESH_SECONDS = 2

# --- room links --------------------------------------------------------------------------------


def room_links_html(
    request: Request, event: Event, rooms: list[Room], fresh: tuple[str, str] | None = None
) -> str:
    """The organiser's list of room links. ``fresh``: (room id, link) just created, shown once."""
    return render(
        request_lang(request),
        "fragments/room_links.html",
        event=event,
        rooms=rooms,
        fresh=fresh,
    )


def room_link_url(request: Request, event: Event, room: Room, token: str) -> str:
    base = base_url(request, runtime(request).settings)
    return f"{base}/e/{event.code}/moderate?room={room.id}&token={token}"


async def mod_room_link(request: Request) -> Response:
    """Create (or renew: the old link stops working) a room's secret link; ``revoke`` removes
    it. Organiser only."""
    form = await read_form(request)
    event = await _moderator_event(request)
    service = runtime(request).service
    room = await service.room(event, request.path_params["room_id"])
    lang = request_lang(request)
    fresh: tuple[str, str] | None = None
    if _text(form, "revoke"):
        await service.revoke_room_link(event, room)
        message = translate(
            lang, _n("Der Moderationslink für %(room)s gilt nicht mehr."), {"room": room.name}
        )
    else:
        token = await service.create_room_link(event, room)
        fresh = (room.id, room_link_url(request, event, room, token))
        message = translate(
            lang,
            _n("Neuer Moderationslink für %(room)s. Ein älterer Link gilt nicht mehr."),
            {"room": room.name},
        )
    rooms = await service.rooms(event)
    html = room_links_html(request, event, rooms, fresh)
    if is_htmx(request):
        return HTMLResponse(html + announce(request, message))
    if fresh is None:
        return redirect(f"/e/{event.code}/moderate?room={room.id}")
    # Without JavaScript: a page of its own, since the link is shown only this once.
    return page(request, "room_link.html", event=event, room=room, links_html=html)


# --- projector control -------------------------------------------------------------------------


async def screen_mode_answer(
    request: Request, event: Event, room: Room, mode: str, poll_id: str | None
) -> Response:
    """Switch the projector (the caller checked the moderator); answer with the updated
    projector control, or a redirect back without JavaScript."""
    service = runtime(request).service
    lang = request_lang(request)
    status = 200
    try:
        chosen = await set_screen_mode(service, event, room, mode, poll_id)
        message = translate(lang, MODE_MESSAGES[chosen])
    except DomainError as exc:
        if not is_htmx(request):
            raise
        message, status = error_text(request, exc), status_for(exc)
    if not is_htmx(request):
        return redirect(f"/e/{event.code}/moderate?room={room.id}")
    state = await _state(request, await service.room(event, room.id))
    html = moderator_screen_region(lang, state).frame
    return HTMLResponse(html + announce(request, message, error=status >= 400), status_code=status)


def _local(moment: datetime, request: Request) -> datetime:
    return moment.astimezone(runtime(request).settings.zone)


def _span(item: AgendaItem, request: Request) -> str:
    return f"{_local(item.starts_at, request):%H:%M}–{_local(item.ends_at, request):%H:%M}"


def _when(item: AgendaItem, now: datetime, request: Request) -> str:
    """The start time; with the date when it is not today (the next slot may be tomorrow)."""
    start = _local(item.starts_at, request)
    if start.date() == _local(now, request).date():
        return f"{start:%H:%M}"
    return f"{start:%d.%m.} {start:%H:%M}"


async def screen_now(request: Request) -> Response:
    """The neutral slide's program line: what runs in the room now and what comes next, by the
    service's clock. Public like the screen itself."""
    service = runtime(request).service
    event = await service.event(request.path_params["code"])
    rooms = await service.rooms(event)
    room = await service.room(event, request.query_params.get("room") or rooms[0].id)
    program = await room_program(service, event, room)
    now = service.clock()
    html = render(
        request_lang(request),
        "fragments/slide_now.html",
        program=program,
        now_span=_span(program.now, request) if program.now else "",
        next_when=_when(program.next, now, request) if program.next else "",
    )
    return HTMLResponse(html)


# --- control room ------------------------------------------------------------------------------


async def _control_context(request: Request, event: Event) -> dict[str, Any]:
    rt = runtime(request)
    overview = await event_overview(rt.service, rt.applause, event)
    return {
        "event": event,
        "overview": overview,
        "total_present": sum(o.present for o in overview),
        "total_pending": sum(o.pending for o in overview),
        "mode_labels": MODE_LABELS,
        "refresh_seconds": CONTROL_REFRESH_SECONDS,
    }


async def control(request: Request) -> Response:
    event = await _moderator_event(request)
    return page(request, "control.html", **await _control_context(request, event))


async def control_rooms(request: Request) -> Response:
    """The overview fragment the control room page re-reads every CONTROL_REFRESH_SECONDS."""
    event = await _moderator_event(request)
    html = render(
        request_lang(request),
        "fragments/control_rooms.html",
        **await _control_context(request, event),
    )
    return HTMLResponse(html)
