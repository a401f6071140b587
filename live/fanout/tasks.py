"""Tasks that their starter does not await: a slow socket's close, a room's reaper, a channel's
loops."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger("live.fanout")


class TaskSet:
    """Holds every task it started until the task is done.

    The event loop keeps only a weak reference to a task: one that nobody else holds may be
    garbage-collected before it finishes (the asyncio docs on ``create_task``), and its failure
    goes unseen. Invariants: a task is in the set from ``spawn`` until it is done, then dropped;
    a failure is logged when it happens, not when the task is collected. The owner empties the
    set when it stops: ``wait`` (let them finish) or ``cancel``.
    """

    __slots__ = ("_tasks",)

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, work: Coroutine[Any, Any, None], *, name: str | None = None) -> None:
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("task %s failed", task.get_name(), exc_info=error)

    async def wait(self) -> None:
        """Until every task is done, also those spawned meanwhile (failures are logged)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def cancel(self) -> None:
        """Cancel every task and wait until they are done."""
        while self._tasks:
            tasks = tuple(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
