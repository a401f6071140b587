"""The participant's phone: the room list with what runs now, the room page (polls, applause,
mood; the Q&A half is in participant_qa.py), and its actions as plain form posts that htmx
enhances. The socket keeps the regions live (live/web/sockets.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain import join_code, poll_points
from live.domain import pace as pace_rules
from live.domain import questions as qa_rules
from live.domain.errors import DomainError
from live.domain.models import Ballot, Event, Poll, Room
from live.domain.text import _n
from live.errors import Forbidden
from live.i18n import translate
from live.service import Services
from live.views.program import TimeFormat
from live.views.regions import applause_region, mood_region, participant_items
from live.web.access import keep_participant, participant_or_new, require_participant, resolve
from live.web.embed import PARAM as EMBED
from live.web.embed import is_embed, keep_embed
from live.web.errors import error_text, status_for
from live.web.forms import as_int, field, read_form, request_id_of
from live.web.held import ACTION_MAX_AGE, answer_state
from live.web.identity import request_lang
from live.web.participant_qa import qa_context
from live.web.responses import announce, fragment, is_htmx, no_js_answer, page, redirect
from live.web.runtime import runtime, services

# What the participant page answers with the join-code form instead of the room.
JOIN_CODE_ERRORS = frozenset({"join_code_required", "join_code_wrong"})

# The program on the phone is refreshed by htmx every 60 seconds (GET /e/{code}/program), not
# pushed over the room's socket: it changes by the clock (an item starts, an item ends) and
# rarely by an edit, while the room's version moves with every vote and question; tying the
# list to it would make 400 phones re-fetch it on every vote. A timer costs each phone one small
# request a minute (about 7 requests a second for 400 phones, two store reads each) and spreads
# itself out, because every phone loaded the page at a different moment.


async def room_entry(request: Request) -> Response:
    """``/e/CODE/3``: the short link on a room's projector and QR code, straight into the third
    room (no room list to pick from, no chance to vote in the wrong room). A number beyond the
    rooms leads to the room list."""
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    rooms = await svc.events.rooms(event)
    number: int = request.path_params["number"]
    lang = request.query_params.get("lang")
    # The projector's QR code carries its join code (?code=): on to the room page with it.
    extra = {"lang": lang} if lang in ("de", "en") else {}
    if is_embed(request):
        extra[EMBED] = "1"  # a side panel's room link (docs/integrations.md) stays one
    if code := join_code.normalise(request.query_params.get("code")):
        extra["code"] = code
    if 1 <= number <= len(rooms):
        return redirect(f"/e/{event.code}?{urlencode({'room': rooms[number - 1].id, **extra})}")
    return redirect(f"/e/{event.code}" + (f"?{urlencode(extra)}" if extra else ""))


async def participant(request: Request) -> Response:
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    if event.code != request.path_params["code"]:
        # normalised spelling (e.g. lower case typed)
        return redirect(keep_embed(request, f"/e/{event.code}"))
    if is_embed(request) and request.query_params.get(EMBED) != "1":
        # The side panel, reached by a link that could not carry the flag (a pushed region's):
        # the flag into this page's address, so the links from here carry it on.
        return redirect(keep_embed(request, f"{request.url.path}?{request.url.query}"))
    rooms = await svc.events.rooms(event)
    room_id = request.query_params.get("room")
    if room_id is None and len(rooms) == 1:
        room_id = rooms[0].id
    if room_id is None:
        program = await program_context(request, event, rooms, None)
        return page(request, "rooms.html", event=event, rooms=rooms, room=None, **program)
    room = await svc.events.room(event, room_id)
    access = await resolve(request, event)
    try:
        pid, new_token = await participant_or_new(
            request, event, access, request.query_params.get("code")
        )
    except Forbidden as exc:
        if exc.code not in JOIN_CODE_ERRORS:
            raise
        return join_code_form(request, event, room, exc)
    state = await svc.rooms.state(room, pid)
    sort = request.query_params.get("sort", "votes")
    lang = request_lang(request)
    response = page(
        request,
        "participant.html",
        event=event,
        room=room,
        rooms=rooms,
        state=state,
        items=participant_items(state, pid),
        applause_html=applause_region(lang, state).frame,
        mood_html=mood_region(lang, state).frame,
        my_mood=None,
        my_pace=None,
        pace_seconds=int(svc.pace.window.total_seconds()),
        # Sent here by a page action that was not counted (NotJoined): say so.
        not_counted=request.query_params.get("again") == "1",
        **await qa_context(request, state, pid, sort if sort in qa_rules.SORTS else "votes"),
        **await program_context(request, event, rooms, room),
    )
    keep_participant(request, response, event, new_token)
    return response


def join_code_form(request: Request, event: Event, room: Room, exc: Forbidden) -> Response:
    """ "Code von der Leinwand eingeben": the first visit to an event that requires the
    projector's code (a GET form back to this page; the QR code carries the code already)."""
    wrong = exc.code == "join_code_wrong"
    return page(
        request,
        "join_code.html",
        403 if wrong else 200,
        event=event,
        room=room,
        error=error_text(request, exc) if wrong else None,
        typed=str(request.query_params.get("code", ""))[:12],
    )


def posted_ranking(poll: Poll, posted: list[Any], move: str) -> object:
    """The ranking a page's form sends: its hidden fields in order, with the move of an
    up/down button applied (``move`` "<option>:up" or ":down"; the form without JavaScript),
    cut to the places that count. Anything malformed goes to the domain as it is, to be
    refused with its message."""
    order = [as_int(v) if isinstance(v, str) else v for v in posted]
    if not all(isinstance(i, int) for i in order):
        return order
    ints = [i for i in order if isinstance(i, int)]
    option, _, direction = move.partition(":")
    if option.isdigit() and direction in ("up", "down"):
        ints = list(poll_points.moved(ints, int(option), up=direction == "up"))
    return ints[: poll.max_ranked or len(ints)]


def posted_answer(poll: Poll, form: FormData) -> dict[str, Any]:
    """The answer fields of a page's vote form, as PollService.vote takes them (anything
    malformed goes on as it is, for the domain to refuse with its message)."""
    kwargs: dict[str, Any] = {}
    if poll.kind == "single":
        kwargs["choices"] = [as_int(field(form, "choice"))]
    elif poll.kind == "multiple":
        kwargs["choices"] = [as_int(v) for v in form.getlist("choices") if isinstance(v, str)]
    elif poll.kind == "scale":
        kwargs["value"] = as_int(field(form, "value"))
    elif poll.kind == "ranking":
        kwargs["ranking"] = posted_ranking(poll, form.getlist("ranking"), field(form, "move"))
    elif poll.kind == "points":
        # An empty field gives no points; anything else that is no number is refused.
        kwargs["points"] = [
            as_int(v) if v.strip() else 0 for v in form.getlist("points") if isinstance(v, str)
        ]
    else:
        # One field per answer the poll takes, all named "text"; empty extra ones are fine.
        kwargs["texts"] = [v for v in form.getlist("text") if isinstance(v, str)]
    return kwargs


async def vote(request: Request) -> Response:
    form = await read_form(request)
    svc = services(request)
    event = await svc.events.event(request.path_params["code"], max_age=ACTION_MAX_AGE)
    # Drafts are not found here, whoever asks: a page votes only in polls it was shown. The
    # copy a vote is checked against will do (its kind and room never change); the store
    # checks the poll's state with the write, as for a socket's vote.
    poll = await svc.polls.known(event, request.path_params["poll_id"])
    room = await svc.events.room(event, poll.room_id, max_age=ACTION_MAX_AGE)
    pid = require_participant(await resolve(request, event), room)
    kwargs = posted_answer(poll, form)
    error: str | None = None
    status = 200
    cast: Ballot | None = None
    try:
        # The socket's write path (the store's one writer commits queued votes together), with
        # the page's request id (static/live.js): a retried send is counted once.
        written = await svc.polls.vote(
            event, pid, poll.id, request_id=request_id_of(form), **kwargs
        )
        cast = written.ballot
    except DomainError as exc:
        error, status = error_text(request, exc), status_for(exc)
    if not is_htmx(request):
        response = no_js_answer(request, error, status, f"/e/{event.code}?room={room.id}")
    else:
        # htmx: this participant's own view of the stage, plus an announcement. The counts are
        # the last tick's (live/web/held.py): the push with this vote follows within a tick.
        lang = request_lang(request)
        state = await answer_state(request, room, pid, ballots=True, poll_id=poll.id, cast=cast)
        stage = runtime(request).answers.stage(lang, state, pid)
        saved = (
            _n("Ihre Reihenfolge wurde gespeichert.")
            if poll.kind == "ranking"
            else _n("Ihre Stimme wurde gezählt.")
        )
        message = error or translate(lang, saved)
        html = stage + announce(request, message, error=error is not None)
        response = HTMLResponse(html, status_code=status)
    return response


async def set_mood(request: Request) -> Response:
    def answer(value: object, failed: bool) -> tuple[str, dict[str, object], str]:
        context = {"my_mood": None if failed else value}
        return "fragments/mood_input.html", context, _n("Danke! Ihre Stimmung ist gespeichert.")

    return await _room_signal(
        request, lambda form: as_int(field(form, "value")), lambda svc: svc.mood.set_mood, answer
    )


async def set_pace(request: Request) -> Response:
    """Pace and technics feedback (live/service/pace.py), answered like the mood: the form
    again with the pressed button, and an announcement."""
    window = services(request).pace.window

    def answer(value: object, failed: bool) -> tuple[str, dict[str, object], str]:
        context = {
            "my_pace": None if failed else value,
            "pace_seconds": int(window.total_seconds()),
        }
        message = (
            _n("Ihre Meldung ist zurückgenommen.")
            if value == pace_rules.NONE
            else _n("Danke! Die Moderation sieht Ihre Meldung.")
        )
        return "fragments/pace_input.html", context, message

    return await _room_signal(
        request, lambda form: field(form, "value"), lambda svc: svc.pace.set_pace, answer
    )


# The service call of a room signal: (room, participant, value, request id).
SignalWrite = Callable[[Room, str, Any, object], Awaitable[object]]


async def _room_signal(
    request: Request,
    value_of: Callable[[FormData], object],
    write_of: Callable[[Services], SignalWrite],
    answer: Callable[[object, bool], tuple[str, dict[str, object], str]],
) -> Response:
    """A participant's signal to the room (mood, pace): written, then answered with the form
    again (``answer``: its template, context and thanks, given the value and whether the write
    failed) and an announcement; without JS a redirect back to the room."""
    form = await read_form(request)
    svc = services(request)
    event = await svc.events.event(request.path_params["code"], max_age=ACTION_MAX_AGE)
    room = await svc.events.room(event, request.path_params["room_id"], max_age=ACTION_MAX_AGE)
    pid = require_participant(await resolve(request, event), room)
    value = value_of(form)
    error: str | None = None
    status = 200
    try:
        await write_of(svc)(room, pid, value, request_id_of(form))
    except DomainError as exc:
        error, status = error_text(request, exc), status_for(exc)
    if not is_htmx(request):
        return no_js_answer(request, error, status, f"/e/{event.code}?room={room.id}")
    template, context, thanks = answer(value, error is not None)
    html = fragment(request, template, event=event, room=room, **context)
    message = error or translate(request_lang(request), thanks)
    html += announce(request, message, error=error is not None)
    return HTMLResponse(html, status_code=status)


# --- the program ---------------------------------------------------------------------------


async def program_context(
    request: Request, event: Event, rooms: list[Room], room: Room | None
) -> dict[str, Any]:
    """What templates/fragments/room_now.html and room_program.html need."""
    rt = runtime(request)
    entries = await rt.services.program.rooms_now(event, rooms)
    return {
        "rooms_now": entries,
        "room_now": next((e for e in entries if room is not None and e.room.id == room.id), None),
        "times": TimeFormat(rt.settings.zone, request_lang(request)),
        "now": rt.services.clock.now(),
    }


async def room_program(request: Request) -> Response:
    """The room list (and, with ?room=, that room's "now" line, out of band) for the refresh."""
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    rooms = await svc.events.rooms(event)
    room_id = request.query_params.get("room")
    room = await svc.events.room(event, room_id) if room_id else None
    context = await program_context(request, event, rooms, room)
    html = fragment(request, "fragments/room_program.html", event=event, room=room, **context)
    if room is not None:
        html += fragment(
            request, "fragments/room_now.html", event=event, room=room, oob=True, **context
        )
    response = HTMLResponse(html)
    response.headers["cache-control"] = "no-store"
    return response
