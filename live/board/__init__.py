"""The board: short-lived room state shared by every process (current applause grades, who is
present). Not durable, unlike the store: after a restart phones simply report again.
``memory://`` for one process, ``redis://`` for several."""

from __future__ import annotations

from live.board.base import Board

__all__ = ["Board", "open_board"]


def open_board(url: str) -> Board:
    scheme = url.split(":", 1)[0]
    if scheme == "memory":
        from live.board.memory import MemoryBoard

        return MemoryBoard()
    if scheme in {"redis", "rediss", "valkey", "valkeys"}:
        from live.board.redis import RedisBoard

        return RedisBoard.from_url(url)
    raise ValueError(f"unsupported board URL scheme: {scheme!r}")
