"""Run the app as a real subprocess (`python -m live serve`) for end-to-end tests.

Plain module (no pytest imports) so it can also be used from scripts, e.g. bench/.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

REPO_ROOT = Path(__file__).resolve().parents[2]

# Environment variables the server reads; the parent's values are dropped so a developer's
# shell (LIVE_ADMIN_TOKEN, LIVE_HUB_URL=redis://…, PORT, …) cannot change what tests see.
_SCRUBBED_PREFIXES = ("LIVE_",)
_SCRUBBED_NAMES = ("PORT", "WEB_CONCURRENCY")

DEFAULT_ENV: Mapping[str, str] = {"LIVE_TICK_MS": "50"}


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the usual bind-to-0 trick; tiny race accepted)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _server_env(extra: Mapping[str, str]) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_SCRUBBED_PREFIXES) and key not in _SCRUBBED_NAMES
    }
    env.update(DEFAULT_ENV)
    env.update(extra)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class LiveServer:
    """One `live serve` process on a fixed port and data dir; can be stopped and started again.

    Attributes: `url` (``http://127.0.0.1:<port>``), `ws_url`, `port`, `data_dir`, `log_path`.
    Output (stdout and stderr) is appended to `log_path` across restarts. It runs in `cwd` (the
    checkout unless told); a subclass may change `command` (e.g. an installed `live` script).
    """

    host = "127.0.0.1"

    def __init__(
        self,
        *,
        data_dir: Path,
        log_path: Path,
        port: int | None = None,
        env: Mapping[str, str] | None = None,
        start_timeout: float = 20.0,
        stop_timeout: float = 10.0,
        cwd: Path = REPO_ROOT,
    ) -> None:
        self.port = port if port is not None else free_port(self.host)
        self.data_dir = data_dir
        self.log_path = log_path
        self.env = dict(env or {})
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.cwd = cwd
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    @property
    def launcher(self) -> list[str]:
        """What starts ``live`` (here: this Python running the checkout's package)."""
        return [sys.executable, "-m", "live"]

    @property
    def command(self) -> list[str]:
        return [
            *self.launcher,
            "serve",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
        ]

    def process_env(self) -> dict[str, str]:
        """The environment the server runs with (also for commands run beside it)."""
        return _server_env(self.env)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> LiveServer:
        """Start (or restart) on the same port and data dir; returns once /healthz says 200."""
        if self.running:
            raise RuntimeError(f"live server on {self.url} is already running")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"--- start: {' '.join(self.command)}\n".encode())
            log.flush()
            self._proc = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.process_env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Own process group: with several uvicorn workers, stop() can reach them all.
                start_new_session=True,
            )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            assert self._proc is not None
            code = self._proc.poll()
            if code is not None:
                raise RuntimeError(
                    f"live server exited with code {code} before it was healthy\n{self.log_tail()}"
                )
            try:
                status = _get_status(self.host, self.port, "/healthz")
            except OSError as exc:
                last_error = repr(exc)
            else:
                if status == 200:
                    return
                last_error = f"GET /healthz -> {status}"
            time.sleep(0.05)
        raise RuntimeError(
            f"live server on {self.url} not healthy after {self.start_timeout:.0f} s "
            f"({last_error})\n{self.log_tail()}"
        )

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after `stop_timeout`; returns the exit code (None: not started)."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            self._signal(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self._signal(proc, signal.SIGKILL)
                proc.wait(timeout=self.stop_timeout)
        # Leftover workers of this process group (only there with --workers > 1).
        self._signal(proc, signal.SIGKILL)
        with self.log_path.open("ab") as log:
            log.write(f"--- stopped: exit code {proc.returncode}\n".encode())
        return proc.returncode

    def kill(self) -> None:
        """Crash: SIGKILL to the whole process group (every worker), no chance to clean up;
        ``start`` brings it back on the same port and data dir."""
        proc = self._proc
        if proc is None:
            return
        self._signal(proc, signal.SIGKILL)
        proc.wait(timeout=self.stop_timeout)
        with self.log_path.open("ab") as log:
            log.write(b"--- killed (SIGKILL)\n")
        self._proc = None

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes under this server (none with one worker: it serves
        in the main process)."""
        if self._proc is None:
            return []
        children = Path(f"/proc/{self._proc.pid}/task/{self._proc.pid}/children")
        try:
            pids = [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []
        # Workers are multiprocessing's spawned children; its resource tracker is one too.
        return [pid for pid in pids if b"spawn_main" in _cmdline(pid)]

    @staticmethod
    def _signal(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        # start_new_session=True: the process group id is the child's pid.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        tail = self.log_text().splitlines()[-lines:]
        return f"--- last {len(tail)} lines of {self.log_path}:\n" + "\n".join(tail)

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<LiveServer {self.url} {state} data_dir={self.data_dir}>"


class LiveServerFactory(Protocol):
    """Type of the `live_server_factory` fixture (tests/conftest.py)."""

    def __call__(
        self,
        *,
        env: Mapping[str, str] | None = None,
        data_dir: Path | None = None,
        port: int | None = None,
        start: bool = True,
    ) -> LiveServer: ...


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _get_status(host: str, port: int, path: str) -> int:
    # http.client, not urllib/httpx: those honour HTTP(S)_PROXY from the environment.
    return status_of(http.client.HTTPConnection(host, port, timeout=2), path)


def status_of(conn: http.client.HTTPConnection, path: str) -> int:
    """GET `path` on a fresh connection (HTTP or HTTPS), closed after: the status."""
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()
