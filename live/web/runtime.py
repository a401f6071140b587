"""What request handlers need, built once in the app's lifespan (live/app.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import HTTPConnection

from live.fanout.registry import Fanout
from live.metrics import Metrics
from live.service import Services
from live.settings import Settings
from live.views.regions import AnswerStages


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    services: Services
    fanout: Fanout
    metrics: Metrics | None = None  # None: LIVE_METRICS_TOKEN unset, /metrics answers 404
    # The stage page votes are answered with, shared while a tick's state lasts.
    answers: AnswerStages = field(default_factory=AnswerStages)


def runtime(conn: HTTPConnection) -> Runtime:
    rt = conn.app.state.live
    assert isinstance(rt, Runtime)
    return rt


def services(conn: HTTPConnection) -> Services:
    return runtime(conn).services
