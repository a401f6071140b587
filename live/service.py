"""The use cases. Every write goes: domain rule → store (durable) → hub.publish.

The web layer calls these and never publishes by itself. Errors are DomainError subclasses with a
German msgid; the web layer turns them into JSON errors or German pages.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TypeVar

from live.board.base import BoardError
from live.domain import polls as poll_rules
from live.domain.codes import normalize_code
from live.domain.errors import DomainError
from live.domain.models import Ballot, Event, Poll, Results, Room
from live.domain.setup import check_room_name_free, clean_room_name, clean_title
from live.domain.text import _n
from live.errors import Forbidden, NotFound, Unauthorized, Unavailable
from live.hub import Hub
from live.ids import Ids, token_hash
from live.store import DuplicateKey, PollNotOpen, Store, StoreError

T = TypeVar("T")

MAX_ROOMS = 40
# Bounds of the handshake caches (cleared whole when exceeded: simple, and rare).
RECENT_LIMIT = 10_000
TOKEN_CACHE_LIMIT = 200_000
# How old an event or room read may be for a socket handshake.
HANDSHAKE_MAX_AGE = 2.0


def room_topic(room_id: str) -> str:
    return f"room.{room_id}"


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class CreatedEvent:
    event: Event
    rooms: list[Room]
    moderator_token: str


@dataclass(frozen=True, slots=True)
class ModeratorScope:
    """Whose moderator token it is: the organiser's (``room_id`` None: every room and the
    event itself) or one room's secret link (only that room's polls, questions, projector)."""

    room_id: str | None = None

    @property
    def organiser(self) -> bool:
        return self.room_id is None

    def require(self, room: Room) -> None:
        """Forbidden unless this scope may moderate ``room``."""
        if self.room_id is not None and self.room_id != room.id:
            raise Forbidden(
                "forbidden", _n("Dieser Moderationszugang gilt nur für einen anderen Raum.")
            )


@dataclass(frozen=True, slots=True)
class VoteResult:
    applied: bool
    version: int | None  # None: an earlier delivery was acknowledged; nothing new happened


class LiveService:
    def __init__(
        self,
        store: Store,
        hub: Hub,
        *,
        ids: Ids | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.store = store
        self.hub = hub
        self.ids = ids or Ids()
        self.clock = clock
        # Socket handshakes come in thousands at once (a room reconnecting): their lookups are
        # served from short-lived copies (see ``event``/``room``) and a map of tokens already
        # seen (a token's participant never changes).
        self._recent: dict[tuple[str, str], tuple[float, Event | Room]] = {}
        self._tokens: dict[tuple[str, str], str] = {}
        self._shapes: dict[str, Poll] = {}  # poll id -> a copy for checking ballots (``_ballot``)

    # --- events and rooms -------------------------------------------------------------------

    async def create_event(self, title: str, room_names: Sequence[object] | None) -> CreatedEvent:
        title = clean_title(title)
        names = _clean_room_names(room_names)
        token = self.ids.token()
        for _attempt in range(8):  # a code collision is rare; retry with a fresh code
            code = self.ids.event_code()
            event = Event(code, title, self.clock(), token_hash(token))
            rooms = [Room(self.ids.object_id(), code, name, i) for i, name in enumerate(names)]
            try:
                await guard(self.store.create_event(event, rooms))
            except DuplicateKey:
                continue
            return CreatedEvent(event, rooms, token)
        raise Unavailable("code_space_exhausted", _n("Bitte versuchen Sie es erneut."))

    async def event(self, raw_code: str, *, max_age: float = 0.0) -> Event:
        """``max_age`` > 0: a copy read at most that many seconds ago will do (a socket
        handshake; it keeps the event it connected with anyway)."""
        code = normalize_code(raw_code) if isinstance(raw_code, str) else None
        cached = self._fresh(("event", code or ""), max_age)
        if isinstance(cached, Event):
            return cached
        event = await guard(self.store.get_event(code)) if code else None
        if event is None:
            raise NotFound("event_not_found", _n("Diese Veranstaltung gibt es nicht."))
        if max_age > 0:
            self._remember(("event", event.code), event)
        return event

    def _fresh(self, key: tuple[str, str], max_age: float) -> Event | Room | None:
        if max_age <= 0:
            return None
        hit = self._recent.get(key)
        if hit is None or time.monotonic() - hit[0] > max_age:
            return None
        return hit[1]

    def _remember(self, key: tuple[str, str], value: Event | Room) -> None:
        if len(self._recent) > RECENT_LIMIT:
            self._recent.clear()
        self._recent[key] = (time.monotonic(), value)

    async def rooms(self, event: Event) -> list[Room]:
        return await guard(self.store.list_rooms(event.code))

    async def room(self, event: Event, room_id: object, *, max_age: float = 0.0) -> Room:
        cached = self._fresh(("room", room_id), max_age) if isinstance(room_id, str) else None
        room = cached if isinstance(cached, Room) else None
        if room is None:
            room = await guard(self.store.get_room(room_id)) if isinstance(room_id, str) else None
            if room is not None and max_age > 0:
                self._remember(("room", room.id), room)
        if room is None or room.event_code != event.code:
            raise NotFound("room_not_found", _n("Diesen Raum gibt es nicht."))
        return room

    async def add_room(self, event: Event, name: object) -> Room:
        clean = clean_room_name(name)
        existing = await self.rooms(event)
        if len(existing) >= MAX_ROOMS:
            raise DomainError(
                "too_many_rooms", _n("Höchstens %(max)d Räume je Veranstaltung."), max=MAX_ROOMS
            )
        check_room_name_free(clean, (r.name for r in existing))
        room = Room(self.ids.object_id(), event.code, clean, len(existing))
        await guard(self.store.add_room(room))
        return room

    def forget_event(self, code: str, room_ids: Sequence[str]) -> None:
        """Drop this process's copies of a deleted event, so it refuses its sockets at once
        (other processes: within HANDSHAKE_MAX_AGE, then their reads find nothing)."""
        self._recent.pop(("event", code), None)
        for room_id in room_ids:
            self._recent.pop(("room", room_id), None)
        for key in [k for k in self._tokens if k[0] == code]:
            del self._tokens[key]
        for poll_id in [p for p, poll in self._shapes.items() if poll.event_code == code]:
            del self._shapes[poll_id]

    # --- identity ---------------------------------------------------------------------------

    def check_moderator(self, event: Event, token: str | None) -> None:
        if not token:
            raise Unauthorized(
                "unauthorized", _n("Für diese Aktion ist ein Moderationszugang nötig.")
            )
        if not hmac.compare_digest(token_hash(token), event.moderator_token_hash):
            raise Forbidden("forbidden", _n("Der Moderationszugang ist ungültig."))

    def is_moderator(self, event: Event, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(
            token_hash(token or ""), event.moderator_token_hash
        )

    # Room moderators: a secret link per room grants that room's powers only. The organiser's
    # token (check_moderator) stays the only key to the event itself (settings, rooms, links,
    # control room, setup, report).

    def is_room_moderator(self, event: Event, room: Room, token: str | None) -> bool:
        """The organiser, or the holder of this room's link."""
        if room.event_code != event.code or not token:
            return False
        if self.is_moderator(event, token):
            return True
        wanted = room.moderator_token_hash
        return wanted is not None and hmac.compare_digest(token_hash(token), wanted)

    def check_room_moderator(self, event: Event, room: Room, token: str | None) -> None:
        """401 without a token, 403 unless it is the organiser's or this room's."""
        if not token:
            raise Unauthorized(
                "unauthorized", _n("Für diese Aktion ist ein Moderationszugang nötig.")
            )
        if not self.is_room_moderator(event, room, token):
            raise Forbidden("forbidden", _n("Der Moderationszugang ist ungültig."))

    async def moderator_scope(self, event: Event, token: str | None) -> ModeratorScope:
        """Whose token it is (401 without one, 403 when it is nobody's). For calls that learn
        the room only from the object they act on (a poll, a question): the caller checks
        ``scope.require(room)`` once it knows the room, so a wrong token is 403 before any
        404 of the object."""
        if not token:
            raise Unauthorized(
                "unauthorized", _n("Für diese Aktion ist ein Moderationszugang nötig.")
            )
        if self.is_moderator(event, token):
            return ModeratorScope(None)
        digest = token_hash(token)
        for room in await self.rooms(event):
            wanted = room.moderator_token_hash
            if wanted is not None and hmac.compare_digest(digest, wanted):
                return ModeratorScope(room.id)
        raise Forbidden("forbidden", _n("Der Moderationszugang ist ungültig."))

    async def create_room_link(self, event: Event, room: Room) -> str:
        """A new secret token for the room's moderator (shown once, stored hashed). Renewing
        replaces the old token: the old link stops working at once."""
        if room.event_code != event.code:
            raise NotFound("room_not_found", _n("Diesen Raum gibt es nicht."))
        token = self.ids.token()
        await guard(self.store.set_room_token(room.id, token_hash(token)))
        self._recent.pop(("room", room.id), None)
        return token

    async def revoke_room_link(self, event: Event, room: Room) -> None:
        if room.event_code != event.code:
            raise NotFound("room_not_found", _n("Diesen Raum gibt es nicht."))
        await guard(self.store.set_room_token(room.id, None))
        self._recent.pop(("room", room.id), None)

    async def join(self, event: Event) -> tuple[str, str]:
        """A new anonymous participant: (participant_id, token). Nothing personal is stored."""
        participant_id, token = self.ids.object_id(), self.ids.token()
        await guard(self.store.add_participant(event.code, participant_id, token_hash(token)))
        self._remember_token((event.code, token_hash(token)), participant_id)
        return participant_id, token

    async def participant(self, event: Event, token: str | None) -> str | None:
        if not token or len(token) > 200:
            return None
        key = (event.code, token_hash(token))
        known = self._tokens.get(key)
        if known is not None:
            return known
        participant_id = await guard(self.store.participant_by_token(*key))
        if participant_id is not None:  # only hits: an unknown token may join later
            self._remember_token(key, participant_id)
        return participant_id

    def _remember_token(self, key: tuple[str, str], participant_id: str) -> None:
        if len(self._tokens) > TOKEN_CACHE_LIMIT:
            self._tokens.clear()
        self._tokens[key] = participant_id

    # --- polls ------------------------------------------------------------------------------

    async def create_poll(
        self,
        event: Event,
        room: Room,
        *,
        question: object,
        kind: object,
        options: object,
        scale_min: object = None,
        scale_max: object = None,
        visibility: object = "after_vote",
        agenda_item_id: str | None = None,
    ) -> Poll:
        """``agenda_item_id``: the agenda item the poll is prepared for, already checked to be
        the event's and to run in ``room`` (ProgramService.item_for_poll)."""
        poll = poll_rules.new_poll(
            poll_id=self.ids.object_id(),
            event_code=event.code,
            room_id=room.id,
            question=question,
            kind=kind,
            options=options,
            scale_min=scale_min,
            scale_max=scale_max,
            visibility=visibility,
            now=self.clock(),
        )
        if agenda_item_id is not None:
            poll = replace(poll, agenda_item_id=agenda_item_id)
        version = await guard(self.store.add_poll(poll))
        await self._changed(room.id, "poll.created", version, poll=poll.id)
        return poll

    async def poll(self, event: Event, poll_id: object) -> Poll:
        poll = await guard(self.store.get_poll(poll_id)) if isinstance(poll_id, str) else None
        if poll is None or poll.event_code != event.code:
            raise NotFound("poll_not_found", _n("Diese Abstimmung gibt es nicht."))
        return poll

    async def polls(self, room: Room) -> list[Poll]:
        return await guard(self.store.list_polls(room.id))

    async def results(self, poll: Poll) -> Results:
        return poll_rules.results(poll, await guard(self.store.tally(poll)))

    async def open_poll(self, event: Event, poll_id: object) -> Poll:
        poll = await self.poll(event, poll_id)
        opened = await self._save_poll(poll, poll_rules.open_poll(poll, self.clock()))
        if opened is not poll:
            # Opening puts the poll on the projector: a highlighted question steps aside, and a
            # projector fixed on something else (applause, a slide) goes back to "auto".
            room = await guard(self.store.get_room(poll.room_id))
            if room is not None and room.highlighted_question_id is not None:
                version = await guard(self.store.set_highlight(room.id, None))
                await self._changed(room.id, "questions.updated", version)
            if room is not None and room.screen_mode != "auto":
                version = await guard(self.store.set_screen_mode(room.id, "auto", None))
                await self._changed(room.id, "screen.updated", version)
        return opened

    async def close_poll(self, event: Event, poll_id: object) -> Poll:
        poll = await self.poll(event, poll_id)
        return await self._save_poll(poll, poll_rules.close_poll(poll, self.clock()))

    async def set_visibility(self, event: Event, poll_id: object, visibility: object) -> Poll:
        poll = await self.poll(event, poll_id)
        return await self._save_poll(poll, poll_rules.set_visibility(poll, visibility))

    async def show_on_screen(self, event: Event, room: Room, poll_id: object | None) -> None:
        """Point the room's projector at a poll's results (screen mode "poll"; None: the join
        code and QR, mode "join"). The store clears a highlighted question in the same step."""
        if poll_id is not None:
            poll = await self.poll(event, poll_id)
            if poll.room_id != room.id:
                raise NotFound("poll_not_found", _n("Diese Abstimmung gibt es nicht."))
            if poll.state == "draft":
                raise DomainError("poll_not_open", _n("Diese Abstimmung ist noch nicht geöffnet."))
        chosen = poll_id if isinstance(poll_id, str) else None
        version = await guard(
            self.store.set_screen_mode(room.id, "poll" if chosen else "join", chosen)
        )
        await self._changed(room.id, "screen.updated", version)

    async def _save_poll(self, before: Poll, after: Poll) -> Poll:
        if after == before:
            return before  # idempotent: opening an open poll changes nothing, publishes nothing
        version = await guard(self.store.update_poll(after))
        await self._changed(after.room_id, "poll.updated", version, poll=after.id)
        return after

    async def vote(
        self,
        event: Event,
        participant_id: str,
        poll_id: object,
        *,
        choices: object = None,
        value: object = None,
        text: object = None,
        request_id: object = None,
        room_id: str | None = None,
    ) -> VoteResult:
        """Validate, store durably, then publish. A repeated request_id is acknowledged again
        without counting twice (the store decides atomically) — also when the poll has closed
        since the first delivery, because the client only lost our ack, not its vote.

        ``room_id``: a room's socket votes only in that room's polls."""
        key = check_request_id(request_id)
        try:
            poll, ballot = await self._ballot(event, poll_id, room_id, choices, value, text)
            try:
                outcome = await guard(self.store.cast_vote(poll.id, participant_id, ballot, key))
            except PollNotOpen as exc:
                # Closed between our read and the write: the store refused atomically.
                if exc.state == "closed":
                    raise DomainError(
                        "poll_closed", _n("Diese Abstimmung ist bereits beendet.")
                    ) from None
                raise DomainError(
                    "poll_not_open", _n("Diese Abstimmung ist noch nicht geöffnet.")
                ) from None
        except DomainError:
            if await already_done(self.store, participant_id, request_id):
                return VoteResult(False, None)
            raise
        if outcome.applied:
            await self._changed(poll.room_id, "poll.voted", outcome.version, poll=poll.id)
        return VoteResult(outcome.applied, outcome.version)

    async def _ballot(
        self,
        event: Event,
        poll_id: object,
        room_id: str | None,
        choices: object,
        value: object,
        text: object,
    ) -> tuple[Poll, Ballot]:
        """The poll and the validated ballot. A poll's question, kind, options and scale never
        change after it was created, so a vote is checked against a copy kept from an earlier
        read, taken as open: the store checks the real state atomically with the write (a
        read per vote was a fifth of the CPU of a vote burst). Input the copy refuses goes the
        slow way, so errors stay exactly what a fresh read gives."""
        shape = self._shapes.get(poll_id) if isinstance(poll_id, str) else None
        if (
            shape is not None
            and shape.event_code == event.code
            and (room_id is None or shape.room_id == room_id)
        ):
            try:
                as_open = replace(shape, state="open")
                return shape, poll_rules.make_ballot(
                    as_open, choices=choices, value=value, text=text
                )
            except DomainError:
                pass
        poll = await self.poll(event, poll_id)
        if room_id is not None and poll.room_id != room_id:
            raise NotFound("poll_not_found", _n("Diese Abstimmung gibt es nicht."))
        if len(self._shapes) > RECENT_LIMIT:
            self._shapes.clear()
        self._shapes[poll.id] = poll
        return poll, poll_rules.make_ballot(poll, choices=choices, value=value, text=text)

    async def _changed(self, room_id: str, kind: str, version: int, **extra: str) -> None:
        await publish_change(self.hub, room_id, kind, version, **extra)


def check_request_id(request_id: object, *, required: bool = False) -> str | None:
    """A client's idempotency key: a string of 1..100 characters, or absent (None) unless
    ``required`` (the public socket acknowledges by it, so there it must be present)."""
    if (request_id is None and not required) or (
        isinstance(request_id, str) and 0 < len(request_id) <= 100
    ):
        return request_id
    raise DomainError(
        "invalid_request_id", _n("Die Anfragekennung (request_id) fehlt oder ist ungültig.")
    )


async def already_done(store: Store, participant_id: str, request_id: object) -> bool:
    """Whether a request that now fails was stored before: the client lost our ack, not its
    write, so it is acknowledged again (the contract: a repeat is acked, never counted twice)."""
    return isinstance(request_id, str) and await guard(
        store.request_seen(participant_id, request_id)
    )


async def publish_change(hub: Hub, room_id: str, kind: str, version: int, **extra: str) -> None:
    """Tell every process that the room changed. Publishing can fail after the write was
    durable; that is fine: receivers re-read state and every reconnect gets a snapshot."""
    try:
        await hub.publish(
            room_topic(room_id), {"type": kind, "room": room_id, "version": version, **extra}
        )
    except Exception:  # see docstring: the write already succeeded
        logging.getLogger("live.service").warning("publish failed for %s", room_id, exc_info=True)


async def guard(awaitable: Awaitable[T]) -> T:
    """Turn backend failures (store or board) into a 503-style error the client can retry."""
    try:
        return await awaitable
    except (StoreError, BoardError) as exc:
        if isinstance(exc, DuplicateKey):
            raise
        raise Unavailable(
            "unavailable",
            _n("Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es erneut."),
        ) from exc


def _clean_room_names(raw: Sequence[object] | None) -> list[str]:
    if raw is None:
        return ["Plenum"]
    if not isinstance(raw, list | tuple):
        raise DomainError("invalid_room", _n("Die Räume müssen als Liste angegeben werden."))
    names = [clean_room_name(item) for item in raw]
    if not names:
        return ["Plenum"]
    if len(names) > MAX_ROOMS:
        raise DomainError(
            "too_many_rooms", _n("Höchstens %(max)d Räume je Veranstaltung."), max=MAX_ROOMS
        )
    if len({n.casefold() for n in names}) != len(names):
        raise DomainError("duplicate_room", _n("Jeder Raumname darf nur einmal vorkommen."))
    return names
