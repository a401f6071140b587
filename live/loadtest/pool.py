"""The load-generator processes (live/loadtest/worker.py), driven over pipes: one command to
each, answers matched by id, so commands to one process may overlap (a progress question while
its votes run)."""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import time
from collections.abc import Sequence
from typing import Any

from live.loadtest.worker import worker_main


class Pool:
    """The load-generator processes; ``call`` sends one command to each and waits for all."""

    def __init__(self, n_participant_procs: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conns: list[multiprocessing.connection.Connection] = []
        self.procs: list[Any] = []
        for wid in range(n_participant_procs + 1):  # the last one holds the screens
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=worker_main, args=(child, wid), daemon=True)
            proc.start()
            self.conns.append(parent)
            self.procs.append(proc)
        self._next = 0
        self._replies: dict[int, Any] = {}

    @property
    def participant_workers(self) -> range:
        return range(len(self.conns) - 1)

    @property
    def screen_worker(self) -> int:
        return len(self.conns) - 1

    def send(self, wid: int, cmd: str, **args: Any) -> int:
        self._next += 1
        self.conns[wid].send({"id": self._next, "cmd": cmd, "args": args})
        return self._next

    def wait(self, wid: int, msg_id: int, timeout: float = 600.0) -> Any:
        deadline = time.monotonic() + timeout
        while msg_id not in self._replies:
            if not self.conns[wid].poll(max(0.0, deadline - time.monotonic())):
                raise TimeoutError(f"load generator {wid} did not answer")
            reply = self.conns[wid].recv()
            self._replies[reply["id"]] = reply
        reply = self._replies.pop(msg_id)
        if "error" in reply:
            raise RuntimeError(f"load generator {wid}:\n{reply['error']}")
        return reply["result"]

    def answered(self, wid: int, msg_id: int, timeout: float = 0.0) -> bool:
        """Whether the answer to ``msg_id`` is in (waiting at most ``timeout`` for it)."""
        if msg_id in self._replies:
            return True
        if self.conns[wid].poll(timeout):
            reply = self.conns[wid].recv()
            self._replies[reply["id"]] = reply
        return msg_id in self._replies

    def call(
        self,
        wids: Sequence[int],
        cmd: str,
        args: dict[int, dict[str, Any]] | None = None,
        *,
        answer_within: float = 600.0,
        **common_args: Any,
    ) -> dict[int, Any]:
        ids = {
            wid: self.send(wid, cmd, **{**common_args, **((args or {}).get(wid, {}))})
            for wid in wids
        }
        return {wid: self.wait(wid, mid, answer_within) for wid, mid in ids.items()}

    def close(self) -> None:
        for wid in range(len(self.conns)):
            with contextlib.suppress(Exception):
                self.send(wid, "quit")
        for proc in self.procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
