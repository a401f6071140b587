"""The setup file through the API, for scripts: GET/PUT /api/v1/events/{code}/setup (docs/api.md).

Same document and same rules as the setup page's download and import
(live/domain/setup_file.py): PUT adds to the event, it never deletes, and a file with any error
changes nothing and is answered 422 with every problem listed in ``error.details``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from live.domain.setup_file import SetupInvalid
from live.i18n import translate
from live.web.access import organiser_event
from live.web.errors import error_text
from live.web.forms import read_body
from live.web.identity import request_lang
from live.web.responses import json_response
from live.web.runtime import runtime
from live.web.setup_file import MAX_IMPORT_BYTES, parse_setup


async def get_setup(request: Request) -> Response:
    event = await organiser_event(request)
    rt = runtime(request)
    return json_response(await rt.services.program.export(event, rt.settings.timezone))


async def put_setup(request: Request) -> Response:
    event = await organiser_event(request)
    rt = runtime(request)
    doc = parse_setup(await read_body(request, MAX_IMPORT_BYTES))
    try:
        plan = await rt.services.program.import_setup(event, doc)
    except SetupInvalid as exc:
        lang = request_lang(request)
        details = [
            {
                "where": translate(lang, p.where, dict(p.where_params)),
                "code": p.error.code,
                "message": translate(lang, p.error.message, dict(p.error.params)),
            }
            for p in exc.problems
        ]
        error = {"code": exc.code, "message": error_text(request, exc), "details": details}
        return JSONResponse({"error": error}, status_code=422)
    event = await rt.services.events.event(event.code)
    return json_response(
        {
            "added": {
                "rooms": len(plan.rooms),
                "agenda_items": len(plan.items),
                "polls": len(plan.polls),
            },
            "kept": {"agenda_items": plan.kept_items, "polls": plan.kept_polls},
            "setup": await rt.services.program.export(event, rt.settings.timezone),
        }
    )
