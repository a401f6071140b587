"""Chaos: faults in the middle of a vote burst, and a reconnect storm. Nothing acknowledged may be
lost or counted twice; how long clients take to get back is measured.

    .venv/bin/python -m bench.chaos [--scenarios kill,worker,redis,storm] [--voters 200]
        [--votes 8] [--storm 2000] [--repeats 3] [--max-seconds 900] [--no-docs]

Scenarios, each ``--repeats`` times on a fresh app (127.0.0.1 only, throwaway data and Redis):

- ``kill``: one `live serve` (SQLite); once a third of the planned votes are acknowledged the
  process gets SIGKILL and is started again on the same database.
- ``worker``: `live serve --workers 2` on Redis; one worker process gets SIGKILL (uvicorn starts
  a new one; the other keeps serving).
- ``redis``: `live serve` on Redis; Redis is stopped for a second and started again (AOF).
- ``storm``: ``--storm`` viewer sockets are open; all drop at once (a hall's Wi-Fi blip) and
  reconnect at the same moment; the time from the drop to each socket's new snapshot is taken.

The voters are the fault tests' own clients (tests/support/voting.py): each participant sends
``--votes`` single-choice votes, retrying each one (same request_id) through errors and
reconnects until it is acknowledged. Afterwards the poll must count each participant's last
acknowledged choice exactly once: "lost" are acknowledged ballots missing from the count,
"doubled" ballots counted beyond it. Reconnect times are each lost socket's way back (retries
0.2 s apart, like the tests' phones). Spread over repeats: the median of the repeats' values and
their range.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import websockets

from bench.common import running_app, write_block
from bench.perf import more_files
from tests.support import socket_frames
from tests.support.server import LiveServer
from tests.support.voting import (
    Voter,
    call,
    expected_counts,
    lost_and_doubled,
    next_matching,
    setup_poll,
    socket_url,
)

SCENARIOS = ("kill", "worker", "redis", "storm")
OPTIONS = 4
MAX_VOTERS = 2_000
MAX_STORM = 5_000

SECTION = """## Chaos (`bench/chaos.py`)

Faults during a vote burst and a reconnect storm, against the public interface: `kill` (SIGKILL
of the single SQLite process mid-burst, then a restart), `worker` (SIGKILL of one of two
Redis-mode workers), `redis` (Redis stopped for a second and restarted with its AOF) and `storm`
(every viewer socket drops at once and reconnects at the same moment). Each voter retries every
vote with the same `request_id` until it is acknowledged; afterwards the poll must count each
participant's last acknowledged choice exactly once. Reconnect times run from the lost socket to
the new one (`kill`: including the restart; the storm: to the new snapshot; `redis` needs none:
sockets stay open and writes are retried on them); each cell is the median over the repeats
with their range in brackets. Reproduce with `.venv/bin/python -m bench.chaos` (see its docstring
for sizes) on a quiet machine.

<!-- bench:chaos -->
<!-- /bench:chaos -->
"""


@dataclass
class Run:
    """One repeat of one scenario."""

    acked: int = 0
    lost: int = 0
    doubled: int = 0
    failures: int = 0  # clients that gave up (an error other than the outage, no reconnect)
    reconnects: list[float] = field(default_factory=list)


@dataclass
class Config:
    scenarios: tuple[str, ...]
    voters: int
    votes: int
    storm: int
    repeats: int
    max_seconds: float
    docs: bool


# --- a vote burst with a fault in the middle -------------------------------------------------


async def burst(
    server: LiveServer, voters_count: int, votes: int, fault: Callable[[], Awaitable[None]]
) -> Run:
    code, _token, room, poll_id = await asyncio.to_thread(setup_poll, server, OPTIONS)
    tokens = await asyncio.gather(
        *(
            asyncio.to_thread(call, server, "POST", f"/api/v1/events/{code}/join")
            for _ in range(voters_count)
        )
    )
    voters = [Voter(server, code, room, t["participant_token"], poll_id) for t in tokens]
    rng = random.Random(21)
    plans = [[rng.randrange(OPTIONS) for _ in range(votes)] for _ in voters]

    async def fault_midway() -> None:
        # Driven by what happened, not by a stopwatch: a third of the votes acknowledged.
        while sum(v.acks for v in voters) < len(voters) * votes // 3:
            if all(v.acks == votes for v in voters):
                return
            await asyncio.sleep(0.02)
        await fault()

    results = await asyncio.gather(
        *(
            v.run(plan, f"p{i}", 0.05)
            for i, (v, plan) in enumerate(zip(voters, plans, strict=True))
        ),
        fault_midway(),
        return_exceptions=True,
    )
    failures = sum(isinstance(r, BaseException) for r in results)
    shown = (
        await asyncio.to_thread(call, server, "GET", f"/api/v1/events/{code}/polls/{poll_id}")
    )["results"]["counts"]
    lost, doubled = lost_and_doubled(expected_counts(voters, OPTIONS), shown)
    return Run(
        acked=sum(v.acks for v in voters),
        lost=lost,
        doubled=doubled,
        failures=failures,
        reconnects=[t for v in voters for t in v.reconnects],
    )


async def kill_process(cfg: Config) -> Run:
    with running_app("sqlite") as target:
        server = target.server

        async def fault() -> None:
            await asyncio.to_thread(server.kill)
            await asyncio.to_thread(server.start)

        return await burst(server, cfg.voters, cfg.votes, fault)


async def kill_worker(cfg: Config) -> Run:
    with running_app("redis", env={"LIVE_WORKERS": "2"}) as target:
        server = target.server
        for _ in range(300):  # /healthz answers with the first worker; wait for the second
            if len(server.worker_pids()) >= 2 and server.log_text().count("startup complete") >= 2:
                break
            await asyncio.sleep(0.1)

        async def fault() -> None:
            workers = server.worker_pids()
            if workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(workers[0], signal.SIGKILL)

        return await burst(server, cfg.voters, cfg.votes, fault)


async def restart_redis(cfg: Config) -> Run:
    with running_app("redis") as target:
        redis = target.redis
        assert redis is not None

        async def fault() -> None:
            await asyncio.to_thread(redis.stop)
            await asyncio.sleep(1.0)
            await asyncio.to_thread(redis.start)

        return await burst(target.server, cfg.voters, cfg.votes, fault)


# --- the reconnect storm ---------------------------------------------------------------------


async def storm(cfg: Config) -> Run:
    with running_app("sqlite") as target:
        server = target.server
        code, _token, room, _poll = await asyncio.to_thread(setup_poll, server, OPTIONS)
        url = socket_url(server, code, room)
        gate = asyncio.Semaphore(200)  # the first connections: a ramp, not the storm

        async def open_one() -> websockets.ClientConnection:
            async with gate:
                ws = await websockets.connect(url, max_queue=None, open_timeout=60)
                await next_matching(ws, lambda m: m["type"] == "snapshot", 60)
                return ws

        sockets = await asyncio.gather(*(open_one() for _ in range(cfg.storm)))
        await asyncio.gather(*(ws.close() for ws in sockets))  # the blip: all gone at once
        dropped = time.perf_counter()

        async def back() -> float | None:
            for _ in range(100):
                try:
                    async with websockets.connect(url, max_queue=None, open_timeout=60) as ws:
                        await next_matching(ws, lambda m: m["type"] == "snapshot", 60)
                        return time.perf_counter() - dropped
                except (OSError, websockets.InvalidHandshake, TimeoutError):
                    await asyncio.sleep(0.2)
            return None

        times = await asyncio.gather(*(back() for _ in range(cfg.storm)))
        failures = sum(t is None for t in times)
        return Run(failures=failures, reconnects=[t for t in times if t is not None])


RUNNERS: dict[str, Callable[[Config], Awaitable[Run]]] = {
    "kill": kill_process,
    "worker": kill_worker,
    "redis": restart_redis,
    "storm": storm,
}


# --- the report ------------------------------------------------------------------------------


def spread(values: Sequence[float], fmt: str = "{:.2f}") -> str:
    """The median over the repeats, and their range."""
    if not values:
        return "-"
    median = fmt.format(statistics.median(values))
    return f"{median} [{fmt.format(min(values))}–{fmt.format(max(values))}]"


def row(name: str, runs: Sequence[Run]) -> str:
    p50 = [statistics.median(r.reconnects) for r in runs if r.reconnects]
    worst = [max(r.reconnects) for r in runs if r.reconnects]
    return (
        f"| {name} | {len(runs)} | {sum(r.acked for r in runs)} | {sum(r.lost for r in runs)} | "
        f"{sum(r.doubled for r in runs)} | {sum(len(r.reconnects) for r in runs)} | "
        f"{spread(p50)} | {spread(worst)} | {sum(r.failures for r in runs)} |"
    )


def table(cfg: Config, results: dict[str, list[Run]]) -> str:
    lines = [
        f"{cfg.voters} voters × {cfg.votes} votes per burst, a storm of {cfg.storm} sockets, "
        f"{cfg.repeats} repeats.",
        "",
        "| scenario | repeats | acknowledged | lost | doubled | reconnects | "
        "reconnect p50 s | reconnect max s | clients failed |",
        "|---|---|---|---|---|---|---|---|---|",
        *(row(name, runs) for name, runs in results.items()),
    ]
    return "\n".join(lines)


def parse(argv: Sequence[str] | None) -> Config:
    parser = argparse.ArgumentParser(prog="bench.chaos", description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--votes", type=int, default=8)
    parser.add_argument("--storm", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=900.0, help="bound for each run")
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args(argv)
    scenarios = tuple(s for s in args.scenarios.split(",") if s)
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if not 1 <= args.voters <= MAX_VOTERS or not 1 <= args.storm <= MAX_STORM:
        parser.error(f"--voters 1..{MAX_VOTERS}, --storm 1..{MAX_STORM}")
    if not 1 <= args.repeats <= 20 or args.votes < 1:
        parser.error("--repeats 1..20, --votes at least 1")
    return Config(
        scenarios,
        args.voters,
        args.votes,
        args.storm,
        args.repeats,
        args.max_seconds,
        not args.no_docs,
    )


async def run_all(cfg: Config) -> dict[str, list[Run]]:
    results: dict[str, list[Run]] = {}
    for name in cfg.scenarios:
        for repeat in range(cfg.repeats):
            print(f"chaos: {name} {repeat + 1}/{cfg.repeats}", file=sys.stderr, flush=True)
            run = await asyncio.wait_for(RUNNERS[name](cfg), cfg.max_seconds)
            results.setdefault(name, []).append(run)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    cfg = parse(argv)
    more_files()
    socket_frames.CHECKED = False  # time the server, not the tests' schema checks
    results = asyncio.run(run_all(cfg))
    report = table(cfg, results)
    print(report)
    if cfg.docs:
        write_block("chaos", report, section=SECTION)
    lost = sum(r.lost + r.doubled for runs in results.values() for r in runs)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
