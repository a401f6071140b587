"""The program on the participant's phone: what runs now (and next) in each room, one tap to
switch rooms.

Rendered with the page, then refreshed by htmx every 60 seconds (GET /e/{code}/program). Not
pushed over the room's socket: the program changes by the clock (an item starts, an item ends)
and rarely by an edit, while the room's version moves with every vote and question; tying the
list to it would make 400 phones re-fetch it on every vote. A timer costs each phone one small
request a minute (about 7 requests a second for 400 phones, two store reads each) and spreads
itself out, because every phone loaded the page at a different moment.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain.models import Event, Room
from live.views.program import TimeFormat
from live.views.templating import render
from live.web.identity import request_lang
from live.web.runtime import runtime


async def program_context(
    request: Request, event: Event, rooms: list[Room], room: Room | None
) -> dict[str, Any]:
    """What templates/fragments/room_now.html and room_program.html need."""
    rt = runtime(request)
    entries = await rt.program.rooms_now(event, rooms)
    return {
        "rooms_now": entries,
        "room_now": next((e for e in entries if room is not None and e.room.id == room.id), None),
        "times": TimeFormat(rt.settings.zone, request_lang(request)),
        "now": rt.program.now(),
    }


async def room_program(request: Request) -> Response:
    """The room list (and, with ?room=, that room's "now" line, out of band) for the refresh."""
    rt = runtime(request)
    event = await rt.service.event(request.path_params["code"])
    rooms = await rt.service.rooms(event)
    room_id = request.query_params.get("room")
    room = await rt.service.room(event, room_id) if room_id else None
    context = await program_context(request, event, rooms, room)
    lang = request_lang(request)
    html = render(lang, "fragments/room_program.html", event=event, room=room, **context)
    if room is not None:
        html += render(lang, "fragments/room_now.html", event=event, room=room, oob=True, **context)
    response = HTMLResponse(html)
    response.headers["cache-control"] = "no-store"
    return response
