"""The JSON HTTP API, /api/v1 (../shared/CONTRACT.md; documented in docs/api.md).

Moderator calls carry ``Authorization: Bearer <token>``: the organiser's, or a room link's for
that room's calls (live/web/access.py). Errors have the contract's JSON shape
(live/web/errors.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from live.domain import labels as label_rules
from live.domain import polls as poll_rules
from live.domain import qa_paging
from live.domain import questions as qa_rules
from live.domain.errors import DomainError
from live.domain.models import Event, HiddenKind, Poll
from live.domain.text import _n
from live.errors import Forbidden
from live.service.polls import poll_not_found
from live.views import api as shapes
from live.web.access import moderated_event, organiser_event, resolve
from live.web.forms import parse_json, read_body
from live.web.identity import bearer, client_address
from live.web.responses import json_response
from live.web.runtime import runtime, services
from live.web.security import base_url


def links(request: Request, code: str, room_id: str, token: str) -> dict[str, str]:
    base = base_url(request, runtime(request).settings)
    return {
        "participant": f"{base}/e/{code}",
        "screen": f"{base}/e/{code}/screen?room={room_id}",
        "moderate": f"{base}/e/{code}/moderate?token={token}",
    }


# --- events and rooms ------------------------------------------------------------------------


async def create_event(request: Request) -> Response:
    # LIVE_ADMIN_TOKEN, when the instance sets one; wrong guesses are budgeted per address.
    services(request).admin.check(bearer(request), client_address(request))
    body = parse_json(await read_body(request))
    created = await services(request).events.create_event(body.get("title"), body.get("rooms"))
    code = created.event.code
    return json_response(
        {
            **shapes.event_dict(created.event, created.rooms),
            "moderator_token": created.moderator_token,
            "links": links(request, code, created.rooms[0].id, created.moderator_token),
        },
        201,
    )


async def get_event(request: Request) -> Response:
    events = services(request).events
    event = await events.event(request.path_params["code"])
    return json_response(shapes.event_dict(event, await events.rooms(event)))


async def delete_event(request: Request) -> Response:
    """Delete the event with all its data (organiser token). 204; 404 once it is gone."""
    event = await organiser_event(request)
    await services(request).retention.delete_event(event)
    return Response(status_code=204)


async def join(request: Request) -> Response:
    """A new anonymous identity. The body is optional: ``{"join_code": "1234"}``, the code on
    the projector, when the event requires it (403 join_code_required / join_code_wrong)."""
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    body = parse_json(await read_body(request))
    _pid, token = await svc.participants.join(event, client_address(request), body.get("join_code"))
    return json_response({"participant_token": token}, 201)


async def add_room(request: Request) -> Response:
    event = await organiser_event(request)
    body = parse_json(await read_body(request))
    room = await services(request).events.add_room(
        event, body.get("name"), parallel_polls=body.get("parallel_polls", False)
    )
    return json_response(shapes.room_dict(room), 201)


async def patch_room(request: Request) -> Response:
    """``{"parallel_polls": bool, "applause_via_stream": bool, "screen_label": str | null,
    "ideas_open": bool}``
    (the organiser or the room's moderator) and ``{"name": str}`` (the organiser): every field
    is checked before anything changes."""
    event, access = await moderated_event(request)
    events = services(request).events
    room = await events.room(event, request.path_params["room_id"])
    access.require_room(room)
    body = parse_json(await read_body(request))
    allowed = {"name", "parallel_polls", "applause_via_stream", "screen_label", "ideas_open"}
    if not body or not set(body) <= allowed:
        msg = _n(
            "Erlaubt sind die Felder name, parallel_polls, applause_via_stream, screen_label"
            " und ideas_open."
        )
        raise DomainError("invalid_body", msg)
    if "name" in body and not access.organiser:
        msg = _n("Zum Umbenennen eines Raums ist der Moderationszugang der Veranstaltung nötig.")
        raise Forbidden("forbidden", msg)
    return json_response(shapes.room_dict(await events.update_room(event, room.id, body)))


async def create_room_link(request: Request) -> Response:
    """A new secret moderator token for one room (organiser only); the old one stops working."""
    event = await organiser_event(request)
    events = services(request).events
    room = await events.room(event, request.path_params["room_id"])
    token = await events.create_room_link(room)
    base = base_url(request, runtime(request).settings)
    return json_response(
        {
            "room_id": room.id,
            "moderator_token": token,
            "links": {
                "moderate": f"{base}/e/{event.code}/moderate?room={room.id}&token={token}",
                "screen": f"{base}/e/{event.code}/screen?room={room.id}",
            },
        },
        201,
    )


async def revoke_room_link(request: Request) -> Response:
    event = await organiser_event(request)
    events = services(request).events
    await events.revoke_room_link(await events.room(event, request.path_params["room_id"]))
    return Response(status_code=204)


# --- polls -----------------------------------------------------------------------------------


async def set_screen(request: Request) -> Response:
    """Switch a room's projector: ``{"mode": ..., "poll_id": ...}`` (poll_id for the modes
    "poll" and "words"); answers the room's screen as the moderators' control shows it."""
    event, access = await moderated_event(request)
    svc = services(request)
    room = await svc.events.room(event, request.path_params["room_id"])
    access.require_room(room)
    body = parse_json(await read_body(request))
    mode = await svc.screen.set_mode(event, room, body.get("mode"), body.get("poll_id"))
    room = await svc.events.room(event, room.id)
    return json_response({"room_id": room.id, "mode": mode, "poll_id": room.screen_poll_id})


async def create_poll(request: Request) -> Response:
    event, access = await moderated_event(request)
    svc = services(request)
    room = await svc.events.room(event, request.path_params["room_id"])
    access.require_room(room)
    body = parse_json(await read_body(request))
    poll = await svc.polls.create(
        event,
        room,
        question=body.get("question"),
        kind=body.get("kind", "single"),
        options=body.get("options", []),
        scale_min=body.get("min"),
        scale_max=body.get("max"),
        visibility=body.get("visibility", "after_vote"),
        screen_results=body.get("screen_results", "live"),
        max_answers=body.get("max_answers"),
        joined_before_only=body.get("joined_before_only", False),
        max_ranked=body.get("max_ranked"),
        budget=body.get("budget"),
        scale_min_label=body.get("min_label"),
        scale_max_label=body.get("max_label"),
    )
    return await _poll_answer(request, poll, 201, moderator=True)


async def get_poll(request: Request) -> Response:
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    access = await resolve(request, event)
    poll = await svc.polls.poll(event, request.path_params["poll_id"])
    moderator = access.moderates(poll.room_id)
    if not poll_rules.visible_to(poll, moderator=moderator):
        raise poll_not_found()  # drafts are the moderators' business until they open
    return await _poll_answer(request, poll, moderator=moderator)


async def _poll_in_scope(request: Request) -> tuple[Event, Poll]:
    """The poll of the URL, for the organiser or its room's moderator."""
    event, access = await moderated_event(request)
    svc = services(request)
    poll = await svc.polls.poll(event, request.path_params["poll_id"])
    access.require_room(await svc.events.room(event, poll.room_id))
    return event, poll


async def open_poll(request: Request) -> Response:
    event, poll = await _poll_in_scope(request)
    opened = await services(request).polls.open(event, poll.id)
    return await _poll_answer(request, opened, moderator=True)


async def open_next_poll(request: Request) -> Response:
    """Open the room's next prepared poll of its run sheet (closing the open one, unless the
    room allows parallel polls); 409 no_next_poll when there is none."""
    event, access = await moderated_event(request)
    svc = services(request)
    room = await svc.events.room(event, request.path_params["room_id"])
    access.require_room(room)
    opening = await svc.polls.open_next(event, room)
    return await _poll_answer(request, opening.poll, moderator=True)


async def close_poll(request: Request) -> Response:
    event, poll = await _poll_in_scope(request)
    closed = await services(request).polls.close(event, poll.id)
    return await _poll_answer(request, closed, moderator=True)


async def patch_poll(request: Request) -> Response:
    """The results settings: ``visibility`` (phones) and ``screen_results`` (projector); and
    ``joined_before_only`` (only participants who joined before the poll opened may vote)."""
    event, poll = await _poll_in_scope(request)
    body = parse_json(await read_body(request))
    if not body or not set(body) <= {"visibility", "screen_results", "joined_before_only"}:
        msg = _n("Erlaubt sind die Felder visibility, screen_results und joined_before_only.")
        raise DomainError("invalid_body", msg)
    changed = await services(request).polls.change_settings(event, poll.id, body)
    return await _poll_answer(request, changed, moderator=True)


async def hide_word(request: Request) -> Response:
    """``{"word": str, "hidden": bool}``: take a word out of a text poll's word cloud (hidden
    defaults to true) or put it back."""
    return await _hide(request, "word")


async def hide_answer(request: Request) -> Response:
    """``{"answer": str, "hidden": bool}``: the same for a whole answer."""
    return await _hide(request, "answer")


async def _hide(request: Request, kind: HiddenKind) -> Response:
    event, poll = await _poll_in_scope(request)
    name = kind  # the body field is named after what it holds
    body = parse_json(await read_body(request))
    hidden = body.get("hidden", True)
    if name not in body or not set(body) <= {name, "hidden"} or not isinstance(hidden, bool):
        msg = _n("Erwartet werden die Felder %(field)s (Text) und hidden (true oder false).")
        raise DomainError("invalid_body", msg, field=name)
    changed = await services(request).polls.hide(event, poll.id, kind, body[name], hidden=hidden)
    return await _poll_answer(request, changed, moderator=True)


async def _poll_answer(
    request: Request, poll: Poll, status: int = 200, *, moderator: bool = False
) -> Response:
    """A poll as the API shows it: with its results (``moderator``: and what was hidden)."""
    event = await services(request).events.event(request.path_params["code"])
    results = await services(request).polls.results(poll, event)
    return json_response(shapes.poll_dict(poll, results, moderator=moderator), status)


# --- questions -------------------------------------------------------------------------------


async def list_questions(request: Request) -> Response:
    """Approved and answered questions by upvotes (most first, ties oldest first); with a
    moderator's token, all of them. One page at a time (issue 21):

    - ``?limit=N``: at most N questions, 1..500 (qa_paging.MAX_LIMIT); 100 without it.
    - ``?cursor=C``: the page after the one whose answer carried ``C``; without it the first.
      ``C`` is opaque; it names a position in the order, not an offset, so questions asked or
      deleted meanwhile shift nothing.
    - ``?label=L``: only the questions with label ``L``, one of the event's labels
      (label_rules.query_label; 400 ``invalid_label`` otherwise). The order and the cursors
      are the unfiltered list's, so a cursor stays valid with the filter (and without it).

    The body stays the contract's ``[question, ...]``; the headers say how to go on:
    ``X-Next-Cursor`` (absent on the last page), ``Link: <…>; rel="next"`` with the URL of the
    next page, and ``X-Total-Count`` (how many questions the caller may see in all). A bad
    ``limit`` or ``cursor`` answers 400 (``invalid_limit``, ``invalid_cursor``) and reads
    nothing; a bad ``label`` answers 400 before any question is read."""
    limit = qa_paging.parse_limit(request.query_params.get("limit"))
    cursor = request.query_params.get("cursor")
    if cursor is not None:
        qa_paging.decode_cursor(cursor, "votes")  # refused before anything is read
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    room = await svc.events.room(event, request.path_params["room_id"])
    label = label_rules.query_label(event, request.query_params.get("label"))
    moderator = (await resolve(request, event)).moderates(room.id)
    questions = [
        q
        for q in await svc.questions.in_room(room)
        if qa_rules.visible_to(q, participant_id=None, moderator=moderator)
        and (label is None or q.label == label)
    ]
    found = qa_paging.cursor_page(questions, "votes", limit, cursor)
    response = json_response([shapes.question_dict(q, room) for q in found.items])
    response.headers["X-Total-Count"] = str(found.total)
    if found.next_cursor is not None:
        response.headers["X-Next-Cursor"] = found.next_cursor
        next_url = request.url.include_query_params(limit=limit, cursor=found.next_cursor)
        response.headers["Link"] = f'<{next_url.path}?{next_url.query}>; rel="next"'
    return response


async def patch_question(request: Request) -> Response:
    event, access = await moderated_event(request)
    svc = services(request)
    target = await svc.questions.question(event, request.path_params["question_id"])
    access.require_room(await svc.events.room(event, target.room_id))
    body = parse_json(await read_body(request))
    known = {"state", "highlighted", "answer", "text", "label"}
    if not body or not set(body) <= known:
        raise DomainError(
            "invalid_body",
            _n("Erlaubt sind die Felder state, highlighted, answer, text und label."),
        )
    question = await svc.questions.moderate(
        event,
        target.id,
        state=body.get("state"),
        highlighted=body.get("highlighted"),
        answer=body.get("answer"),
        text=body.get("text"),
        answer_given="answer" in body,
        label=body.get("label"),
        label_given="label" in body,
    )
    room = await svc.events.room(event, question.room_id)
    return json_response(shapes.question_dict(question, room))


async def merge_question(request: Request) -> Response:
    """``{"duplicate": question_id}``: merge that question into the one of the URL (issue 24).
    Answers the merged question; a repeat answers it again and changes nothing."""
    event, access = await moderated_event(request)
    svc = services(request)
    target = await svc.questions.question(event, request.path_params["question_id"])
    access.require_room(await svc.events.room(event, target.room_id))
    body = parse_json(await read_body(request))
    if set(body) != {"duplicate"} or not isinstance(body["duplicate"], str):
        msg = _n("Erwartet wird das Feld duplicate (die Kennung der doppelten Frage).")
        raise DomainError("invalid_body", msg)
    question = await svc.questions.merge(event, target.id, body["duplicate"])
    room = await svc.events.room(event, question.room_id)
    return json_response(shapes.question_dict(question, room))


async def split_question(request: Request) -> Response:
    """Take back the merge of the question of the URL, a merged duplicate (issue 24). No body.
    Answers the question, back in the lists; a repeat (or a question never merged) answers
    it as it is and changes nothing."""
    event, access = await moderated_event(request)
    svc = services(request)
    duplicate = await svc.questions.question(event, request.path_params["question_id"])
    access.require_room(await svc.events.room(event, duplicate.room_id))
    question = await svc.questions.split(event, duplicate.id)
    room = await svc.events.room(event, question.room_id)
    return json_response(shapes.question_dict(question, room))


# --- the operator ----------------------------------------------------------------------------


async def healthz(request: Request) -> Response:
    checks = await services(request).health()
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", **checks}, 200 if ok else 503)
