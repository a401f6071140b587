"""Hub backends, chosen by URL (``memory://`` default, ``redis://`` for several processes)."""

from __future__ import annotations

from live.hub.base import RESET, Hub, Message, Subscription

__all__ = ["RESET", "Hub", "Message", "Subscription", "open_hub"]


def open_hub(url: str) -> Hub:
    scheme = url.split(":", 1)[0]
    if scheme == "memory":
        from live.hub.memory import MemoryHub

        return MemoryHub()
    if scheme in {"redis", "rediss", "valkey", "valkeys"}:
        from live.hub.redis import RedisHub

        return RedisHub.from_url(url)
    raise ValueError(f"unsupported hub URL scheme: {scheme!r}")
