"""The server's Prometheus metrics (GET /metrics, live/web/metrics.py; docs/ops/README.md).

One ``Metrics`` per app, built in ``create_app`` when LIVE_METRICS_TOKEN is set. It is the
services' ``WriteMeter``, the fan-out's ``FanoutMeter`` and the store's timer, and keeps a small
task that samples what nothing else reports (event-loop lag, rooms, memory).

Labels hold only fixed words (a view, a write kind, an error code, a store method): never an
event code, a room id or anything a person typed.

One process: the metrics live in the app's own registry (not the library's global one, so
several apps in one test process do not collide), with the library's process collector (RSS,
CPU, open files). Several workers (``Settings.metrics_shared``): every worker writes its values
into files in PROMETHEUS_MULTIPROC_DIR (live/metrics_workers.py prepares it) and whichever
worker answers a scrape reads them all (prometheus-client's multiprocess mode). The process
collector cannot work across processes there; ``live_resident_memory_bytes`` (all workers
together) is the memory figure in both modes.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from live.fanout.types import View
from live.service.meter import WRITE_KINDS, WriteKind

VIEWS: tuple[View, ...] = ("json", "participant", "screen", "moderator", "overlay")

# A tick re-reads a room and renders each view once: milliseconds normally, up to the tick
# interval (100 ms) or beyond when the server falls behind.
TICK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
# One store call: SQLite with fsync or a Redis round trip, sub-millisecond to a few ms.
STORE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5)

SAMPLE_SECONDS = 1.0  # how often lag, rooms and memory are sampled


class Metrics:
    """Invariants: ``live_sockets`` counts the sockets in the fan-out's rooms (joined when a
    room's channel takes one, left when it lets it go); ``live_writes_total`` counts writes the
    store applied (a repeated request_id is not counted again); every label value comes from a
    fixed set of words or the code."""

    def __init__(self, *, shared: bool = False) -> None:
        self.shared = shared
        # Shared: the instruments write to files (no registry); a scrape reads every file.
        own = None if shared else CollectorRegistry()
        self._exposed = CollectorRegistry()
        if shared:
            MultiProcessCollector(self._exposed)  # type: ignore[no-untyped-call]
            forget_dead_workers()
        else:
            assert own is not None
            self._exposed = own
            ProcessCollector(registry=own)

        sockets = Gauge(
            "live_sockets",
            "Open WebSockets by view (json: the public API socket).",
            ["view"],
            registry=own,
            multiprocess_mode="livesum",
        )
        writes = Counter(
            "live_writes",
            "Participants' writes the store applied, by kind.",
            ["kind"],
            registry=own,
        )
        self.write_errors = Counter(
            "live_write_errors",
            "Participants' writes refused, by kind and error code (unavailable: store outage).",
            ["kind", "code"],
            registry=own,
        )
        self.tick = Histogram(
            "live_tick_seconds",
            "Duration of one room channel's tick (read the state, render, queue the frames).",
            registry=own,
            buckets=TICK_BUCKETS,
        )
        self.store = Histogram(
            "live_store_seconds",
            "Duration of store calls, by store method.",
            ["op"],
            registry=own,
            buckets=STORE_BUCKETS,
        )
        self.loop_lag = Gauge(
            "live_event_loop_lag_seconds",
            "How late the event loop ran a timer in the last sample (the worst worker).",
            registry=own,
            multiprocess_mode="livemax",
        )
        self.rooms = Gauge(
            "live_rooms_active",
            "Rooms with open sockets (several workers: the most any worker serves).",
            registry=own,
            multiprocess_mode="livemax",
        )
        self.memory = Gauge(
            "live_resident_memory_bytes",
            "Resident memory of the server's processes (all workers together).",
            registry=own,
            multiprocess_mode="livesum",
        )
        # Children made once: the hot paths do a dict lookup and an increment, no label work.
        self._sockets = {view: sockets.labels(view) for view in VIEWS}
        self._writes = {kind: writes.labels(kind) for kind in WRITE_KINDS}
        self._observe_tick = self.tick.observe

    # --- the services' WriteMeter --------------------------------------------------------

    def wrote(self, kind: WriteKind) -> None:
        self._writes[kind].inc()

    def refused(self, kind: WriteKind, code: str) -> None:
        self.write_errors.labels(kind, code).inc()

    # --- the fan-out's FanoutMeter --------------------------------------------------------

    def joined(self, view: View) -> None:
        self._sockets[view].inc()

    def left(self, view: View) -> None:
        self._sockets[view].dec()

    def ticked(self, seconds: float) -> None:
        self._observe_tick(seconds)

    # --- the store's timer (live/service/outage.py) ---------------------------------------

    def store_timer(self, op: str) -> Callable[[float], None]:
        observe: Callable[[float], None] = self.store.labels(op).observe
        return observe

    # --- sampling and exposition ----------------------------------------------------------

    def sample(self, rooms: int) -> None:
        """What is read rather than counted: the rooms with sockets, this process's memory."""
        self.rooms.set(rooms)
        resident = resident_bytes()
        if resident is not None:
            self.memory.set(resident)

    async def run(self, rooms: Callable[[], int]) -> None:
        """Every SAMPLE_SECONDS: how late the loop woke this task (a busy loop delays every
        socket and request alike), and ``sample``."""
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + SAMPLE_SECONDS
            await asyncio.sleep(SAMPLE_SECONDS)
            self.loop_lag.set(max(0.0, loop.time() - due))
            self.sample(rooms())

    def exposition(self, accept: str | None) -> tuple[bytes, str]:
        """The body and its content type (Prometheus text, or OpenMetrics when asked for)."""
        encode, content_type = choose_encoder(accept or "")
        return encode(self._exposed), content_type

    def close(self) -> None:
        """This worker is going: its live gauges leave the sums (its counters stay)."""
        if self.shared:
            mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def forget_dead_workers() -> None:
    """A worker that crashed could not take its gauges with it (``close``): a new worker drops
    the live gauges of every worker process that is gone, so they leave the sums."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    pids = {path.stem.rsplit("_", 1)[-1] for path in Path(directory).glob("gauge_live*_*.db")}
    for pid in filter(str.isdigit, pids):
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            mark_process_dead(int(pid))  # type: ignore[no-untyped-call]
        except PermissionError:
            pass  # alive, someone else's (cannot happen in our own directory, but harmless)


def resident_bytes() -> int | None:
    """This process's resident memory (Linux; None elsewhere). One small read, once a second:
    not the process collector, which also lists every open file (10,000 sockets)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")
