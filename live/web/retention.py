"""Deleting an event with all its data (organiser only), on a page of its own.

Deleting is irreversible, so the form asks for the event's code to be typed: a stray click or a
browser's form restore cannot do it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from live.domain.codes import normalize_code
from live.domain.text import _n
from live.errors import Forbidden, Unauthorized
from live.i18n import translate
from live.web.access import resolve
from live.web.forms import FieldErrors, field, read_form
from live.web.identity import moderator_cookie, request_lang
from live.web.moderator import login_page
from live.web.responses import page, redirect
from live.web.runtime import services


async def delete_event(request: Request) -> Response:
    retention = services(request).retention
    event = await services(request).events.event(request.path_params["code"])
    try:
        (await resolve(request, event)).require_organiser()
    except (Unauthorized, Forbidden) as exc:
        return login_page(request, event, exc)
    errors = FieldErrors()
    if request.method == "POST":
        form = await read_form(request)
        if normalize_code(field(form, "confirm_code")) == event.code:
            await retention.delete_event(event)
            response = redirect(f"/?deleted=1&lang={request_lang(request)}")
            response.delete_cookie(moderator_cookie(event.code), path="/")
            return response
        errors["confirm_code"] = translate(
            request_lang(request),
            _n("Bitte geben Sie zur Bestätigung den Code dieser Veranstaltung ein."),
        )
    return page(
        request,
        "event_delete.html",
        422 if errors else 200,
        event=event,
        errors=errors,
        deletion_day=retention.deletion_day(event),
    )
