"""The pooled Redis client that the store and the board both use (the hub has its own: one
publishing pool and a hand-made pub/sub connection), and what its failures become.

Commands wait for a free connection (up to POOL_TIMEOUT seconds) instead of failing: redis-py's
default pool raises "Too many connections" at 100 in use, which a room voting or clapping at
once reaches. Redis runs commands on one thread; more connections add no throughput.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.maint_notifications import MaintNotificationsConfig

MAX_CONNECTIONS = 64
# Seconds to wait for a free connection. Waiting means this process is busy, not that Redis is
# gone (a dead or frozen server fails each command after its socket timeout): 10,000 requests
# at once queue for the 64 connections for about 5 s on a 2-core machine, and at 5 s the last
# of them failed.
POOL_TIMEOUT = 15.0


def pooled_client(
    url: str,
    *,
    connections: int = MAX_CONNECTIONS,
    resends: int,
    socket_timeout: float,
    connect_timeout: float,
) -> Redis:
    """A client on a blocking pool of ``connections``, replies decoded as str. ``resends``: how
    often a command is sent again after a connection error (0 for writes that must not be
    applied twice)."""
    return Redis.from_pool(
        BlockingConnectionPool.from_url(
            url,
            max_connections=connections,
            timeout=POOL_TIMEOUT,
            socket_timeout=socket_timeout,
            socket_connect_timeout=connect_timeout,
            retry=Retry(NoBackoff(), resends),
            # Maintenance notifications are a Redis Enterprise/Cloud feature. Left at redis-py's
            # "auto", the pool skips its check for connections the server has closed, so the
            # first command on each pooled connection after a server restart would fail
            # (tests: a store and a board across a restart).
            maint_notifications_config=MaintNotificationsConfig(enabled=False),
            decode_responses=True,
        )
    )


@contextlib.contextmanager
def failures_as(error: type[Exception], what: str) -> Iterator[None]:
    """Redis failures (connection, timeout, error reply) become ``error``, cause attached."""
    try:
        yield
    except (RedisError, OSError) as exc:  # OSError: e.g. TLS setup, which redis-py may not wrap
        raise error(f"redis {what}: {exc}") from exc
