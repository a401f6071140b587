"""Two real `live serve` processes sharing one throwaway Redis behave as one app.

- A vote through server A reaches a WebSocket client on server B.
- Restarting Redis in the middle of votes from clients on both servers loses nothing that was
  acknowledged and counts nothing twice; afterwards both servers show the same snapshot.

Waits are for what must happen, bounded by HANG only against a hang: how fast an update
travels (the issue's "within a second") is measured by bench/, not asserted here, where a busy
machine would fail it.
"""

from __future__ import annotations

import asyncio
import json
import random
import urllib.request
from collections.abc import Callable
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


async def test_a_vote_through_one_server_reaches_a_socket_on_the_other(
    live_server_factory: LiveServerFactory, redis_factory: Callable[[], RedisServer]
) -> None:
    a, b = start_pair(live_server_factory, redis_factory())
    code, _token, room, poll_id = setup_poll(a)
    # The event created through A is known to B at once (shared store).
    assert call(b, "GET", f"/api/v1/events/{code}")["code"] == code
    participant = call(b, "POST", f"/api/v1/events/{code}/join")["participant_token"]

    async with (
        websockets.connect(socket_url(b, code, room)) as viewer_on_b,
        websockets.connect(socket_url(a, code, room, participant)) as phone_on_a,
    ):
        snapshot = await next_matching(viewer_on_b, lambda m: m["type"] == "snapshot", HANG)
        await next_matching(phone_on_a, lambda m: m["type"] == "snapshot", HANG)
        await phone_on_a.send(
            json.dumps({"type": "vote", "request_id": "v1", "poll_id": poll_id, "choices": [2]})
        )
        await next_matching(phone_on_a, lambda m: m.get("request_id") == "v1", HANG)
        update = await next_matching(
            viewer_on_b,
            lambda m: m["type"] == "poll" and m["poll"]["results"]["voters"] == 1,
            HANG,
        )
    assert update["poll"]["results"]["counts"] == [0, 0, 1]
    assert update["version"] > snapshot["version"]


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

    async def _reconnect(self, url: str) -> Any:
        """Like a phone: try again until the server takes the socket (503 while Redis is down)."""
        for _ in range(100):
            await asyncio.sleep(0.2)
            try:
                return await websockets.connect(url)
            except (OSError, websockets.InvalidHandshake):
                self.retries += 1
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


async def test_redis_restart_during_votes_loses_nothing_and_servers_converge(
    live_server_factory: LiveServerFactory, redis_factory: Callable[[], RedisServer]
) -> None:
    redis = redis_factory()
    a, b = start_pair(live_server_factory, redis)
    code, _token, room, poll_id = setup_poll(a, options=4)
    rng = random.Random(7)
    voters = []
    for i in range(24):
        server = a if i % 2 == 0 else b
        token = call(server, "POST", f"/api/v1/events/{code}/join")["participant_token"]
        voters.append(Voter(server, code, room, token, poll_id))
    plans = [[rng.randrange(4) for _ in range(8)] for _ in voters]

    async def restart_redis_midway() -> None:
        # Mid-sequence: once votes are being acknowledged, Redis goes away for at least a
        # second, and stays away until a vote has certainly hit the outage (a voter had to
        # retry). Driven by what happened, not by a stopwatch: on a busy machine the voters
        # may connect late or vote slowly.
        while not any(v.acks for v in voters):
            await asyncio.sleep(0.05)
        await asyncio.to_thread(redis.stop)
        await asyncio.sleep(1.0)
        while not any(v.retries for v in voters) and not all(v.acks == 8 for v in voters):
            await asyncio.sleep(0.05)
        await asyncio.to_thread(redis.start)

    # Viewers stay connected on both servers through the restart: they must heal by themselves.
    viewers = [
        await websockets.connect(socket_url(a, code, room)),
        await websockets.connect(socket_url(b, code, room)),
    ]
    await asyncio.wait_for(
        asyncio.gather(
            *(
                v.run(plan, f"p{i}", 0.15)
                for i, (v, plan) in enumerate(zip(voters, plans, strict=True))
            ),
            restart_redis_midway(),
        ),
        timeout=90,
    )
    assert all(v.acks == 8 for v in voters)
    assert sum(v.retries for v in voters) > 0, "the restart did not hit any vote"

    expected = [0, 0, 0, 0]
    for voter in voters:
        assert voter.last_acked is not None
        expected[voter.last_acked] += 1

    def shows_final(message: Msg) -> bool:
        polls = message["polls"] if message["type"] == "snapshot" else [message.get("poll", {})]
        return any(p.get("id") == poll_id and p["results"]["counts"] == expected for p in polls)

    for viewer in viewers:
        await next_matching(viewer, shows_final, HANG)
        await viewer.close()

    # Both servers converge on the same state, which counts every participant exactly once.
    async def settled_snapshot(server: LiveServer) -> Msg:
        async with websockets.connect(socket_url(server, code, room)) as ws:
            return await next_matching(ws, lambda m: m["type"] == "snapshot", HANG)

    snap_a = await settled_snapshot(a)
    snap_b = await settled_snapshot(b)
    poll_a = next(p for p in snap_a["polls"] if p["id"] == poll_id)
    poll_b = next(p for p in snap_b["polls"] if p["id"] == poll_id)
    assert poll_a["results"]["counts"] == expected
    assert poll_a["results"]["voters"] == len(voters)
    assert poll_a == poll_b
    assert snap_a["version"] == snap_b["version"]


async def test_several_workers_of_one_server_act_as_one(
    live_server_factory: LiveServerFactory, redis_factory: Callable[[], RedisServer]
) -> None:
    redis = redis_factory()
    server = live_server_factory(env={"LIVE_REDIS_URL": redis.url, "LIVE_WORKERS": "2"})
    # /healthz answers as soon as one worker is up; wait (bounded) for the second one too, so
    # the sockets below really spread over both.
    for _ in range(300):
        if server.log_path.read_text().count("Application startup complete") >= 2:
            break
        await asyncio.sleep(0.1)
    code, _token, room, poll_id = setup_poll(server)
    participant = call(server, "POST", f"/api/v1/events/{code}/join")["participant_token"]
    # Enough sockets that the kernel spreads them over both workers.
    viewers = [await websockets.connect(socket_url(server, code, room)) for _ in range(16)]
    try:
        for viewer in viewers:
            await next_matching(viewer, lambda m: m["type"] == "snapshot", HANG)
        async with websockets.connect(socket_url(server, code, room, participant)) as phone:
            await phone.send(
                json.dumps({"type": "vote", "request_id": "w", "poll_id": poll_id, "choices": [1]})
            )
            assert (await next_matching(phone, lambda m: m.get("request_id") == "w", HANG))[
                "type"
            ] == "ack"
        for viewer in viewers:
            update = await next_matching(
                viewer, lambda m: m["type"] == "poll" and m["poll"]["results"]["voters"] == 1, HANG
            )
            assert update["poll"]["results"]["counts"] == [0, 1, 0]
    finally:
        for viewer in viewers:
            await viewer.close()
    log = server.log_path.read_text()
    assert log.count("Application startup complete") >= 2  # really two worker processes


async def test_applause_on_one_server_is_heard_on_the_other(
    live_server_factory: LiveServerFactory, redis_factory: Callable[[], RedisServer]
) -> None:
    a, b = start_pair(live_server_factory, redis_factory())
    code, _token, room, _poll = setup_poll(a)
    tokens = [call(a, "POST", f"/api/v1/events/{code}/join")["participant_token"] for _ in range(4)]
    # Phones here never read their applause frames: unbounded client queues keep the client
    # reading, so closing does not wait out its timeout behind a full queue.
    async with websockets.connect(socket_url(b, code, room), max_queue=None) as viewer_on_b:
        await next_matching(viewer_on_b, lambda m: m["type"] == "snapshot", HANG)
        # Two clappers on A and two on B: one room, one level, whichever server they use.
        phones = [
            await websockets.connect(socket_url(a if i < 2 else b, code, room, t), max_queue=None)
            for i, t in enumerate(tokens)
        ]
        try:
            for phone in phones:
                await next_matching(phone, lambda m: m["type"] == "snapshot", HANG)

            async def clap_until_loud() -> Msg:
                # Like phones, keep re-sending the grade while clapping (the server forgets a
                # phone after 3 s without one): the room stays loud until the viewer shows it,
                # however long that takes on a busy machine.
                while True:
                    for phone in phones:
                        await phone.send(json.dumps({"type": "applause", "grade": 5}))
                    try:
                        return await next_matching(
                            viewer_on_b,
                            lambda m: (
                                m["type"] == "applause" and m["clappers"] == 4 and m["level"] > 0.8
                            ),
                            0.3,
                        )
                    except TimeoutError:
                        continue

            loud = await asyncio.wait_for(clap_until_loud(), HANG)
            assert loud["present"] == 4  # presence is shared too: no double counting
        finally:
            for phone in phones:
                await phone.close()


async def test_applause_during_a_redis_outage_keeps_the_phone_connected(
    live_server_factory: LiveServerFactory, redis_factory: Callable[[], RedisServer]
) -> None:
    """While Redis is down a grade cannot reach the board: the phone is told so (the error
    shape, code "unavailable") and keeps its socket; once Redis is back its applause counts."""
    redis = redis_factory()
    server = live_server_factory(env={"LIVE_REDIS_URL": redis.url, "LIVE_TICK_MS": "50"})
    code, _token, room, _poll = setup_poll(server)
    token = call(server, "POST", f"/api/v1/events/{code}/join")["participant_token"]
    async with (
        websockets.connect(socket_url(server, code, room), max_queue=None) as viewer,
        websockets.connect(socket_url(server, code, room, token), max_queue=None) as phone,
    ):
        await next_matching(viewer, lambda m: m["type"] == "snapshot", HANG)
        await next_matching(phone, lambda m: m["type"] == "snapshot", HANG)
        await asyncio.to_thread(redis.stop)
        await phone.send(json.dumps({"type": "applause", "grade": 3}))
        refused = await next_matching(phone, lambda m: m["type"] == "error", HANG)
        assert refused["code"] == "unavailable", refused
        await asyncio.to_thread(redis.start)

        async def clap_until_heard() -> Msg:
            while True:  # a phone re-sends its grade every second while clapping
                await phone.send(json.dumps({"type": "applause", "grade": 5}))
                try:
                    return await next_matching(
                        viewer, lambda m: m["type"] == "applause" and m["clappers"] == 1, 1
                    )
                except TimeoutError:
                    continue

        heard = await asyncio.wait_for(clap_until_heard(), HANG)
        assert heard["level"] > 0
