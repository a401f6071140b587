"""The event's brand through the API (organiser): PATCH /api/v1/events/{code} with
``{"brand_color": "#rrggbb" | null}``, PUT /api/v1/events/{code}/logo with the file as the raw
body (Content-Type image/png or image/svg+xml), DELETE /api/v1/events/{code}/logo. Same rules
as the setup page (live/domain/brand.py); documented in docs/api.md.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from live.domain.brand import MAX_LOGO_BYTES, check_color, logo_too_large
from live.domain.errors import DomainError
from live.domain.labels import clean_labels
from live.domain.text import _n
from live.service.events import check_join_code_required
from live.views import api as shapes
from live.web.access import organiser_event
from live.web.forms import parse_json, read_body
from live.web.responses import json_response
from live.web.runtime import services

# The event fields PATCH may change (more may follow). Anything else, or nothing, is refused
# as in PATCH …/questions/{id}: a typo never passes for a change.
PATCHABLE = frozenset({"brand_color", "join_code_required", "question_labels"})


async def patch_event(request: Request) -> Response:
    """``brand_color``, ``join_code_required`` (joining needs the projector's rotating code)
    and ``question_labels`` (issue 24): all are checked before any is stored."""
    event = await organiser_event(request)
    body = parse_json(await read_body(request))
    if not body or not set(body) <= PATCHABLE:
        msg = _n("Erlaubt sind die Felder brand_color, join_code_required und question_labels.")
        raise DomainError("invalid_body", msg)
    svc = services(request)
    if "join_code_required" in body:
        check_join_code_required(body["join_code_required"])  # before the colour is stored
    if "question_labels" in body:
        clean_labels(body["question_labels"])  # checked before anything is stored
        if "brand_color" in body:
            check_color(body["brand_color"])
    if "brand_color" in body:
        event = await svc.brand.set_color(event, body["brand_color"])
    if "join_code_required" in body:
        event = await svc.events.require_join_code(event, body["join_code_required"])
    if "question_labels" in body:
        event = await svc.questions.set_labels(event, body["question_labels"])
    return json_response(shapes.event_dict(event, await svc.events.rooms(event)))


async def put_logo(request: Request) -> Response:
    event = await organiser_event(request)  # before reading up to the limit
    try:
        data = await read_body(request, MAX_LOGO_BYTES)
    except DomainError as exc:
        raise (logo_too_large() if exc.code == "too_large" else exc) from None
    event = await services(request).brand.set_logo(event, data, _declared(request))
    return json_response(shapes.brand_dict(event))


def _declared(request: Request) -> str | None:
    """The image type the client says it sends; None when it says none (curl's default form
    type, octet-stream, XML): then the content alone decides."""
    value = request.headers.get("content-type", "")
    return value if value.split(";")[0].strip().lower().startswith("image/") else None


async def delete_logo(request: Request) -> Response:
    event = await organiser_event(request)
    await services(request).brand.remove_logo(event)
    return Response(status_code=204)
