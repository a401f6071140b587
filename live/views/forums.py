"""The forums' results as the JSON interface gives them, and the organiser's card on the
console that chooses each room's part (live/domain/forums.py decides what a column holds)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from live.domain import forums as rules
from live.domain.forums import ForumColumn
from live.domain.models import Event, Poll, Room
from live.i18n import Lang
from live.views.templating import render


def column_dict(column: ForumColumn) -> dict[str, Any]:
    """One forum's column (docs/api.md, "Forums' results")."""
    return {
        "room_id": column.room_id,
        "name": column.name,
        "source": column.source,
        "state": column.state,
        "poll_id": column.poll.id if column.poll is not None else None,
        "items": [
            {"text": item.text, "points": item.points, "upvotes": item.upvotes}
            for item in column.items
        ],
    }


def setting_dict(room: Room, rooms: Sequence[Room]) -> dict[str, Any]:
    """A room's settings: ``shown`` as set (null: the default), ``takes_part`` as it follows
    (the default: every room but the first), ``poll_id`` (null: the marked ideas)."""
    return {
        "room_id": room.id,
        "shown": room.forum_shown,
        "takes_part": rules.takes_part(room, rooms),
        "poll_id": room.forum_poll_id,
    }


def card_html(
    lang: Lang,
    event: Event,
    rooms: Sequence[Room],
    choices: Mapping[str, Sequence[Poll]],
    *,
    open_: bool = False,
) -> str:
    """The console's card „Ergebnisse aus den Foren“ (the organiser's): per room whether it
    takes part and its source."""
    ordered = sorted(rooms, key=lambda r: (r.position, r.id))
    return render(
        lang,
        "fragments/forum_card.html",
        event=event,
        rooms=ordered,
        first_id=ordered[0].id if ordered else None,
        choices=choices,
        open=open_,
        takes_part=lambda room: rules.takes_part(room, ordered),
    )
