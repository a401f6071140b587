"""A Redis that lost its data speaks: /healthz answers 503, one ERROR says the data is gone, and
open sockets are closed with 1011 and a reason. A restart with its AOF is no alarm.

The app runs in process on a redis-server of its own (FLUSHALL would wipe others' keys). The
checks are stepped, not waited for: /healthz runs one, the watch's ``check`` another, and a
tick that finds its room gone runs one at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from pathlib import Path

import pytest
from redis import Redis
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from live.service.changes import room_topic
from tests.support.redis import RedisServer
from tests.web.conftest import (
    EventFixture,
    create_event,
    join,
    make_client,
    run_in_app,
    services_of,
)

RedisFactory = Callable[[], RedisServer]


@pytest.fixture
def redis(redis_factory: RedisFactory) -> RedisServer:
    return redis_factory()


@pytest.fixture
def client(tmp_path: Path, redis: RedisServer) -> Generator[TestClient]:
    with make_client(tmp_path, redis_url=redis.url) as c:
        yield c


def flushall(redis: RedisServer) -> None:
    with Redis.from_url(redis.url) as raw:
        raw.flushall()


def socket_url(event: EventFixture, token: str) -> str:
    return f"/api/v1/events/{event.code}/rooms/{event.room}/ws?token={token}"


def close_of(ws: WebSocketTestSession) -> WebSocketDisconnect:
    with pytest.raises(WebSocketDisconnect) as closed:
        for _ in range(50):
            ws.receive_text()
    return closed.value


def data_gone(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.levelno == logging.ERROR and "DATA IS GONE" in r.getMessage()
    ]


def test_flushall_makes_healthz_503_logs_once_and_closes_sockets(
    client: TestClient, redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "store": "ok", "hub": "ok"}
    event = create_event(client)
    token = join(client, event)
    with client.websocket_connect(socket_url(event, token)) as ws:
        ws.receive_text()  # the snapshot: the socket is in its room
        flushall(redis)
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["store"] == "data_lost"
        closed = close_of(ws)
    assert closed.code == 1011
    assert closed.reason == "data lost"
    # The periodic check and further probes find the same loss: still one ERROR.
    assert run_in_app(client, services_of(client).integrity.check) == "data_lost"
    assert client.get("/healthz").status_code == 503
    assert len(data_gone(caplog)) == 1


def test_a_tick_that_finds_its_room_gone_checks_at_once(
    client: TestClient, redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    event = create_event(client)
    token = join(client, event)
    with client.websocket_connect(socket_url(event, token)) as ws:
        ws.receive_text()
        flushall(redis)
        # Anything that makes the room tick (here a notice on its topic): the tick reads a room
        # that is not there any more, and the watch checks without waiting for its round.
        run_in_app(client, services_of(client).hub.publish, room_topic(event.room), {"type": "x"})
        closed = close_of(ws)
    assert closed.code == 1011
    assert len(data_gone(caplog)) == 1
    assert client.get("/healthz").status_code == 503


def test_a_redis_restart_with_its_aof_is_no_alarm(
    client: TestClient, redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    event = create_event(client)
    redis.restart()  # SIGTERM: Redis writes its AOF and comes back with every key
    assert run_in_app(client, services_of(client).integrity.check) == "ok"
    # The store's part of the probe: no alarm. (The hub's part may say "unavailable" for a
    # moment while its pub/sub link reconnects; that is the hub's own, timed, business.)
    assert client.get("/healthz").json()["store"] == "ok"
    assert client.get(f"/api/v1/events/{event.code}").status_code == 200
    assert data_gone(caplog) == []
