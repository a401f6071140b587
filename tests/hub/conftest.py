"""Hub fixtures.

- `hub`: an opened hub; every test in test_contract.py runs once per entry of BACKENDS.
- `redis_hub_factory`: opened RedisHubs for test_redis.py (`make(url=None, **timings)`), each
  with its own channel prefix unless given; all closed at teardown.
- `receive(sub)` / `assert_silent(sub)`: bounded reads, so a bug fails instead of hanging.

Redis hubs use short timings (FAST) so the fault tests take seconds, not minutes.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from live.hub import Hub, Message, Subscription
from live.hub.memory import MemoryHub
from live.hub.redis import RedisHub
from tests.support.redis import RedisServer

# Short heartbeat and backoff: a hub notices a fault and recovers within a fraction of a second.
# The two limits that judge Redis dead when an answer is late (watchdog, io) stay generous: on a
# busy machine an answer can take a second, and a test that is not about a slow Redis must not
# see one. Tests of those limits make them short themselves (SHORT_LIMITS).
FAST: dict[str, float] = {
    "heartbeat_interval": 0.1,
    "watchdog_timeout": 4.0,
    "io_timeout": 2.0,
    "backoff_initial": 0.05,
    "backoff_max": 0.4,
    "subscribe_timeout": 10.0,
}
SHORT_LIMITS: dict[str, float] = {"watchdog_timeout": 0.6, "io_timeout": 0.5}


def unique_prefix() -> str:
    """Channels of one test never meet another test's on the shared session server."""
    return f"test-{uuid.uuid4().hex[:12]}:"


def _memory(request: pytest.FixtureRequest) -> Hub:
    return MemoryHub()


def _redis(request: pytest.FixtureRequest) -> Hub:
    server: RedisServer = request.getfixturevalue("redis_server")
    return RedisHub.from_url(server.url, prefix=unique_prefix(), **FAST)


BACKENDS: dict[str, Callable[[pytest.FixtureRequest], Hub]] = {
    "memory": _memory,
    "redis": _redis,
}


@pytest.fixture(params=list(BACKENDS))
async def hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    backend = BACKENDS[request.param](request)
    await backend.open()
    try:
        yield backend
    finally:
        await backend.close()


RedisHubFactory = Callable[..., Awaitable[RedisHub]]


@pytest.fixture
async def redis_hub_factory(redis_server: RedisServer) -> AsyncIterator[RedisHubFactory]:
    hubs: list[RedisHub] = []

    async def make(url: str | None = None, **options: Any) -> RedisHub:
        settings: dict[str, Any] = {**FAST, "prefix": unique_prefix(), **options}
        made = RedisHub.from_url(url or redis_server.url, **settings)
        await made.open()
        hubs.append(made)
        return made

    yield make
    for made in hubs:
        await asyncio.wait_for(made.close(), 10)


async def receive(sub: Subscription, timeout: float = 10.0) -> Message:
    """The next message; `timeout` only bounds a hang (a message that never comes)."""
    return await asyncio.wait_for(sub.get(), timeout)


async def assert_silent(sub: Subscription, wait: float = 0.2) -> None:
    try:
        message = await asyncio.wait_for(sub.get(), wait)
    except TimeoutError:
        return
    raise AssertionError(f"expected no message, got {message!r}")
