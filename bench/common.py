"""Reusable pieces for the benchmarks: start the app (SQLite or Redis), talk HTTP and WebSocket,
measure the server process, summarise latencies, write docs/benchmarks.md.

Everything runs on 127.0.0.1 with throwaway data directories; nothing here touches a machine's
own Redis or data. Clients ignore HTTP(S)_PROXY (a proxy would measure itself, not the app).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib.metadata
import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

# The HTTP client and the numbers live in the package (`live loadtest` uses them too); the
# benchmarks keep importing them from here.
from live.loadtest.stats import Summary as Summary
from live.loadtest.stats import percentile as percentile
from live.loadtest.target import Event as Event
from live.loadtest.target import HttpError as HttpError
from live.loadtest.target import create_event as create_event
from live.loadtest.target import http_json as http_json
from live.loadtest.target import join as join
from tests.support.redis import RedisServer
from tests.support.server import REPO_ROOT, LiveServer

Backend = Literal["sqlite", "redis"]

BENCHMARKS_MD = REPO_ROOT / "docs" / "benchmarks.md"

# The production default (tests run with 50 ms); a benchmark measures what operators get. Except
# the join budget: thousands of simulated phones join from 127.0.0.x within a minute, which the
# default (300 a minute per address) would rightly refuse.
DEFAULT_SERVER_ENV: Mapping[str, str] = {"LIVE_TICK_MS": "100", "LIVE_JOIN_PER_MINUTE": "1000000"}


# --- the app under test ----------------------------------------------------------------------


@dataclass
class Target:
    """A running `live serve` (and its Redis, if any)."""

    backend: Backend
    server: LiveServer
    redis: RedisServer | None
    workdir: Path

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def ws_url(self) -> str:
        return self.server.ws_url

    @property
    def pid(self) -> int:
        pid = self.server.pid
        assert pid is not None, "server not running"
        return pid

    @property
    def redis_pid(self) -> int | None:
        if self.redis is None or self.redis.process is None:
            return None
        return self.redis.process.pid


@contextlib.contextmanager
def running_app(
    backend: Backend,
    *,
    env: Mapping[str, str] | None = None,
    keep: bool = False,
    start_timeout: float = 30.0,
) -> Iterator[Target]:
    """Start `live serve` on a free port with its own data dir (and, for "redis", a throwaway
    redis-server with AOF like production); stop both and remove the directory afterwards
    (``keep``: leave it, e.g. to read server.log)."""
    workdir = Path(tempfile.mkdtemp(prefix=f"live-bench-{backend}-"))
    redis: RedisServer | None = None
    server_env = {**DEFAULT_SERVER_ENV, **(env or {})}
    server: LiveServer | None = None
    try:
        if backend == "redis":
            redis = RedisServer(workdir / "redis")
            redis.start()
            server_env["LIVE_REDIS_URL"] = redis.url
        server = LiveServer(
            data_dir=workdir / "data",
            log_path=workdir / "server.log",
            env=server_env,
            start_timeout=start_timeout,
        )
        server.start()
        yield Target(backend, server, redis, workdir)
    finally:
        if server is not None:
            server.stop()
        if redis is not None:
            redis.stop()
        if keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


# --- WebSocket -------------------------------------------------------------------------------

_TYPE = re.compile(rb'^\s*\{\s*"type"\s*:\s*"([a-z_]+)"')

FrameHandler = Callable[[float, str, bytes], None]


def frame_type(raw: bytes) -> str:
    """The `type` of a server frame without parsing a 300 kB list (the server writes `type`
    first); falls back to a full parse."""
    match = _TYPE.match(raw)
    if match:
        return match.group(1).decode()
    try:
        msg = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return "?"
    return str(msg.get("type", "?")) if isinstance(msg, dict) else "?"


class SocketClosed(Exception):
    pass


class RoomSocket:
    """One socket of the public room protocol (CONTRACT.md) with a background reader.

    `request()` sends a message with a `request_id` and returns a future for its `ack` or `error`
    frame (several sends of one request_id are answered in order). Every other frame is counted
    and handed to ``on_frame(arrival perf_counter, type, raw bytes)``. Large frames are never
    decoded unless ``on_frame`` does it.
    """

    def __init__(self, conn: ClientConnection, on_frame: FrameHandler | None) -> None:
        self._conn = conn
        self._on_frame = on_frame
        self._pending: dict[str, deque[asyncio.Future[dict[str, Any]]]] = {}
        self.snapshot = asyncio.Event()
        self.frames: Counter[str] = Counter()
        self.bytes: Counter[str] = Counter()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(
        cls,
        ws_url: str,
        event: Event,
        token: str | None = None,
        *,
        on_frame: FrameHandler | None = None,
        open_timeout: float = 15.0,
    ) -> RoomSocket:
        url = f"{ws_url}/api/v1/events/{event.code}/rooms/{event.room_id}/ws"
        if token:
            url += f"?token={token}"
        conn = await connect(
            url,
            compression=None,  # like the server (ws_per_message_deflate=False)
            proxy=None,
            open_timeout=open_timeout,
            ping_interval=None,
            close_timeout=5,
            max_size=64 * 1024 * 1024,  # the server's lists grow with the room
        )
        return cls(conn, on_frame)

    async def _read(self) -> None:
        try:
            while True:
                raw = await self._conn.recv(decode=False)
                now = time.perf_counter()
                assert isinstance(raw, bytes)
                kind = frame_type(raw)
                self.frames[kind] += 1
                self.bytes[kind] += len(raw)
                if kind in ("ack", "error"):
                    msg = orjson.loads(raw)
                    waiting = self._pending.get(str(msg.get("request_id")))
                    if waiting:
                        future = waiting.popleft()
                        if not future.done():
                            future.set_result({**msg, "_t": now})
                    continue
                if kind == "snapshot":
                    self.snapshot.set()
                if self._on_frame is not None:
                    self._on_frame(now, kind, raw)
        except ConnectionClosed:
            pass
        finally:
            for waiting in self._pending.values():
                for future in waiting:
                    if not future.done():
                        future.set_exception(SocketClosed("socket closed before the answer"))

    async def request(self, message: Mapping[str, Any]) -> asyncio.Future[dict[str, Any]]:
        """Send; the future resolves to the ack/error frame plus ``_t`` (its arrival time)."""
        request_id = str(message["request_id"])
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending.setdefault(request_id, deque()).append(future)
        await self._conn.send(orjson.dumps(message).decode())
        return future

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._conn.close(), 10)
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader


# --- numbers ---------------------------------------------------------------------------------


def human_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError


# --- process measurements --------------------------------------------------------------------

_CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcSample:
    cpu_seconds: float  # user + system since the process started
    rss_bytes: int
    peak_rss_bytes: int  # VmHWM


def proc_sample(pid: int) -> ProcSample:
    """CPU seconds from /proc/<pid>/stat, RSS and its peak from /proc/<pid>/status."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name (field 2) may contain spaces: split after its closing parenthesis.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    rss = peak = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) * 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) * 1024
    return ProcSample((utime + stime) / _CLK_TCK, rss, peak)


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine were busy (all CPUs, from /proc/stat): with
    ours subtracted, how much else ran (other people's tests skew a benchmark)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _CLK_TCK


def load_average() -> float:
    return os.getloadavg()[0]


def own_cpu_seconds() -> float:
    """CPU seconds of this (client) process, to tell a saturated client from a slow server."""
    times = os.times()
    return times.user + times.system


@dataclass
class PhaseClock:
    """Wall time and server (and Redis) CPU per named phase."""

    server_pid: int
    redis_pid: int | None = None
    phases: dict[str, dict[str, float]] = field(default_factory=dict)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = self._sample()
        try:
            yield
        finally:
            end = self._sample()
            self.phases[name] = {key: end[key] - start[key] for key in start}
            ours = ("server_cpu", "client_cpu", "redis_cpu")
            self.phases[name]["other_cpu"] = self.phases[name]["machine_cpu"] - sum(
                self.phases[name].get(key, 0.0) for key in ours
            )

    def _sample(self) -> dict[str, float]:
        sample = {
            "wall": time.perf_counter(),
            "server_cpu": proc_sample(self.server_pid).cpu_seconds,
            "client_cpu": own_cpu_seconds(),
            "machine_cpu": machine_busy_seconds(),
        }
        if self.redis_pid is not None:
            sample["redis_cpu"] = proc_sample(self.redis_pid).cpu_seconds
        return sample


# --- the machine and the report --------------------------------------------------------------


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _mem_total() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def redis_server_version() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        return "-"
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    match = re.search(r"v=(\S+)", out)
    return match.group(1) if match else out.strip()


def git_commit() -> str:
    """The checked-out commit (read-only), for the record."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def machine_lines() -> list[str]:
    packages = [
        *("starlette", "uvicorn", "websockets", "uvloop", "httptools"),
        *("orjson", "redis", "hiredis"),
    ]
    versions = ", ".join(f"{name} {_version(name)}" for name in packages)
    return [
        f"- Machine: {os.cpu_count()} CPUs (`nproc`), {_mem_total()} memory, {_cpu_model()}; "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; {versions}; redis-server {redis_server_version()}",
        f"- Last written by a benchmark script on {dt.date.today().isoformat()}",
    ]


BENCHMARKS_HEADER = """# Benchmarks

Measurements of `live serve` driven over its public interface (HTTP API and room WebSocket) by
the scripts in `bench/`. Server and clients share the machine below, all on 127.0.0.1, so a
server with the machine to itself does at least as well; these are not capacity promises. The
machine is also shared with other work (test runs): every run reports the 1-minute load average
and the CPU time everything else used meanwhile, and a run in which that is not near zero should
be repeated. Each section says how to reproduce it; the scripts rewrite only their own marked
blocks (`<!-- bench:… -->`), so the notes around them stay.

Sections: the load benchmark (`bench/perf.py`, `make bench`: scenarios S1–S7 with thousands of
sockets, the app against a raw `websockets` broadcaster) and the Q&A room (`bench/qa_room.py`).

<!-- bench:machine -->
<!-- /bench:machine -->
"""


def ensure_benchmarks_md(path: Path = BENCHMARKS_MD) -> str:
    """The current text of docs/benchmarks.md, created with its header if missing."""
    if path.exists():
        return path.read_text(encoding="utf-8")
    path.write_text(BENCHMARKS_HEADER, encoding="utf-8")
    return BENCHMARKS_HEADER


def replace_block(text: str, key: str, content: str) -> str | None:
    """Replace what stands between ``<!-- bench:KEY -->`` and ``<!-- /bench:KEY -->``; None if
    the markers are not there."""
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    i, j = text.find(start), text.find(end)
    if i < 0 or j < i:
        return None
    return text[: i + len(start)] + "\n" + content.strip("\n") + "\n" + text[j:]


def write_block(key: str, content: str, *, section: str, path: Path = BENCHMARKS_MD) -> None:
    """Put ``content`` into its marked block of docs/benchmarks.md. When the block is missing,
    ``section`` (markdown containing the empty markers) is appended first. The header's
    machine description is refreshed too."""
    text = ensure_benchmarks_md(path)
    text = replace_block(text, "machine", "\n".join(machine_lines())) or text
    updated = replace_block(text, key, content)
    if updated is None:
        text = text.rstrip("\n") + "\n\n" + section.strip("\n") + "\n"
        updated = replace_block(text, key, content)
        if updated is None:
            raise ValueError(f"section for {key!r} has no markers")
    path.write_text(updated, encoding="utf-8")
