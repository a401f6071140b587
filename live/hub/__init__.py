"""Hub backends, chosen by URL (``memory://`` default; ``redis://`` with issue 3)."""

from __future__ import annotations

from live.hub.base import RESET, Hub, Message, Subscription

__all__ = ["RESET", "Hub", "Message", "Subscription", "open_hub"]


def open_hub(url: str) -> Hub:
    scheme = url.split(":", 1)[0]
    if scheme == "memory":
        from live.hub.memory import MemoryHub

        return MemoryHub()
    raise ValueError(f"unsupported hub URL scheme: {scheme!r}")
