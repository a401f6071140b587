"""Event setup use cases: title and days, rooms, the agenda, prepared polls, the setup file.

Same shape as the other services: domain rule (live/domain/setup.py, setup_file.py) → store
(durable) → hub.publish ("the room changed"). Only the organiser calls the writes; the web layer
checks that (LiveService.check_moderator) before calling.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from live.domain import agenda as agenda_rules
from live.domain import setup as rules
from live.domain.errors import DomainError
from live.domain.models import AgendaItem, Event, Poll, Room
from live.domain.program import next_up, running_now
from live.domain.setup_file import SetupPlan, export_setup, plan_import
from live.domain.text import _n
from live.errors import NotFound
from live.service import MAX_ROOMS, LiveService, guard, publish_change


@dataclass(frozen=True, slots=True)
class RoomNow:
    """One room as the participant's room list shows it."""

    room: Room
    now: AgendaItem | None
    next: AgendaItem | None


class ProgramService:
    def __init__(self, live: LiveService, zone: ZoneInfo) -> None:
        self.live = live
        self.store = live.store
        self.hub = live.hub
        self.zone = zone

    # --- reading ----------------------------------------------------------------------------

    async def agenda(self, event: Event) -> list[AgendaItem]:
        return await guard(self.store.list_agenda(event.code))

    async def item(self, event: Event, item_id: object) -> AgendaItem:
        item = (
            await guard(self.store.get_agenda_item(item_id)) if isinstance(item_id, str) else None
        )
        if item is None or item.event_code != event.code:
            raise NotFound("agenda_item_not_found", _n("Diesen Programmpunkt gibt es nicht."))
        return item

    async def polls(self, rooms: Sequence[Room]) -> list[Poll]:
        """Every poll of the event, room by room (oldest first within a room)."""
        found: list[Poll] = []
        for room in rooms:
            found.extend(await guard(self.store.list_polls(room.id)))
        return found

    @staticmethod
    def by_item(polls: Sequence[Poll]) -> Mapping[str | None, list[Poll]]:
        """agenda item id (None: no item) -> the polls prepared for it."""
        grouped: dict[str | None, list[Poll]] = defaultdict(list)
        for poll in polls:
            grouped[poll.agenda_item_id].append(poll)
        return grouped

    async def rooms_now(self, event: Event, rooms: Sequence[Room]) -> list[RoomNow]:
        """What runs now and next in each room (the participant's room list)."""
        agenda = await self.agenda(event)
        now = self.live.clock()
        current, upcoming = running_now(agenda, now), next_up(agenda, now)
        return [RoomNow(r, current.get(r.id), upcoming.get(r.id)) for r in rooms]

    def now(self) -> datetime:
        return self.live.clock()

    # --- the event and its rooms ------------------------------------------------------------

    async def update_event(
        self, event: Event, *, title: object, starts_on: object, ends_on: object
    ) -> Event:
        """Title and days (Problems with fields title, starts_on, ends_on). Every room's
        version moves, so open pages showing the title or the program refresh."""
        days = rules.event_days(
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            agenda=await self.agenda(event),
            zone=self.zone,
        )
        await self._save_days(event, days)
        return replace(event, title=days.title, starts_on=days.starts_on, ends_on=days.ends_on)

    async def _save_days(self, event: Event, days: rules.EventDays) -> None:
        versions = await guard(
            self.store.update_event(
                event.code, title=days.title, starts_on=days.starts_on, ends_on=days.ends_on
            )
        )
        for room_id, version in versions:
            await publish_change(self.hub, room_id, "event.updated", version)

    async def add_room(self, event: Event, name: object) -> Room:
        return await self.live.add_room(event, name)

    async def rename_room(self, event: Event, room_id: object, name: object) -> Room:
        room = await self.live.room(event, room_id)
        clean = rules.clean_room_name(name)
        others = [r.name for r in await self.live.rooms(event) if r.id != room.id]
        rules.check_room_name_free(clean, others)
        if clean == room.name:
            return room
        version = await guard(self.store.rename_room(room.id, clean))
        await publish_change(self.hub, room.id, "room.updated", version)
        return replace(room, name=clean)

    # --- the agenda -------------------------------------------------------------------------

    async def add_item(self, event: Event, **fields: object) -> AgendaItem:
        """A new agenda item from the form's fields: title, room_id, day, start, end, speaker
        (Problems with those field names, room for room_id)."""
        rooms = await self.live.rooms(event)
        agenda_rules.check_agenda_size(len(await self.agenda(event)), 1)
        item = self._from_form(self.live.ids.object_id(), event, rooms, fields)
        await guard(self.store.add_agenda_item(item))
        await self._agenda_changed({item.room_id})
        return item

    async def update_item(self, event: Event, item_id: object, **fields: object) -> AgendaItem:
        before = await self.item(event, item_id)
        rooms = await self.live.rooms(event)
        item = self._from_form(before.id, event, rooms, fields)
        await guard(self.store.update_agenda_item(item))
        await self._agenda_changed({before.room_id, item.room_id})
        return item

    async def delete_item(self, event: Event, item_id: object) -> AgendaItem:
        item = await self.item(event, item_id)
        await guard(self.store.delete_agenda_item(item.id))
        await self._agenda_changed({item.room_id})
        return item

    def _from_form(
        self, item_id: str, event: Event, rooms: Sequence[Room], fields: Mapping[str, object]
    ) -> AgendaItem:
        return agenda_rules.agenda_item_from_form(
            item_id=item_id,
            event=event,
            room_ids={r.id for r in rooms},
            title=fields.get("title"),
            room_id=fields.get("room_id"),
            day=fields.get("day"),
            start=fields.get("start"),
            end=fields.get("end"),
            speaker=fields.get("speaker"),
            zone=self.zone,
        )

    async def _agenda_changed(self, room_ids: set[str]) -> None:
        """The program is not part of a room's version (it changes by the clock anyway), but
        views that show it (the projector's slide) re-read when told the room changed."""
        for room_id in sorted(room_ids):
            version = await guard(self.store.room_version(room_id))
            await publish_change(self.hub, room_id, "agenda.updated", version)

    # --- prepared polls ---------------------------------------------------------------------

    async def item_for_poll(self, event: Event, room: Room, raw: object) -> AgendaItem | None:
        """The agenda item a new poll is prepared for ("" or None: none); it must run in the
        poll's room."""
        if raw is None or raw == "":
            return None
        try:
            item = await self.item(event, raw)
        except NotFound:
            # An error of the poll form's field (422 next to it), not a missing page.
            raise DomainError(
                "agenda_item_not_found", _n("Diesen Programmpunkt gibt es nicht.")
            ) from None
        if item.room_id != room.id:
            raise DomainError(
                "agenda_other_room", _n("Dieser Programmpunkt findet in einem anderen Raum statt.")
            )
        return item

    async def open_prepared(self, event: Event, poll_id: object) -> Poll:
        """One click on the setup page: the same open action as on the moderation page."""
        return await self.live.open_poll(event, poll_id)

    # --- the setup file ---------------------------------------------------------------------

    async def export(self, event: Event, zone_name: str) -> dict[str, Any]:
        rooms = await self.live.rooms(event)
        return export_setup(
            event,
            rooms,
            await self.agenda(event),
            await self.polls(rooms),
            zone=self.zone,
            zone_name=zone_name,
        )

    async def import_setup(self, event: Event, doc: object) -> SetupPlan:
        """Check the whole file first (SetupInvalid lists every problem, nothing is written),
        then write it. The store has no transaction across these calls: a store failure in
        the middle (503) can leave part of it written; importing the file again completes it
        without doubling anything (identical items and polls are kept, not added again)."""
        rooms = await self.live.rooms(event)
        plan = plan_import(
            doc,
            event=event,
            rooms=rooms,
            agenda=await self.agenda(event),
            polls=await self.polls(rooms),
            zone=self.zone,
            new_id=self.live.ids.object_id,
            now=self.live.clock(),
            max_rooms=MAX_ROOMS,
        )
        await self._save_days(event, plan.days)
        for room in plan.rooms:
            await guard(self.store.add_room(room))
        for item in plan.items:
            await guard(self.store.add_agenda_item(item))
        for poll in plan.polls:
            version = await guard(self.store.add_poll(poll))
            await publish_change(self.hub, poll.room_id, "poll.created", version, poll=poll.id)
        await self._agenda_changed({i.room_id for i in plan.items})
        return plan
