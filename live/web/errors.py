"""Error responses: the JSON shape for the API, a German (or English) page for browsers.

No stack traces reach a client, and nothing a client can send produces a 500.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from live.domain.errors import DomainError
from live.domain.text import _n
from live.errors import Forbidden, NotFound, TooMany, Unauthorized, Unavailable
from live.i18n import translate
from live.views.templating import render
from live.web.embed import is_embed, panel_page
from live.web.footer import footer_of
from live.web.identity import request_lang

log = logging.getLogger("live.web")

# Domain codes that are conflicts with the current state rather than malformed input.
CONFLICT_CODES = frozenset(
    {
        "poll_not_open",
        "poll_closed",
        "no_next_poll",
        "no_countdown",
        "poll_in_survey",
        "survey_not_open",
    }
    # the idea board (issue 24): closed, or the room's marks used up, or not yet approved
    | {"ideas_closed", "too_many_marked", "idea_not_approved"}
)

HTTP_MESSAGES = {
    400: ("bad_request", _n("Die Anfrage ist fehlerhaft.")),
    404: ("not_found", _n("Diese Seite gibt es nicht.")),
    405: ("method_not_allowed", _n("Diese Methode ist hier nicht erlaubt.")),
    413: ("too_large", _n("Die Anfrage ist zu groß.")),
    500: ("internal_error", _n("Ein interner Fehler ist aufgetreten.")),
}


def status_for(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Unauthorized):
        return 401
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, Unavailable):
        return 503
    if error.code in CONFLICT_CODES:
        return 409
    if isinstance(error, TooMany) or error.code == "too_fast":
        return 429
    # The JSON body and the query parameters: the request itself is malformed.
    if error.code in {
        "invalid_json",
        "invalid_body",
        "invalid_limit",
        "invalid_cursor",
        "invalid_label",
    }:
        return 400
    if error.code in {"too_large", "logo_too_large"}:
        return 413
    return 422


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_text(conn: HTTPConnection, error: DomainError) -> str:
    """The error's message in the reader's language."""
    return translate(request_lang(conn), error.message, dict(error.params))


def json_error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def page_error(request: Request, status: int, message: str) -> HTMLResponse:
    lang = request_lang(request)
    html = render(
        lang,
        "error.html",
        status=status,
        message=message,
        lang_urls=[(code, f"{request.url.path}?lang={code}") for code in ("de", "en")],
        footer=footer_of(request),
        # In the side panel (a plain post's error without JavaScript): the panel's look and
        # a way back into it, not to the start page.
        embed=is_embed(request),
        back=panel_page(request),
    )
    return HTMLResponse(html, status_code=status)


def respond(request: Request, status: int, code: str, message: str) -> Response:
    if is_api(request):
        return json_error(status, code, message)
    return page_error(request, status, message)


async def domain_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    status = status_for(exc)
    response = respond(request, status, exc.code, error_text(request, exc))
    if status == 401 and is_api(request):
        response.headers["www-authenticate"] = "Bearer"
    retry_after(response, exc)
    return response


def retry_after(response: Response, error: DomainError) -> None:
    """A refusal for too many attempts says when the next one is accepted."""
    if isinstance(error, TooMany):
        response.headers["retry-after"] = str(error.retry_after)


async def http_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, msgid = HTTP_MESSAGES.get(
        exc.status_code, ("http_error", _n("Die Anfrage ist fehlerhaft."))
    )
    response = respond(request, exc.status_code, code, translate(request_lang(request), msgid))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def client_gone_handler(request: Request, exc: Exception) -> Response:
    """The client went away while sending its request (a phone losing Wi-Fi mid-post): normal,
    not an error. Nothing was read to the end, so nothing was changed; the answer goes nowhere
    (uvicorn drops what is sent to a closed connection)."""
    assert isinstance(exc, ClientDisconnect)
    log.debug("client went away during %s %s", request.method, request.url.path)
    return Response(status_code=400)


async def server_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    code, msgid = HTTP_MESSAGES[500]
    return respond(request, 500, code, translate(request_lang(request), msgid))
