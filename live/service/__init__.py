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
from datetime import timedelta
from zoneinfo import ZoneInfo

from live.board import Board
from live.domain.pace import WINDOW as PACE_WINDOW
from live.hub import Hub
from live.ids import Ids
from live.service.admin import AdminService
from live.service.applause import ApplauseService
from live.service.blocklist import BlocklistService
from live.service.brand import BrandService
from live.service.clock import Clock
from live.service.control import ControlService
from live.service.countdown import CountdownService
from live.service.events import EventService
from live.service.feedback import FeedbackService
from live.service.forums import ForumService
from live.service.ideas import IdeaService
from live.service.integrity import DataWatch
from live.service.meter import NO_METER, WriteMeter
from live.service.mood import MoodService
from live.service.outage import StoreTimer, guarded_board, guarded_store
from live.service.pace import PaceService
from live.service.participants import JOIN_PER_MINUTE, ParticipantService
from live.service.polls import PollService
from live.service.program import ProgramService
from live.service.questions import QuestionService
from live.service.report import ReportService
from live.service.retention import RetentionService
from live.service.rooms import RoomService
from live.service.screen import ScreenService
from live.service.surveys import SurveyService
from live.store import Store


@dataclass(frozen=True, slots=True)
class Services:
    clock: Clock
    admin: AdminService
    events: EventService
    participants: ParticipantService
    rooms: RoomService
    polls: PollService
    surveys: SurveyService
    questions: QuestionService
    ideas: IdeaService
    screen: ScreenService
    countdown: CountdownService
    forums: ForumService
    applause: ApplauseService
    mood: MoodService
    pace: PaceService
    program: ProgramService
    control: ControlService
    brand: BrandService
    blocklist: BlocklistService
    report: ReportService
    retention: RetentionService
    store: Store  # guarded
    hub: Hub
    integrity: DataWatch  # whether the store still holds its data (and the store's health)
    feedback: FeedbackService  # barrier reports (/barrierefreiheit) into the log

    async def health(self) -> dict[str, str]:
        """For the store "ok", "unavailable" or "data_lost"; for the hub "ok" or "unavailable"
        (GET /healthz)."""
        checks: dict[str, str] = {"store": await self.integrity.check()}
        try:
            await self.hub.ping()
            checks["hub"] = "ok"
        except Exception:
            checks["hub"] = "unavailable"
        return checks


def build_services(
    store: Store,
    hub: Hub,
    board: Board,
    *,
    zone: ZoneInfo,
    retention_days: int,
    join_per_minute: int = JOIN_PER_MINUTE,
    admin_token: str = "",
    ids: Ids | None = None,
    clock: Clock | None = None,
    meter: WriteMeter = NO_METER,
    store_timer: StoreTimer | None = None,
    pace_window: timedelta = PACE_WINDOW,
) -> Services:
    """``meter`` counts the participants' writes, ``store_timer`` times every store call
    (live/metrics.py; both do nothing when metrics are off)."""
    integrity = DataWatch(store)  # the backend itself: data lost is not an outage
    store, board = guarded_store(store, store_timer), guarded_board(board)
    ids = ids or Ids()
    clock = clock or Clock()
    events = EventService(store, hub, ids, clock)
    participants = ParticipantService(store, ids, clock, join_per_minute)
    polls = PollService(store, hub, ids, clock, meter)
    applause = ApplauseService(board, hub, clock, store, meter)
    return Services(
        clock=clock,
        admin=AdminService(admin_token, clock),
        events=events,
        participants=participants,
        rooms=RoomService(store, clock, pace_window),
        polls=polls,
        surveys=SurveyService(store, hub, ids, clock),
        questions=QuestionService(store, hub, ids, clock, meter),
        ideas=IdeaService(store, hub, ids, clock, meter),
        screen=ScreenService(store, hub, polls),
        countdown=CountdownService(store, hub, clock),
        forums=ForumService(store, hub, polls),
        applause=applause,
        mood=MoodService(store, hub, clock, meter),
        pace=PaceService(store, hub, clock, pace_window),
        program=ProgramService(store, hub, events, polls, ids, clock, zone),
        control=ControlService(store, applause),
        brand=BrandService(store),
        blocklist=BlocklistService(store, hub),
        report=ReportService(store, clock, pace_window),
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
        integrity=integrity,
        feedback=FeedbackService(clock),
    )


__all__ = ["Services", "build_services"]
