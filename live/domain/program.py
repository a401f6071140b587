"""The event's program (agenda items per room): what runs now, what comes next. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from live.domain.models import AgendaItem


def running_now(items: Iterable[AgendaItem], now: datetime) -> dict[str, AgendaItem]:
    """room id -> the item running at ``now`` (starts_at <= now < ends_at). When a room's items
    overlap (a typo in the program), the one that started last wins: it is the one people are
    most likely sitting in."""
    current: dict[str, AgendaItem] = {}
    for item in items:
        if item.starts_at <= now < item.ends_at:
            held = current.get(item.room_id)
            if held is None or (item.starts_at, item.id) > (held.starts_at, held.id):
                current[item.room_id] = item
    return current


def next_up(items: Iterable[AgendaItem], now: datetime) -> dict[str, AgendaItem]:
    """room id -> the room's next item that has not started yet (earliest start)."""
    upcoming: dict[str, AgendaItem] = {}
    for item in items:
        if item.starts_at > now:
            held = upcoming.get(item.room_id)
            if held is None or (item.starts_at, item.id) < (held.starts_at, held.id):
                upcoming[item.room_id] = item
    return upcoming


def item_at(
    items_by_room: Mapping[str, list[AgendaItem]], room_id: str, at: datetime
) -> AgendaItem | None:
    """The room's item running at ``at`` (for slicing timelines by agenda item)."""
    return running_now(items_by_room.get(room_id, ()), at).get(room_id)
