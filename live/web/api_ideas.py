"""The idea board in the JSON interface (issue 24 item 3, additive to version 1): a room's
ideas, and a moderator's PATCH of one (state, marked). Switching the board is the room's
PATCH (``{"ideas_open": bool}``, api.py); participants post and upvote over the socket."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from live.domain import ideas as rules
from live.domain.errors import DomainError
from live.domain.text import _n
from live.views.ideas import idea_dict
from live.web.access import moderated_event, resolve
from live.web.forms import parse_json, read_body
from live.web.responses import json_response
from live.web.runtime import services


async def list_ideas(request: Request) -> Response:
    """``[idea, ...]`` marked first, then by upvotes (most first, ties oldest first): the
    approved ideas while the board is on; with a moderator's token every idea, always."""
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    room = await svc.events.room(event, request.path_params["room_id"])
    moderator = (await resolve(request, event)).moderates(room.id)
    found = await svc.ideas.in_room(room)
    if not moderator:
        found = [i for i in found if i.state == "approved"] if room.ideas_open else []
    return json_response([idea_dict(i) for i in rules.ordered(found)])


async def patch_idea(request: Request) -> Response:
    """``{"state": "approved" | "hidden", "marked": bool}`` (either or both), checked before
    anything is written."""
    event, access = await moderated_event(request)
    svc = services(request)
    target = await svc.ideas.idea(event, request.path_params["idea_id"])
    access.require_room(await svc.events.room(event, target.room_id))
    body = parse_json(await read_body(request))
    if not body or not set(body) <= {"state", "marked"}:
        raise DomainError("invalid_body", _n("Erlaubt sind die Felder state und marked."))
    # null is no state and no mark: refused like any other wrong value.
    if "state" in body:
        rules.target_state(body["state"])
    if "marked" in body:
        rules.check_marked(body["marked"])
    idea = await svc.ideas.moderate(
        event, target.id, state=body.get("state"), marked=body.get("marked")
    )
    return json_response(idea_dict(idea))
