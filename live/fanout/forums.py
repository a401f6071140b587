"""What a room showing the forums' results reads besides itself: the other rooms' columns
(live/domain/forums.py). Only the fan-out of such a room and the JSON interface read it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from live.domain import blocklist
from live.domain import forums as rules
from live.domain import polls as poll_rules
from live.domain.forums import ForumColumn
from live.domain.models import Event, Idea, Poll, Results, Room
from live.store import Store


async def read_columns(
    store: Store, event: Event, rooms: Sequence[Room], *, idea_limit: int | None
) -> tuple[ForumColumn, ...]:
    """The columns of ``rooms`` (the event's): the chosen ranking polls with their results
    (tallied only when closed: an open one shows no results) and the ideas."""
    chosen = [r.forum_poll_id for r in rules.forum_rooms(rooms) if r.forum_poll_id is not None]
    found = await asyncio.gather(*(store.get_poll(poll_id) for poll_id in chosen))
    closed = [p for p in found if p is not None and p.state == "closed"]
    tallies = await asyncio.gather(*(store.tally(p) for p in closed))
    words = blocklist.for_event(event)
    results: dict[str, Results] = {
        poll.id: poll_rules.results(poll, tally, words)
        for poll, tally in zip(closed, tallies, strict=True)
    }
    polls: dict[str, list[Poll]] = {}
    for poll in found:
        if poll is not None:
            polls.setdefault(poll.room_id, []).append(poll)
    ideas: dict[str, list[Idea]] = {}
    if any(r.forum_poll_id is None for r in rules.forum_rooms(rooms)):
        # One read for every room (not one per room): the event's ideas, sorted by room.
        for idea in await store.event_ideas(event.code):
            ideas.setdefault(idea.room_id, []).append(idea)
    return rules.forum_columns(rooms, polls, results, ideas, idea_limit=idea_limit)
