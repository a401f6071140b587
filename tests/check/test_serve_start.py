"""`live serve` at start: the checks of `live check` (errors stop it, warnings are printed)
and the address phones must open, against a real server process."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from redis import Redis

from tests.support.redis import RedisServer
from tests.support.server import LiveServerFactory


def test_serve_prints_the_address_phones_must_open(
    live_server_factory: LiveServerFactory,
) -> None:
    server = live_server_factory()
    log = server.log_text()
    assert f"live: phones open http://127.0.0.1:{server.port} (this machine only" in log
    # …and the warning that says how to fix it, once (not again by every worker).
    assert log.count("live: warning: phones:") == 1
    assert "--host 0.0.0.0" in log

    public = live_server_factory(env={"LIVE_PUBLIC_URL": "https://live.example.org"})
    log = public.log_text()
    assert "live: phones open https://live.example.org\n" in log
    assert "warning: phones" not in log


def test_serve_refuses_a_redis_that_keeps_nothing(
    live_server_factory: LiveServerFactory, redis_factory: Callable[..., RedisServer]
) -> None:
    redis = redis_factory(aof=False)
    server = live_server_factory(env={"LIVE_REDIS_URL": redis.url}, start=False)
    with pytest.raises(RuntimeError, match="exited with code 2"):
        server.start()
    log = server.log_text()
    assert "live: error: redis 127.0.0.1" in log and 'appendonly no, save ""' in log
    assert "not started" in log
    assert "Uvicorn running" not in log


def test_serve_starts_with_warnings_only(
    live_server_factory: LiveServerFactory, redis_factory: Callable[..., RedisServer]
) -> None:
    redis = redis_factory()
    with Redis.from_url(redis.url) as admin:
        admin.config_set("appendfsync", "no")
    server = live_server_factory(env={"LIVE_REDIS_URL": redis.url})
    log = server.log_text()
    assert f"live: warning: redis 127.0.0.1:{redis.port}: AOF on, appendfsync no" in log
    assert "error" not in log.lower()
    # The app warns of an open event creation itself: once, not again by the start checks.
    assert log.count("LIVE_ADMIN_TOKEN is not set") == 1
