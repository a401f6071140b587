"""The control room: one overview of every room of the event, read fresh on each request.

The page asks for it every couple of seconds (htmx polling) instead of holding a socket per room:
every number here lives in shared places — the store (polls, votes, questions, what the screen
shows) and the board (who is present, who claps) — so any worker process answers correctly, and
presence, which changes without any notice on the hub, is current too.
"""

from __future__ import annotations

from dataclasses import dataclass

from live.domain import applause as applause_rules
from live.domain import polls as poll_rules
from live.domain.models import Event, Poll, Results, Room
from live.service import LiveService, guard
from live.service_applause import ApplauseService
from live.views.screen import ScreenContent, screen_content


@dataclass(frozen=True, slots=True)
class OpenPoll:
    poll: Poll
    results: Results


@dataclass(frozen=True, slots=True)
class RoomOverview:
    room: Room
    present: int  # participants with the room open right now (the board's presence)
    open_polls: tuple[OpenPoll, ...]  # most recently opened first
    pending: int  # questions waiting for approval
    applause_level: float  # 0..1, the room's applause right now (unsmoothed)
    clappers: int
    screen: ScreenContent

    @property
    def applause_band(self) -> int:
        return applause_rules.level_band(self.applause_level)

    @property
    def applause_word(self) -> str:
        return applause_rules.describe(self.applause_level)


async def room_overview(
    service: LiveService, applause: ApplauseService, room: Room
) -> RoomOverview:
    store = service.store
    polls = await guard(store.list_polls(room.id))
    questions = await guard(store.list_questions(room.id))
    opened = sorted(
        (p for p in polls if p.state == "open"),
        key=lambda p: (p.opened_at or p.created_at, p.id),
        reverse=True,
    )
    open_polls = [OpenPoll(p, poll_rules.results(p, await guard(store.tally(p)))) for p in opened]
    # The same numbers the room's fan-out shows (ApplauseService.read), but the level is the
    # target itself: the overview has no previous tick to smooth from, and reading the board
    # must not write the room's applause timeline (that is the room channel's job).
    now = applause.clock()
    present = await guard(applause.board.present(room.id, now))
    grades = applause_rules.active_grades(await guard(applause.board.grades(room.id, now)), now)
    level = applause_rules.target_level(grades, max(present, len(grades)))
    return RoomOverview(
        room=room,
        present=max(present, len(grades)),
        open_polls=tuple(open_polls),
        pending=sum(1 for q in questions if q.state == "pending"),
        applause_level=level,
        clappers=len(grades),
        screen=screen_content(room, polls, questions),
    )


async def event_overview(
    service: LiveService, applause: ApplauseService, event: Event
) -> list[RoomOverview]:
    return [await room_overview(service, applause, room) for room in await service.rooms(event)]
