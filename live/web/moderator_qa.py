"""Q&A on the moderation page: approve, answer, hide, archive, put on the projector, edit; the
event's Q&A settings (the organiser's). Plain form posts that htmx enhances, as everywhere."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain.errors import DomainError
from live.domain.models import Event, Question, Room
from live.domain.text import _n
from live.errors import NotFound
from live.fanout.state import RoomState
from live.i18n import Lang, translate
from live.views.regions import moderator_question_regions
from live.web.access import moderated_event, organiser_event
from live.web.errors import error_text, status_for
from live.web.forms import FieldErrors, field, read_form
from live.web.identity import request_lang
from live.web.moderator import moderation_answer, room_of_request
from live.web.responses import announce, fragment, is_htmx, page, redirect
from live.web.runtime import services

QUESTION_ACTIONS: dict[str, tuple[dict[str, Any], str]] = {
    "approve": ({"state": "approved"}, _n("Die Frage ist freigegeben.")),
    "answered": ({"state": "answered"}, _n("Die Frage ist als beantwortet markiert.")),
    "hide": ({"state": "hidden"}, _n("Die Frage ist ausgeblendet.")),
    "archive": ({"state": "archived"}, _n("Die Frage ist archiviert.")),
    "highlight": ({"highlighted": True}, _n("Die Frage steht jetzt auf der Leinwand.")),
    "unhighlight": ({"highlighted": False}, _n("Die Frage ist nicht mehr auf der Leinwand.")),
}


async def _question_of_request(request: Request) -> tuple[Event, Question, Room]:
    """The question of the URL and its room, for the organiser or that room's moderator."""
    event, access = await moderated_event(request)
    svc = services(request)
    question = await svc.questions.question(event, request.path_params["question_id"])
    room = await svc.events.room(event, question.room_id)
    access.require_room(room)
    return event, question, room


def questions_region(lang: Lang, state: RoomState) -> str:
    return moderator_question_regions(lang, state)[0].frame


async def question_action(request: Request) -> Response:
    await read_form(request)
    event, question, room = await _question_of_request(request)
    action = request.path_params["action"]
    if action not in QUESTION_ACTIONS:
        raise NotFound("not_found", _n("Diese Seite gibt es nicht."))
    changes, done = QUESTION_ACTIONS[action]

    async def act() -> str:
        await services(request).questions.moderate(event, question.id, **changes)
        return translate(request_lang(request), done)

    anchor = f"#mod-q-{question.id}"
    return await moderation_answer(request, event, room, act(), questions_region, anchor)


async def approve_all(request: Request) -> Response:
    await read_form(request)
    event, room = await room_of_request(request)

    async def act() -> str:
        count = await services(request).questions.approve_all(event, room)
        return translate(request_lang(request), _n("%(num)d Fragen freigegeben."), {"num": count})

    return await moderation_answer(request, event, room, act(), questions_region)


async def settings(request: Request) -> Response:
    """The event's Q&A settings (the organiser's, for every room)."""
    form = await read_form(request)
    svc = services(request)
    event = await organiser_event(request)
    saved = await svc.questions.update_settings(
        event,
        questions_need_approval=bool(field(form, "questions_need_approval")),
        names_allowed=bool(field(form, "names_allowed")),
    )
    rooms = await svc.events.rooms(event)
    room_id = field(form, "room")
    room = next((r for r in rooms if r.id == room_id), rooms[0])
    if not is_htmx(request):
        return redirect(f"/e/{event.code}/moderate?room={room.id}")
    # The settings form sits outside the room's live region: answer with the form as saved.
    html = fragment(request, "fragments/qa_settings.html", event=saved, room=room)
    message = translate(request_lang(request), _n("Die Einstellungen sind gespeichert."))
    return HTMLResponse(html + announce(request, message))


async def edit(request: Request) -> Response:
    """A plain page (not a live region): typing a long answer is never interrupted."""
    event, question, room = await _question_of_request(request)
    values = {"text": question.text, "answer": question.answer or ""}
    errors = FieldErrors()
    status = 200
    if request.method == "POST":
        form = await read_form(request)
        values = {"text": field(form, "text"), "answer": field(form, "answer")}
        try:
            await services(request).questions.moderate(
                event, question.id, text=values["text"], answer=values["answer"], answer_given=True
            )
        except DomainError as exc:
            name = "answer" if "answer" in exc.code else "text"
            errors = FieldErrors({name: error_text(request, exc)})
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
