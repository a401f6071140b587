"""„Ergebnisse aus den Foren“ (issue 24): the forums' results gathered for the plenary.

Each forum room has a column: its name and what the forum arrived at. The source of a column is
set per room by the organiser (Room.forum_shown, Room.forum_poll_id):
- the marked ideas of the room's idea board (the default): approved and marked, the most
  upvoted first (then the oldest), at most ``limit`` on the wall;
- or one of the room's ranking polls: its top three options by Borda points (ties: more first
  places, then the order of the options), once the poll is closed. A closed poll is the forum's
  decision; an open one is still being decided, and the wall does not run ahead of the forum
  (it also keeps every vote in a forum from setting off a push to the plenary).

By default every room but the first takes part: the first room is the plenary, which shows the
roll-up rather than contributing to it. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from live.domain.errors import DomainError
from live.domain.models import Idea, Poll, Results, Room
from live.domain.poll_points import ranking_order
from live.domain.questions import by_votes
from live.domain.text import _n

RANKING_TOP = 3  # options of a ranking poll in a column
WALL_IDEAS = 3  # marked ideas per column on the wall (13 columns must stay readable)

# What a column shows: its items, or why it has none. "waiting": the ranking poll is not
# closed yet; "empty": nothing to show yet (no marked idea; a closed poll nobody voted in);
# "missing": the chosen poll is gone.
ColumnState = Literal["items", "waiting", "empty", "missing"]
Source = Literal["ideas", "ranking"]


@dataclass(frozen=True, slots=True)
class ForumItem:
    """One result: an idea's text with its upvotes, or a ranked option with its points."""

    text: str
    points: int | None = None  # ranking: Borda points
    upvotes: int | None = None  # ideas


@dataclass(frozen=True, slots=True)
class ForumColumn:
    room_id: str
    name: str
    source: Source
    state: ColumnState
    items: tuple[ForumItem, ...] = ()
    poll: Poll | None = None  # source "ranking": the chosen poll (None: gone)


def takes_part(room: Room, rooms: Sequence[Room]) -> bool:
    """Is ``room`` a column of the roll-up? Its own setting, else all but the first room."""
    if room.forum_shown is not None:
        return room.forum_shown
    first = min(rooms, key=lambda r: (r.position, r.id), default=None)
    return first is None or first.id != room.id


def forum_rooms(rooms: Sequence[Room]) -> list[Room]:
    """The rooms with a column, in the event's room order."""
    ordered = sorted(rooms, key=lambda r: (r.position, r.id))
    return [room for room in ordered if takes_part(room, ordered)]


def ranking_top(poll: Poll, results: Results, limit: int = RANKING_TOP) -> tuple[ForumItem, ...]:
    """The ``limit`` options with the most points (ties: more first places, then option order).
    Nothing when nobody voted."""
    if results.voters == 0 or len(results.points) != len(poll.options):
        return ()
    order = ranking_order(results.points, results.first)
    return tuple(ForumItem(poll.options[i], points=results.points[i]) for i in order[:limit])


def marked_ideas(ideas: Sequence[Idea], limit: int | None = WALL_IDEAS) -> tuple[ForumItem, ...]:
    """The marked ideas everyone may see (approved), the most upvoted first, then the oldest;
    at most ``limit`` (None: all, for the report)."""
    shown = sorted((i for i in ideas if i.marked and i.state == "approved"), key=by_votes)
    if limit is not None:
        shown = shown[:limit]
    return tuple(ForumItem(i.text, upvotes=i.upvotes) for i in shown)


def forum_column(
    room: Room,
    polls: Sequence[Poll],
    results: Mapping[str, Results],
    ideas: Sequence[Idea],
    *,
    idea_limit: int | None = WALL_IDEAS,
) -> ForumColumn:
    """One room's column from its polls (with results by poll id) and its ideas."""
    if room.forum_poll_id is None:
        items = marked_ideas(ideas, idea_limit)
        return ForumColumn(room.id, room.name, "ideas", "items" if items else "empty", items)
    poll = next((p for p in polls if p.id == room.forum_poll_id), None)
    if poll is None:
        return ForumColumn(room.id, room.name, "ranking", "missing")
    if poll.state != "closed":
        return ForumColumn(room.id, room.name, "ranking", "waiting", poll=poll)
    found = results.get(poll.id)
    items = ranking_top(poll, found) if found is not None else ()
    return ForumColumn(room.id, room.name, "ranking", "items" if items else "empty", items, poll)


def forum_columns(
    rooms: Sequence[Room],
    polls: Mapping[str, Sequence[Poll]],
    results: Mapping[str, Results],
    ideas: Mapping[str, Sequence[Idea]],
    *,
    idea_limit: int | None = WALL_IDEAS,
) -> tuple[ForumColumn, ...]:
    """Every taking-part room's column, in room order. ``polls`` and ``ideas`` by room id
    (a room without an entry has none), ``results`` by poll id."""
    return tuple(
        forum_column(
            room,
            polls.get(room.id, ()),
            results,
            ideas.get(room.id, ()),
            idea_limit=idea_limit,
        )
        for room in forum_rooms(rooms)
    )


def check_forum_poll(poll: Poll, room: Room) -> None:
    """May ``poll`` be ``room``'s source? One of the room's own ranking polls."""
    if poll.room_id != room.id:
        raise DomainError("poll_not_found", _n("Diese Abstimmung gibt es nicht."))
    if poll.kind != "ranking":
        raise DomainError(
            "not_a_ranking_poll",
            _n("Als Ergebnis eines Forums eignet sich nur eine Rangfolge-Abstimmung."),
        )


def parse_shown(raw: object) -> bool | None:
    """Room.forum_shown from a request: true, false or null (the default)."""
    if raw is None or isinstance(raw, bool):
        return raw
    raise DomainError(
        "invalid_forum_shown", _n("Bitte geben Sie an, ob der Raum dabei ist (ja oder nein).")
    )


def parse_poll_id(raw: object) -> str | None:
    """Room.forum_poll_id from a request: a poll id, or null / "" for the marked ideas."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and len(raw) <= 64:
        return raw
    raise DomainError("poll_not_found", _n("Diese Abstimmung gibt es nicht."))


def ranking_polls(polls: Sequence[Poll]) -> list[Poll]:
    """A room's polls that can be its source (ranking), oldest first."""
    return [p for p in polls if p.kind == "ranking"]


def is_source(poll: Poll, rooms: Sequence[Room]) -> bool:
    """Is ``poll`` the source of its room's column? (Then its closing and reopening change
    the roll-up; its votes never do, see the module docstring.)"""
    return any(r.id == poll.room_id and r.forum_poll_id == poll.id for r in rooms)


def showing(rooms: Sequence[Room]) -> list[Room]:
    """The rooms whose projector shows the roll-up now: they follow every forum's change."""
    return [r for r in rooms if r.screen_mode == "forums"]


def idea_matters(before: Idea | None, after: Idea | None) -> bool:
    """Does this change of an idea change its room's column? Only a marked idea's does (marked
    before or after: a mark, an unmark, an edit, an upvote, hiding one); other ideas are not
    on the roll-up. A room whose column is a ranking poll ignores ideas: the caller need not
    know, the read of the columns does."""
    return (before is not None and before.marked) or (after is not None and after.marked)
