"""Noticing that the store lost its data, and saying so.

A Redis that was flushed (FLUSHALL), restarted without persistence or swapped for another
still answers every command: without a check every URL would answer 404 as if the events had
been deleted, sockets would stay open, /healthz would say 200 and nothing would be logged. The
store's ``ping`` compares a marker written when it opened (live/store/redis.py, ``P:dataset``);
this watch asks it every CHECK_SECONDS, on every /healthz, and at once when a tick finds its
room gone (live/fanout/channel.py). When the data is gone it logs one ERROR, tells its
listeners (the fan-out closes every socket with 1011 and a reason), and /healthz answers 503
until a check finds the marker again (the database restored from a backup).

Per process: with several workers each one notices, logs and closes its own sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Literal

from live.store import DataLost, Store

log = logging.getLogger("live.store")

# Health probes come every few seconds anyway; this bounds the time to notice without them
# (the issue: within 10 s).
CHECK_SECONDS = 5.0

Health = Literal["ok", "unavailable", "data_lost"]


class DataWatch:
    """Invariants: ``lost`` is True from the first check that found the data gone until a
    check finds it again; the ERROR and the listeners run once per loss, not per check."""

    def __init__(self, store: Store, *, every: float = CHECK_SECONDS) -> None:
        """``store``: the backend itself, not the guarded one (its failures must stay apart:
        data lost is not an outage)."""
        self._store = store
        self._every = every
        self._listeners: list[Callable[[], None]] = []
        self._soon: asyncio.Task[Health] | None = None
        self.lost = False

    def when_lost(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (it must not block) each time the data is found gone."""
        self._listeners.append(listener)

    async def check(self) -> Health:
        """Ask the store once: "ok", "unavailable" (it does not answer: an outage, which says
        nothing about its data) or "data_lost"."""
        try:
            await self._store.ping()
        except DataLost as exc:
            if not self.lost:  # no await between the test and the set: one report per loss
                self.lost = True
                log.error(
                    "store: THE DATA IS GONE (%s). Every event, poll and question this app "
                    "stored is lost; URLs answer 404 and sockets are closed. Restore the "
                    "database from a backup (docs/deploy.md) and restart the app.",
                    exc,
                )
                for listener in self._listeners:
                    listener()
            return "data_lost"
        except Exception:
            return "unavailable"
        if self.lost:
            self.lost = False
            log.warning("store: the data is back (its marker matches again)")
        return "ok"

    def suspect(self) -> None:
        """Something looked missing (a tick found its room gone): check now, not at the next
        round. Calls while a check is under way share it."""
        if self._soon is None or self._soon.done():
            self._soon = asyncio.get_running_loop().create_task(self.check(), name="integrity")

    async def run(self) -> None:
        """Check every ``every`` seconds until cancelled."""
        while True:
            await asyncio.sleep(self._every)
            await self.check()

    async def close(self) -> None:
        if self._soon is not None and not self._soon.done():
            self._soon.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._soon
