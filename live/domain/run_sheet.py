"""A room's run sheet: its agenda items in time order, each with the polls prepared for it,
then the polls of no agenda item; and which prepared poll comes next. Pure.

"Nächste Abstimmung" (issue 19) opens ``next_poll``: the moderator walks down the sheet with
one key, and the rule must be one a person can predict from the sheet alone:

- the first draft after the open poll (several open: after the last of them in sheet order);
- with none open, the first draft after the poll closed most recently (the session goes on
  where it stopped, also when a poll was closed by hand);
- when nothing was opened yet, the first draft of the sheet;
- never a draft *before* that point: a poll the moderator skipped stays skipped (it can still
  be opened by its own button), and the end of the sheet is the end (None).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from live.domain.models import AgendaItem, Poll


@dataclass(frozen=True, slots=True)
class Section:
    """One agenda item with its polls in creation order; ``item`` None: the polls of no
    agenda item (of the room), always the last section."""

    item: AgendaItem | None
    polls: tuple[Poll, ...]


RunSheet = tuple[Section, ...]


def run_sheet(room_id: str, items: Iterable[AgendaItem], polls: Iterable[Poll]) -> RunSheet:
    """The room's sheet from the event's agenda and polls (other rooms' are left out). Items in
    time order (start, then end, then id), each with its polls by creation (created_at, then
    id); an item without polls is listed too (the moderator sees the program). A poll whose
    item is not one of this room's (moved to another room since) counts as one of no item. The
    last section, of no item, is there only when it has polls."""
    mine = sorted(
        (i for i in items if i.room_id == room_id), key=lambda i: (i.starts_at, i.ends_at, i.id)
    )
    by_item: dict[str | None, list[Poll]] = {item.id: [] for item in mine}
    loose: list[Poll] = []
    for poll in sorted(
        (p for p in polls if p.room_id == room_id), key=lambda p: (p.created_at, p.id)
    ):
        if poll.agenda_item_id is not None and poll.agenda_item_id in by_item:
            by_item[poll.agenda_item_id].append(poll)
        else:
            loose.append(poll)
    sheet = [Section(item, tuple(by_item[item.id])) for item in mine]
    if loose:
        sheet.append(Section(None, tuple(loose)))
    return tuple(sheet)


def in_order(sheet: RunSheet) -> tuple[Poll, ...]:
    """Every poll of the sheet, top to bottom."""
    return tuple(poll for section in sheet for poll in section.polls)


def next_poll(sheet: RunSheet) -> Poll | None:
    """The draft "Nächste Abstimmung" opens (see the module docstring); None: none is left."""
    polls = in_order(sheet)
    start = _after(polls)
    return next((p for p in polls[start:] if p.state == "draft"), None)


def _after(polls: tuple[Poll, ...]) -> int:
    """Where the search for the next draft starts: after the last open poll, else after the
    poll closed most recently, else at the top."""
    open_at = [i for i, p in enumerate(polls) if p.state == "open"]
    if open_at:
        return open_at[-1] + 1
    closed = [(p.closed_at or p.created_at, i) for i, p in enumerate(polls) if p.state == "closed"]
    if closed:
        return max(closed)[1] + 1
    return 0
