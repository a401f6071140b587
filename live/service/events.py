"""Events and their rooms: creating them, finding them, their names and settings, the rooms'
secret moderator links. Socket handshakes come in thousands at once (a room reconnecting after
a Wi-Fi blip): their lookups may be served from short-lived copies (``max_age``)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial

from live.domain import ideas as idea_rules
from live.domain import labels as label_rules
from live.domain.codes import normalize_code
from live.domain.errors import DomainError
from live.domain.models import Event, Room
from live.domain.setup import (
    check_applause_via_stream,
    check_parallel_polls,
    check_room_count,
    check_room_name_free,
    clean_room_name,
    clean_room_names,
    clean_title,
)
from live.domain.text import _n
from live.errors import NotFound, Unavailable
from live.hub import Hub
from live.ids import Ids, token_hash
from live.service.changes import publish_change
from live.service.clock import Clock
from live.service.reads import ReadsInFlight
from live.store import DuplicateKey, Store

# Bound of the handshake cache (cleared whole when exceeded: simple, and rare).
RECENT_LIMIT = 10_000
# How old an event or room read may be for a socket handshake.
HANDSHAKE_MAX_AGE = 2.0


@dataclass(frozen=True, slots=True)
class CreatedEvent:
    event: Event
    rooms: list[Room]
    moderator_token: str  # the organiser's; shown once, stored only as a hash


def check_join_code_required(value: object) -> bool:
    if not isinstance(value, bool):
        msg = _n("Die Einstellung join_code_required ist true oder false.")
        raise DomainError("invalid_join_code_required", msg)
    return value


class EventService:
    def __init__(self, store: Store, hub: Hub, ids: Ids, clock: Clock) -> None:
        self.store = store
        self.hub = hub
        self.ids = ids
        self.clock = clock
        self._recent: dict[tuple[str, str], tuple[float, Event | Room]] = {}
        self._reads = ReadsInFlight()

    async def create_event(self, title: object, room_names: object) -> CreatedEvent:
        """``room_names``: a list of names (None or empty: one room, "Plenum")."""
        clean = clean_title(title)
        names = clean_room_names(room_names)
        token = self.ids.token()
        for _attempt in range(8):  # a code collision is rare; retry with a fresh code
            code = self.ids.event_code()
            event = Event(code, clean, self.clock.now(), token_hash(token))
            rooms = [Room(self.ids.object_id(), code, name, i) for i, name in enumerate(names)]
            try:
                await self.store.create_event(event, rooms)
            except DuplicateKey:
                continue
            return CreatedEvent(event, rooms, token)
        raise Unavailable("code_space_exhausted", _n("Bitte versuchen Sie es erneut."))

    async def event(self, raw_code: object, *, max_age: float = 0.0) -> Event:
        """The event by its code as typed (any case, with or without the dash). ``max_age`` > 0:
        a copy read at most that many seconds ago will do (a socket handshake; it keeps the
        event it connected with anyway)."""
        code = normalize_code(raw_code) if isinstance(raw_code, str) else None
        cached = self._fresh(("event", code or ""), max_age)
        if isinstance(cached, Event):
            return cached
        event = None
        if code and max_age > 0:
            event = await self._reads.once(("event", code), partial(self.store.get_event, code))
        elif code:
            event = await self.store.get_event(code)
        if event is None:
            raise NotFound("event_not_found", _n("Diese Veranstaltung gibt es nicht."))
        if max_age > 0:
            self._remember(("event", event.code), event)
        return event

    async def rooms(self, event: Event) -> list[Room]:
        return await self.store.list_rooms(event.code)

    async def room(self, event: Event, room_id: object, *, max_age: float = 0.0) -> Room:
        cached = self._fresh(("room", room_id), max_age) if isinstance(room_id, str) else None
        room = cached if isinstance(cached, Room) else None
        if room is None:
            if isinstance(room_id, str) and max_age > 0:
                room = await self._reads.once(
                    ("room", room_id), partial(self.store.get_room, room_id)
                )
            elif isinstance(room_id, str):
                room = await self.store.get_room(room_id)
            if room is not None and max_age > 0:
                self._remember(("room", room.id), room)
        if room is None or room.event_code != event.code:
            raise NotFound("room_not_found", _n("Diesen Raum gibt es nicht."))
        return room

    async def room_or_first(self, event: Event, room_id: object) -> Room:
        """The room named (e.g. ``?room=``), else the event's first room."""
        if isinstance(room_id, str) and room_id:
            return await self.room(event, room_id)
        return (await self.rooms(event))[0]

    async def add_room(self, event: Event, name: object, *, parallel_polls: object = False) -> Room:
        clean = clean_room_name(name)
        parallel = check_parallel_polls(parallel_polls)
        existing = await self.rooms(event)
        check_room_count(len(existing) + 1)
        check_room_name_free(clean, (r.name for r in existing))
        room = Room(self.ids.object_id(), event.code, clean, len(existing), parallel_polls=parallel)
        await self.store.add_room(room)
        return room

    async def rename_room(self, event: Event, room_id: object, name: object) -> Room:
        return await self.update_room(event, room_id, {"name": name})

    async def update_room(
        self, event: Event, room_id: object, changes: Mapping[str, object]
    ) -> Room:
        """The room's settings named in ``changes`` ("name", "parallel_polls",
        "applause_via_stream", "screen_label", "ideas_open"; other keys are ignored) at once:
        every value is checked before anything is stored, so one bad value changes nothing.
        Returns the room as it is now."""
        room = await self.room(event, room_id)
        name, parallel, label = room.name, room.parallel_polls, room.screen_label
        via_stream = room.applause_via_stream
        if "screen_label" in changes:
            label = label_rules.filter_label(event, changes["screen_label"])
        if "name" in changes:
            name = clean_room_name(changes["name"])
            others = [r.name for r in await self.rooms(event) if r.id != room.id]
            check_room_name_free(name, others)
        if "parallel_polls" in changes:
            parallel = check_parallel_polls(changes["parallel_polls"])
        if "applause_via_stream" in changes:
            via_stream = check_applause_via_stream(changes["applause_via_stream"])
        ideas_open = room.ideas_open
        if "ideas_open" in changes:
            ideas_open = idea_rules.check_open(changes["ideas_open"])
        if name != room.name:
            version = await self.store.rename_room(room.id, name)
            await publish_change(self.hub, room.id, "room.updated", version)
        if parallel != room.parallel_polls:
            version = await self.store.set_parallel_polls(room.id, parallel)
            await publish_change(self.hub, room.id, "room.updated", version)
        if via_stream != room.applause_via_stream:
            # Pushed with the room's next state: the open pages' applause region carries it,
            # so phones fall silent at once (static/applause.js).
            version = await self.store.set_applause_via_stream(room.id, via_stream)
            await publish_change(self.hub, room.id, "room.updated", version)
        if label != room.screen_label:
            version = await self.store.set_screen_label(room.id, label)
            await publish_change(self.hub, room.id, "screen.updated", version)
        if ideas_open != room.ideas_open:
            version = await self.store.set_ideas_open(room.id, ideas_open)
            await publish_change(self.hub, room.id, "ideas.updated", version)
        return replace(
            room,
            name=name,
            parallel_polls=parallel,
            applause_via_stream=via_stream,
            screen_label=label,
            ideas_open=ideas_open,
        )

    # Room links: a secret token per room grants that room's moderation only. The organiser's
    # token stays the only key to the event itself (settings, rooms, links, control room,
    # setup, report). Who holds which is decided in live/web/access.py.

    async def create_room_link(self, room: Room) -> str:
        """A new secret token for the room's moderator (shown once, stored hashed). Renewing
        replaces the old token: the old link stops working at once."""
        token = self.ids.token()
        await self.store.set_room_token(room.id, token_hash(token))
        self._recent.pop(("room", room.id), None)
        return token

    async def revoke_room_link(self, room: Room) -> None:
        await self.store.set_room_token(room.id, None)
        self._recent.pop(("room", room.id), None)

    async def require_join_code(self, event: Event, required: object) -> Event:
        """Whether joining needs the projector's rotating code (live/domain/join_code.py).
        Switching it on makes a new secret, so codes seen before never work again; switching
        it off forgets the secret. Returns the event as it is now."""
        required = check_join_code_required(required)
        if required == event.join_code_required:
            return event
        secret = self.ids.token() if required else None
        await self.store.set_join_code_secret(event.code, secret)
        self._recent.pop(("event", event.code), None)
        return replace(event, join_code_secret=secret)

    def forget(self, code: str, room_ids: Sequence[str]) -> None:
        """Drop this process's copies of a deleted event, so it refuses its sockets at once
        (other processes: within HANDSHAKE_MAX_AGE, then their reads find nothing)."""
        self._recent.pop(("event", code), None)
        for room_id in room_ids:
            self._recent.pop(("room", room_id), None)

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
