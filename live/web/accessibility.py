"""The pages about access: the accessibility statement (/barrierefreiheit, BITV 2.0 § 7) with
its feedback form, and the information in Leichte Sprache (/leichte-sprache, BITV 2.0 § 4).

The statement is rendered from the project's own test record (live/domain/a11y_audit.py). Its
feedback goes to the operator's contact (LIVE_ACCESSIBILITY_CONTACT) when one is set; without
one, the page has a form whose reports go to the operator's log (live/service/feedback.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from live.domain.a11y_audit import STANDARDS, statement
from live.domain.errors import DomainError
from live.domain.feedback import MAX_CONTACT_CHARS, MAX_REPORT_CHARS
from live.domain.text import _n
from live.errors import TooMany
from live.i18n import translate
from live.web.errors import error_text, page_error, retry_after, status_for
from live.web.forms import FieldErrors, field, read_form
from live.web.identity import client_address, request_lang
from live.web.responses import page, redirect
from live.web.runtime import runtime, services
from live.web.security import base_url


async def accessibility_statement(request: Request) -> Response:
    sent = request.query_params.get("sent") == "1"
    return page(request, "accessibility.html", **_statement_context(request, sent=sent))


async def barrier_report(request: Request) -> Response:
    """The statement's form: the report into the log, then the statement again with a
    confirmation (a redirect: reloading it sends nothing twice); on bad input the form again,
    filled in, with the message next to its field."""
    if runtime(request).settings.accessibility_contact:
        # The operator takes reports at their own address; the page shows it, not the form.
        message = translate(request_lang(request), _n("Diese Seite gibt es nicht."))
        return page_error(request, 404, message)
    form = await read_form(request)
    values = {"text": field(form, "text"), "contact": field(form, "contact")}
    try:
        services(request).feedback.report(
            values["text"], values["contact"], client_address(request)
        )
    except DomainError as exc:
        name = "contact" if exc.code.startswith("contact") else "text"
        errors = FieldErrors({name: error_text(request, exc)})
        # The typed text comes back to be shortened or sent later (the form post's size cap,
        # 64 KiB, bounds it).
        context = _statement_context(request, errors=errors, values=values)
        response = page(request, "accessibility.html", status_for(exc), **context)
        if isinstance(exc, TooMany):
            retry_after(response, exc)
        return response
    lang = request_lang(request)
    query = "sent=1" if lang == "de" else f"sent=1&lang={lang}"
    return redirect(f"/barrierefreiheit?{query}#feedback")


def _statement_context(request: Request, **extra: Any) -> dict[str, Any]:
    settings = runtime(request).settings
    contact = settings.accessibility_contact
    context: dict[str, Any] = {
        "statement": statement(has_dgs_video=bool(settings.dgs_video_url)),
        "standards": STANDARDS,
        "site": urlsplit(base_url(request, settings)).netloc,
        "contact": contact,
        "contact_href": contact if "://" in contact else f"mailto:{contact}",
        "errors": FieldErrors(),
        "values": {"text": "", "contact": ""},
        "sent": False,
        "max_text": MAX_REPORT_CHARS,
        "max_contact": MAX_CONTACT_CHARS,
    }
    context.update(extra)
    return context


async def easy_read(request: Request) -> Response:
    return page(request, "easy_read.html", dgs_video_url=runtime(request).settings.dgs_video_url)
