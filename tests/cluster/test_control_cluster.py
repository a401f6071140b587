"""Projector control and the control room with two `live serve` processes on one Redis: what a
room moderator does through one server reaches the screen on the other, and the control room
read through either server counts what happens on both (its polling reads only shared state)."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Callable

import websockets

from tests.support.redis import RedisServer
from tests.support.server import LiveServer, LiveServerFactory
from tests.support.voting import (
    HANG,
    call,
    next_matching,
    setup_poll,
    socket_url,
    start_pair,
)


def page(server: LiveServer, method: str, path: str, cookie: str, form: dict[str, str]) -> str:
    data = urllib.parse.urlencode(form).encode() if method == "POST" else None
    request = urllib.request.Request(server.url + path, data=data, method=method)
    request.add_header("Cookie", cookie)
    request.add_header("HX-Request", "true")
    with urllib.request.urlopen(request, timeout=10) as response:
        body: str = response.read().decode()
    return body


async def test_screen_mode_and_control_room_across_two_servers(
    live_server_factory: LiveServerFactory, redis_factory: Callable[[], RedisServer]
) -> None:
    a, b = start_pair(live_server_factory, redis_factory())
    code, token, room, poll_id = setup_poll(a)
    link = call(b, "POST", f"/api/v1/events/{code}/rooms/{room}/moderator-link", {}, token)
    room_cookie = f"live_r_{code}_{room}={link['moderator_token']}"
    participant = call(a, "POST", f"/api/v1/events/{code}/join")["participant_token"]

    async with (
        websockets.connect(f"{b.ws_url}/e/{code}/rooms/{room}/live?view=screen") as screen_on_b,
        # Unbounded queue: the phone reads no frames while it claps, and a full client queue
        # would stop it reading from the socket (and the server would close it as too slow).
        websockets.connect(socket_url(a, code, room, participant), max_queue=None) as phone_on_a,
    ):
        assert 'data-mode="poll"' in await asyncio.wait_for(screen_on_b.recv(), HANG)
        await next_matching(phone_on_a, lambda m: m["type"] == "snapshot", HANG)
        # The room moderator (cookie from the room link) switches the projector through A.
        answer = page(
            a,
            "POST",
            f"/e/{code}/moderate/rooms/{room}/screen",
            room_cookie,
            {"mode": "slide"},
        )
        assert re.search(r'id="screen-mode-slide"[^>]*aria-pressed="true"', answer)

        async def stage_on_b() -> str:
            while True:
                frame = str(await screen_on_b.recv())
                if 'id="screen-stage"' in frame:
                    return frame

        assert 'data-mode="slide"' in await asyncio.wait_for(stage_on_b(), HANG)

        # A vote and applause on A; the control room read through B sees them and the
        # participant present (the board is shared, the channel on A announced it).
        await phone_on_a.send(
            json.dumps({"type": "vote", "request_id": "v", "poll_id": poll_id, "choices": [1]})
        )
        await next_matching(phone_on_a, lambda m: m.get("request_id") == "v", HANG)
        organiser = f"live_m_{code}={token}"
        deadline = time.monotonic() + HANG  # bounds a hang only
        while time.monotonic() < deadline:
            # Clapping like a phone: the grade again with every look (the server forgets a
            # phone after 3 s without one), so the clapper is still there when B shows it.
            await phone_on_a.send(json.dumps({"type": "applause", "grade": 5}))
            overview = await asyncio.to_thread(
                page, b, "GET", f"/e/{code}/control/rooms", organiser, {}
            )
            text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", overview))
            if "1 Stimme" in text and "1 Person klatscht" in text and "Anwesend 1" in text:
                break
            await asyncio.sleep(0.25)
        assert "Welche Option? – 1 Stimme" in text
        assert "1 Person klatscht" in text and "Anwesend 1" in text
        assert "Neutrale Folie" in text
