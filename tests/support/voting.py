"""Voters that must not lose a vote: real clients of a running `live serve` that retry each
request (same request_id) until it is acknowledged, through errors, crashes and reconnects, and
what the room must show afterwards.

Plain module (no pytest) so bench/chaos.py drives the same clients as tests/cluster/.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

import websockets

from tests.support.redis import RedisServer
from tests.support.server import LiveServer, LiveServerFactory
from tests.support.socket_frames import server_message

Msg = dict[str, Any]
# Bounds a hang: a message that should come but never does.
HANG = 30.0


def call(server: LiveServer, method: str, path: str, body: Any = None, token: str = "") -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def start_pair(
    live_server_factory: LiveServerFactory, redis: RedisServer
) -> tuple[LiveServer, LiveServer]:
    env = {"LIVE_REDIS_URL": redis.url, "LIVE_TICK_MS": "50"}
    return live_server_factory(env=env), live_server_factory(env=env)


def setup_poll(server: LiveServer, options: int = 3) -> tuple[str, str, str, str]:
    event = call(server, "POST", "/api/v1/events", {"title": "Kongress", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    poll = call(
        server,
        "POST",
        f"/api/v1/events/{code}/rooms/{room}/polls",
        {
            "question": "Welche Option?",
            "kind": "single",
            "options": [f"O{i}" for i in range(options)],
        },
        token,
    )
    call(server, "POST", f"/api/v1/events/{code}/polls/{poll['id']}/open", {}, token)
    return code, token, room, poll["id"]


def socket_url(server: LiveServer, code: str, room: str, token: str | None = None) -> str:
    url = f"{server.ws_url}/api/v1/events/{code}/rooms/{room}/ws"
    return f"{url}?token={token}" if token else url


async def next_matching(ws: Any, predicate: Callable[[Msg], bool], timeout: float) -> Msg:
    async def wait() -> Msg:
        while True:
            message = server_message(await ws.recv())
            if predicate(message):
                return message

    return await asyncio.wait_for(wait(), timeout)


def answers(request_id: str) -> Callable[[Msg], bool]:
    """Matches the reply to the request with this id."""
    return lambda message: message.get("request_id") == request_id


class Voter:
    """One participant on one server: votes through a planned sequence, retrying each request
    (same request_id) until it is acknowledged — through errors and reconnects."""

    def __init__(self, server: LiveServer, code: str, room: str, token: str, poll_id: str) -> None:
        self.server, self.code, self.room, self.token, self.poll_id = (
            server,
            code,
            room,
            token,
            poll_id,
        )
        self.last_acked: int | None = None
        self.acks = 0
        self.retries = 0
        self.reconnects: list[float] = []  # seconds from each lost socket to the next one
        self.attempts = 100  # reconnect tries, 0.2 s apart

    async def _reconnect(self, url: str) -> Any:
        """Like a phone: try again until the server takes the socket (503 while Redis is down)."""
        lost = time.perf_counter()
        for _ in range(self.attempts):
            await asyncio.sleep(0.2)
            try:
                ws = await websockets.connect(url)
            except (OSError, websockets.InvalidHandshake):
                self.retries += 1
                continue
            self.reconnects.append(time.perf_counter() - lost)
            return ws
        raise AssertionError("could not reconnect")

    async def run(self, plan: list[int], name: str, pause: float) -> None:
        url = socket_url(self.server, self.code, self.room, self.token)
        ws = await websockets.connect(url)
        try:
            for step, choice in enumerate(plan):
                request_id = f"{name}-{step}"
                while True:
                    try:
                        await ws.send(
                            json.dumps(
                                {
                                    "type": "vote",
                                    "request_id": request_id,
                                    "poll_id": self.poll_id,
                                    "choices": [choice],
                                }
                            )
                        )
                        reply = await next_matching(ws, answers(request_id), 10)
                    except (websockets.ConnectionClosed, OSError, TimeoutError):
                        self.retries += 1
                        await ws.close()
                        ws = await self._reconnect(url)
                        continue
                    if reply["type"] == "ack":
                        self.last_acked = choice
                        self.acks += 1
                        break
                    assert reply["code"] == "unavailable", reply  # only the outage may refuse
                    self.retries += 1
                    await asyncio.sleep(0.2)
                await asyncio.sleep(pause)
        finally:
            await ws.close()


def expected_counts(voters: Sequence[Voter], options: int) -> list[int]:
    """The counts a single-choice poll must show: each voter's last acknowledged choice."""
    expected = [0] * options
    for voter in voters:
        if voter.last_acked is not None:
            expected[voter.last_acked] += 1
    return expected


def lost_and_doubled(expected: Sequence[int], shown: Sequence[int]) -> tuple[int, int]:
    """Acknowledged ballots missing from ``shown``, and ballots counted beyond ``expected``."""
    lost = sum(max(0, e - s) for e, s in zip(expected, shown, strict=True))
    doubled = sum(max(0, s - e) for e, s in zip(expected, shown, strict=True))
    return lost, doubled
