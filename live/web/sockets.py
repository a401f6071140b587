"""The room sockets.

- ``/api/v1/events/{code}/rooms/{room_id}/ws``: the public JSON protocol (snapshot, updates,
  votes with ack/error). Without a token the socket is a read-only viewer.
- ``/e/{code}/rooms/{room_id}/live``: the pages' socket; it only pushes HTML regions that htmx
  swaps by id. Pages send their actions as ordinary form posts.

Both register a Connection with the room's channel, which does all the sending.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable
from typing import Any

import orjson
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from live.domain.errors import DomainError
from live.domain.models import Event, Room
from live.domain.qa_paging import MODERATOR_LISTS, PUBLIC_LIST, parse_pages
from live.domain.text import _n
from live.errors import Unavailable
from live.fanout.connection import Connection
from live.fanout.outbox import OutboxOverflow
from live.fanout.types import Role, View
from live.i18n import Lang, translate
from live.service.events import HANDSHAKE_MAX_AGE
from live.service.requests import check_request_id
from live.settings import MAX_FRAME_BYTES
from live.views import api as shapes
from live.views.overlay import parse_overlay
from live.web.access import Access, resolve
from live.web.identity import request_lang
from live.web.participant import socket_vote
from live.web.runtime import runtime, services
from live.web.security import origin_allowed
from live.web.wsprotocol import SCOPE_KEY as FRAMES_EXTENSION

log = logging.getLogger("live.web")

CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009

# Per participant (per socket), not per IP: a venue's Wi-Fi puts hundreds behind one address.
RATE_PER_SECOND = 10.0
RATE_BURST = 30.0


class TokenBucket:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


async def _reject(ws: WebSocket, code: int = CLOSE_POLICY) -> None:
    # Closing before accept makes uvicorn answer the handshake with 403.
    await ws.close(code)


# What a socket may be, from who is asking (live/web/access.py): its role and participant, or
# None to refuse it.
RoleOf = Callable[[Access, Room], "tuple[Role, str | None] | None"]


async def _admit(ws: WebSocket, role_of: RoleOf) -> tuple[Event, Room, Role, str | None] | None:
    """The socket's event and room, its role and participant; None when the socket is already
    rejected. Who is asking is worked out here and not kept: a socket lives for hours, and at
    10,000 sockets every object it holds counts (docs/benchmarks.md)."""
    rt = runtime(ws)
    if not origin_allowed(ws, rt.settings):
        await _reject(ws)
        return None
    events = rt.services.events
    try:
        event = await events.event(ws.path_params["code"], max_age=HANDSHAKE_MAX_AGE)
        room = await events.room(event, ws.path_params["room_id"], max_age=HANDSHAKE_MAX_AGE)
        access = await resolve(ws, event, room=room)
    except Unavailable:
        # The store is down (e.g. Redis restarting): 503, so clients retry instead of giving up.
        await ws.send_denial_response(Response(status_code=503))
        return None
    except DomainError:
        await _reject(ws)
        return None
    decided = role_of(access, room)
    if decided is None:
        await _reject(ws)
        return None
    return event, room, *decided


def _forget_handshake(ws: WebSocket) -> None:
    """Drop the handshake's headers (cookies, user agent …): everything needed from them was
    read before ``accept``, and a socket lives for hours. ~1 KiB each at 10,000 sockets."""
    ws.scope["headers"] = []
    for cached in ("_headers", "_cookies", "_url", "_query_params"):
        ws.__dict__.pop(cached, None)


async def _serve(ws: WebSocket, room_id: str, conn: Connection, on_text: Any) -> None:
    """Run one accepted socket: the receive loop in this task (plus the sender task on the ASGI
    path), until the client goes.

    A close from the server side (``Connection.shut``) needs no task of its own to end this
    loop: once the close frame is out, uvicorn ends the connection when the client answers or
    after its close timeout (a transport closed behind a full buffer is aborted after a few
    seconds), and the receive below returns. At 10,000 sockets the extra tasks this used to
    take cost ~1 KiB each (docs/benchmarks.md)."""
    fanout = runtime(ws).fanout
    entry = ws.scope.get("extensions", {}).get(FRAMES_EXTENSION)
    conn.writer = entry.get("writer") if isinstance(entry, dict) else None
    # Without a direct writer (e.g. Starlette's TestClient) a task sends through ASGI.
    sender = asyncio.create_task(conn.run_sender()) if conn.writer is None else None
    try:
        try:
            await fanout.attach(room_id, conn)
        except Exception:
            # The hub cannot subscribe (Redis down): tell the client to come back shortly.
            log.warning("room %s: cannot attach a socket", room_id, exc_info=True)
            await conn.shut(1013, "try again later")
            return
        await _receive(ws, conn, on_text)
    finally:
        fanout.detach(room_id, conn)
        if sender is not None:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender
        if not conn.closed.is_set() and conn.close_code is None:
            conn.closed.set()


async def _receive(ws: WebSocket, conn: Connection, on_text: Any) -> None:
    while True:
        try:
            message = await ws.receive()
        except (WebSocketDisconnect, RuntimeError):
            return
        if message["type"] == "websocket.disconnect":
            return
        data = message.get("text")
        if data is None and message.get("bytes") is not None:
            raw = message["bytes"]
            if len(raw) > MAX_FRAME_BYTES:
                await conn.shut(CLOSE_TOO_BIG, "frame too large")
                return
            try:
                data = raw.decode("utf-8")
            except UnicodeDecodeError:
                data = ""
        if data is None:
            continue
        # uvicorn enforces the cap at the protocol level; this covers other servers and tests.
        if len(data) > MAX_FRAME_BYTES:
            await conn.shut(CLOSE_TOO_BIG, "frame too large")
            return
        try:
            await on_text(data)
        except OutboxOverflow:
            await conn.shut(1013, "slow")
            return


# --- the public JSON socket ------------------------------------------------------------------


def _request_id_of(data: str) -> object:
    try:
        msg = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return msg.get("request_id") if isinstance(msg, dict) else None


def _json_role(access: Access, room: Room) -> tuple[Role, str | None] | None:
    if access.moderates(room.id):
        return "moderator", None  # the organiser, or this room's moderator link
    if access.participant_id is not None:
        return "participant", access.participant_id
    if access.offered.participant:
        return None  # a wrong token is refused, not silently downgraded
    return "viewer", None


# The message types the public socket takes from participants (docs/api.md).
SOCKET_KINDS = frozenset(
    {
        "applause",
        "vote",
        "ask",
        "upvote",
        "unvote",
        "mood",
        "pace",
        "idea",
        "idea_upvote",
        "idea_unvote",
    }
)


async def api_socket(ws: WebSocket) -> None:
    admitted = await _admit(ws, _json_role)
    if admitted is None:
        return
    event, room, role, participant_id = admitted
    room_id = room.id
    svc = services(ws)
    lang: Lang = request_lang(ws)
    await ws.accept()
    _forget_handshake(ws)
    conn = Connection(ws, "json", lang, participant_id, role)
    bucket = TokenBucket(RATE_PER_SECOND, RATE_BURST)

    def error(request_id: object, code: str, message: str, **params: object) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code}
        # As documented: a string or an integer (JSON's true is a Python int, not an id).
        if isinstance(request_id, str | int) and not isinstance(request_id, bool):
            frame["request_id"] = request_id
        frame["message"] = translate(lang, message, params or None)
        conn.reply(shapes.dumps(frame))

    async def on_text(data: str) -> None:
        # Throttle first: malformed frames cost an answer too. The answer still names the
        # request_id when there is one, so the client can retry exactly that request.
        if not bucket.take():
            error(
                _request_id_of(data),
                "rate_limited",
                _n("Zu viele Nachrichten. Bitte warten Sie kurz."),
            )
            return
        try:
            msg = orjson.loads(data)
        except orjson.JSONDecodeError:
            error(None, "invalid_json", _n("Die Nachricht ist kein gültiges JSON."))
            return
        if not isinstance(msg, dict):
            error(None, "invalid_message", _n("Erwartet wird ein JSON-Objekt."))
            return
        request_id = msg.get("request_id")
        kind = msg.get("type")
        if kind not in SOCKET_KINDS:
            error(request_id, "unknown_type", _n("Unbekannter Nachrichtentyp."))
            return
        if participant_id is None:
            error(
                request_id,
                "not_a_participant",
                _n("Dafür wird ein Token für Teilnehmende benötigt."),
            )
            return
        try:
            if kind == "applause":
                # A state, re-sent every second while clapping: no ack (the contract).
                await svc.applause.set_grade(room_id, participant_id, msg.get("grade"))
                return
            check_request_id(request_id, required=True)
            if kind == "vote":
                await svc.polls.vote(
                    event,
                    participant_id,
                    msg.get("poll_id"),
                    choices=msg.get("choices"),
                    value=msg.get("value"),
                    text=msg.get("text"),
                    texts=msg.get("texts"),
                    ranking=msg.get("ranking"),
                    points=msg.get("points"),
                    request_id=request_id,
                    room_id=room_id,
                )
            elif kind == "mood":
                await svc.mood.set_mood(room, participant_id, msg.get("value"), request_id)
            elif kind == "pace":
                await svc.pace.set_pace(room, participant_id, msg.get("value"), request_id)
            elif kind == "idea":
                await svc.ideas.post(
                    # Fresh: the board may have been opened or closed since the socket opened,
                    # and the event's approval setting changed.
                    await svc.events.event(event.code),
                    await svc.events.room(event, room_id),
                    participant_id,
                    text=msg.get("text"),
                    request_id=request_id,
                )
            elif kind in ("idea_upvote", "idea_unvote"):
                await svc.ideas.set_upvote(
                    event,
                    participant_id,
                    msg.get("idea_id"),
                    up=kind == "idea_upvote",
                    request_id=request_id,
                    room_id=room_id,
                )
            elif kind == "ask":
                await svc.questions.ask(
                    # Fresh: the event's Q&A settings may have changed since this socket opened.
                    await svc.events.event(event.code),
                    room,
                    participant_id,
                    text=msg.get("text"),
                    name=msg.get("name"),
                    request_id=request_id,
                    label=msg.get("label"),
                )
            else:
                await svc.questions.set_upvote(
                    event,
                    participant_id,
                    msg.get("question_id"),
                    up=kind == "upvote",
                    request_id=request_id,
                    room_id=room_id,
                )
        except DomainError as exc:
            error(request_id, exc.code, exc.message, **exc.params)
            return
        conn.reply(shapes.dumps({"type": "ack", "request_id": request_id}))

    await _serve(ws, room_id, conn, on_text)


# --- the pages' socket -----------------------------------------------------------------------

PAGE_VIEWS: dict[str, View] = {
    "participant": "participant",
    "screen": "screen",
    "moderate": "moderator",
    "overlay": "overlay",
}


def _page_role(view: View, access: Access, room: Room) -> tuple[Role, str | None] | None:
    if view == "moderator":
        return ("moderator", None) if access.moderates(room.id) else None
    if view == "participant" and access.participant_id is not None:
        return "participant", access.participant_id
    return "viewer", None


async def page_socket(ws: WebSocket) -> None:
    view = PAGE_VIEWS.get(ws.query_params.get("view", ""))
    if view is None:
        await _reject(ws)
        return
    admitted = await _admit(ws, functools.partial(_page_role, view))
    if admitted is None:
        return
    event, room, role, participant_id = admitted
    room_id = room.id
    lang = request_lang(ws)
    sort = ws.query_params.get("sort", "votes")
    await ws.accept()
    _forget_handshake(ws)
    conn = Connection(ws, view, lang, participant_id, role)
    conn.sort = sort
    lists = MODERATOR_LISTS if view == "moderator" else (PUBLIC_LIST,)
    conn.qa_pages = parse_pages(ws.query_params, lists)
    if view == "overlay":
        conn.parts = parse_overlay(ws.query_params.getlist("parts")).parts

    bucket = TokenBucket(RATE_PER_SECOND, RATE_BURST)

    async def on_text(data: str) -> None:
        """Pages send their actions as form posts, with two exceptions (static/live.js): the
        applause state, which changes too often for a request each time, and a vote while
        this socket is open, which is answered here as its post would be (the form post stays
        for pages without the socket)."""
        if not bucket.take():
            return
        try:
            msg = orjson.loads(data)
        except orjson.JSONDecodeError:
            return
        if not isinstance(msg, dict):
            return
        kind = msg.get("type")
        if kind == "vote":
            # Also from a socket without a participant (its cookie was blocked): it is told to
            # post the vote, and the post's answer says why it did not count.
            answer = await socket_vote(ws, event, room, participant_id, msg)
            if answer is not None:
                conn.reply(answer)
        elif kind == "applause" and participant_id is not None:
            with contextlib.suppress(DomainError):  # a bad grade from a page: ignore it
                await services(ws).applause.set_grade(room_id, participant_id, msg.get("grade"))

    await _serve(ws, room_id, conn, on_text)
