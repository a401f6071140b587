"""„Ergebnisse aus den Foren“ (issue 24): the organiser's settings per room, and the columns.

Same shape as the other use cases: rule (live/domain/forums.py) → store → hub.publish. A
setting changes the roll-up, so the rooms that show it read it again
(changes.publish_forums_change); the room itself gets its own notice (its console's card).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from live.domain import forums as rules
from live.domain.forums import ForumColumn
from live.domain.models import Event, Idea, Poll, Room
from live.fanout.forums import read_columns
from live.hub import Hub
from live.service.changes import publish_change, publish_forums_change
from live.service.polls import PollService, poll_not_found
from live.store import Store


class ForumService:
    def __init__(self, store: Store, hub: Hub, polls: PollService) -> None:
        self.store = store
        self.hub = hub
        self.polls = polls

    async def configure(self, event: Event, room: Room, changes: Mapping[str, object]) -> Room:
        """The room's settings named in ``changes`` ("shown": true/false/null, "poll_id": a
        ranking poll of the room or null for the marked ideas; other keys are ignored), checked
        together before anything is stored: one bad value changes nothing. Returns the room as
        it is now."""
        [changed] = await self.configure_rooms(event, [(room, changes)])
        return changed

    async def configure_rooms(
        self, event: Event, changes: Sequence[tuple[Room, Mapping[str, object]]]
    ) -> list[Room]:
        """``configure`` for several rooms of the event at once (the console's card): every
        room's values are checked before any is stored. Returns the rooms as they are now."""
        wanted = [(room, await self._check(event, room, change)) for room, change in changes]
        done = [replace(room, forum_shown=s, forum_poll_id=p) for room, (s, p) in wanted]
        changed = [
            (room, after)
            for (room, _), after in zip(wanted, done, strict=True)
            if (after.forum_shown, after.forum_poll_id) != (room.forum_shown, room.forum_poll_id)
        ]
        for _, after in changed:
            version = await self.store.set_forum_results(
                after.id, after.forum_shown, after.forum_poll_id
            )
            await publish_change(self.hub, after.id, "room.updated", version)
        if changed:
            await publish_forums_change(self.hub, await self.store.list_rooms(event.code))
        return done

    async def _check(
        self, event: Event, room: Room, changes: Mapping[str, object]
    ) -> tuple[bool | None, str | None]:
        shown, poll_id = room.forum_shown, room.forum_poll_id
        if "shown" in changes:
            shown = rules.parse_shown(changes["shown"])
        if "poll_id" in changes:
            poll_id = rules.parse_poll_id(changes["poll_id"])
            if poll_id is not None and poll_id != room.forum_poll_id:
                poll = await self.polls.poll(event, poll_id)
                if poll.room_id != room.id:
                    raise poll_not_found()
                rules.check_forum_poll(poll, room)
        return shown, poll_id

    async def ranking_polls(self, rooms: Sequence[Room]) -> dict[str, list[Poll]]:
        """Each room's ranking polls, the choices of its source (the console's card)."""
        return {
            room.id: rules.ranking_polls(await self.store.list_polls(room.id)) for room in rooms
        }

    async def columns(self, event: Event, *, idea_limit: int | None) -> tuple[ForumColumn, ...]:
        """Every forum's column as the store holds it now (the API and the report)."""
        rooms = await self.store.list_rooms(event.code)
        return await read_columns(self.store, event, rooms, idea_limit=idea_limit)


async def follow_idea(
    store: Store, hub: Hub, code: str, before: Idea | None, after: Idea | None
) -> None:
    """For the idea board's use cases, after an idea's write (``before`` and ``after`` the
    idea around it, None for none): when it changes a forum's column, the rooms showing the
    forums' results read them again. Costs one read of the rooms, and only for marked ideas."""
    if rules.idea_matters(before, after):
        await publish_forums_change(hub, await store.list_rooms(code))
