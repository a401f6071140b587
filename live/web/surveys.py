"""Self-paced surveys (issue 24, item 4): the participant's survey page (one question per
screen, plain form posts that htmx enhances), the console's buttons, and the JSON interface.
Everything goes through live/service/surveys.py; the answers are the polls' ordinary votes
(PollService.vote, with the page's request id: a repeated send counts once). Bad input is a
DomainError: a German message on the page, the JSON error shape in the API, nothing changed."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain import surveys as rules
from live.domain.errors import DomainError
from live.domain.models import Event, Room, Survey
from live.domain.text import _n
from live.errors import Forbidden
from live.i18n import Lang, translate
from live.service.surveys import template_questions
from live.views import api as shapes
from live.views.surveys import Step, moderator_surveys_region, step_context
from live.web.access import (
    keep_participant,
    moderated_event,
    organiser_event,
    participant_or_new,
    resolve,
)
from live.web.errors import error_text, status_for
from live.web.forms import field, parse_json, read_body, read_form, request_id_of
from live.web.held import ACTION_MAX_AGE
from live.web.identity import request_lang
from live.web.moderator import moderation_answer, room_of_request
from live.web.participant import vote_answer
from live.web.responses import announce, fragment, is_htmx, json_response, page, redirect
from live.web.runtime import services
from live.web.setup import back_to_setup

SAVED = _n("Ihre Antwort ist gespeichert.")
OPENED = _n("Umfrage geöffnet: %(title)s")
CLOSED = _n("Umfrage beendet: %(title)s")
CREATED = _n("Umfrage angelegt: %(title)s. Öffnen Sie sie, wenn es so weit ist.")


# --- the participant's page ------------------------------------------------------------------


async def _participant_survey(request: Request, event: Event) -> tuple[Survey, Room]:
    svc = services(request)
    survey = await svc.surveys.survey(event, request.path_params["survey_id"], moderator=False)
    return survey, await svc.events.room(event, survey.room_id)


# The fields a step's form answers with (live/web/participant.py vote_answer reads them).
ANSWER_FIELDS = ("choice", "choices", "value", "text")


def _answered(form: FormData) -> bool:
    """Whether the screen was answered: Weiter or Zurück without choosing sends nothing."""
    return any(
        isinstance(v, str) and v.strip() for name in ANSWER_FIELDS for v in form.getlist(name)
    )


async def _step_page(
    request: Request,
    event: Event,
    room: Room,
    survey: Survey,
    pid: str,
    number: int,
    *,
    error: str | None = None,
    status: int = 200,
    saved: bool = False,
) -> Response:
    svc = services(request)
    polls = await svc.surveys.polls(survey)
    step = Step(survey, tuple(polls), number, await svc.surveys.mine(survey, pid))
    context = {
        "event": event,
        "room": room,
        "error": error,
        "request_id": uuid.uuid4().hex,
        **step_context(step),
    }
    if is_htmx(request):
        html = fragment(request, "fragments/survey_step.html", **context)
        if error is not None:
            html += announce(request, error, error=True)
        elif request.method == "POST":
            html += announce(request, _announcement(request_lang(request), step, saved))
        return HTMLResponse(html, status_code=status)
    return page(request, "survey.html", status, **context)


def _announcement(lang: Lang, step: Step, saved: bool) -> str:
    """What the status region says after a step: whether the answer was saved, and where the
    participant is now."""
    if step.done:
        where = translate(lang, _n("Danke! Sie haben das Ende der Umfrage erreicht."))
    else:
        numbers: dict[str, object] = {"num": step.number, "total": step.total}
        where = translate(lang, _n("Frage %(num)d von %(total)d"), numbers)
    return f"{translate(lang, SAVED)} {where}" if saved else where


async def survey_page(request: Request) -> Response:
    """``/e/CODE/survey/ID?step=N``: question N (without a step: the first unanswered one)."""
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    survey, room = await _participant_survey(request, event)
    access = await resolve(request, event)
    try:
        pid, new_token = await participant_or_new(request, event, access)
    except Forbidden:
        # An event that requires the projector's code: the room page asks for it first.
        return redirect(f"/e/{event.code}?room={room.id}")
    if "step" in request.query_params:
        number = rules.step_of(survey, request.query_params.get("step"))
    else:
        number = rules.first_unanswered(survey, await svc.surveys.mine(survey, pid))
    response = await _step_page(request, event, room, survey, pid, number)
    keep_participant(request, response, event, new_token)
    return response


async def survey_answer(request: Request) -> Response:
    """The step's form: the answer (if any) sent as an ordinary vote, then the next step
    (``go`` "next") or the one before ("back"). An answer refused (the survey closed, a bad
    value) shows the same step again with the message; nothing was counted."""
    form = await read_form(request)
    svc = services(request)
    event = await svc.events.event(request.path_params["code"], max_age=ACTION_MAX_AGE)
    survey, room = await _participant_survey(request, event)
    access = await resolve(request, event)
    if access.participant_id is None:
        return redirect(f"/e/{event.code}?room={room.id}&again=1")
    pid = access.participant_id
    number = rules.step_of(survey, field(form, "step"))
    poll_id = field(form, "poll_id")
    if poll_id not in survey.poll_ids:
        error = DomainError("poll_not_found", _n("Diese Abstimmung gibt es nicht."))
        return await _step_page(
            request, event, room, survey, pid, number, error=error_text(request, error), status=404
        )
    poll = await svc.polls.known(event, poll_id)
    kwargs = vote_answer(poll, form)
    saved = _answered(form)
    if saved:
        try:
            await svc.polls.vote(event, pid, poll.id, request_id=request_id_of(form), **kwargs)
        except DomainError as exc:
            return await _step_page(
                request,
                event,
                room,
                survey,
                pid,
                number,
                error=error_text(request, exc),
                status=status_for(exc),
            )
    number = max(1, number - 1) if field(form, "go") == "back" else number + 1
    if is_htmx(request):
        return await _step_page(request, event, room, survey, pid, number, saved=saved)
    lang = field(form, "lang")
    extra = f"&lang={lang}" if lang in ("de", "en") else ""
    return redirect(f"/e/{event.code}/survey/{survey.id}?step={number}{extra}")


# --- the console -------------------------------------------------------------------------------


def _region(lang: Lang, state: Any) -> str:
    return moderator_surveys_region(lang, state).frame


async def console_create(request: Request) -> Response:
    """The console's "Umfrage „Abschlussevaluation“ anlegen": a draft from a template, in the
    moderator's language."""
    form = await read_form(request)
    event, room = await room_of_request(request)
    lang = request_lang(request)

    async def act() -> str:
        survey = await _from_template(request, event, room, field(form, "template"), lang)
        return translate(lang, CREATED, {"title": survey.title})

    return await moderation_answer(request, event, room, act(), _region, "#mod-surveys")


async def console_action(request: Request) -> Response:
    """Open or close a survey (``action`` in the URL)."""
    event, access = await moderated_event(request)
    svc = services(request)
    survey = await svc.surveys.survey(event, request.path_params["survey_id"])
    room = await svc.events.room(event, survey.room_id)
    access.require_room(room)
    lang = request_lang(request)
    action = request.path_params["action"]

    async def act() -> str:
        if action == "open":
            done = await svc.surveys.open(event, survey.id)
            return translate(lang, OPENED, {"title": done.title})
        if action == "close":
            done = await svc.surveys.close(event, survey.id)
            return translate(lang, CLOSED, {"title": done.title})
        raise DomainError("invalid_action", _n("Diese Aktion gibt es nicht."))

    return await moderation_answer(request, event, room, act(), _region, "#mod-surveys")


async def setup_create(request: Request) -> Response:
    """The setup page's "Umfrage „Abschlussevaluation“ anlegen" for a room: a draft before the
    event, opened later on the room's console."""
    form = await read_form(request)
    event = await organiser_event(request)
    room = await services(request).events.room(event, request.path_params["room_id"])
    await _from_template(request, event, room, field(form, "template"), request_lang(request))
    return back_to_setup(event, "survey_created", f"room-{room.id}")


async def _from_template(
    request: Request, event: Event, room: Room, key: object, lang: Lang
) -> Survey:
    template = rules.template(key)
    if template is None:
        raise DomainError("unknown_template", _n("Diese Vorlage gibt es nicht."))
    title, questions = template_questions(template, lambda msgid: translate(lang, msgid))
    return await services(request).surveys.create(event, room, title=title, questions=questions)


# --- the JSON interface ------------------------------------------------------------------------


async def _survey_json(
    request: Request, event: Event, survey: Survey, *, moderator: bool
) -> dict[str, Any]:
    svc = services(request)
    progress = await svc.surveys.progress(survey)
    results = await svc.surveys.results(survey, event)
    return {
        **shapes.survey_dict(survey),
        "started": progress.started,
        "finished": progress.finished,
        "questions": [shapes.poll_dict(p, r, moderator=moderator) for p, r in results],
    }


async def api_create(request: Request) -> Response:
    """POST …/rooms/{room_id}/surveys ``{"title", "questions": [poll body, ...]}`` or
    ``{"template": "abschlussevaluation"}`` (in the language of ``?lang=``): 201 survey."""
    event, access = await moderated_event(request)
    svc = services(request)
    room = await svc.events.room(event, request.path_params["room_id"])
    access.require_room(room)
    body = parse_json(await read_body(request))
    if "template" in body:
        survey = await _from_template(request, event, room, body["template"], request_lang(request))
    else:
        survey = await svc.surveys.create(
            event, room, title=body.get("title"), questions=body.get("questions")
        )
    return json_response(await _survey_json(request, event, survey, moderator=True), 201)


async def api_list(request: Request) -> Response:
    """GET …/rooms/{room_id}/surveys: the room's surveys (drafts for its moderators only)."""
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    room = await svc.events.room(event, request.path_params["room_id"])
    access = await resolve(request, event)
    moderator = access.moderates(room.id)
    found = [
        await _survey_json(request, event, s, moderator=moderator)
        for s in await svc.surveys.surveys(event, room)
        if moderator or s.state != "draft"
    ]
    return json_response(found)


async def api_get(request: Request) -> Response:
    """GET …/surveys/{survey_id}: the survey with its questions (polls) and results."""
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    access = await resolve(request, event)
    survey = await svc.surveys.survey(event, request.path_params["survey_id"])
    moderator = access.moderates(survey.room_id)
    if survey.state == "draft" and not moderator:
        survey = await svc.surveys.survey(event, survey.id, moderator=False)  # not found
    return json_response(await _survey_json(request, event, survey, moderator=moderator))


async def _in_scope(request: Request) -> tuple[Event, Survey]:
    event, access = await moderated_event(request)
    svc = services(request)
    survey = await svc.surveys.survey(event, request.path_params["survey_id"])
    access.require_room(await svc.events.room(event, survey.room_id))
    return event, survey


async def api_patch(request: Request) -> Response:
    """PATCH …/surveys/{survey_id} ``{"title"?, "state"?: "open"|"closed"}``."""
    event, survey = await _in_scope(request)
    body = parse_json(await read_body(request))
    if not body or not set(body) <= {"title", "state"}:
        raise DomainError("invalid_body", _n("Erlaubt sind die Felder title und state."))
    changed = await services(request).surveys.change(event, survey.id, body)
    return json_response(await _survey_json(request, event, changed, moderator=True))


async def api_open(request: Request) -> Response:
    event, survey = await _in_scope(request)
    opened = await services(request).surveys.open(event, survey.id)
    return json_response(await _survey_json(request, event, opened, moderator=True))


async def api_close(request: Request) -> Response:
    event, survey = await _in_scope(request)
    closed = await services(request).surveys.close(event, survey.id)
    return json_response(await _survey_json(request, event, closed, moderator=True))
