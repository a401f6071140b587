"""The room's run sheet as the moderators' console shows it (templates/fragments/run_sheet.html):
the agenda items with their times, under each its prepared polls with whether it is the open
one and whether "Nächste Abstimmung" would open it. The order and the rule for "next" are the
domain's (live/domain/run_sheet.py); this adds only what the page shows. No I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from live.domain.bursts import Burst
from live.domain.models import AgendaItem, Poll
from live.domain.run_sheet import next_poll, run_sheet
from live.fanout.state import RoomState
from live.i18n import Lang
from live.views.program import TimeFormat
from live.views.templating import render


@dataclass(frozen=True, slots=True)
class SheetPoll:
    poll: Poll
    is_open: bool
    is_next: bool  # the poll "Nächste Abstimmung" opens
    voters: int | None = None  # identities that voted (None: never opened)
    burst: Burst | None = None  # many of them made up in a burst (live/domain/bursts.py)


@dataclass(frozen=True, slots=True)
class SheetEntry:
    """An agenda item (None: the room's polls of no item, always last) with its polls."""

    item: AgendaItem | None
    time: str  # the item's local start and end, "09:00–09:45" ("" without an item)
    day: str  # the item's local day, short ("21.11.2026"; "" without an item)
    polls: tuple[SheetPoll, ...]


@dataclass(frozen=True, slots=True)
class RunSheetView:
    entries: tuple[SheetEntry, ...]
    next: Poll | None  # what "Nächste Abstimmung" opens (None: nothing left)
    several_days: bool  # the room's items run on more than one day: show each item's day


def run_sheet_view(
    state: RoomState, agenda: Iterable[AgendaItem], times: TimeFormat
) -> RunSheetView:
    """The run sheet of ``state``'s room, from the event's agenda (other rooms' items are left
    out) and the room's polls as ``state`` holds them."""
    sheet = run_sheet(state.room.id, agenda, state.polls)
    upcoming = next_poll(sheet)
    entries = tuple(
        SheetEntry(
            item=section.item,
            time=times.span(section.item) if section.item else "",
            day=times.short_day(times.day_of(section.item.starts_at)) if section.item else "",
            polls=tuple(
                SheetPoll(
                    poll,
                    poll.state == "open",
                    upcoming is not None and poll.id == upcoming.id,
                    _voters(state, poll),
                    state.bursts.get(poll.id),
                )
                for poll in section.polls
            ),
        )
        for section in sheet
    )
    days = {times.day_of(s.item.starts_at) for s in sheet if s.item is not None}
    return RunSheetView(entries, upcoming, len(days) > 1)


def _voters(state: RoomState, poll: Poll) -> int | None:
    results = state.results.get(poll.id)
    return results.voters if results is not None and poll.opened_at is not None else None


def run_sheet_html(
    lang: Lang, state: RoomState, agenda: Iterable[AgendaItem], times: TimeFormat
) -> str:
    """The console's run-sheet region (root ``id="mod-polls"``) for ``state``'s room."""
    return render(
        lang,
        "fragments/run_sheet_region.html",
        sheet=run_sheet_view(state, agenda, times),
        event=state.event,
        room=state.room,
    )


def after_opening(state: RoomState, poll: Poll, now: datetime) -> RoomState:
    """``state`` as it would be once ``poll`` opened, for the console's thumbnail of what the
    projector shows after "Nächste Abstimmung" (nothing is stored): the poll open, the room's
    other open polls closed unless it allows parallel polls, the projector back on "auto" with
    this poll, no question highlighted (PollService.opening does the same for real)."""

    def then(p: Poll) -> Poll:
        if p.id == poll.id:
            return replace(p, state="open", opened_at=now, closed_at=None)
        if p.state == "open" and not state.room.parallel_polls:
            return replace(p, state="closed", closed_at=now)
        return p

    room = replace(
        state.room, screen_mode="auto", screen_poll_id=poll.id, highlighted_question_id=None
    )
    return replace(state, room=room, polls=tuple(then(p) for p in state.polls))
