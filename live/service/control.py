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
from live.domain import surveys as survey_rules
from live.domain.blocklist import for_event
from live.domain.models import Event, Poll, Results, Room
from live.domain.screen import ScreenContent, screen_content
from live.service.applause import ApplauseService
from live.store import Store


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


class ControlService:
    def __init__(self, store: Store, applause: ApplauseService) -> None:
        self.store = store
        self.applause = applause

    async def overview(self, event: Event) -> list[RoomOverview]:
        return [await self.room(room, event) for room in await self.store.list_rooms(event.code)]

    async def room(self, room: Room, event: Event) -> RoomOverview:
        polls = list(survey_rules.ordinary(await self.store.list_polls(room.id)))
        questions = await self.store.list_questions(room.id)
        ideas = await self.store.ideas(room.id) if room.screen_mode == "ideas" else []
        open_polls = [
            OpenPoll(p, poll_rules.results(p, await self.store.tally(p), for_event(event)))
            for p in poll_rules.open_newest_first(polls)
        ]
        applause = await self.applause.right_now(room.id)
        return RoomOverview(
            room=room,
            present=applause.present,
            open_polls=tuple(open_polls),
            pending=sum(1 for q in questions if q.state == "pending"),
            applause_level=applause.level,
            clappers=applause.clappers,
            screen=screen_content(room, polls, questions, ideas),
        )
