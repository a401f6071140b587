"""The JSON HTTP API, /api/v1 (../shared/CONTRACT.md; documented in docs/api.md)."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from live.domain import questions as qa_rules
from live.domain.errors import DomainError
from live.domain.models import Event, Poll
from live.domain.text import _n
from live.errors import Forbidden, NotFound, Unauthorized
from live.service import ModeratorScope
from live.views import api as shapes
from live.web.errors import parse_json, read_body
from live.web.identity import bearer
from live.web.runtime import runtime
from live.web.security import base_url


def _json(value: object, status: int = 200) -> Response:
    return Response(shapes.dumps(value), status_code=status, media_type="application/json")


async def _event_as_moderator(request: Request) -> Event:
    """Organiser-only calls (a room moderator's token gets 403)."""
    service = runtime(request).service
    event = await service.event(request.path_params["code"])
    service.check_moderator(event, bearer(request))
    return event


async def _event_and_scope(request: Request) -> tuple[Event, ModeratorScope]:
    """Room-level calls: the organiser's token or a room moderator's (401 without a token, 403
    for a token that is nobody's). The caller checks ``scope.require(room)`` once it knows the
    room the call acts on: 403 for another room's token."""
    service = runtime(request).service
    event = await service.event(request.path_params["code"])
    return event, await service.moderator_scope(event, bearer(request))


def links(request: Request, code: str, room_id: str, token: str) -> dict[str, str]:
    base = base_url(request, runtime(request).settings)
    return {
        "participant": f"{base}/e/{code}",
        "screen": f"{base}/e/{code}/screen?room={room_id}",
        "moderate": f"{base}/e/{code}/moderate?token={token}",
    }


def check_admin(request: Request) -> None:
    admin = runtime(request).settings.admin_token
    if not admin:
        return
    token = bearer(request)
    if token is None:
        raise Unauthorized(
            "unauthorized", _n("Zum Anlegen einer Veranstaltung ist ein Zugang nötig.")
        )
    if not hmac.compare_digest(token.encode(), admin.encode()):
        raise Forbidden("forbidden", _n("Der Zugang zum Anlegen von Veranstaltungen ist ungültig."))


async def create_event(request: Request) -> Response:
    check_admin(request)
    body = parse_json(await read_body(request))
    rooms = body.get("rooms")
    created = await runtime(request).service.create_event(
        body.get("title"),  # type: ignore[arg-type]
        rooms,  # type: ignore[arg-type]
    )
    code = created.event.code
    return _json(
        {
            **shapes.event_dict(created.event, created.rooms),
            "moderator_token": created.moderator_token,
            "links": links(request, code, created.rooms[0].id, created.moderator_token),
        },
        201,
    )


async def get_event(request: Request) -> Response:
    service = runtime(request).service
    event = await service.event(request.path_params["code"])
    return _json(shapes.event_dict(event, await service.rooms(event)))


async def delete_event(request: Request) -> Response:
    """Delete the event with all its data (organiser token). 204; 404 once it is gone."""
    event = await _event_as_moderator(request)
    await runtime(request).retention.delete_event(event)
    return Response(status_code=204)


async def join(request: Request) -> Response:
    service = runtime(request).service
    event = await service.event(request.path_params["code"])
    _pid, token = await service.join(event)
    return _json({"participant_token": token}, 201)


async def add_room(request: Request) -> Response:
    event = await _event_as_moderator(request)
    body = parse_json(await read_body(request))
    room = await runtime(request).service.add_room(event, body.get("name"))
    return _json(shapes.room_dict(room), 201)


async def create_room_link(request: Request) -> Response:
    """A new secret moderator token for one room (organiser only); the old one stops working."""
    event = await _event_as_moderator(request)
    service = runtime(request).service
    room = await service.room(event, request.path_params["room_id"])
    token = await service.create_room_link(event, room)
    base = base_url(request, runtime(request).settings)
    return _json(
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
    event = await _event_as_moderator(request)
    service = runtime(request).service
    room = await service.room(event, request.path_params["room_id"])
    await service.revoke_room_link(event, room)
    return Response(status_code=204)


async def create_poll(request: Request) -> Response:
    event, scope = await _event_and_scope(request)
    service = runtime(request).service
    room = await service.room(event, request.path_params["room_id"])
    scope.require(room)
    body = parse_json(await read_body(request))
    poll = await service.create_poll(
        event,
        room,
        question=body.get("question"),
        kind=body.get("kind", "single"),
        options=body.get("options", []),
        scale_min=body.get("min"),
        scale_max=body.get("max"),
        visibility=body.get("visibility", "after_vote"),
    )
    return _json(shapes.poll_dict(poll, await service.results(poll)), 201)


async def get_poll(request: Request) -> Response:
    service = runtime(request).service
    event = await service.event(request.path_params["code"])
    poll = await service.poll(event, request.path_params["poll_id"])
    if poll.state == "draft" and not service.is_room_moderator(
        event, await service.room(event, poll.room_id), bearer(request)
    ):
        # Prepared polls are the moderators' business until they open.
        raise NotFound("poll_not_found", _n("Diese Abstimmung gibt es nicht."))
    return _json(shapes.poll_dict(poll, await service.results(poll)))


async def _poll_in_scope(request: Request) -> tuple[Event, Poll]:
    event, scope = await _event_and_scope(request)
    service = runtime(request).service
    poll = await service.poll(event, request.path_params["poll_id"])
    scope.require(await service.room(event, poll.room_id))
    return event, poll


async def open_poll(request: Request) -> Response:
    event, poll = await _poll_in_scope(request)
    service = runtime(request).service
    poll = await service.open_poll(event, poll.id)
    return _json(shapes.poll_dict(poll, await service.results(poll)))


async def close_poll(request: Request) -> Response:
    event, poll = await _poll_in_scope(request)
    service = runtime(request).service
    poll = await service.close_poll(event, poll.id)
    return _json(shapes.poll_dict(poll, await service.results(poll)))


async def list_questions(request: Request) -> Response:
    """Approved and answered questions by upvotes; with the moderator token, all of them."""
    rt = runtime(request)
    event = await rt.service.event(request.path_params["code"])
    room = await rt.service.room(event, request.path_params["room_id"])
    moderator = rt.service.is_room_moderator(event, room, bearer(request))
    questions = [
        q
        for q in await rt.questions.in_room(room)
        if qa_rules.visible_to(q, participant_id=None, moderator=moderator)
    ]
    ordered = qa_rules.ordered(questions, "votes")
    return _json([shapes.question_dict(q, room) for q in ordered])


async def patch_question(request: Request) -> Response:
    event, scope = await _event_and_scope(request)
    rt = runtime(request)
    target = await rt.questions.question(event, request.path_params["question_id"])
    scope.require(await rt.service.room(event, target.room_id))
    body = parse_json(await read_body(request))
    known = {"state", "highlighted", "answer", "text"}
    if not body or not set(body) <= known:
        raise DomainError(
            "invalid_body",
            _n("Erlaubt sind die Felder state, highlighted, answer und text."),
        )
    question = await rt.questions.moderate(
        event,
        request.path_params["question_id"],
        state=body.get("state"),
        highlighted=body.get("highlighted"),
        answer=body.get("answer"),
        text=body.get("text"),
        answer_given="answer" in body,
    )
    room = await rt.service.room(event, question.room_id)
    return _json(shapes.question_dict(question, room))


async def healthz(request: Request) -> Response:
    service = runtime(request).service
    checks = {}
    for name, part in (("store", service.store), ("hub", service.hub)):
        try:
            await part.ping()
            checks[name] = "ok"
        except Exception:
            checks[name] = "unavailable"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", **checks}, 200 if ok else 503)
