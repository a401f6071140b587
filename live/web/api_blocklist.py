"""The event's blocklist through the API (organiser; live/domain/blocklist.py has the rules, the
setup page offers the same, live/web/setup_blocklist.py): GET /api/v1/events/{code}/blocklist,
PATCH it with ``{"default": bool}`` (the shipped list on or off), POST …/blocklist/entries with
``{"entry": str, "blocked": bool}`` (``blocked`` false takes it off). Documented in docs/api.md.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from live.domain.errors import DomainError
from live.domain.text import _n
from live.views import api as shapes
from live.web.access import organiser_event
from live.web.forms import parse_json, read_body
from live.web.responses import json_response
from live.web.runtime import services


async def get_blocklist(request: Request) -> Response:
    event = await organiser_event(request)
    return json_response(shapes.blocklist_dict(event))


async def patch_blocklist(request: Request) -> Response:
    event = await organiser_event(request)
    body = parse_json(await read_body(request))
    if set(body) != {"default"}:
        raise DomainError("invalid_body", _n("Erwartet wird das Feld default (true oder false)."))
    event = await services(request).blocklist.set_default(event, body["default"])
    return json_response(shapes.blocklist_dict(event))


async def post_entry(request: Request) -> Response:
    event = await organiser_event(request)
    body = parse_json(await read_body(request))
    if "entry" not in body or not set(body) <= {"entry", "blocked"}:
        msg = _n("Erwartet werden die Felder entry (ein Wort) und blocked (true oder false).")
        raise DomainError("invalid_body", msg)
    blocked = body.get("blocked", True)
    event = await services(request).blocklist.set_entry(event, body["entry"], blocked)
    return json_response(shapes.blocklist_dict(event))
