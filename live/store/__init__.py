"""Store backends, chosen by URL. Backends are imported lazily so an install without Redis works."""

from __future__ import annotations

from live.store.base import (
    DataLost,
    DuplicateKey,
    JoinedAfterOpening,
    MergeRefused,
    PollNotOpen,
    PollOpened,
    QuestionClosed,
    Store,
    StoreError,
    TooSoon,
    VoteOutcome,
)

__all__ = [
    "DataLost",
    "DuplicateKey",
    "JoinedAfterOpening",
    "MergeRefused",
    "PollNotOpen",
    "PollOpened",
    "QuestionClosed",
    "Store",
    "StoreError",
    "TooSoon",
    "VoteOutcome",
    "open_store",
]


def open_store(url: str) -> Store:
    """``sqlite:///path/to/live.db`` (or ``sqlite://:memory:``), ``redis://host:port/db``."""
    scheme = url.split(":", 1)[0]
    if scheme == "sqlite":
        from live.store.sqlite import SQLiteStore

        return SQLiteStore.from_url(url)
    if scheme in {"redis", "rediss", "valkey", "valkeys"}:
        from live.store.redis import RedisStore

        return RedisStore.from_url(url)
    raise ValueError(f"unsupported store URL scheme: {scheme!r}")
