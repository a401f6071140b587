"""The phone's idea board (issue 24 item 3): posting an idea and upvoting one. Answers as the
Q&A's (participant_qa.py): with htmx the form again (or the list) with an announcement, and
the participant's own waiting ideas out of band; without JavaScript a redirect back."""

from __future__ import annotations

from dataclasses import replace

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain.errors import DomainError
from live.domain.models import Event, Room
from live.domain.text import _n
from live.i18n import Lang, translate
from live.views.ideas import ideas_list_html, ideas_mine_html
from live.views.templating import render
from live.web.access import require_participant, resolve
from live.web.embed import keep_embed
from live.web.errors import error_text, page_error, status_for
from live.web.forms import FieldErrors, field, read_form, request_id_of
from live.web.held import ACTION_MAX_AGE, answer_state
from live.web.identity import request_lang
from live.web.responses import announce, is_htmx, no_js_answer, redirect, swap_oob
from live.web.runtime import services


def _form(lang: Lang, event: Event, room: Room, text: str, errors: FieldErrors) -> str:
    inner = render(
        lang, "fragments/idea_fields.html", event=event, values={"text": text}, errors=errors
    )
    action = f"/e/{event.code}/rooms/{room.id}/ideas"
    return (
        f'<form id="idea-form" class="stack" method="post" action="{action}"'
        f' hx-post="{action}" hx-target="this" hx-swap="outerHTML">{inner}</form>'
    )


async def post(request: Request) -> Response:
    form = await read_form(request)
    svc = services(request)
    # Fresh: whether ideas wait for approval may just have changed.
    event = await svc.events.event(request.path_params["code"])
    room = await svc.events.room(event, request.path_params["room_id"])
    pid = require_participant(await resolve(request, event), room)
    text = field(form, "text")
    lang = request_lang(request)
    try:
        idea, written = await svc.ideas.post(
            event, room, pid, text=text, request_id=request_id_of(form)
        )
    except DomainError as exc:
        if not is_htmx(request):
            return page_error(request, status_for(exc), error_text(request, exc))
        errors = FieldErrors({"text": error_text(request, exc)})
        return HTMLResponse(_form(lang, event, room, text, errors), status_code=status_for(exc))
    if not is_htmx(request):
        return redirect(keep_embed(request, f"/e/{event.code}?room={room.id}#ideas-title"))
    state = await answer_state(request, room, pid)
    if written.applied:
        state = replace(state, ideas=(*state.ideas, idea))
    if idea.state != "pending":
        message = _n("Danke! Ihre Idee ist jetzt für alle sichtbar.")
    elif event.questions_need_approval:
        message = _n("Danke! Ihre Idee wartet auf die Freigabe durch die Moderation.")
    else:
        message = _n("Danke! Ihre Idee wird von der Moderation geprüft, bevor alle sie sehen.")
    html = _form(lang, event, room, "", FieldErrors())
    html += swap_oob(ideas_mine_html(lang, state, pid), "ideas-mine")
    if idea.state != "pending":
        html += swap_oob(ideas_list_html(lang, state), "ideas-list")
    html += announce(request, translate(lang, message))
    return HTMLResponse(html)


async def upvote(request: Request) -> Response:
    form = await read_form(request)
    svc = services(request)
    event = await svc.events.event(request.path_params["code"], max_age=ACTION_MAX_AGE)
    idea = await svc.ideas.idea(event, request.path_params["idea_id"])
    room = await svc.events.room(event, idea.room_id)
    pid = require_participant(await resolve(request, event), room)
    up = field(form, "up") != "0"
    lang = request_lang(request)
    error: str | None = None
    status = 200
    try:
        await svc.ideas.set_upvote(
            event, pid, idea.id, up=up, request_id=request_id_of(form), room_id=room.id
        )
    except DomainError as exc:
        error, status = error_text(request, exc), status_for(exc)
    if not is_htmx(request):
        return no_js_answer(request, error, status, f"/e/{event.code}?room={room.id}#ideas-title")
    # Read fresh (the board is small): the count with this upvote and this participant's marks.
    state = await svc.rooms.state(room, pid)
    upvoted = frozenset(await svc.ideas.upvoted_by(pid, list(state.ideas)))
    html = ideas_list_html(lang, state, upvoted)
    marks = " ".join(sorted(upvoted))
    html += f'<div id="ideas-state" hidden hx-swap-oob="true" data-upvoted="{marks}"></div>'
    if error is not None:
        html += announce(request, error, error=True)
    else:
        message = _n("Sie unterstützen diese Idee.") if up else _n("Unterstützung zurückgenommen.")
        html += announce(request, translate(lang, message))
    return HTMLResponse(html, status_code=status)
