"""Event setup use cases: title and days, rooms, the agenda, prepared polls, the setup file.

Same shape as the other services: domain rule (live/domain/setup.py, setup_file.py) → store
(durable) → hub.publish ("the room changed"). Only the organiser calls the writes; the web layer
checks that (live/web/access.py) before calling.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
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
from live.hub import Hub
from live.ids import Ids
from live.service.changes import publish_change
from live.service.clock import Clock
from live.service.events import EventService
from live.service.polls import PollService
from live.store import Store


@dataclass(frozen=True, slots=True)
class RoomNow:
    """One room as the participant's room list shows it."""

    room: Room
    now: AgendaItem | None
    next: AgendaItem | None


class ProgramService:
    def __init__(
        self,
        store: Store,
        hub: Hub,
        events: EventService,
        polls: PollService,
        ids: Ids,
        clock: Clock,
        zone: ZoneInfo,
    ) -> None:
        self.store = store
        self.hub = hub
        self.events = events
        self.polls = polls
        self.ids = ids
        self.clock = clock
        self.zone = zone

    # --- reading ----------------------------------------------------------------------------

    async def agenda(self, event: Event) -> list[AgendaItem]:
        return await self.store.list_agenda(event.code)

    async def item(self, event: Event, item_id: object) -> AgendaItem:
        item = await self.store.get_agenda_item(item_id) if isinstance(item_id, str) else None
        if item is None or item.event_code != event.code:
            raise NotFound("agenda_item_not_found", _n("Diesen Programmpunkt gibt es nicht."))
        return item

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
        now = self.clock.now()
        current, upcoming = running_now(agenda, now), next_up(agenda, now)
        return [RoomNow(r, current.get(r.id), upcoming.get(r.id)) for r in rooms]

    # --- the event ----------------------------------------------------------------------------

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
        versions = await self.store.update_event(
            event.code, title=days.title, starts_on=days.starts_on, ends_on=days.ends_on
        )
        for room_id, version in versions:
            await publish_change(self.hub, room_id, "event.updated", version)

    # --- the agenda -------------------------------------------------------------------------

    async def add_item(self, event: Event, **fields: object) -> AgendaItem:
        """A new agenda item from the form's fields: title, room_id, day, start, end, speaker
        (Problems with those field names, room for room_id)."""
        rooms = await self.events.rooms(event)
        agenda_rules.check_agenda_size(len(await self.agenda(event)), 1)
        item = self._from_form(self.ids.object_id(), event, rooms, fields)
        await self.store.add_agenda_item(item)
        await self._agenda_changed({item.room_id})
        return item

    async def update_item(self, event: Event, item_id: object, **fields: object) -> AgendaItem:
        before = await self.item(event, item_id)
        rooms = await self.events.rooms(event)
        item = self._from_form(before.id, event, rooms, fields)
        await self.store.update_agenda_item(item)
        await self._agenda_changed({before.room_id, item.room_id})
        return item

    async def delete_item(self, event: Event, item_id: object) -> AgendaItem:
        item = await self.item(event, item_id)
        await self.store.delete_agenda_item(item.id)
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
            version = await self.store.room_version(room_id)
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

    # --- the setup file ---------------------------------------------------------------------

    async def export(self, event: Event, zone_name: str) -> dict[str, Any]:
        rooms = await self.events.rooms(event)
        return export_setup(
            event,
            rooms,
            await self.agenda(event),
            await self.polls.of_rooms(rooms),
            zone=self.zone,
            zone_name=zone_name,
        )

    async def import_setup(self, event: Event, doc: object) -> SetupPlan:
        """Check the whole file first (SetupInvalid lists every problem, nothing is written),
        then write it. The store has no transaction across these calls: a store failure in
        the middle (503) can leave part of it written; importing the file again completes it
        without doubling anything (identical items and polls are kept, not added again)."""
        rooms = await self.events.rooms(event)
        plan = plan_import(
            doc,
            event=event,
            rooms=rooms,
            agenda=await self.agenda(event),
            polls=await self.polls.of_rooms(rooms),
            zone=self.zone,
            new_id=self.ids.object_id,
            now=self.clock.now(),
        )
        await self._save_days(event, plan.days)
        for room in plan.rooms:
            await self.store.add_room(room)
        for item in plan.items:
            await self.store.add_agenda_item(item)
        for poll in plan.polls:
            version = await self.store.add_poll(poll)
            await publish_change(self.hub, poll.room_id, "poll.created", version, poll=poll.id)
        await self._agenda_changed({i.room_id for i in plan.items})
        return plan
