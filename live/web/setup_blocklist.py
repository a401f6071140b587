"""The blocklist on the setup page: POST /e/{code}/setup/blocklist (the shipped list on or off)
and POST /e/{code}/setup/blocklist/entries (``entry`` and ``blocked`` "1" to put a word on the
list, "0" to take it off). The rules are in live/domain/blocklist.py; the API
(live/web/api_blocklist.py) offers the same for scripts.

As everywhere on the setup page: success redirects back with a notice; an error renders the
page again with the message next to the field and changes nothing.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from live.domain.errors import DomainError
from live.web.access import organiser_event
from live.web.errors import status_for
from live.web.forms import field, read_form
from live.web.runtime import services
from live.web.setup import back_to_setup, field_errors, setup_page


async def save_default(request: Request) -> Response:
    form = await read_form(request)
    event = await organiser_event(request)
    on = field(form, "default") == "1"
    await services(request).blocklist.set_default(event, on)
    return back_to_setup(event, "blocklist_on" if on else "blocklist_off", "blocklist")


async def save_entry(request: Request) -> Response:
    form = await read_form(request)
    event = await organiser_event(request)
    entry = field(form, "entry")
    blocked = field(form, "blocked") != "0"
    try:
        await services(request).blocklist.set_entry(event, entry, blocked)
    except DomainError as exc:
        errors = {"blocklist": field_errors(request, exc, "entry")}
        values = {"blocklist": {"entry": entry if blocked else ""}}
        return await setup_page(request, event, status_for(exc), errors=errors, values=values)
    done = "blocklist_added" if blocked else "blocklist_taken_off"
    return back_to_setup(event, done, "blocklist")
