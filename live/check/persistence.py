"""Whether a Redis (or Valkey) keeps what it acknowledged: docs/deploy.md, "Redis settings".

A Redis without AOF and without RDB snapshots loses every event and vote when it restarts;
the app notices afterwards (live/service/integrity.py) but cannot bring anything back. So it is
refused before the first vote.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from redis import Redis
from redis.exceptions import ResponseError

TIMEOUT = 3.0


@dataclass(frozen=True)
class Persistence:
    """What the server said; None where it would not say (CONFIG renamed or not allowed)."""

    appendonly: bool | None
    save: str | None
    appendfsync: str | None
    eviction: str | None


def where(url: str) -> str:
    """host:port of a Redis URL, without credentials (printed and logged)."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"


def client_url(url: str) -> str:
    """valkey:// is redis:// to redis-py."""
    for ours, theirs in (("valkeys://", "rediss://"), ("valkey://", "redis://")):
        if url.startswith(ours):
            return theirs + url[len(ours) :]
    return url


def read(url: str) -> Persistence:
    """Ask the server; raises RedisError/OSError when it cannot be reached."""
    client = Redis.from_url(
        client_url(url),
        socket_timeout=TIMEOUT,
        socket_connect_timeout=TIMEOUT,
        decode_responses=True,
    )
    try:
        client.ping()
        try:
            config = {
                name: str(value)
                for key in ("appendonly", "save", "appendfsync", "maxmemory-policy")
                for name, value in client.config_get(key).items()
            }
        except ResponseError:
            # Managed servers often forbid CONFIG; INFO still says whether the AOF is on.
            info = client.info("persistence")
            aof = info.get("aof_enabled")
            return Persistence(None if aof is None else bool(int(aof)), None, None, None)
        return Persistence(
            config.get("appendonly", "").lower() == "yes" if "appendonly" in config else None,
            config.get("save"),
            config.get("appendfsync", "").lower() or None,
            config.get("maxmemory-policy", "").lower() or None,
        )
    finally:
        client.close()
