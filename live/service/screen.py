"""Projector control: what each room's screen shows.

Same shape as the other use cases: rule (live/domain/screen.py) → store (durable) →
hub.publish, so every screen and every moderator page of the room follows at once, in whichever
process they are connected.
"""

from __future__ import annotations

from live.domain import screen as rules
from live.domain.errors import DomainError
from live.domain.models import Event, Poll, Room, ScreenMode
from live.hub import Hub
from live.service.changes import publish_change
from live.service.polls import PollService, poll_not_found
from live.store import Store


class ScreenService:
    def __init__(self, store: Store, hub: Hub, polls: PollService) -> None:
        self.store = store
        self.hub = hub
        self.polls = polls

    async def set_mode(
        self, event: Event, room: Room, mode: object, poll_id: object = None
    ) -> ScreenMode:
        """Switch the room's projector. Modes "poll" and "words" present a poll of the room (the
        given one, else the one already on the screen when it fits); the others ignore
        ``poll_id``. Bad input raises DomainError and changes nothing. The store clears a
        highlighted question in the same step."""
        chosen = rules.parse_mode(mode)
        poll: Poll | None = None
        if rules.needs_poll(chosen):
            poll = await self._poll(event, room, poll_id, words=chosen == "words")
        version = await self.store.set_screen_mode(
            room.id, chosen, poll.id if poll is not None else None
        )
        await publish_change(self.hub, room.id, "screen.updated", version)
        return chosen

    async def _poll(self, event: Event, room: Room, poll_id: object, *, words: bool) -> Poll:
        if poll_id is None or poll_id == "":
            # Keep what is on the wall, if it fits the new mode.
            if room.screen_poll_id is None:
                raise rules.poll_required(words=words)
            poll = await self.polls.poll(event, room.screen_poll_id)
            try:
                rules.check_poll_for_screen(poll, words=words)
            except DomainError:
                raise rules.poll_required(words=words) from None
            return poll
        poll = await self.polls.poll(event, poll_id)
        if poll.room_id != room.id:
            raise poll_not_found()
        rules.check_poll_for_screen(poll, words=words)
        return poll
