"""„Ergebnisse aus den Foren“ (issue 24): the organiser's card on the console and the JSON
interface. Both go through live/service/forums.py; bad input is a DomainError (a German
message on the page, the JSON error shape in the API) and changes nothing."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain.errors import DomainError
from live.domain.models import Room
from live.domain.text import _n
from live.errors import Forbidden
from live.i18n import translate
from live.views.forums import card_html, column_dict, setting_dict
from live.web.access import moderated_event, organiser_event
from live.web.errors import error_text, status_for
from live.web.forms import field, parse_json, read_body, read_form
from live.web.identity import request_lang
from live.web.responses import announce, is_htmx, json_response, redirect
from live.web.runtime import services

SAVED = _n("Die Ergebnisse aus den Foren sind eingestellt.")
SHOWN_ORGANISER = _n(
    "Ob ein Raum bei den Ergebnissen aus den Foren dabei ist, legt die Veranstaltung fest."
)


def _form_shown(raw: str) -> object:
    """The card's select: "" the default, "1" yes, "0" no (anything else: refused)."""
    return {"": None, "1": True, "0": False}.get(raw, raw)


async def console(request: Request) -> Response:
    """POST /e/{code}/moderate/forum-results (the organiser): ``shown-<room>`` and
    ``source-<room>`` for every room of the event; a room left out keeps its settings."""
    form = await read_form(request)
    event = await organiser_event(request)
    svc = services(request)
    rooms = await svc.events.rooms(event)
    lang = request_lang(request)
    changes: list[tuple[Room, Mapping[str, object]]] = []
    for room in rooms:
        change: dict[str, object] = {}
        if f"shown-{room.id}" in form:
            change["shown"] = _form_shown(field(form, f"shown-{room.id}"))
        if f"source-{room.id}" in form:
            change["poll_id"] = field(form, f"source-{room.id}")
        changes.append((room, change))
    status = 200
    try:
        rooms = await svc.forums.configure_rooms(event, changes)
        message = translate(lang, SAVED)
    except DomainError as exc:
        if not is_htmx(request):
            raise
        message, status = error_text(request, exc), status_for(exc)
    if not is_htmx(request):
        return redirect(f"/e/{event.code}/moderate?room={rooms[0].id}#forum-card")
    choices = await svc.forums.ranking_polls(rooms)
    html = card_html(lang, event, rooms, choices, open_=True)
    return HTMLResponse(html + announce(request, message, error=status >= 400), status_code=status)


# --- the JSON interface ----------------------------------------------------------------------


async def api_columns(request: Request) -> Response:
    """GET …/forum-results: every taking-part room's column (all its marked ideas) and every
    room's settings. Public, like the projector that shows them."""
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    rooms = await svc.events.rooms(event)
    columns = await svc.forums.columns(event, idea_limit=None)
    return json_response(
        {
            "forums": [column_dict(c) for c in columns],
            "rooms": [setting_dict(r, rooms) for r in rooms],
        }
    )


async def api_configure(request: Request) -> Response:
    """PUT …/rooms/{room_id}/forum-results ``{"shown": bool | null, "poll_id": str | null}``
    (either or both): the organiser, or the room's moderator for ``poll_id`` only."""
    event, access = await moderated_event(request)
    svc = services(request)
    room = await svc.events.room(event, request.path_params["room_id"])
    access.require_room(room)
    body = parse_json(await read_body(request))
    if not body or not set(body) <= {"shown", "poll_id"}:
        raise DomainError("invalid_body", _n("Erlaubt sind die Felder shown und poll_id."))
    if "shown" in body and not access.organiser:
        raise Forbidden("forbidden", SHOWN_ORGANISER)
    room = await svc.forums.configure(event, room, body)
    rooms = [room if r.id == room.id else r for r in await svc.events.rooms(event)]
    return json_response(setting_dict(room, rooms))
