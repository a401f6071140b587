"""One contract suite for the board, over every backend (in-process and Redis)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest

from live.board.base import Board, BoardError
from live.board.memory import MemoryBoard
from live.board.redis import RedisBoard
from tests.support.redis import RedisServer

T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "redis"])
async def board(request: pytest.FixtureRequest) -> AsyncIterator[Board]:
    if request.param == "memory":
        made: Board = MemoryBoard()
    else:
        server: RedisServer = request.getfixturevalue("redis_server")
        made = RedisBoard(server.url, prefix=f"test:{uuid.uuid4().hex}:")
    await made.open()
    yield made
    await made.close()


async def test_grades_are_a_state_per_participant(board: Board) -> None:
    for _ in range(100):  # one participant sending often is still one clapper
        await board.set_grade("r1", "u1", 5, T0)
    await board.set_grade("r1", "u2", 2, T0)
    await board.set_grade("r2", "u3", 4, T0)
    grades = await board.grades("r1", T0)
    assert {pid: g for pid, (g, _at) in grades.items()} == {"u1": 5, "u2": 2}
    await board.set_grade("r1", "u1", 0, T0 + timedelta(seconds=1))  # stopped
    assert set(await board.grades("r1", T0 + timedelta(seconds=1))) == {"u2"}


async def test_silent_phones_stop_counting(board: Board) -> None:
    await board.set_grade("r1", "u1", 3, T0)
    await board.set_grade("r1", "u2", 3, T0 + timedelta(seconds=2))
    later = T0 + timedelta(seconds=4)
    assert set(await board.grades("r1", later)) == {"u2"}


async def test_presence_counts_distinct_participants_from_all_processes(board: Board) -> None:
    await board.announce("r1", ["u1", "u2"], T0)  # process A
    await board.announce("r1", ["u2", "u3"], T0)  # process B: u2 has two sockets
    await board.announce("r2", ["u9"], T0)
    assert await board.present("r1", T0) == 3
    assert await board.present("r1", T0 + timedelta(seconds=20)) == 0  # nobody re-announced
    assert await board.present("r2", T0) == 1


async def test_a_room_clapping_at_once_is_counted_whole(board: Board) -> None:
    """Hundreds of grades at the same moment (one per phone): none fails, each counts. (Redis:
    the client waits for a pooled connection instead of raising "Too many connections".)"""
    await asyncio.gather(*(board.set_grade("r1", f"u{i}", 1 + i % 5, T0) for i in range(400)))
    grades = await board.grades("r1", T0)
    assert len(grades) == 400
    assert {pid: g for pid, (g, _at) in grades.items()} == {f"u{i}": 1 + i % 5 for i in range(400)}


async def test_a_large_room_is_announced_whole(board: Board) -> None:
    """Thousands of participants in one announcement (Redis: more than one ZADD's worth)."""
    await board.announce("r1", [f"u{i}" for i in range(5000)], T0)
    await board.announce("r1", [f"u{i}" for i in range(4000, 6000)], T0 + timedelta(seconds=1))
    assert await board.present("r1", T0 + timedelta(seconds=1)) == 6000
    # Ids are opaque: one with a line break in it counts as itself.
    await board.announce("r2", ["a\nb", "c"], T0)
    assert await board.present("r2", T0) == 2


async def test_a_redis_board_keeps_working_across_a_server_restart(
    redis_factory: Callable[[], RedisServer],
) -> None:
    """Every pooled connection dies with the server; the first commands after the restart must
    not fail on them (the applause of a whole room would be dropped otherwise). The grades are
    sent at once so that the pool holds many connections when the server goes."""
    server = redis_factory()
    board = RedisBoard(server.url, prefix="test:restart:")
    await board.open()
    try:
        await asyncio.gather(*(board.set_grade("r1", f"u{i}", 3, T0) for i in range(200)))
        server.restart()  # blocks the loop: the pool has not yet seen its connections close
        await asyncio.sleep(0.1)
        later = T0 + timedelta(seconds=1)
        await asyncio.gather(*(board.set_grade("r1", f"v{i}", 4, later) for i in range(200)))
        await board.announce("r1", ["v1", "v2"], later)
        grades = {pid: g for pid, (g, _at) in (await board.grades("r1", later)).items()}
        # The test servers keep an append-only file, so the grades from before are still there.
        assert grades == {f"u{i}": 3 for i in range(200)} | {f"v{i}": 4 for i in range(200)}
        assert await board.present("r1", later) == 2
    finally:
        await board.close()


async def test_a_redis_board_that_cannot_connect_says_so(
    redis_factory: Callable[[], RedisServer],
) -> None:
    server = redis_factory()
    server.stop()
    board = RedisBoard(server.url)
    with pytest.raises(BoardError):
        await board.open()
    with pytest.raises(RuntimeError):  # not half open
        await board.set_grade("r1", "u1", 3, T0)
