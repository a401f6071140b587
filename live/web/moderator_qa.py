"""Q&A on the moderation page: approve, answer, hide, archive, put on the projector, edit; the
event's Q&A settings (the organiser's). Plain form posts that htmx enhances, as everywhere."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain.errors import DomainError
from live.domain.models import Event, Question, Room
from live.domain.qa_paging import MODERATOR_LISTS
from live.domain.questions import ordered
from live.domain.text import _n
from live.errors import NotFound
from live.fanout.state import RoomState
from live.i18n import Lang, translate
from live.views.qa_queue import STATE_LABELS, AnswerError, Undo, excerpt, moderator_queue
from live.web.access import moderated_event, organiser_event
from live.web.errors import error_text, page_error, status_for
from live.web.forms import FieldErrors, field, read_form
from live.web.identity import request_lang
from live.web.moderator import moderation_answer, room_of_request
from live.web.paging import request_pages
from live.web.responses import announce, fragment, is_htmx, page, redirect
from live.web.runtime import services

# What each of a question's buttons changes, and what is announced after it.
QUESTION_ACTIONS: dict[str, tuple[dict[str, Any], str]] = {
    "approve": ({"state": "approved"}, _n("Frage „%(question)s“ freigegeben.")),
    "answered": ({"state": "answered"}, _n("Frage „%(question)s“ als beantwortet markiert.")),
    "hide": ({"state": "hidden"}, _n("Frage „%(question)s“ ausgeblendet.")),
    "archive": ({"state": "archived"}, _n("Frage „%(question)s“ archiviert.")),
    "highlight": (
        {"highlighted": True},
        _n("Frage „%(question)s“ steht jetzt auf der Leinwand."),
    ),
    "unhighlight": (
        {"highlighted": False},
        _n("Frage „%(question)s“ ist nicht mehr auf der Leinwand."),
    ),
}
ANSWER_SAVED = _n("Antwort auf „%(question)s“ gespeichert.")
ANSWER_SAVED_AND_MARKED = _n("Antwort auf „%(question)s“ gespeichert und als beantwortet markiert.")
UNDONE = _n("Rückgängig gemacht: „%(question)s“ – %(state)s.")
# The fields an undo posts back (templates/fragments/mod_questions.html); all of them, always.
UNDO_FIELDS = ("state", "answer", "highlight", "screen_mode")


async def _question_of_request(request: Request) -> tuple[Event, Question, Room]:
    """The question of the URL and its room (as it is now: the room's highlighted question and
    projector mode are what an undo puts back), for the organiser or that room's moderator."""
    event, access = await moderated_event(request)
    svc = services(request)
    question = await svc.questions.question(event, request.path_params["question_id"])
    room = await svc.events.room(event, question.room_id)
    access.require_room(room)
    return event, question, room


def questions_region(request: Request) -> Callable[[Lang, RoomState], str]:
    """The queue on the pages the moderator's console is on."""
    pages = request_pages(request, MODERATOR_LISTS)
    return lambda lang, state: moderator_queue(lang, state, pages=pages).html


def _said(request: Request, message: str, question: Question, **params: str) -> str:
    """``message`` in the reader's language, quoting the question it is about."""
    return translate(request_lang(request), message, {"question": excerpt(question.text), **params})


async def _queue_answer(
    request: Request,
    event: Event,
    room: Room,
    question: Question,
    action: Awaitable[str],
    *,
    undoable: bool = True,
    typed: tuple[str, bool] | None = None,
) -> Response:
    """The answer to an action on one question of the queue. ``action`` does it and says what
    was done; ``room`` and ``question`` are as they were before it.

    Without JavaScript: back to the room's moderation page (an error: the error page). With
    htmx: the queue as it is now and the announcement of what happened. Done (``undoable``):
    the queue carries the undo of this action, what it puts back and what the action did. An
    error (nothing changed): announced; for the inline answer (``typed``: the text and the
    "mark answered" box as sent) also shown at its field, with what was typed."""
    try:
        message = await action
    except DomainError as exc:
        if not is_htmx(request):
            raise
        message, status = error_text(request, exc), status_for(exc)
        error = None if typed is None else AnswerError(question.id, message, *typed)
        undo = None
    else:
        if not is_htmx(request):
            return redirect(f"/e/{event.code}/moderate?room={room.id}#mod-q-{question.id}")
        status, error, undo = 200, None, None
    state = await services(request).rooms.state(room)
    if status == 200 and undoable:
        mode_changed = state.room.screen_mode != room.screen_mode
        undo = Undo(
            question=question,
            highlight=room.highlighted_question_id or "",
            screen_mode=room.screen_mode if mode_changed else "",
            done=message,
        )
    region = moderator_queue(
        request_lang(request),
        state,
        pages=request_pages(request, MODERATOR_LISTS),
        undo=undo,
        answer_error=error,
    ).html
    html = region + announce(request, message, error=status >= 400)
    return HTMLResponse(html, status_code=status)


async def question_action(request: Request) -> Response:
    await read_form(request)
    event, question, room = await _question_of_request(request)
    action = request.path_params["action"]
    if action not in QUESTION_ACTIONS:
        raise NotFound("not_found", _n("Diese Seite gibt es nicht."))
    changes, done = QUESTION_ACTIONS[action]

    async def act() -> str:
        await services(request).questions.moderate(event, question.id, **changes)
        return _said(request, done, question)

    return await _queue_answer(request, event, room, question, act())


async def answer(request: Request) -> Response:
    """The inline answer of the queue (E): saves the answer, and marks the question answered
    when the box says so. An empty answer is refused at its field."""
    form = await read_form(request)
    event, question, room = await _question_of_request(request)
    text = field(form, "answer")
    mark = bool(field(form, "mark_answered"))

    async def act() -> str:
        saved = await services(request).questions.give_answer(
            event, question.id, text, mark_answered=mark
        )
        marked = saved.state == "answered" and question.state != "answered"
        return _said(request, ANSWER_SAVED_AND_MARKED if marked else ANSWER_SAVED, question)

    return await _queue_answer(request, event, room, question, act(), typed=(text, mark))


async def undo(request: Request) -> Response:
    """Puts back what the queue's last action changed (the fields its answer carried, see
    ``_queue_answer``). The 5 s in which it is offered are the page's (static/qa_queue.js)."""
    form = await read_form(request)
    event, question, room = await _question_of_request(request)
    values = {name: form.get(name) for name in UNDO_FIELDS}

    async def act() -> str:
        if not all(isinstance(value, str) for value in values.values()):
            raise DomainError(
                "invalid_undo", _n("Diese Aktion lässt sich nicht rückgängig machen.")
            )
        restored = await services(request).questions.restore(event, question.id, **values)
        lang = request_lang(request)
        return _said(request, UNDONE, restored, state=translate(lang, STATE_LABELS[restored.state]))

    return await _queue_answer(request, event, room, question, act(), undoable=False)


async def approve_all(request: Request) -> Response:
    await read_form(request)
    event, room = await room_of_request(request)

    async def act() -> str:
        count = await services(request).questions.approve_all(event, room)
        return translate(request_lang(request), _n("%(num)d Fragen freigegeben."), {"num": count})

    return await moderation_answer(request, event, room, act(), questions_region(request))


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


# The questions offered as the one a duplicate goes into: the room's most upvoted first.
MERGE_CHOICES = 200


async def _merge_choices(request: Request, room: Room, question: Question) -> list[Question]:
    """The room's other questions a duplicate may be merged into (the moderator sees every
    state; merged ones have left the list already), most upvoted first."""
    others = [q for q in await services(request).questions.in_room(room) if q.id != question.id]
    return ordered(others, "votes")[:MERGE_CHOICES]


async def merge(request: Request) -> Response:
    """The edit page's "Doppelte Frage zusammenführen": the question of the URL is the
    duplicate, merged into the one chosen (``into``). Done: back to the console at the merged
    question. Refused: the edit page again with the German error at the field."""
    form = await read_form(request)
    event, question, room = await _question_of_request(request)
    into = field(form, "into")
    try:
        if not into:
            msg = _n("Bitte wählen Sie die Frage, mit der diese zusammengeführt wird.")
            raise DomainError("invalid_merge", msg)
        merged = await services(request).questions.merge(event, into, question.id)
    except DomainError as exc:
        errors = FieldErrors({"into": error_text(request, exc)})
        values = {
            "text": question.text,
            "answer": question.answer or "",
            "label": question.label or "",
        }
        return await _edit_page(request, event, question, room, values, errors, status_for(exc))
    return redirect(f"/e/{event.code}/moderate?room={room.id}#mod-q-{merged.id}")


async def split(request: Request) -> Response:
    """The edit page's "Wieder trennen": the question of the URL, a duplicate merged into the
    page's question, goes back into the lists (Store.split_question says with which upvotes).
    Done: back to the console at it. Refused: the edit page of the question it went into,
    with the German error above its list of duplicates."""
    await read_form(request)
    event, question, room = await _question_of_request(request)
    try:
        await services(request).questions.split(event, question.id)
    except DomainError as exc:
        target = await services(request).questions.question(event, question.merged_into)
        values = {"text": target.text, "answer": target.answer or "", "label": target.label or ""}
        errors = FieldErrors({"split": error_text(request, exc)})
        return await _edit_page(request, event, target, room, values, errors, status_for(exc))
    return redirect(f"/e/{event.code}/moderate?room={room.id}#mod-q-{question.id}")


async def _edit_page(
    request: Request,
    event: Event,
    question: Question,
    room: Room,
    values: dict[str, str],
    errors: FieldErrors,
    status: int,
) -> Response:
    return page(
        request,
        "question_edit.html",
        status,
        event=event,
        room=room,
        question=question,
        values=values,
        errors=errors,
        merge_choices=await _merge_choices(request, room, question),
        duplicates=await services(request).questions.duplicates(question),
        excerpt=excerpt,
    )


async def edit(request: Request) -> Response:
    """A plain page (not a live region): typing a long answer is never interrupted."""
    event, question, room = await _question_of_request(request)
    values = {"text": question.text, "answer": question.answer or "", "label": question.label or ""}
    errors = FieldErrors()
    status = 200
    if request.method == "POST":
        form = await read_form(request)
        values = {
            "text": field(form, "text"),
            "answer": field(form, "answer"),
            "label": field(form, "label"),
        }
        try:
            await services(request).questions.moderate(
                event,
                question.id,
                text=values["text"],
                answer=values["answer"],
                answer_given=True,
                # The field is there when the event has labels (or the question one). A label
                # taken off the event's list since stays as long as it is not changed.
                label=values["label"] or None,
                label_given="label" in form and values["label"] != (question.label or ""),
            )
        except DomainError as exc:
            name = next((n for n in ("answer", "label") if n in exc.code), "text")
            errors = FieldErrors({name: error_text(request, exc)})
            status = status_for(exc)
        else:
            return redirect(f"/e/{event.code}/moderate?room={room.id}#mod-q-{question.id}")
    return await _edit_page(request, event, question, room, values, errors, status)


async def labels(request: Request) -> Response:
    """The event's question labels (the organiser's): one per line. Done: back to the console;
    refused (too many, too long, twice): the German error page, nothing changed."""
    form = await read_form(request)
    event = await organiser_event(request)
    lines = field(form, "labels").splitlines()
    try:
        await services(request).questions.set_labels(event, lines)
    except DomainError as exc:
        return page_error(request, status_for(exc), error_text(request, exc))
    room_id = request.query_params.get("room", "")
    return redirect(f"/e/{event.code}/moderate" + (f"?room={room_id}" if room_id else ""))


async def screen_label(request: Request) -> Response:
    """Which label's questions the room's projector shows ("": all)."""
    form = await read_form(request)
    event, room = await room_of_request(request)
    try:
        await services(request).events.update_room(
            event, room.id, {"screen_label": field(form, "screen_label") or None}
        )
    except DomainError as exc:
        return page_error(request, status_for(exc), error_text(request, exc))
    return redirect(f"/e/{event.code}/moderate?room={room.id}")
