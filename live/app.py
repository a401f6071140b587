"""create_app(settings) builds everything; nothing happens at import time."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import ClientDisconnect
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from live import logs
from live.board import open_board
from live.domain.errors import DomainError
from live.fanout.connection import CLOSE_DATA_LOST
from live.fanout.registry import Fanout
from live.fanout.state import RoomState, load_room_state
from live.fanout.types import UNMETERED
from live.hub import open_hub
from live.metrics import Metrics
from live.service import build_services
from live.service.changes import room_topic
from live.service.meter import NO_METER
from live.service.outage import timed_store
from live.settings import Settings
from live.static_files import manifest
from live.store import open_store
from live.views.hyphenate import load_dictionaries
from live.views.regions import PageRenderer
from live.web.access import NotJoined, not_joined_handler
from live.web.errors import (
    client_gone_handler,
    domain_error_handler,
    http_error_handler,
    server_error_handler,
)
from live.web.routes import routes
from live.web.runtime import Runtime
from live.web.security import SecurityHeaders

log = logging.getLogger("live.app")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    manifest()  # the static files read, hashed and gzipped now, not by the first visitor
    # Off unless a token is set: then nothing is measured and every hook is a no-op.
    metrics = Metrics(shared=settings.metrics_shared) if settings.metrics_token else None

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        warn_if_open(settings)
        store = open_store(settings.effective_store_url)
        hub = open_hub(settings.effective_hub_url)
        board = open_board(settings.effective_board_url)
        await store.open()
        await hub.open()
        await board.open()
        services = build_services(
            store,
            hub,
            board,
            zone=settings.zone,
            retention_days=settings.retention_days,
            join_per_minute=settings.join_per_minute,
            admin_token=settings.admin_token,
            meter=metrics or NO_METER,
            store_timer=metrics.store_timer if metrics else None,
            pace_window=timedelta(seconds=settings.pace_seconds),
        )

        # the ticks' own connections (Redis), timed like every other store call
        tick_store = timed_store(store.tick_reader(), metrics.store_timer if metrics else None)

        async def load(
            room_id: str,
            dirty: set[str] | None,
            ballots: bool,
            previous: RoomState | None,
            questions: set[str] | None,
        ) -> RoomState:
            return await load_room_state(
                tick_store,
                room_id,
                dirty,
                ballots,
                previous,
                dirty_questions=questions,
                now=services.clock.now(),
                pace_window=services.pace.window,
            )

        fanout = Fanout(
            hub=hub,
            topic=room_topic,
            load=load,
            renderer=PageRenderer(),
            tick=settings.tick_ms / 1000,
            slow_after=settings.slow_socket_seconds,
            applause=services.applause,
            # Ticks go out in slices, so that votes are read and stored, and the projector is
            # served, while a tick writes to thousands of phones: other processes wait for this
            # one's votes, and since votes are written a batch at a time a single process gains
            # as well (live.fanout.pacing.SLICE_SECONDS, docs/benchmarks.md).
            sliced=True,
            suspect=services.integrity.suspect,
            meter=metrics or UNMETERED,
        )
        # The store lost its data (live/service/integrity.py): the sockets go, with a reason.
        services.integrity.when_lost(lambda: fanout.shut_all(CLOSE_DATA_LOST, "data lost"))
        app.state.live = Runtime(settings, services, fanout, metrics)
        background = [
            asyncio.create_task(services.retention.run(), name="retention"),
            asyncio.create_task(services.integrity.run(), name="integrity"),
        ]
        if metrics is not None:
            background.append(
                asyncio.create_task(metrics.run(lambda: fanout.rooms), name="metrics")
            )
        try:
            yield
        finally:
            for task in background:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await services.integrity.close()
            await fanout.close()
            await board.close()
            await hub.close()
            await store.close()
            if metrics is not None:
                metrics.close()

    handlers: dict[Any, Any] = {
        DomainError: domain_error_handler,
        ClientDisconnect: client_gone_handler,
        NotJoined: not_joined_handler,
        HTTPException: http_error_handler,
        Exception: server_error_handler,
    }
    return Starlette(
        routes=routes(),
        middleware=[
            # Outermost: every log line made while handling a request or socket names its id
            # (live/logs.py).
            Middleware(logs.RequestIds),
            # Then who the client is (its address counts against the join budget and the
            # admin-token guesses) is settled before anything else looks. The app does it, not
            # the server (live/cli.py turns uvicorn's off), so it holds however it is served.
            Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.forwarded_allow_ips)),
            Middleware(SecurityHeaders),
            # Inside the security headers (which look at the final Content-Type): pages,
            # fragments, JSON and SVG go out gzipped, level 6 (level 9 costs far more CPU for
            # a few bytes, on every page and fragment). Not PNG/JPEG (Starlette's exclusions)
            # and not the static files, which come gzipped already (live/web/static.py).
            # WebSocket frames pass through uncompressed (live/cli.py: no permessage-deflate).
            Middleware(GZipMiddleware, minimum_size=500, compresslevel=6),
        ],
        exception_handlers=handlers,
        lifespan=lifespan,
    )


def warn_if_open(settings: Settings) -> None:
    if not settings.admin_token:
        log.warning(
            "LIVE_ADMIN_TOKEN is not set: anyone who can reach this server can create events. "
            "Set it (docs/deploy.md)."
        )


def app_from_env() -> Starlette:
    """uvicorn factory (`live serve`); runs in every worker process."""
    logs.install()
    load_dictionaries()  # before tune_gc: they stay for good, out of the collector's reach
    tune_gc()
    return create_app(Settings.from_env())


def tune_gc() -> None:
    """Collect young objects less often. A server holding 10,000 sockets keeps millions of
    long-lived objects, and with the default thresholds a burst of connections or votes made
    the cyclic collector walk them again and again: it was most of the CPU of a connection
    ramp (docs/benchmarks.md). Everything allocated during start-up is moved out of its reach."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
