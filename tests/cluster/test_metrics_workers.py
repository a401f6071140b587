"""Several workers, one /metrics: `live serve --workers 2` with a real Redis, every worker's
sockets and writes in whatever worker answers the scrape (prometheus-client's multiprocess mode,
live/metrics_workers.py)."""

from __future__ import annotations

import asyncio
import functools
import http.client
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import websockets
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from live.metrics import forget_dead_workers
from tests.support.redis import RedisServer
from tests.support.server import LiveServer, LiveServerFactory
from tests.support.voting import HANG, call, next_matching, setup_poll, socket_url

TOKEN = "cluster-metrics-token"
MOST_SOCKETS = 64  # opened until both workers hold some (the kernel spreads them)


def scrape(server: LiveServer) -> dict[str, float]:
    """The scrape's samples by name and labels, e.g. ``live_sockets{view="json"}``."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request("GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        response = conn.getresponse()
        body = response.read().decode()
    finally:
        conn.close()
    assert response.status == 200, body
    return {
        sample.name + json.dumps(sample.labels, sort_keys=True): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def answers(request_id: str, message: dict[str, object]) -> bool:
    return message.get("request_id") == request_id


def sockets_per_worker(directory: Path, pids: list[int]) -> dict[int, float]:
    """Each worker's own open sockets, read from its file (the library's reader, one file)."""
    counts = {}
    for pid in pids:
        files = [str(directory / f"gauge_livesum_{pid}.db")]
        metrics = MultiProcessCollector.merge(files, accumulate=False)  # type: ignore[no-untyped-call]
        counts[pid] = sum(s.value for m in metrics if m.name == "live_sockets" for s in m.samples)
    return counts


async def test_every_workers_metrics_are_in_each_scrape(
    live_server_factory: LiveServerFactory,
    redis_factory: Callable[[], RedisServer],
    tmp_path: Path,
) -> None:
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_1.db").write_bytes(b"left from an earlier run")  # emptied at start
    server = live_server_factory(
        env={
            "LIVE_REDIS_URL": redis_factory().url,
            "LIVE_WORKERS": "2",
            "LIVE_METRICS_TOKEN": TOKEN,
            "LIVE_METRICS_DIR": str(directory),
        }
    )
    # /healthz answers with the first worker up: wait (bounded) until both have started and
    # made their metric files.
    for _ in range(300):
        pids = server.worker_pids()
        if (
            server.log_path.read_text().count("Application startup complete") >= 2
            and len(pids) == 2
            and all((directory / f"gauge_livesum_{pid}.db").exists() for pid in pids)
        ):
            break
        await asyncio.sleep(0.1)
    assert len(pids) == 2, server.log_tail()
    assert not (directory / "counter_1.db").exists()

    code, _token, room, poll_id = setup_poll(server)
    viewers: list[websockets.ClientConnection] = []
    try:
        # Viewers until both workers hold some (each one's own file says how many it has).
        while len(viewers) < MOST_SOCKETS:
            viewer = await websockets.connect(socket_url(server, code, room))
            await next_matching(viewer, lambda m: m["type"] == "snapshot", HANG)
            viewers.append(viewer)
            per_worker = sockets_per_worker(directory, pids)
            if len(viewers) >= 4 and all(per_worker.values()):
                break
        assert all(sockets_per_worker(directory, pids).values())
        phones = []
        for i in range(6):
            token = call(server, "POST", f"/api/v1/events/{code}/join")["participant_token"]
            phone = await websockets.connect(socket_url(server, code, room, token))
            await next_matching(phone, lambda m: m["type"] == "snapshot", HANG)
            await phone.send(
                json.dumps(
                    {"type": "vote", "request_id": f"v{i}", "poll_id": poll_id, "choices": [1]}
                )
            )
            rid = f"v{i}"
            ack = await next_matching(phone, functools.partial(answers, rid), HANG)
            assert ack["type"] == "ack"
            phones.append(phone)
        # Whichever worker answers (each scrape is a new connection), it reads every file.
        for _ in range(6):
            samples = scrape(server)
            assert samples['live_sockets{"view": "json"}'] == len(viewers) + len(phones)
            assert samples['live_writes_total{"kind": "vote"}'] == len(phones)
            assert samples["live_resident_memory_bytes{}"] > 0
        for phone in phones:
            await phone.close()
    finally:
        for viewer in viewers:
            await viewer.close()


def test_a_new_worker_drops_the_gauges_of_workers_that_died(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed without a clean exit leaves its gauge files; the next worker to start
    removes those of dead processes (their sockets are gone), keeping the living ones' and
    every counter."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    files = [
        tmp_path / f"gauge_livesum_{gone.pid}.db",
        tmp_path / f"gauge_livemax_{gone.pid}.db",
        tmp_path / f"counter_{gone.pid}.db",
        tmp_path / f"gauge_livesum_{os.getpid()}.db",
    ]
    for path in files:
        path.write_bytes(b"")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    forget_dead_workers()
    assert [path.exists() for path in files] == [False, False, True, True]
