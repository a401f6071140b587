"""The participant's phone: the room list with what runs now, the room page (polls, applause,
mood; the Q&A half is in participant_qa.py), and its actions as plain form posts that htmx
enhances. The socket keeps the regions live (live/web/sockets.py)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, Response

from live.domain import join_code, poll_points
from live.domain import pace as pace_rules
from live.domain import questions as qa_rules
from live.domain.errors import DomainError
from live.domain.models import Ballot, Event, Poll, Room
from live.domain.text import _n
from live.errors import Forbidden
from live.fanout.state import RoomState
from live.i18n import translate
from live.service import Services
from live.views.ideas import participant_ideas_html
from live.views.program import TimeFormat
from live.views.regions import applause_region, mood_region, participant_items
from live.web.access import keep_participant, participant_or_new, require_participant, resolve
from live.web.embed import PARAM as EMBED
from live.web.embed import is_embed, keep_embed
from live.web.errors import error_text, status_for
from live.web.forms import as_int, field, form_of_pairs, read_form, request_id_of
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
        **await ideas_context(request, state, pid),
        **await program_context(request, event, rooms, room),
    )
    keep_participant(request, response, event, new_token)
    return response


async def ideas_context(request: Request, state: RoomState, pid: str) -> dict[str, Any]:
    """The idea board's first render (live/views/ideas.py) with this participant's marks."""
    upvoted = frozenset(await services(request).ideas.upvoted_by(pid, list(state.ideas)))
    html = participant_ideas_html(request_lang(request), state, pid, upvoted)
    return {"ideas_html": html, "ideas_upvoted": sorted(upvoted)}


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


def vote_answer(poll: Poll, form: FormData) -> dict[str, Any]:
    """The answer a page's vote form carries, as the poll service takes it (by form post or,
    field by field, over the page socket): malformed values go on as they are, for the domain
    to refuse with its message."""
    if poll.kind == "single":
        return {"choices": [as_int(field(form, "choice"))]}
    if poll.kind == "multiple":
        return {"choices": [as_int(v) for v in form.getlist("choices") if isinstance(v, str)]}
    if poll.kind == "scale":
        return {"value": as_int(field(form, "value"))}
    if poll.kind == "ranking":
        return {"ranking": posted_ranking(poll, form.getlist("ranking"), field(form, "move"))}
    if poll.kind == "points":
        # An empty field gives no points; anything else that is no number is refused.
        return {
            "points": [
                as_int(v) if v.strip() else 0 for v in form.getlist("points") if isinstance(v, str)
            ]
        }
    # One field per answer the poll takes, all named "text"; empty extra ones are fine.
    return {"texts": [v for v in form.getlist("text") if isinstance(v, str)]}


async def cast_from_page(
    conn: HTTPConnection,
    event: Event,
    poll: Poll,
    participant_id: str,
    form: FormData,
    room_id: str | None = None,
) -> tuple[Ballot | None, DomainError | None]:
    """A page's vote through the socket's write path (the store's one writer commits queued
    votes together), with the page's request id (static/live.js): a retried send is counted
    once. ``room_id``: a room's socket votes only in that room's polls. Returns the ballot as
    stored, or the error to show."""
    try:
        written = await services(conn).polls.vote(
            event,
            participant_id,
            poll.id,
            request_id=request_id_of(form),
            room_id=room_id,
            **vote_answer(poll, form),
        )
    except DomainError as exc:
        return None, exc
    return written.ballot, None


async def vote_reply(
    conn: HTTPConnection,
    room: Room,
    poll: Poll,
    participant_id: str,
    cast: Ballot | None,
    error: DomainError | None,
) -> str:
    """This participant's own view of the stage, plus an announcement. The counts are the last
    tick's (live/web/held.py): the push with this vote follows within a tick."""
    lang = request_lang(conn)
    state = await answer_state(conn, room, participant_id, ballots=True, poll_id=poll.id, cast=cast)
    stage = runtime(conn).answers.stage(lang, state, participant_id)
    saved = (
        _n("Ihre Reihenfolge wurde gespeichert.")
        if poll.kind == "ranking"
        else _n("Ihre Stimme wurde gezählt.")
    )
    message = error_text(conn, error) if error is not None else translate(lang, saved)
    return stage + announce(conn, message, error=error is not None)


# The id a page's send carries, as it may stand in the answer's leading comment.
_SENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,100}")


async def socket_vote(
    conn: HTTPConnection,
    event: Event,
    room: Room,
    participant_id: str | None,
    msg: dict[str, object],
) -> str | None:
    """A vote form sent over the page socket (static/live.js sends it there while the socket is
    open): the same write and the same answer as its form post, without the cost of a request
    (at 5,000 phones the HTTP stack, not the vote, held the page path back: docs/benchmarks.md).
    The answer starts with ``<!--sent:ID:ok-->`` (or ``:refused``), a comment htmx does not
    swap, for the page to know that this send landed. A socket opened without a participant
    (``participant_id`` None: the page's cookie did not come back) answers ``<!--sent:ID:post-->``
    alone: the page posts the vote, and the post's answer (the page again, "not counted") is
    the one issue 21 gives. None for a frame no page sends (no fields, no usable request id):
    ignored, as a bad applause grade is."""
    form = form_of_pairs(msg.get("fields"))
    request_id = request_id_of(form) if form is not None else None
    if form is None or request_id is None or not _SENT_ID.fullmatch(request_id):
        return None
    if participant_id is None:
        return f"<!--sent:{request_id}:post-->"
    svc = services(conn)
    try:
        # Fresh enough, as for a form post: the socket's own copies are as old as the socket.
        event = await svc.events.event(event.code, max_age=ACTION_MAX_AGE)
        room = await svc.events.room(event, room.id, max_age=ACTION_MAX_AGE)
        poll = await svc.polls.known(event, msg.get("poll_id"))
    except DomainError as exc:
        return f"<!--sent:{request_id}:refused-->" + announce(
            conn, error_text(conn, exc), error=True
        )
    cast, error = await cast_from_page(conn, event, poll, participant_id, form, room.id)
    verdict = "ok" if error is None else "refused"
    html = await vote_reply(conn, room, poll, participant_id, cast, error)
    return f"<!--sent:{request_id}:{verdict}-->" + html


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
    cast, error = await cast_from_page(request, event, poll, pid, form)
    status = 200 if error is None else status_for(error)
    if not is_htmx(request):
        text = error_text(request, error) if error is not None else None
        return no_js_answer(request, text, status, f"/e/{event.code}?room={room.id}")
    html = await vote_reply(request, room, poll, pid, cast, error)
    return HTMLResponse(html, status_code=status)


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
