"""What request handlers need, built once in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from live.fanout.registry import Fanout
from live.service import LiveService
from live.service_applause import ApplauseService, MoodService
from live.service_program import ProgramService
from live.service_questions import QuestionService
from live.service_retention import RetentionService
from live.settings import Settings


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    service: LiveService
    questions: QuestionService
    applause: ApplauseService
    mood: MoodService
    fanout: Fanout
    retention: RetentionService
    program: ProgramService


def runtime(conn: HTTPConnection) -> Runtime:
    rt = conn.app.state.live
    assert isinstance(rt, Runtime)
    return rt
