"""The start page: join an event by its code, or create one (the organiser then lands on the
event's start page, /e/{code}/start, with the organiser's cookie)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from live.domain.errors import DomainError
from live.domain.text import _n
from live.errors import NotFound, TooMany
from live.i18n import translate
from live.web.errors import error_text, retry_after, status_for
from live.web.forms import FieldErrors, field, read_form
from live.web.identity import client_address, moderator_cookie, request_lang, set_cookie
from live.web.responses import page, redirect
from live.web.runtime import runtime, services


async def index(request: Request) -> Response:
    # After deleting an event the organiser lands here and is told it is done.
    deleted = request.query_params.get("deleted") == "1"
    return page(request, "index.html", **_context(request, deleted=deleted))


def _default_room(request: Request) -> str:
    return translate(request_lang(request), _n("Plenum"))


def _context(request: Request, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "needs_admin": services(request).admin.required,
        "errors": FieldErrors(),
        "values": {"title": "", "rooms": _default_room(request), "code": ""},
        "deleted": False,
    }
    context.update(extra)
    return context


async def create_event(request: Request) -> Response:
    form = await read_form(request)
    rt = runtime(request)
    values = {"title": field(form, "title"), "rooms": field(form, "rooms"), "code": ""}
    refused = _admin_refused(request, field(form, "admin_token"), values)
    if refused is not None:
        return refused
    rooms = [line for line in values["rooms"].splitlines() if line.strip()]
    try:
        created = await rt.services.events.create_event(values["title"], rooms or None)
    except DomainError as exc:
        # The form stays filled in, the message next to its field (an outage: next to the
        # rooms, the last field, with 503).
        field_name = "title" if exc.code.endswith("title") else "rooms"
        errors = FieldErrors({field_name: error_text(request, exc)})
        context = _context(request, errors=errors, values=values)
        return page(request, "index.html", status_for(exc), **context)
    # A page of its own with the moderator link in full (live/web/links.py): its address works
    # again in this browser, through the cookie set here.
    response = redirect(f"/e/{created.event.code}/start")
    set_cookie(
        response,
        moderator_cookie(created.event.code),
        created.moderator_token,
        rt.settings,
        same_site="strict",
    )
    return response


def _admin_refused(request: Request, offered: str, values: dict[str, str]) -> Response | None:
    """The form again when LIVE_ADMIN_TOKEN is set and not offered: the field's own message
    (403), or, after too many wrong ones from this address, that (429 with Retry-After)."""
    try:
        services(request).admin.check(offered, client_address(request))
    except DomainError as exc:
        too_many = isinstance(exc, TooMany)
        message = (
            error_text(request, exc)
            if too_many
            else translate(request_lang(request), _n("Der Zugangsschlüssel stimmt nicht."))
        )
        context = _context(request, errors=FieldErrors({"admin_token": message}), values=values)
        response = page(request, "index.html", 429 if too_many else 403, **context)
        retry_after(response, exc)
        return response
    return None


async def join(request: Request) -> Response:
    """The start page's code field (a GET form): on to the event, or the start page again with
    the error next to the field."""
    raw = request.query_params.get("code", "")
    try:
        event = await services(request).events.event(raw)
    except NotFound:
        message = translate(
            request_lang(request),
            _n("Zu diesem Code gibt es keine Veranstaltung. Bitte prüfen Sie die Eingabe."),
        )
        values = {"title": "", "rooms": _default_room(request), "code": raw[:20]}
        errors = FieldErrors({"code": message})
        return page(request, "index.html", 404, **_context(request, errors=errors, values=values))
    return redirect(f"/e/{event.code}")
