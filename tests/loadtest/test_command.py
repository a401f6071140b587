"""`live loadtest` against a real `live serve`: what its summary counts is what the server
counted; it refuses what it must not do (another host without --yes, an event it may not make)."""

from __future__ import annotations

import http.client
import json
import math
import os
import re
import subprocess
import sys
from typing import Any

from live.loadtest.command import summary
from live.loadtest.run import Outcome, Plan
from live.loadtest.stats import Summary
from live.loadtest.target import Target
from tests.support.server import REPO_ROOT, LiveServer, LiveServerFactory, free_port
from tests.support.voting import call


def loadtest(*args: str, timeout: float = 100) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVE_")}
    return subprocess.run(
        [sys.executable, "-m", "live", "loadtest", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def progress_of(poll: dict[str, Any]) -> int:
    """Votes the tally includes: a participant's k-th vote picks option k (k from 0)."""
    return sum((i + 1) * int(c) for i, c in enumerate(poll["results"]["counts"]))


def test_its_summary_counts_what_the_server_counted(live_server: LiveServer) -> None:
    event = call(live_server, "POST", "/api/v1/events", {"title": "Probe vor dem Fachtag"})
    code, token = event["code"], event["moderator_token"]
    done = loadtest(
        *("--url", live_server.url, "--participants", "30", "--seconds", "4"),
        *("--event", code, "--moderator-token", token, "--json"),
    )
    assert done.returncode == 0, done.stderr + done.stdout
    result = json.loads(done.stdout)
    poll = call(live_server, "GET", f"/api/v1/events/{code}/polls/{result['poll']}", token=token)
    # 30 phones, half by the page's form posts and half by the room socket, two votes each.
    assert (result["joined"], result["connected"], result["page_path"]) == (30, 30, 15)
    assert result["votes_sent"] == result["votes_acknowledged"] == 60
    assert result["votes_counted"] == progress_of(poll) == 60
    assert result["ballots"] == sum(poll["results"]["counts"]) == 30
    assert result["errors"] == 0 and result["votes_not_seen_on_screen"] == 0
    assert result["vote_to_screen_seconds"]["p99"] is not None
    assert poll["state"] == "closed"  # it closed the poll it opened
    # The progress bar (plain lines: stderr is no terminal here) went through every step.
    for step in ("join", "connect", "vote"):
        assert f"\n{step} " in "\n" + done.stderr
    assert "votes answered" in done.stderr


def test_it_makes_its_own_event_with_the_admin_token(
    live_server_factory: LiveServerFactory,
) -> None:
    admin = "admin-token-of-this-server-0123456789"
    server = live_server_factory(env={"LIVE_ADMIN_TOKEN": admin})
    refused = loadtest("--url", server.url, "--participants", "3", "--seconds", "1")
    assert refused.returncode == 1
    assert "LIVE_ADMIN_TOKEN" in refused.stderr and "--event" in refused.stderr

    done = loadtest(
        *("--url", server.url, "--participants", "4", "--seconds", "1", "--json"),
        *("--admin-token", admin),
    )
    assert done.returncode == 0, done.stderr + done.stdout
    result = json.loads(done.stdout)
    assert result["votes_counted"] == result["votes_acknowledged"] == 4
    # The event made for the test is gone again.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", f"/api/v1/events/{result['event']}")
    assert conn.getresponse().status == 404
    conn.close()


def test_another_host_needs_yes() -> None:
    # A documentation address (RFC 5737): nothing answers there, and nothing is sent.
    done = loadtest("--url", "http://192.0.2.1:8000", "--participants", "10", timeout=20)
    assert done.returncode == 2
    assert "is not this machine" in done.stderr and "--yes" in done.stderr
    assert done.stdout == ""


def test_bad_urls_and_unreachable_servers_are_said_in_words() -> None:
    done = loadtest("--url", "http://127.0.0.1:8000/e/ABC", "--participants", "10", timeout=20)
    assert done.returncode == 2 and "base URL only" in done.stderr
    done = loadtest("--url", "http://127.0.0.1:8000", "--participants", "0", timeout=20)
    assert done.returncode == 2 and "participants must lie in" in done.stderr
    closed = f"http://127.0.0.1:{free_port()}"
    done = loadtest("--url", closed, "--participants", "10", timeout=30)
    assert done.returncode == 1 and f"cannot reach {closed}" in done.stderr


def test_the_summary_table() -> None:
    plan = Plan(Target.parse("http://127.0.0.1:8000"), participants=3)
    outcome = Outcome(3, event_code="ABC123", joined=2, page=1, connected=2, sent=4)
    outcome.refused["too_many_joins"] = 1
    outcome.acknowledged, outcome.counted, outcome.ballots = 3, 3, 2
    outcome.vote_errors["not connected"] = 1
    outcome.screen = Summary.of([0.05, 0.1, 0.2])
    text = summary(plan, outcome)
    found = [re.fullmatch(r"\s*(.+?)\s{2,}(.+)", line) for line in text.splitlines()]
    rows = {m.group(1): m.group(2) for m in found if m is not None}
    assert len(rows) == len(found)
    assert rows["joined"] == "2 of 3"
    assert rows["refused"] == "too_many_joins 1"
    assert rows["votes sent"] == "4" and rows["votes acknowledged"] == "3"
    assert rows["votes counted"] == "3"
    assert rows["vote → screen p50/p95/p99"] == "100 / 190 / 198 ms"
    assert rows["errors"] == "2"
    assert math.isnan(Summary.of([]).p50)
