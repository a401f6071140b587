"""Q&A on the participant's phone: the section's first render, asking, upvoting, deleting
one's own question. Like the poll actions, each is a plain form post that also works without
JavaScript (a redirect back); htmx swaps the returned fragment in place."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain import questions as qa_rules
from live.domain.errors import DomainError
from live.domain.models import Event, Room
from live.domain.qa_paging import PUBLIC_LIST, page_of, pages_query
from live.domain.text import _n
from live.fanout.state import RoomState
from live.i18n import Lang, translate
from live.service.rooms import with_question, without_question
from live.views.regions import participant_question_list, qa_list_rows, qa_mine_rows
from live.views.templating import render
from live.web.access import require_participant, resolve
from live.web.embed import keep_embed
from live.web.errors import error_text, page_error, status_for
from live.web.forms import FieldErrors, field, read_form, request_id_of
from live.web.held import ACTION_MAX_AGE, answer_state, newest
from live.web.identity import request_lang
from live.web.paging import request_pages
from live.web.responses import announce, is_htmx, no_js_answer, redirect, swap_oob
from live.web.runtime import services


async def qa_context(
    request: Request,
    state: RoomState,
    participant_id: str | None,
    sort: str,
    *,
    held: bool = False,
) -> dict[str, Any]:
    """What the participant page's Q&A section needs, with this participant's own marks.
    ``held``: ``state`` is the room's held state (live/web/held.py), taken again after the
    marks were read if a newer one came meanwhile."""
    lang = request_lang(request)
    pages = request_pages(request, (PUBLIC_LIST,))
    shown = participant_question_list(state, sort, page_of(pages, PUBLIC_LIST)).items
    upvoted: set[str] = set()
    if participant_id is not None and shown:
        # Only the page shown: a room may hold 10,000 questions.
        upvoted = await services(request).questions.upvoted_by(participant_id, shown)
    if held:
        state = newest(request, state)
    return {
        "sort": sort,
        "qa_query": pages_query(pages),
        "upvoted": sorted(upvoted),
        "qa_list_html": qa_list_rows(lang, state, sort, frozenset(upvoted), pages=pages).html,
        "qa_mine_html": qa_mine_rows(lang, state, participant_id).html,
        "values": {"text": "", "name": ""},
        "errors": FieldErrors(),
    }


def _sort(request: Request) -> str:
    sort = request.query_params.get("sort", "votes")
    return sort if sort in qa_rules.SORTS else "votes"


async def ask(request: Request) -> Response:
    form = await read_form(request)
    svc = services(request)
    # Fresh: whether questions wait for approval (and names are allowed) may just have changed.
    event = await svc.events.event(request.path_params["code"])
    room = await svc.events.room(event, request.path_params["room_id"], max_age=ACTION_MAX_AGE)
    pid = require_participant(await resolve(request, event), room)
    values = {
        "text": field(form, "text"),
        "name": field(form, "name"),
        "label": field(form, "label"),
    }
    lang = request_lang(request)
    response: Response
    try:
        question, written = await svc.questions.ask(
            event,
            room,
            pid,
            text=values["text"],
            name=values["name"] or None,
            request_id=request_id_of(form),
            label=values["label"] or None,
        )
    except DomainError as exc:
        if not is_htmx(request):
            response = page_error(request, status_for(exc), error_text(request, exc))
        else:
            errors = FieldErrors({"text": error_text(request, exc)})
            html = _ask_form(lang, event, room, values, errors)
            response = HTMLResponse(html, status_code=status_for(exc))
        return response
    if not is_htmx(request):
        response = redirect(keep_embed(request, f"/e/{event.code}?room={room.id}#qa-title"))
    else:
        # The last tick's state with the new question (live/web/held.py); a retried send (its
        # request id already seen) stored nothing new, and the held state has the first one.
        state = await answer_state(request, room, pid)
        if written.applied:
            state = with_question(state, question)
        if question.state != "pending":
            message = _n("Danke! Ihre Frage ist jetzt für alle sichtbar.")
        elif event.questions_need_approval:
            message = _n("Danke! Ihre Frage wartet auf die Freigabe durch die Moderation.")
        else:
            # Held by the blocklist (live/domain/blocklist.py): said plainly, without the word.
            message = _n("Danke! Ihre Frage wird von der Moderation geprüft, bevor alle sie sehen.")
        kept = {"text": "", "name": values["name"], "label": values["label"]}
        html = _ask_form(lang, event, room, kept, FieldErrors())
        html += swap_oob(qa_mine_rows(lang, state, pid).html, "qa-mine")
        html += announce(request, translate(lang, message))
        response = HTMLResponse(html)
    return response


def _ask_form(
    lang: Lang, event: Event, room: Room, values: dict[str, str], errors: FieldErrors
) -> str:
    inner = render(lang, "fragments/ask_fields.html", event=event, values=values, errors=errors)
    action = f"/e/{event.code}/rooms/{room.id}/questions"
    return (
        f'<form id="ask-form" class="stack" method="post" action="{action}" hx-post="{action}" '
        f'hx-target="this" hx-swap="outerHTML">{inner}</form>'
    )


async def upvote(request: Request) -> Response:
    form = await read_form(request)
    svc = services(request)
    event = await svc.events.event(request.path_params["code"], max_age=ACTION_MAX_AGE)
    question = await svc.questions.question(event, request.path_params["question_id"])
    room = await svc.events.room(event, question.room_id, max_age=ACTION_MAX_AGE)
    pid = require_participant(await resolve(request, event), room)
    up = field(form, "up") != "0"
    lang = request_lang(request)
    error: str | None = None
    status = 200
    try:
        await svc.questions.set_upvote(
            event, pid, question.id, up=up, found=question, request_id=request_id_of(form)
        )
    except DomainError as exc:
        error, status = error_text(request, exc), status_for(exc)
    if not is_htmx(request):
        back = f"/e/{event.code}?room={room.id}#q-{question.id}"
        return no_js_answer(request, error, status, back)
    # The last tick's list (live/web/held.py) with this participant's marks read fresh: the
    # count with this upvote follows with the next tick's push.
    state = await answer_state(request, room, pid)
    context = await qa_context(request, state, pid, _sort(request), held=True)
    html = context["qa_list_html"]
    html += (
        f'<div id="qa-state" hidden hx-swap-oob="true" '
        f'data-upvoted="{" ".join(context["upvoted"])}"></div>'
    )
    if error is not None:
        html += announce(request, error, error=True)
    else:
        message = _n("Sie unterstützen diese Frage.") if up else _n("Unterstützung zurückgenommen.")
        html += announce(request, translate(lang, message))
    response = HTMLResponse(html, status_code=status)
    return response


async def delete_own(request: Request) -> Response:
    await read_form(request)
    svc = services(request)
    event = await svc.events.event(request.path_params["code"], max_age=ACTION_MAX_AGE)
    question = await svc.questions.question(event, request.path_params["question_id"])
    room = await svc.events.room(event, question.room_id, max_age=ACTION_MAX_AGE)
    pid = require_participant(await resolve(request, event), room)
    await svc.questions.delete_own(event, pid, question.id, found=question)
    response: Response
    if not is_htmx(request):
        response = redirect(keep_embed(request, f"/e/{event.code}?room={room.id}#qa-title"))
    else:
        lang = request_lang(request)
        state = without_question(await answer_state(request, room, pid), question.id)
        html = qa_mine_rows(lang, state, pid).html
        html += announce(request, translate(lang, _n("Ihre Frage wurde gelöscht.")))
        response = HTMLResponse(html)
    return response
