"""The conference report: the HTML page (printable), Markdown, CSV per poll and for the Q&A,
and the JSON export (page download with the moderator cookie; API call with the Bearer token).

Organiser only: the report holds every room. Each request gathers the event from the store
once (live/report/gather.py); everything after that is pure rendering.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from live.domain.models import Event
from live.domain.text import _n
from live.report import markdown, tables
from live.report.data import EventReport, PollReport
from live.report.fmt import Formatter, slug
from live.report.intro import dates_line, intro_lines, overview
from live.report.view import PollView, build, state_label
from live.views import api as shapes
from live.web.access import organiser_event
from live.web.identity import request_lang
from live.web.responses import json_response, page
from live.web.runtime import runtime, services

# The report is the organiser's data: never kept by a browser or proxy cache.
NO_STORE = {"Cache-Control": "no-store"}


def _formatter(request: Request) -> Formatter:
    return Formatter(request_lang(request), runtime(request).settings.zone)


async def _report(request: Request, event: Event) -> EventReport:
    return await services(request).report.gather(event)


def _download(body: str, media_type: str, filename: str) -> Response:
    headers = {
        **NO_STORE,
        # Names are ASCII (slug), so the plain form is enough; quote() guards the syntax anyway.
        "Content-Disposition": f'attachment; filename="{quote(filename, safe="-._")}"',
    }
    return Response(body, media_type=media_type, headers=headers)


def _lang_query(request: Request) -> str:
    lang = request.query_params.get("lang")
    return f"?lang={lang}" if lang in ("de", "en") else ""


def _filename(fmt: Formatter, event: Event, what: str, ext: str) -> str:
    return f"{event.code}-{slug(fmt._(what), 20)}-{slug(event.title)}.{ext}"


class _Links:
    def __init__(self, event: Event, query: str) -> None:
        base = f"/e/{event.code}/report"
        self.markdown = f"/e/{event.code}/report.md{query}"
        self.questions = f"{base}/questions.csv{query}"
        self.export = f"{base}/export.json"
        self.moderate = f"/e/{event.code}/moderate{query}"
        self._base = base
        self._query = query

    def poll_csv(self, poll: PollView) -> str:
        return f"{self._base}/polls/{poll.poll_id}.csv{self._query}"


async def report_page(request: Request) -> Response:
    event = await organiser_event(request)
    fmt = _formatter(request)
    view = build(await _report(request, event), fmt)
    context: dict[str, Any] = {
        "event": event,
        "view": view,
        "fmt": fmt,
        "dates": dates_line(view, fmt) is not None,
        "intro": intro_lines(view, fmt),
        "overview": overview(view, fmt),
        "links": _Links(event, _lang_query(request)),
        "state_label": lambda q: state_label(q, fmt),
    }
    response = page(request, "report.html", **context)
    response.headers.update(NO_STORE)
    return response


async def report_markdown(request: Request) -> Response:
    event = await organiser_event(request)
    fmt = _formatter(request)
    text = markdown.render(build(await _report(request, event), fmt), fmt)
    return _download(
        text, "text/markdown; charset=utf-8", _filename(fmt, event, _n("Bericht"), "md")
    )


async def poll_csv(request: Request) -> Response:
    event = await organiser_event(request)
    polls = services(request).polls
    poll = await polls.poll(event, request.path_params["poll_id"])
    fmt = _formatter(request)
    body = tables.poll_csv(PollReport(poll, await polls.results(poll, event)), fmt)
    what = slug(fmt._(_n("Abstimmung")), 20)
    name = f"{event.code}-{what}-{slug(poll.question)}.csv"
    return _download(body, "text/csv; charset=utf-8", name)


async def questions_csv(request: Request) -> Response:
    event = await organiser_event(request)
    fmt = _formatter(request)
    body = tables.questions_csv(await _report(request, event), fmt)
    return _download(body, "text/csv; charset=utf-8", _filename(fmt, event, _n("Fragen"), "csv"))


async def _export(request: Request, event: Event) -> dict[str, Any]:
    return await services(request).report.export(event, runtime(request).settings.timezone)


async def export_download(request: Request) -> Response:
    """The JSON export as a download from the report page (moderator cookie)."""
    event = await organiser_event(request)
    body = shapes.dumps(await _export(request, event))
    return _download(body, "application/json", f"{event.code}-export-{slug(event.title)}.json")


async def export_api(request: Request) -> Response:
    """GET /api/v1/events/{code}/export.json (the organiser's Bearer token; CONTRACT.md)."""
    event = await organiser_event(request)
    return json_response(await _export(request, event), headers=NO_STORE)
