"""Load benchmark: N participants in one room, scenarios S1–S7, the app against a raw
`websockets` broadcaster (the baseline), run alternately (A B A B …), medians and ratios written
to docs/benchmarks.md.

    .venv/bin/python -m bench.perf --short          # `make bench`: the short version (< 3 min)
    .venv/bin/python -m bench.perf                  # the full set: 10,000 participants, 5 pairs
    .venv/bin/python -m bench.perf --backend redis --workers 2 --participants 30000 --only app

Scenarios (one server start runs them in this order on the same sockets):
  S1 ramp: participants connect on a schedule; RSS per connection, idle CPU.
  S2 burst: every participant votes once within 2 s (a fresh poll, results live).
  S3 steady: votes at a fixed rate (open loop) on a second poll.
  S4 applause: every participant claps, changing the grade every second.
  S6 stall: as S3 on a third poll while 1 % of the participants stop reading.
  S7 reconnect: every participant closes and reconnects at once.
  S8 page path (app runs only: the baseline has no pages): the participants' JSON sockets
     close; for each size in --page-phones, that many phones open the participant page's
     socket (with their cookie) and a keep-alive HTTP connection each, and every phone votes
     once within 2 s by form post (htmx's headers) on a fresh poll, the room's only open one
     (the polls before it are closed); the screens (JSON viewers) time the tally as in S2.
     Reported beside S2 (the JSON path) in its own table.
  S9 page path as phones with JavaScript use it: as S8, but every vote goes over the phone's
     page socket (static/live.js does so while the socket is open; the form post is left for
     pages without it); the answer on the socket that names the request is the ack.
  S5 (Q&A at scale) is bench/qa_room.py: the baseline knows no questions.

Vote-to-screen latency: every vote's send time is kept (its request_id names it); screen
clients log each poll frame's arrival and the poll's progress. A participant's k-th vote in a
poll picks option k-1, so every stored vote raises the progress Σ (i+1)·count_i by exactly one;
the j-th vote sent counts as shown at the first screen frame with progress ≥ j that arrived
after it was sent (exact when the server stores votes in the order they were sent, and a close
bound otherwise).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import common
from live.domain.polls import MAX_OPTIONS
from live.loadtest.pool import Pool
from live.loadtest.stats import screen_latencies
from tests.support.redis import RedisServer
from tests.support.server import REPO_ROOT, LiveServer, free_port

HOST = "127.0.0.1"
PER_PROCESS = 5000  # sockets per load-generator process: far below the 20,000 open-files limit
ROOM_PATH = "/api/v1/events/{code}/rooms/{room}/ws"
PAGE_PATH = "/e/{code}/rooms/{room}/live?view=participant"


@dataclass
class Config:
    participants: int = 10_000
    screens: int = 2
    pairs: int = 5
    ramp_rate: float = 2000.0
    idle_seconds: float = 3.0
    burst_seconds: float = 2.0
    steady_rate: float = 1000.0
    steady_seconds: float = 30.0
    applause_seconds: float = 10.0
    stall_seconds: float = 15.0
    stall_every: int = 100  # 1 % of the participants stop reading in S6
    settle: float = 2.0
    tick_ms: int = 100
    backend: str = "sqlite"
    workers: int = 1
    only: str = ""  # "app" or "baseline": skip the other
    scenarios: tuple[str, ...] = ("S1", "S2", "S3", "S4", "S6", "S7", "S8", "S9")
    # S8, S9: how many phones on the page path, one burst each (at most ``participants``).
    page_phones: tuple[int, ...] = (400, 1000, 2000, 10_000)
    seed: int = 1
    write: bool = True
    label: str = "full"
    raw: str = ""  # a file: every run's raw metrics as JSON
    profile: str = ""  # a directory: py-spy records each phase of the app's server there
    keep: bool = False  # keep each run's directory (server log, data) and print where it is

    @property
    def steady_options(self) -> int:
        return max(
            2,
            math.ceil(
                self.steady_rate * max(self.steady_seconds, self.stall_seconds) / self.participants
            ),
        )


# --- targets ---------------------------------------------------------------------------------


def group_pids(pgid: int) -> list[int]:
    """Every process of a process group (uvicorn's workers are in the server's group)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = Path(f"/proc/{entry}/stat").read_text()
            if int(stat[stat.rindex(")") + 2 :].split()[2]) == pgid:
                pids.append(int(entry))
    return pids


@dataclass
class Usage:
    cpu: float
    rss: int


class Target:
    name = ""
    pgid = 0
    base_url: str | None = None
    path = ""
    port = 0
    polls: dict[str, str]  # role (burst/steady/stall) -> poll id
    redis: RedisServer | None = None

    def usage(self) -> Usage:
        cpu, rss = 0.0, 0
        for pid in group_pids(self.pgid):
            with contextlib.suppress(OSError):
                sample = common.proc_sample(pid)
                cpu += sample.cpu_seconds
                rss += sample.rss_bytes
        return Usage(cpu, rss)

    def redis_cpu(self) -> float:
        if self.redis is None or self.redis.process is None:
            return 0.0
        return common.proc_sample(self.redis.process.pid).cpu_seconds

    def open_poll(self, role: str) -> None:
        pass

    def counts(self, role: str) -> list[int]:
        raise NotImplementedError

    def poll_frame_bytes(self) -> int:
        return 0

    def stop(self) -> None:
        raise NotImplementedError


class App(Target):
    name = "app"

    def __init__(self, cfg: Config, workdir: Path) -> None:
        env = {**common.DEFAULT_SERVER_ENV, "LIVE_TICK_MS": str(cfg.tick_ms)}
        if cfg.backend == "redis":
            self.redis = RedisServer(workdir / "redis")
            self.redis.start()
            env["LIVE_REDIS_URL"] = self.redis.url
            env["LIVE_WORKERS"] = str(cfg.workers)
        self.server = LiveServer(
            data_dir=workdir / "data", log_path=workdir / "server.log", env=env, start_timeout=60
        )
        self.server.start()
        assert self.server.pid is not None
        self.pgid = self.server.pid
        self.base_url = self.server.url
        self.port = self.server.port
        event = common.create_event(self.base_url, "Lastmessung")
        self.event = event
        self.code = event.code
        self.path = ROOM_PATH.format(code=event.code, room=event.room_id)
        self.polls = {}
        self.open_roles: set[str] = set()
        shapes = {"burst": 4, "steady": cfg.steady_options, "stall": cfg.steady_options}
        for role, n in shapes.items():
            poll = common.http_json(
                "POST",
                f"{self.base_url}/api/v1/events/{event.code}/rooms/{event.room_id}/polls",
                {
                    "question": f"Wie bewerten Sie den Vortrag? ({role})",
                    "kind": "single",
                    "options": [f"Antwort {i + 1}" for i in range(n)],
                    "visibility": "live",
                },
                token=event.moderator_token,
            )
            self.polls[role] = poll["id"]

    def add_poll(self, role: str, options: int) -> None:
        """A further poll (S8: one per size), single choice, results live."""
        poll = common.http_json(
            "POST",
            f"{self.base_url}/api/v1/events/{self.code}/rooms/{self.event.room_id}/polls",
            {
                "question": f"Wie bewerten Sie den Vortrag? ({role})",
                "kind": "single",
                "options": [f"Antwort {i + 1}" for i in range(options)],
                "visibility": "live",
            },
            token=self.event.moderator_token,
        )
        self.polls[role] = poll["id"]

    def open_poll(self, role: str) -> None:
        common.http_json(
            "POST",
            f"{self.base_url}/api/v1/events/{self.code}/polls/{self.polls[role]}/open",
            token=self.event.moderator_token,
        )
        self.open_roles.add(role)

    def close_open_polls(self) -> None:
        """Close every poll a scenario opened, as a moderator closes the last poll before the
        next (and as one open poll per room is the default)."""
        for role in sorted(self.open_roles):
            common.http_json(
                "POST",
                f"{self.base_url}/api/v1/events/{self.code}/polls/{self.polls[role]}/close",
                token=self.event.moderator_token,
            )
        self.open_roles.clear()

    def counts(self, role: str) -> list[int]:
        poll = common.http_json(
            "GET",
            f"{self.base_url}/api/v1/events/{self.code}/polls/{self.polls[role]}",
            token=self.event.moderator_token,
        )
        return [int(c) for c in poll["results"]["counts"]]

    def stop(self) -> None:
        self.server.stop()
        if self.redis is not None:
            self.redis.stop()


class Baseline(Target):
    name = "baseline"

    def __init__(self, cfg: Config, workdir: Path, frame_bytes: int) -> None:
        self.port = free_port(HOST)
        self.polls = {"burst": "burst", "steady": "steady", "stall": "stall"}
        shapes = {"burst": 4, "steady": cfg.steady_options, "stall": cfg.steady_options}
        cmd = [
            sys.executable,
            "-m",
            "bench.broadcaster",
            "--port",
            str(self.port),
            "--tick-ms",
            str(cfg.tick_ms),
        ]
        cmd += ["--frame-bytes", str(frame_bytes)]
        for role, n in shapes.items():
            cmd += ["--poll", f"{role}:{n}"]
        self.log = (workdir / "baseline.log").open("wb")
        self.proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.pgid = self.proc.pid
        self.path = ROOM_PATH.format(code="BASE", room="r")
        self.base_url = None
        deadline = time.monotonic() + 20
        while True:
            try:
                common.http_json("GET", f"http://{HOST}:{self.port}/counts", timeout=2)
                break
            except Exception:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("baseline broadcaster did not start") from None
                time.sleep(0.1)

    def counts(self, role: str) -> list[int]:
        answer = common.http_json("GET", f"http://{HOST}:{self.port}/counts")
        return [int(c) for c in answer[self.polls[role]]]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# --- one run ---------------------------------------------------------------------------------


@dataclass
class RunResult:
    target: str
    metrics: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Run:
    def __init__(self, cfg: Config, pool: Pool, target: Target) -> None:
        self.cfg = cfg
        self.pool = pool
        self.target = target
        self.result = RunResult(target.name)
        self.votes: dict[str, list[tuple[Any, ...]]] = defaultdict(list)  # role -> records
        self.screen_log: list[tuple[float, str, str, float]] = []
        self.rng = random.Random(cfg.seed)
        self.shares = self._shares()

    def _shares(self) -> dict[int, int]:
        n = len(self.pool.participant_workers)
        base, extra = divmod(self.cfg.participants, n)
        return {wid: base + (wid < extra) for wid in self.pool.participant_workers}

    def m(self, key: str, value: float) -> None:
        self.result.metrics[key] = value

    # --- measuring -----------------------------------------------------------------------------

    def stats(self, final_poll: str | None = None) -> dict[int, dict[str, Any]]:
        return self.pool.call(
            [*self.pool.participant_workers, self.pool.screen_worker],
            "stats",
            final_poll=final_poll,
        )

    @staticmethod
    def frame_totals(stats: dict[int, dict[str, Any]], wids: Sequence[int]) -> Counter[str]:
        total: Counter[str] = Counter()
        for wid in wids:
            total.update(stats[wid]["frames"])
        return total

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[dict[str, Any]]:
        info: dict[str, Any] = {}
        before_stats = self.stats()
        u0, r0 = self.target.usage(), self.target.redis_cpu()
        m0, c0, w0 = common.machine_busy_seconds(), self._client_cpu(), time.monotonic()
        with self._profiled(name):
            yield info
        u1, r1 = self.target.usage(), self.target.redis_cpu()
        m1, c1, w1 = common.machine_busy_seconds(), self._client_cpu(), time.monotonic()
        after_stats = self.stats(info.get("final_poll"))
        info["stats"] = after_stats
        pw = list(self.pool.participant_workers)
        part = self.frame_totals(after_stats, pw) - self.frame_totals(before_stats, pw)
        screen_w = [self.pool.screen_worker]
        scr = self.frame_totals(after_stats, screen_w) - self.frame_totals(before_stats, screen_w)
        delivered = sum(part.values()) + sum(scr.values())
        server_cpu = u1.cpu - u0.cpu
        self.m(f"{name}.wall", w1 - w0)
        self.m(f"{name}.server_cpu", server_cpu)
        self.m(f"{name}.redis_cpu", r1 - r0)
        self.m(f"{name}.client_cpu", c1 - c0)
        self.m(f"{name}.other_cpu", (m1 - m0) - server_cpu - (r1 - r0) - (c1 - c0))
        self.m(f"{name}.frames", delivered)
        self.m(f"{name}.rss_end", u1.rss)
        if delivered:
            self.m(f"{name}.cpu_per_frame_us", server_cpu / delivered * 1e6)
        info["participant_frames"] = part
        self.screen_log += self.pool.call([self.pool.screen_worker], "screen_log")[
            self.pool.screen_worker
        ]

    @contextlib.contextmanager
    def _profiled(self, name: str) -> Iterator[None]:
        """With --profile: py-spy samples every process of the app's server during the phase
        (collapsed stacks, one file per phase and process; flamegraph tools read them)."""
        if not self.cfg.profile or self.target.name != "app":
            yield
            return
        out = Path(self.cfg.profile)
        beside = Path(sys.executable).with_name("py-spy")  # installed into the venv
        spy_bin = str(beside) if beside.exists() else "py-spy"
        out.mkdir(parents=True, exist_ok=True)
        spies = [
            subprocess.Popen(
                [
                    spy_bin,
                    "record",
                    "--format",
                    "raw",
                    "--rate",
                    "200",
                    "--nonblocking",
                    "-p",
                    str(pid),
                    "-o",
                    str(out / f"{name}-{pid}.txt"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for pid in group_pids(self.target.pgid)
        ]
        try:
            yield
        finally:
            for spy in spies:
                spy.send_signal(2)  # py-spy writes its file on SIGINT
            for spy in spies:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    spy.wait(30)

    def _client_cpu(self) -> float:
        total = 0.0
        for proc in self.pool.procs:
            with contextlib.suppress(OSError):
                total += common.proc_sample(proc.pid).cpu_seconds
        return total

    # --- scenarios -----------------------------------------------------------------------------

    def join(self) -> None:
        t = self.target
        code = getattr(t, "code", "BASE")
        self.pool.call(
            list(self.pool.participant_workers),
            "join",
            args={wid: {"count": n} for wid, n in self.shares.items()},
            base_url=t.base_url,
            code=code,
        )
        self.pool.call(
            [self.pool.screen_worker],
            "join",
            base_url=None,
            code=code,
            count=0,
            screens=self.cfg.screens,
        )

    def s1_ramp(self) -> None:
        cfg = self.cfg
        self.pool.call(
            [self.pool.screen_worker],
            "connect",
            host=HOST,
            port=self.target.port,
            path=self.target.path,
            rate=0,
            local_host=None,
        )
        time.sleep(self.cfg.settle / 2)
        before = self.target.usage()
        with self.phase("S1"):
            n = len(self.pool.participant_workers)
            latencies = self._connect_participants(
                "S1",
                "connected",
                rate=cfg.ramp_rate / n,
                stall_every=cfg.stall_every if "S6" in cfg.scenarios else 0,
            )
        time.sleep(cfg.settle / 2)  # let the server settle before the idle measurement
        u0 = self.target.usage()
        time.sleep(cfg.idle_seconds)
        u1 = self.target.usage()
        self.m("S1.idle_cpu_pct", (u1.cpu - u0.cpu) / cfg.idle_seconds * 100)
        self.m("S1.rss_per_conn_kib", (u1.rss - before.rss) / max(1, len(latencies)) / 1024)
        self.m("S1.rss_total_mb", u1.rss / 1e6)

    def _send_votes(
        self, role: str, plan: list[tuple[float, int, int]], skip_stalled: bool = False
    ) -> list[tuple[Any, ...]]:
        """plan: (slot, global participant number, option) -> per-worker plans; returns the
        records of every vote (see live.loadtest.worker cmd_votes)."""
        poll_id = self.target.polls[role]
        per_worker: dict[int, list[tuple[float, int, str, int]]] = defaultdict(list)
        owner = []
        for wid, n in self.shares.items():
            owner += [(wid, i) for i in range(n)]
        for slot, p, option in plan:
            wid, index = owner[p]
            if skip_stalled and index % self.cfg.stall_every == 0:
                continue  # it stopped reading: it does not vote either
            per_worker[wid].append((slot, index, poll_id, option))
        replies = self.pool.call(
            list(self.pool.participant_workers),
            "votes",
            args={wid: {"plan": per_worker.get(wid, [])} for wid in self.pool.participant_workers},
        )
        records = [(wid, *rec) for wid, recs in replies.items() for rec in recs]
        self.votes[role] += records
        return records

    def _vote_metrics(
        self,
        name: str,
        role: str,
        records: list[tuple[Any, ...]],
        info: dict[str, Any],
        log: list[tuple[float, str, str, float]],
        metric: str,
        readers: int | None = None,
    ) -> None:
        """Ack latency, vote-to-screen latency, final tally delay, frames delivered/expected
        (``readers``: the sockets that should get each frame; all participants by default)."""
        poll_id = self.target.polls[role]
        # record: wid, rid, slot, t_send, t_ack, error, index, poll, option
        sent = sorted(r[3] for r in records if not math.isnan(r[3]))
        acked = [r for r in records if r[4] is not None]
        self.m(f"{name}.votes", len(records))
        self.m(f"{name}.acked", len(acked))
        self.m(f"{name}.errors", sum(1 for r in records if r[5] is not None))
        acks = common.Summary.of([r[4] - r[2] for r in acked])  # from the slot: open loop
        self.m(f"{name}.ack_p50", acks.p50)
        self.m(f"{name}.ack_p99", acks.p99)
        lateness = common.Summary.of([r[3] - r[2] for r in records if not math.isnan(r[3])])
        self.m(f"{name}.client_late_p99", lateness.p99)
        frames = [(t, v) for t, kind, pid, v in log if kind == metric and pid == poll_id]
        latencies, final = screen_latencies(sent, frames)
        shown = common.Summary.of(latencies)
        self.m(f"{name}.screen_p50", shown.p50)
        self.m(f"{name}.screen_p95", shown.p95)
        self.m(f"{name}.screen_p99", shown.p99)
        self.m(f"{name}.screen_max", shown.max)
        self.m(f"{name}.screen_unseen", len(sent) - len(latencies))
        if final is not None and sent:
            self.m(f"{name}.final_after_last_vote", final - sent[-1])
        screen_frames = sum(
            1 for t, kind, pid, _ in log if kind == metric and pid == poll_id
        ) / max(1, self.cfg.screens)
        expected = screen_frames * (self.cfg.participants if readers is None else readers)
        got = info["participant_frames"].get("poll", 0)
        if expected:
            self.m(f"{name}.delivered_pct", got / expected * 100)

    def s2_burst(self) -> None:
        cfg = self.cfg
        self.target.open_poll("burst")
        time.sleep(cfg.settle / 4)
        t0 = time.monotonic() + 0.2
        plan = sorted(
            (t0 + self.rng.random() * cfg.burst_seconds, p, self.rng.randrange(4))
            for p in range(cfg.participants)
        )
        mark = len(self.screen_log)
        with self.phase("S2") as info:
            records = self._send_votes("burst", plan)
            time.sleep(cfg.settle)
            info["final_poll"] = self.target.polls["burst"]
        self._vote_metrics("S2", "burst", records, info, self.screen_log[mark:], "voters")
        self._fresh("S2", info)

    def _steady(self, name: str, role: str, seconds: float) -> None:
        cfg = self.cfg
        self.target.open_poll(role)
        time.sleep(cfg.settle / 4)
        total = int(cfg.steady_rate * seconds)
        t0 = time.monotonic() + 0.2
        plan = [
            (t0 + j / cfg.steady_rate, j % cfg.participants, j // cfg.participants)
            for j in range(total)
        ]
        mark = len(self.screen_log)
        stalled = 0
        with self.phase(name) as info:
            if name == "S6":
                stalled = sum(
                    self.pool.call(list(self.pool.participant_workers), "stall", on=True).values()
                )
                sampler = RssSampler(self.target)
                sampler.start()
            records = self._send_votes(role, plan, skip_stalled=name == "S6")
            time.sleep(cfg.settle)
            info["final_poll"] = self.target.polls[role]
            if name == "S6":
                sampler.stop()
        if name == "S6":
            self.m("S6.stalled", stalled)
            self.m("S6.rss_growth_mb", (sampler.peak - sampler.first) / 1e6)
            self.m("S6.rss_peak_mb", sampler.peak / 1e6)
            self.pool.call(list(self.pool.participant_workers), "stall", on=False)
            time.sleep(cfg.settle)
            codes: Counter[int] = Counter()
            for reply in self.stats().values():
                codes.update({int(k): v for k, v in reply["close_codes"].items()})
            self.m("S6.closed_1013", codes.get(1013, 0))
        self._vote_metrics(name, role, records, info, self.screen_log[mark:], "progress")
        self._fresh(name, info)

    def _fresh(self, name: str, info: dict[str, Any]) -> None:
        """How many participants' newest poll frame shows the final tally (latest-wins must
        never leave a reader on an old state)."""
        finals: Counter[str] = Counter()
        for wid in self.pool.participant_workers:
            finals.update(info["stats"][wid]["finals"])
        role = next(r for r, pid in self.target.polls.items() if pid == info["final_poll"])
        counts = self.target.counts(role)
        want = f"{sum((i + 1) * c for i, c in enumerate(counts))}/{sum(counts)}"
        self.m(f"{name}.fresh_pct", 100 * finals.get(want, 0) / self.cfg.participants)

    def s4_applause(self) -> None:
        cfg = self.cfg
        mark = len(self.screen_log)
        with self.phase("S4") as info:
            t0 = time.monotonic() + 0.2
            self.pool.call(
                list(self.pool.participant_workers),
                "applause",
                t0=t0,
                duration=cfg.applause_seconds,
                period=1.0,
                seed=cfg.seed,
            )
            time.sleep(cfg.settle)
        log = [e for e in self.screen_log[mark:] if e[1] == "applause"]
        per_screen = len(log) / max(1, cfg.screens)
        self.m("S4.screen_frames_per_s", per_screen / self.result.metrics["S4.wall"])
        self.m("S4.max_level", max((v for _, _, _, v in log), default=0.0))
        got = info["participant_frames"].get("applause", 0)
        if per_screen:
            self.m("S4.delivered_pct", got / (per_screen * cfg.participants) * 100)
        times = sorted(t for t, *_ in log)
        gaps = [b - a for a, b in itertools.pairwise(times) if b > a]
        if gaps:
            self.m("S4.screen_gap_p99", common.percentile(gaps, 99))

    def s7_reconnect(self) -> None:
        with self.phase("S7"):
            self.pool.call(list(self.pool.participant_workers), "close_all")
            self._connect_participants("S7", "reconnected", rate=0, timeout=120)

    def _connect_participants(self, name: str, count_key: str, **args: Any) -> list[float]:
        """Open every participant's socket (each process from its own 127.0.0.x address);
        records how many got their snapshot, the failures and the connect → snapshot times."""
        replies = self.pool.call(
            list(self.pool.participant_workers),
            "connect",
            args={
                wid: {"local_host": f"127.0.0.{2 + wid}"} for wid in self.pool.participant_workers
            },
            host=HOST,
            port=self.target.port,
            path=self.target.path,
            **args,
        )
        latencies = [x for r in replies.values() for x in r["latencies"]]
        failures: Counter[str] = Counter()
        for r in replies.values():
            failures.update(r["failures"])
        summary = common.Summary.of(latencies)
        self.m(f"{name}.{count_key}", len(latencies))
        self.m(f"{name}.failed", sum(failures.values()))
        self.m(f"{name}.snapshot_p50", summary.p50)
        self.m(f"{name}.snapshot_p99", summary.p99)
        self.m(f"{name}.snapshot_max", summary.max)
        if failures:
            self.result.notes.append(f"{name} failures: {dict(failures)}")
        return latencies

    def s8_page(self, scenario: str = "S8") -> None:
        """The page path: per size, phones with the page socket and a keep-alive connection
        each vote once within ``burst_seconds``, by form post (S8) or over the page socket
        (S9); the screens time the tally."""
        command = "page_votes" if scenario == "S8" else "page_socket_votes"
        cfg = self.cfg
        target = self.target
        assert isinstance(target, App)
        workers = list(self.pool.participant_workers)
        self.pool.call(workers, "close_all")  # the JSON participants leave the room
        time.sleep(cfg.settle)
        path = PAGE_PATH.format(code=target.code, room=target.event.room_id)
        for size in cfg.page_phones:
            if size > cfg.participants:
                self.result.notes.append(
                    f"{scenario} at {size:,} skipped: only {cfg.participants:,} participants joined"
                )
                continue
            name, role = f"{scenario}.{size}", f"{scenario.lower()}page{size}"
            base, extra = divmod(size, len(workers))
            shares = {wid: base + (wid < extra) for wid in workers}
            replies = self.pool.call(
                workers,
                "page_connect",
                args={
                    wid: {"count": shares[wid], "local_host": f"127.0.0.{2 + wid}"}
                    for wid in workers
                },
                host=HOST,
                port=target.port,
                path=path,
                code=target.code,
                http=scenario == "S8",  # S9's votes need no HTTP connection
            )
            latencies = [x for r in replies.values() for x in r["latencies"]]
            failures: Counter[str] = Counter()
            for r in replies.values():
                failures.update(r["failures"])
            self.m(f"{name}.connected", len(latencies))
            self.m(f"{name}.connect_failed", sum(failures.values()))
            if failures:
                self.result.notes.append(f"{name} connect failures: {dict(failures)}")
            target.add_poll(role, 4)
            # The poll is the room's only open one: the phones' stage shows it alone.
            target.close_open_polls()
            target.open_poll(role)
            time.sleep(cfg.settle / 4)
            t0 = time.monotonic() + 0.2
            owner = [(wid, i) for wid in workers for i in range(shares[wid])]
            plan = sorted(
                (t0 + self.rng.random() * cfg.burst_seconds, p, self.rng.randrange(4))
                for p in range(size)
            )
            per_worker: dict[int, list[tuple[float, int, str, int]]] = defaultdict(list)
            for slot, p, option in plan:
                wid, index = owner[p]
                per_worker[wid].append((slot, index, target.polls[role], option))
            mark = len(self.screen_log)
            with self.phase(name) as info:
                replies = self.pool.call(
                    workers,
                    command,
                    args={wid: {"plan": per_worker.get(wid, [])} for wid in workers},
                    code=target.code,
                )
                records = [(wid, *rec) for wid, recs in replies.items() for rec in recs]
                self.votes[role] += records
                time.sleep(cfg.settle)
                info["final_poll"] = target.polls[role]
            # Page frames are HTML: the delivered share is counted on them, not on "poll".
            info["participant_frames"] = {"poll": info["participant_frames"].get("html", 0)}
            log = self.screen_log[mark:]
            self._vote_metrics(name, role, records, info, log, "voters", readers=size)
            self.m(f"{name}.non2xx", sum(1 for r in records if r[5] is not None))
            self.m(f"{name}.answered_2xx", sum(1 for r in records if r[4] is not None))
            counts = target.counts(role)
            self.m(f"{name}.counted", sum(counts))
            # Latest-wins must never leave a phone on an old tally: the share of phones whose
            # last pushed results show every vote (the page's own "results", not the screen's).
            shown: Counter[str] = Counter()
            for wid in workers:
                shown.update(info["stats"][wid].get("page_finals", {}))
            self.m(f"{name}.fresh_pct", 100 * shown.get(str(sum(counts)), 0) / size)
            self.pool.call(workers, "page_close")
            time.sleep(cfg.settle)

    def check_counts(self) -> None:
        """Final counts against what the clients hold as acknowledged: lost and double."""
        lost = double = unacked = 0
        for role, records in self.votes.items():
            # the last acknowledged vote of each participant wins (votes of one participant
            # are seconds apart and sent in order)
            last: dict[tuple[int, int], tuple[float, int]] = {}
            for wid, _rid, slot, _t_send, t_ack, error, index, _poll, option in records:
                if t_ack is None:
                    unacked += error is None
                    continue
                key = (wid, index)
                if key not in last or slot > last[key][0]:
                    last[key] = (slot, option)
            expected = [0] * len(self.target.counts(role))
            for _, option in last.values():
                expected[option] += 1
            got = self.target.counts(role)
            lost += sum(max(0, e - g) for e, g in zip(expected, got, strict=True))
            double += sum(max(0, g - e) for e, g in zip(expected, got, strict=True))
        self.m("votes.lost", lost)
        self.m("votes.double", double)
        self.m("votes.unacked", unacked)


class RssSampler:
    """The server's RSS every 0.25 s in a thread (S6: memory must stay bounded)."""

    def __init__(self, target: Target) -> None:
        import threading

        self.target = target
        self.first = target.usage().rss
        self.peak = self.first
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self.peak = max(self.peak, self.target.usage().rss)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_once(cfg: Config, kind: str, frame_bytes: int) -> RunResult:
    workdir = Path(tempfile.mkdtemp(prefix=f"live-perf-{kind}-"))
    n_procs = max(1, math.ceil(cfg.participants / PER_PROCESS))
    pool = Pool(n_procs)
    target: Target | None = None
    try:
        target = App(cfg, workdir) if kind == "app" else Baseline(cfg, workdir, frame_bytes)
        run = Run(cfg, pool, target)
        run.join()
        run.s1_ramp()
        if "S2" in cfg.scenarios:
            run.s2_burst()
        if "S3" in cfg.scenarios:
            run._steady("S3", "steady", cfg.steady_seconds)
        if "S4" in cfg.scenarios:
            run.s4_applause()
        if "S6" in cfg.scenarios:
            run._steady("S6", "stall", cfg.stall_seconds)
        if "S7" in cfg.scenarios:
            run.s7_reconnect()
        for page_scenario in ("S8", "S9"):
            if page_scenario in cfg.scenarios and isinstance(target, App):
                run.s8_page(page_scenario)
        run.check_counts()
        sizes = [v for _, k, _, v in run.screen_log if k == "poll_size"]
        if sizes:
            run.m("poll_frame_bytes", statistics.median(sizes))
        return run.result
    finally:
        pool.close()
        if target is not None:
            target.stop()
        if cfg.keep:
            print(f"  kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def more_files(wanted: int = 65_536) -> int:
    """Raise this process's open-file limit (the server and the load generators inherit it):
    S8 at 10,000 phones holds a page socket and an HTTP connection per phone, 20,000 files in
    the server alone, which is this machine's default hard limit. Raising the hard limit
    needs root; otherwise the soft limit goes up to the hard one. Returns the limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for limit in ((max(soft, wanted), max(hard, wanted)), (hard, hard)):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, limit)
            break
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def main(argv: Sequence[str] | None = None) -> int:
    cfg = parse_args(argv)
    more_files()
    results: dict[str, list[RunResult]] = {"app": [], "baseline": []}
    frame_bytes = 0
    order = ["app", "baseline"] if not cfg.only else [cfg.only]
    started = time.monotonic()
    for pair in range(cfg.pairs):
        for kind in order:
            t = time.monotonic()
            result = run_once(cfg, kind, frame_bytes)
            if kind == "app" and not frame_bytes:
                frame_bytes = int(result.metrics.get("poll_frame_bytes", 0))
            results[kind].append(result)
            print(
                f"pair {pair + 1}/{cfg.pairs} {kind}: {time.monotonic() - t:.1f} s", file=sys.stderr
            )
            for note in result.notes:
                print(f"  {note}", file=sys.stderr)
    from bench.perf_report import markdown, write

    text = markdown(
        cfg, results, time.monotonic() - started, sys.argv[1:] if argv is None else argv
    )
    print(text)
    if cfg.write:
        write(cfg, text)
    if cfg.raw:
        raw = {kind: [r.metrics for r in runs] for kind, runs in results.items()}
        Path(cfg.raw).write_text(json.dumps(raw, indent=1, sort_keys=True))
    return 0


def parse_args(argv: Sequence[str] | None) -> Config:
    parser = argparse.ArgumentParser(description="Load benchmark S1–S7 against a raw broadcaster")
    parser.add_argument("--short", action="store_true", help="the quick version (`make bench`)")
    parser.add_argument("--participants", type=int)
    parser.add_argument("--pairs", type=int)
    parser.add_argument("--rate", type=float, help="S3/S6 votes per second")
    parser.add_argument("--seconds", type=float, help="S3 duration")
    parser.add_argument("--backend", choices=["sqlite", "redis"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--only", choices=["app", "baseline"], default="")
    parser.add_argument("--scenarios", help="comma-separated, e.g. S1,S2,S3")
    parser.add_argument(
        "--page-phones", help="S8, S9: comma-separated numbers of phones on the page path"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--raw", metavar="FILE", help="write every run's raw metrics as JSON")
    parser.add_argument("--profile", metavar="DIR", help="py-spy each phase of the app into DIR")
    parser.add_argument(
        "--keep", action="store_true", help="keep each run's directory (server log, data)"
    )
    args = parser.parse_args(argv)
    cfg = Config()
    if args.short:
        cfg = Config(
            participants=1000,
            pairs=5,
            ramp_rate=2000,
            idle_seconds=0.5,
            steady_seconds=2.0,
            applause_seconds=1.5,
            stall_seconds=2.0,
            settle=0.6,
            scenarios=("S1", "S2", "S3", "S4", "S6", "S7", "S8", "S9"),
            page_phones=(400,),
            label="short",
        )
    if args.participants:
        cfg.participants = args.participants
    if args.pairs:
        cfg.pairs = args.pairs
    if args.rate:
        cfg.steady_rate = args.rate
    if args.seconds:
        cfg.steady_seconds = args.seconds
    if args.scenarios:
        cfg.scenarios = tuple(s.strip().upper() for s in args.scenarios.split(","))
    if args.page_phones:
        cfg.page_phones = tuple(int(n) for n in args.page_phones.split(","))
    cfg.backend = args.backend
    cfg.workers = args.workers
    cfg.only = args.only
    cfg.write = not args.no_write
    cfg.profile = args.profile or ""
    cfg.raw = args.raw or ""
    cfg.keep = args.keep
    if cfg.steady_options > MAX_OPTIONS:
        # A participant's k-th vote in S3/S6 picks option k-1 (see the module docstring).
        parser.error(
            f"S3/S6 would need {cfg.steady_options} options per poll (the app allows "
            f"{MAX_OPTIONS}): raise --participants or lower --rate/--seconds"
        )
    if cfg.backend == "redis" and cfg.only != "baseline":
        cfg.label += f"-redis-{cfg.workers}w"
    return cfg


if __name__ == "__main__":
    raise SystemExit(main())
