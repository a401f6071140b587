"""TaskSet: tasks nobody awaits are kept until done, their failures logged at once."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from live.fanout.tasks import TaskSet
from tests.support.virtual_time import advance, settle


async def test_a_task_is_kept_until_it_is_done_then_dropped() -> None:
    tasks, go, done = TaskSet(), asyncio.Event(), []

    async def work() -> None:
        await go.wait()
        done.append(True)

    tasks.spawn(work(), name="work")
    gc.collect()  # nobody else holds the task: the set must
    assert len(tasks) == 1
    go.set()
    await settle()
    assert done == [True] and len(tasks) == 0


async def test_a_failure_is_logged_when_it_happens(caplog: pytest.LogCaptureFixture) -> None:
    tasks = TaskSet()

    async def fail() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="live.fanout"):
        tasks.spawn(fail(), name="closing")
        await settle()
    assert len(tasks) == 0
    assert [r.getMessage() for r in caplog.records] == ["task closing failed"]


async def test_wait_includes_tasks_spawned_meanwhile_and_cancel_ends_them() -> None:
    tasks, finished = TaskSet(), []

    async def second() -> None:
        await advance(0.5)
        finished.append("second")

    async def first() -> None:
        await advance(0.5)
        tasks.spawn(second())
        finished.append("first")

    tasks.spawn(first())
    await tasks.wait()
    assert finished == ["first", "second"] and len(tasks) == 0

    async def forever() -> None:
        await asyncio.Event().wait()

    tasks.spawn(forever())
    await tasks.cancel()
    assert len(tasks) == 0
