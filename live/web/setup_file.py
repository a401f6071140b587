"""The setup file on the setup page: download (GET /e/{code}/setup.json) and import (POST
/e/{code}/setup/import, a file upload or pasted text). The rules are in
live/domain/setup_file.py; the API (live/web/api_setup.py) offers the same two for scripts.
"""

from __future__ import annotations

import orjson
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from live.domain.errors import DomainError
from live.domain.setup_file import SetupInvalid, SetupPlan, SetupProblem
from live.domain.text import _n
from live.i18n import translate
from live.views.api import dumps
from live.web.access import organiser_event
from live.web.errors import error_text, status_for
from live.web.forms import field, read_upload
from live.web.identity import request_lang
from live.web.runtime import runtime
from live.web.setup import back_to_setup, setup_page

MAX_IMPORT_BYTES = 1024 * 1024  # a big conference's setup is well under 100 KiB


async def export_json(request: Request) -> Response:
    event = await organiser_event(request)
    rt = runtime(request)
    doc = await rt.services.program.export(event, rt.settings.timezone)
    return Response(
        dumps(doc) + "\n",
        media_type="application/json",
        headers={
            "content-disposition": f'attachment; filename="live-setup-{event.code}.json"',
            "cache-control": "no-store",
        },
    )


def problem_lines(conn: HTTPConnection, problems: list[SetupProblem]) -> list[str]:
    """Each problem as one German (or English) line: where, then what."""
    lang = request_lang(conn)
    return [
        translate(lang, p.where, dict(p.where_params))
        + ": "
        + translate(lang, p.error.message, dict(p.error.params))
        for p in problems
    ]


def parse_setup(raw: bytes) -> object:
    """The bytes of a setup file as JSON (UTF-8, a BOM from Windows editors is fine)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("invalid_json", _n("Die Datei ist nicht UTF-8-kodiert.")) from None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        raise DomainError("invalid_json", _n("Der Inhalt ist kein gültiges JSON.")) from None


def imported_counts(plan: SetupPlan) -> str:
    counts = (len(plan.rooms), len(plan.items), len(plan.polls), plan.kept_items, plan.kept_polls)
    return "-".join(str(c) for c in counts)


async def import_setup(request: Request) -> Response:
    event = await organiser_event(request)  # before reading up to a megabyte
    form, upload = await read_upload(request, MAX_IMPORT_BYTES)
    text = field(form, "text")
    problems: list[str] = []
    status = 422
    try:
        if upload is not None and text.strip():
            raise DomainError(
                "two_sources",
                _n("Bitte entweder eine Datei wählen oder den Inhalt einfügen, nicht beides."),
            )
        if upload is None and not text.strip():
            raise DomainError(
                "no_setup", _n("Bitte wählen Sie eine Datei oder fügen Sie den Inhalt ein.")
            )
        doc = parse_setup(upload if upload is not None else text.encode("utf-8"))
        plan = await runtime(request).services.program.import_setup(event, doc)
    except SetupInvalid as exc:
        problems = [error_text(request, exc), *problem_lines(request, exc.problems)]
    except DomainError as exc:
        problems, status = [error_text(request, exc)], status_for(exc)
    else:
        return back_to_setup(event, "imported", "import", n=imported_counts(plan))
    return await setup_page(
        request,
        event,
        status,
        values={"import": {"text": text}},
        import_problems=problems,
    )
