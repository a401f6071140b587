"""The use cases, one module per family, built once at start-up (``build_services``).

Every write goes: domain rule → store (durable) → hub.publish ("the room changed"); the web
layer calls these and never publishes by itself. Errors are DomainError subclasses with a German
msgid (live/errors.py adds NotFound, Unauthorized, Forbidden, Unavailable); the web layer turns
them into JSON errors, German pages or socket error frames. Store and board failures become
``Unavailable`` in one place (outage.py). Who may call what is decided before, in
live/web/access.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from live.board import Board
from live.hub import Hub
from live.ids import Ids
from live.service.applause import ApplauseService
from live.service.brand import BrandService
from live.service.clock import Clock
from live.service.control import ControlService
from live.service.events import EventService
from live.service.mood import MoodService
from live.service.outage import guarded_board, guarded_store
from live.service.participants import ParticipantService
from live.service.polls import PollService
from live.service.program import ProgramService
from live.service.questions import QuestionService
from live.service.report import ReportService
from live.service.retention import RetentionService
from live.service.rooms import RoomService
from live.service.screen import ScreenService
from live.store import Store


@dataclass(frozen=True, slots=True)
class Services:
    clock: Clock
    events: EventService
    participants: ParticipantService
    rooms: RoomService
    polls: PollService
    questions: QuestionService
    screen: ScreenService
    applause: ApplauseService
    mood: MoodService
    program: ProgramService
    control: ControlService
    brand: BrandService
    report: ReportService
    retention: RetentionService
    store: Store  # guarded; for the health check
    hub: Hub

    async def health(self) -> dict[str, str]:
        """ "ok" or "unavailable" for the store and the hub (GET /healthz)."""
        checks = {}
        for name, part in (("store", self.store), ("hub", self.hub)):
            try:
                await part.ping()
                checks[name] = "ok"
            except Exception:
                checks[name] = "unavailable"
        return checks


def build_services(
    store: Store,
    hub: Hub,
    board: Board,
    *,
    zone: ZoneInfo,
    retention_days: int,
    ids: Ids | None = None,
    clock: Clock | None = None,
) -> Services:
    store, board = guarded_store(store), guarded_board(board)
    ids = ids or Ids()
    clock = clock or Clock()
    events = EventService(store, hub, ids, clock)
    participants = ParticipantService(store, ids, clock)
    polls = PollService(store, hub, ids, clock)
    applause = ApplauseService(board, hub, clock, store)
    return Services(
        clock=clock,
        events=events,
        participants=participants,
        rooms=RoomService(store),
        polls=polls,
        questions=QuestionService(store, hub, ids, clock),
        screen=ScreenService(store, hub, polls),
        applause=applause,
        mood=MoodService(store, hub, clock),
        program=ProgramService(store, hub, events, polls, ids, clock, zone),
        control=ControlService(store, applause),
        brand=BrandService(store),
        report=ReportService(store, clock),
        retention=RetentionService(
            store,
            hub,
            clock,
            forget=(events, participants, polls),
            retention_days=retention_days,
            zone=zone,
        ),
        store=store,
        hub=hub,
    )


__all__ = ["Services", "build_services"]
