"""Who is asking: the one place that turns a cookie, a Bearer token or a socket's ``?token=``
into an ``Access`` (organiser, room moderator, participant or viewer) for pages, the API and
both sockets. Handlers ask it and call its ``require_*``; nothing else decides.

Where credentials come from:
- pages and the page socket: cookies — the organiser's (``live_m_<code>``), one per room link
  (``live_r_<code>_<room>``), the participant's (``live_p_<code>``);
- the JSON API: ``Authorization: Bearer`` (the organiser's token or a room link's);
- the JSON socket: ``?token=`` (either of those, or a participant's token).

A room link gives that room's moderation and nothing else: the organiser's token stays the
only key to the event itself (settings, rooms, room links, control room, setup, report).
401 means no moderator token was offered, 403 one that is nobody's or another room's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from live.domain.models import Event, Room
from live.domain.text import _n
from live.errors import Forbidden, Unauthorized
from live.ids import token_matches
from live.web.embed import keep_embed
from live.web.identity import (
    bearer,
    client_address,
    moderator_cookie,
    participant_cookie,
    room_moderator_cookie,
    set_cookie,
)
from live.web.responses import is_htmx, redirect
from live.web.runtime import runtime, services

NEEDS_TOKEN = _n("Für diese Aktion ist ein Moderationszugang nötig.")
INVALID_TOKEN = _n("Der Moderationszugang ist ungültig.")
OTHER_ROOM = _n("Dieser Moderationszugang gilt nur für einen anderen Raum.")


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a request offers, before anything is checked."""

    organiser: str | None = None  # offered as the organiser's token
    moderator: str | None = None  # offered as a room link's token, room not named
    rooms: Mapping[str, str] = field(default_factory=dict)  # room id -> a room link's token
    participant: str | None = None  # offered as a participant's token

    @property
    def offers_moderator(self) -> bool:
        return bool(self.organiser or self.moderator or self.rooms)


def credentials_of(conn: HTTPConnection, event: Event) -> Credentials:
    if conn.scope["path"].startswith("/api/"):
        if conn.scope["type"] == "websocket":
            token = conn.query_params.get("token") or None
            return Credentials(organiser=token, moderator=token, participant=token)
        token = bearer(conn)
        return Credentials(organiser=token, moderator=token)
    prefix = room_moderator_cookie(event.code, "")
    return Credentials(
        organiser=conn.cookies.get(moderator_cookie(event.code)) or None,
        rooms={
            name.removeprefix(prefix): value
            for name, value in conn.cookies.items()
            if name.startswith(prefix) and value
        },
        participant=conn.cookies.get(participant_cookie(event.code)) or None,
    )


def moderator_token(token: str) -> Credentials:
    """A token offered as some moderator's (the moderate page's ``?token=`` from a link)."""
    return Credentials(organiser=token, moderator=token)


@dataclass(frozen=True, slots=True)
class Access:
    """Who is asking: the organiser (every room and the event itself), the holder of room links
    (``rooms``), a participant (``participant_id``), or, with none of these, a viewer."""

    event: Event
    organiser: bool
    rooms: frozenset[str]  # rooms moderated through a room link (empty for the organiser)
    participant_id: str | None
    offered: Credentials

    def moderates(self, room_id: str) -> bool:
        return self.organiser or room_id in self.rooms

    def require_organiser(self) -> None:
        if self.organiser:
            return
        if not self.offered.organiser:
            raise Unauthorized("unauthorized", NEEDS_TOKEN)
        raise Forbidden("forbidden", INVALID_TOKEN)

    def require_moderator(self) -> None:
        """Some moderator's powers (the organiser's or a room's): checked before the object a
        call acts on is looked up, so a wrong token is 403 before any 404 of the object."""
        if self.organiser or self.rooms:
            return
        if not self.offered.offers_moderator:
            raise Unauthorized("unauthorized", NEEDS_TOKEN)
        raise Forbidden("forbidden", INVALID_TOKEN)

    def require_room(self, room: Room) -> None:
        """The organiser or this room's moderator."""
        self.require_moderator()
        if not self.moderates(room.id):
            raise Forbidden("forbidden", OTHER_ROOM)


async def resolve(
    conn: HTTPConnection,
    event: Event,
    *,
    room: Room | None = None,
    offered: Credentials | None = None,
) -> Access:
    """Who is asking about ``event``. With ``room`` (the sockets) only that room's link counts:
    socket handshakes come in thousands, and a participant's must cost no more than its token
    lookup. Without it every room link of the event is checked (one read of the rooms, only
    when a moderator token other than the organiser's was offered)."""
    svc = services(conn)
    creds = offered or credentials_of(conn, event)
    organiser = token_matches(creds.organiser, event.moderator_token_hash)
    rooms: frozenset[str] = frozenset()
    if not organiser and room is not None:
        rooms = _links_of(creds, [room])
    elif not organiser and (creds.moderator or creds.rooms):
        rooms = _links_of(creds, await svc.events.rooms(event))
    participant_id = None
    # One token (the JSON socket's) may be offered as either: once it is a moderator's, it is
    # not looked up as a participant's.
    if creds.participant and not (creds.participant == creds.moderator and (organiser or rooms)):
        participant_id = await svc.participants.lookup(event, creds.participant)
    unknown = not organiser and not rooms and participant_id is None
    if room is not None and unknown and (creds.moderator or room.id in creds.rooms):
        # The handshake's copy of the room may be a moment older than a link just created.
        rooms = _links_of(creds, [await svc.events.room(event, room.id)])
    return Access(event, organiser, rooms, participant_id, creds)


def _links_of(creds: Credentials, rooms: list[Room]) -> frozenset[str]:
    """The rooms whose link is among the offered tokens."""
    return frozenset(
        room.id
        for room in rooms
        if token_matches(creds.rooms.get(room.id) or creds.moderator, room.moderator_token_hash)
    )


class NotJoined(Exception):
    """A page action from a browser without a participant's cookie (or with one this event does
    not know). Nothing is counted: the browser is sent to the participant page (``page``), which
    gives it an identity. A script posting without cookies thus mints no voters."""

    def __init__(self, page: str) -> None:
        super().__init__(page)
        self.page = page


def require_participant(access: Access, room: Room) -> str:
    """The participant behind a page action's cookie, else NotJoined (to ``room``'s page)."""
    if access.participant_id is None:
        raise NotJoined(f"/e/{access.event.code}?room={room.id}&again=1")
    return access.participant_id


async def not_joined_handler(request: Request, exc: Exception) -> Response:
    """To the participant page: htmx follows HX-Redirect with a full load, a plain form post
    the 303."""
    assert isinstance(exc, NotJoined)
    page = keep_embed(request, exc.page)  # a side panel stays one (live/web/embed.py)
    if is_htmx(request):
        return Response(status_code=204, headers={"hx-redirect": page})
    return redirect(page)


async def participant_or_new(
    conn: HTTPConnection, event: Event, access: Access, join_code: object = None
) -> tuple[str, str | None]:
    """The participant page's visitor: the participant behind the cookie, else a new one (the
    join budget of the client's address may refuse it: TooMany; an event that requires the
    projector's code refuses a missing or wrong ``join_code``: Forbidden). Returns
    (participant_id, new_token_to_set_or_None). A cookie is never asked for a code."""
    if access.participant_id is not None:
        return access.participant_id, None
    return await services(conn).participants.join(event, client_address(conn), join_code)


def keep_participant(
    conn: HTTPConnection, response: Response, event: Event, token: str | None
) -> None:
    """Set the cookie of a participant just created (``participant_or_new``)."""
    if token is not None:
        set_cookie(response, participant_cookie(event.code), token, runtime(conn).settings)


async def organiser_event(conn: HTTPConnection) -> Event:
    """The event of the URL, for its organiser only (401 without the organiser's token, 403
    with another)."""
    event = await services(conn).events.event(conn.path_params["code"])
    (await resolve(conn, event)).require_organiser()
    return event


async def moderated_event(conn: HTTPConnection) -> tuple[Event, Access]:
    """The event of the URL, for some moderator of it (the organiser or a room link's holder):
    401/403 before the object the call acts on is looked up. The caller then checks
    ``access.require_room`` for that object's room."""
    event = await services(conn).events.event(conn.path_params["code"])
    access = await resolve(conn, event)
    access.require_moderator()
    return event, access
