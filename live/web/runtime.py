"""What request handlers need, built once in the app's lifespan (live/app.py)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from live.fanout.registry import Fanout
from live.service import Services
from live.settings import Settings


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    services: Services
    fanout: Fanout


def runtime(conn: HTTPConnection) -> Runtime:
    rt = conn.app.state.live
    assert isinstance(rt, Runtime)
    return rt


def services(conn: HTTPConnection) -> Services:
    return runtime(conn).services
