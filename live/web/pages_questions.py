"""Q&A on the pages: asking, upvoting and deleting on phones; moderation on the control screen.

Like the poll pages: every action is a plain form post that also works without JavaScript
(a redirect back), and htmx swaps the returned fragment in place.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain import questions as qa_rules
from live.domain.errors import DomainError
from live.domain.models import Event, Room
from live.domain.text import _n
from live.errors import NotFound
from live.fanout.state import RoomState
from live.i18n import translate
from live.views.regions import moderator_question_regions, qa_list_region, qa_mine_region
from live.views.templating import render
from live.web.errors import page_error, status_for
from live.web.identity import request_lang
from live.web.pages import (
    FieldErrors,
    _any_moderator_event,
    _check_room,
    _keep_participant,
    _moderator_event,
    _participant_id,
    _state,
    _text,
    announce,
    error_text,
    is_htmx,
    no_js_answer,
    page,
    read_form,
    redirect,
)
from live.web.runtime import runtime


async def qa_context(
    request: Request, state: RoomState, participant_id: str | None, sort: str
) -> dict[str, Any]:
    """What the participant page's Q&A section needs, with this participant's own marks."""
    lang = request_lang(request)
    upvoted: set[str] = set()
    if participant_id is not None and state.questions:
        upvoted = await runtime(request).questions.upvoted_by(participant_id, list(state.questions))
    return {
        "sort": sort,
        "upvoted": sorted(upvoted),
        "qa_list_html": qa_list_region(lang, state, sort, frozenset(upvoted)).frame,
        "qa_mine_html": qa_mine_region(lang, state, participant_id).frame,
        "values": {"text": "", "name": ""},
        "errors": FieldErrors(),
    }


def _sort(request: Request) -> str:
    sort = request.query_params.get("sort", "votes")
    return sort if sort in qa_rules.SORTS else "votes"


# --- participants ----------------------------------------------------------------------------


async def ask(request: Request) -> Response:
    form = await read_form(request)
    rt = runtime(request)
    event = await rt.service.event(request.path_params["code"])
    room = await rt.service.room(event, request.path_params["room_id"])
    pid, new_token = await _participant_id(request, event)
    values = {"text": _text(form, "text"), "name": _text(form, "name")}
    lang = request_lang(request)
    try:
        await rt.questions.ask(event, room, pid, text=values["text"], name=values["name"] or None)
    except DomainError as exc:
        if not is_htmx(request):
            response: Response = page_error(request, status_for(exc), error_text(request, exc))
        else:
            errors = FieldErrors({"text": error_text(request, exc)})
            html = _ask_form(lang, event, room, values, errors)
            response = HTMLResponse(html, status_code=status_for(exc))
        _keep_participant(request, response, event, new_token)
        return response
    if not is_htmx(request):
        response = redirect(f"/e/{event.code}?room={room.id}#qa-title")
    else:
        state = await _state(request, room, pid)
        message = (
            _n("Danke! Ihre Frage wartet auf die Freigabe durch die Moderation.")
            if event.questions_need_approval
            else _n("Danke! Ihre Frage ist jetzt für alle sichtbar.")
        )
        html = _ask_form(lang, event, room, {"text": "", "name": values["name"]}, FieldErrors())
        mine = qa_mine_region(lang, state, pid).frame
        html += mine.replace('id="qa-mine"', 'id="qa-mine" hx-swap-oob="true"', 1)
        html += announce(request, translate(lang, message))
        response = HTMLResponse(html)
    _keep_participant(request, response, event, new_token)
    return response


def _ask_form(
    lang: Any, event: Event, room: Room, values: dict[str, str], errors: FieldErrors
) -> str:
    inner = render(lang, "fragments/ask_fields.html", event=event, values=values, errors=errors)
    action = f"/e/{event.code}/rooms/{room.id}/questions"
    return (
        f'<form id="ask-form" class="stack" method="post" action="{action}" hx-post="{action}" '
        f'hx-target="this" hx-swap="outerHTML">{inner}</form>'
    )


async def upvote(request: Request) -> Response:
    form = await read_form(request)
    rt = runtime(request)
    event = await rt.service.event(request.path_params["code"])
    question = await rt.questions.question(event, request.path_params["question_id"])
    room = await rt.service.room(event, question.room_id)
    pid, new_token = await _participant_id(request, event)
    up = _text(form, "up") != "0"
    lang = request_lang(request)
    error: str | None = None
    status = 200
    try:
        await rt.questions.set_upvote(event, pid, question.id, up=up)
    except DomainError as exc:
        error, status = error_text(request, exc), status_for(exc)
    if not is_htmx(request):
        back = f"/e/{event.code}?room={room.id}#q-{question.id}"
        return no_js_answer(request, event, new_token, error, status, back)
    state = await _state(request, room, pid)
    sort = _sort(request)
    context = await qa_context(request, state, pid, sort)
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
    _keep_participant(request, response, event, new_token)
    return response


async def delete_own(request: Request) -> Response:
    await read_form(request)
    rt = runtime(request)
    event = await rt.service.event(request.path_params["code"])
    question = await rt.questions.question(event, request.path_params["question_id"])
    room = await rt.service.room(event, question.room_id)
    pid, new_token = await _participant_id(request, event)
    await rt.questions.delete_own(event, pid, question.id)
    if not is_htmx(request):
        response: Response = redirect(f"/e/{event.code}?room={room.id}#qa-title")
    else:
        lang = request_lang(request)
        state = await _state(request, room, pid)
        html = qa_mine_region(lang, state, pid).frame
        html += announce(request, translate(lang, _n("Ihre Frage wurde gelöscht.")))
        response = HTMLResponse(html)
    _keep_participant(request, response, event, new_token)
    return response


# --- moderators ------------------------------------------------------------------------------

MOD_ACTIONS: dict[str, tuple[dict[str, Any], str]] = {
    "approve": ({"state": "approved"}, _n("Die Frage ist freigegeben.")),
    "answered": ({"state": "answered"}, _n("Die Frage ist als beantwortet markiert.")),
    "hide": ({"state": "hidden"}, _n("Die Frage ist ausgeblendet.")),
    "archive": ({"state": "archived"}, _n("Die Frage ist archiviert.")),
    "highlight": ({"highlighted": True}, _n("Die Frage steht jetzt auf der Leinwand.")),
    "unhighlight": ({"highlighted": False}, _n("Die Frage ist nicht mehr auf der Leinwand.")),
}


async def _mod_questions_response(
    request: Request, room: Room, message: str, status: int = 200, error: bool = False
) -> Response:
    lang = request_lang(request)
    state = await _state(request, room)
    html = moderator_question_regions(lang, state)[0].frame
    return HTMLResponse(html + announce(request, message, error=error), status_code=status)


async def mod_question_action(request: Request) -> Response:
    await read_form(request)
    event = await _any_moderator_event(request)
    rt = runtime(request)
    action = request.path_params["action"]
    if action not in MOD_ACTIONS:
        raise NotFound("not_found", _n("Diese Seite gibt es nicht."))
    question = await rt.questions.question(event, request.path_params["question_id"])
    room = await rt.service.room(event, question.room_id)
    _check_room(request, event, room)
    changes, message = MOD_ACTIONS[action]
    status, failed = 200, False
    text = translate(request_lang(request), message)
    try:
        await rt.questions.moderate(event, question.id, **changes)
    except DomainError as exc:
        if not is_htmx(request):
            raise
        text, status, failed = error_text(request, exc), status_for(exc), True
    if not is_htmx(request):
        return redirect(f"/e/{event.code}/moderate?room={room.id}#mod-q-{question.id}")
    return await _mod_questions_response(request, room, text, status, failed)


async def mod_approve_all(request: Request) -> Response:
    await read_form(request)
    event = await _any_moderator_event(request)
    rt = runtime(request)
    room = await rt.service.room(event, request.path_params["room_id"])
    _check_room(request, event, room)
    count = await rt.questions.approve_all(event, room)
    if not is_htmx(request):
        return redirect(f"/e/{event.code}/moderate?room={room.id}")
    lang = request_lang(request)
    message = translate(lang, _n("%(num)d Fragen freigegeben."), {"num": count})
    return await _mod_questions_response(request, room, message)


async def mod_settings(request: Request) -> Response:
    form = await read_form(request)
    event = await _moderator_event(request)
    rt = runtime(request)
    saved = await rt.questions.update_settings(
        event,
        questions_need_approval=bool(_text(form, "questions_need_approval")),
        names_allowed=bool(_text(form, "names_allowed")),
    )
    rooms = await rt.service.rooms(event)
    room_id = _text(form, "room")
    room = next((r for r in rooms if r.id == room_id), rooms[0])
    if not is_htmx(request):
        return redirect(f"/e/{event.code}/moderate?room={room.id}")
    lang = request_lang(request)
    # The settings form sits outside the room's live region (it is the organiser's, for every
    # room): answer with the form as saved.
    html = render(lang, "fragments/qa_settings.html", event=saved, room=room)
    message = translate(lang, _n("Die Einstellungen sind gespeichert."))
    return HTMLResponse(html + announce(request, message))


async def mod_edit(request: Request) -> Response:
    """A plain page (not a live region): typing a long answer is never interrupted."""
    event = await _any_moderator_event(request)
    rt = runtime(request)
    question = await rt.questions.question(event, request.path_params["question_id"])
    room = await rt.service.room(event, question.room_id)
    _check_room(request, event, room)
    values = {"text": question.text, "answer": question.answer or ""}
    errors = FieldErrors()
    status = 200
    if request.method == "POST":
        form = await read_form(request)
        values = {"text": _text(form, "text"), "answer": _text(form, "answer")}
        try:
            await rt.questions.moderate(
                event, question.id, text=values["text"], answer=values["answer"], answer_given=True
            )
        except DomainError as exc:
            field = "answer" if "answer" in exc.code else "text"
            errors = FieldErrors({field: error_text(request, exc)})
            status = status_for(exc)
        else:
            return redirect(f"/e/{event.code}/moderate?room={room.id}#mod-q-{question.id}")
    return page(
        request,
        "question_edit.html",
        status,
        event=event,
        room=room,
        question=question,
        values=values,
        errors=errors,
    )
