"""Applause and presence over the public socket: many simulated clappers, one room level."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, join
from tests.web.test_sockets import receive, receive_until, ws_url


def applause_frame(ws: Any, predicate: Any) -> dict[str, Any]:
    return receive_until(ws, lambda m: m["type"] == "applause" and predicate(m), limit=400)


# Phones re-send their grade about every second; the server forgets one after 3 s without.
RESEND_SECONDS = 0.5


def frames_while_clapping(
    viewer: Any, clappers: Sequence[Any], grade: int, until: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """The viewer's applause frames up to the first that matches ``until``, while ``clappers``
    keep re-sending ``grade`` as phones do: by the clock, not every so many frames, so a busy
    machine's slower ticks cannot let the server forget them."""
    frames: list[dict[str, Any]] = []
    resent = float("-inf")
    for _ in range(1000):
        if time.monotonic() - resent >= RESEND_SECONDS:
            for ws in clappers:
                ws.send_text(json.dumps({"type": "applause", "grade": grade}))
            resent = time.monotonic()
        frames.append(frame := applause_frame(viewer, lambda m: True))
        if until(frame):
            return frames
    raise AssertionError(f"no matching frame among {frames[-5:]} (last 5)")


def test_many_clappers_raise_the_level_and_silence_lets_it_decay(
    client: TestClient, event: EventFixture
) -> None:
    tokens = [join(client, event) for _ in range(12)]
    with client.websocket_connect(ws_url(event)) as viewer:
        snapshot = receive(viewer)
        assert snapshot["applause"] == {"level": 0.0, "clappers": 0, "present": 0}
        phones = [client.websocket_connect(ws_url(event, t)) for t in tokens]
        sockets = [p.__enter__() for p in phones]
        try:
            for ws in sockets:
                receive(ws)
            # Everyone present claps at grade 5 (re-sent states): one share each.
            loud = frames_while_clapping(
                viewer, sockets, 5, lambda m: m["clappers"] == 12 and m["level"] > 0.9
            )[-1]
            assert loud["present"] >= 12
            assert loud["level"] <= 1.0
            # Half of them stop: fewer clappers, the level falls toward the new target.
            for ws in sockets[:6]:
                ws.send_text(json.dumps({"type": "applause", "grade": 0}))
            # Target sqrt(6·5 / (12·5)) ≈ 0.71: the level decays to it (release, not a jump),
            # while the other six keep re-sending their state as phones do every second.
            frames = frames_while_clapping(
                viewer, sockets[6:], 5, lambda m: m["clappers"] == 6 and m["level"] < 0.75
            )
            # Frames from before all six zeros arrived still show more clappers.
            levels = [m["level"] for m in frames if m["clappers"] == 6]
            assert 0.65 < levels[-1] < 0.75, levels
            assert levels == sorted(levels, reverse=True)  # falling, never jumping back up
            for ws in sockets[6:]:
                ws.send_text(json.dumps({"type": "applause", "grade": 0}))
            # Nobody claps: the level decays by itself, no message needed (ticks go on).
            quiet = applause_frame(viewer, lambda m: m["clappers"] == 0 and m["level"] < 0.3)
            assert quiet["level"] >= 0.0
        finally:
            for phone in phones:
                phone.__exit__(None, None, None)


def test_a_bad_grade_gets_an_error_and_changes_nothing(
    client: TestClient, event: EventFixture
) -> None:
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        for bad in (6, -1, "5", True, None, 2.5):
            ws.send_text(json.dumps({"type": "applause", "grade": bad}))
            error = receive_until(ws, lambda m: m["type"] == "error")
            assert error["code"] == "invalid_grade"
        ws.send_text(json.dumps({"type": "applause", "grade": 3}))
        frame = receive_until(ws, lambda m: m["type"] == "applause" and m["clappers"] == 1)
        assert 0 < frame["level"] <= 1


def test_viewers_cannot_applaud(client: TestClient, event: EventFixture) -> None:
    with client.websocket_connect(ws_url(event)) as ws:
        receive(ws)
        ws.send_text(json.dumps({"type": "applause", "grade": 5}))
        assert receive_until(ws, lambda m: m["type"] == "error")["code"] == "not_a_participant"
