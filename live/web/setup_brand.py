"""The brand on the setup page: POST /e/{code}/setup/brand (the colour and, if chosen, a logo
file, in one form) and POST /e/{code}/setup/logo/delete ("Logo entfernen"). The rules are in
live/domain/brand.py; the API (live/web/api_brand.py) offers the same for scripts.

As everywhere on the setup page: success redirects back with a notice; an error renders the
page again with the message next to its field and changes nothing (colour and logo are both
checked before either is stored).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from live.domain.brand import MAX_LOGO_BYTES, logo_too_large
from live.domain.errors import DomainError
from live.service.brand import KEEP
from live.web.access import organiser_event
from live.web.errors import error_text, status_for
from live.web.forms import FieldErrors, field, read_form, read_upload
from live.web.runtime import services
from live.web.setup import back_to_setup, field_errors, setup_page

# The whole form: the file, the colour field and the multipart framing around them. A bigger
# file is refused with the logo's own message, a bigger request as a whole too.
MAX_BRAND_FORM_BYTES = MAX_LOGO_BYTES + 16 * 1024


async def save_brand(request: Request) -> Response:
    event = await organiser_event(request)  # before reading up to the limit
    try:
        form, upload = await read_upload(request, MAX_BRAND_FORM_BYTES, name="logo")
    except DomainError as exc:
        if exc.code != "too_large":
            raise
        error = logo_too_large()
        errors = {"brand": FieldErrors({"logo": error_text(request, error)})}
        return await setup_page(request, event, status_for(error), errors=errors)
    # A post without the field (not from our form) leaves the colour as it is.
    raw = form.get("brand_color")
    color = raw if isinstance(raw, str) else KEEP
    try:
        await services(request).brand.update(event, color=color, logo=upload)
    except DomainError as exc:
        errors = {"brand": field_errors(request, exc, "brand_color")}
        values = {"brand": {"brand_color": field(form, "brand_color")}}
        return await setup_page(request, event, status_for(exc), errors=errors, values=values)
    return back_to_setup(event, "brand", "brand")


async def remove_logo(request: Request) -> Response:
    await read_form(request)
    event = await organiser_event(request)
    await services(request).brand.remove_logo(event)
    return back_to_setup(event, "logo_removed", "brand")
