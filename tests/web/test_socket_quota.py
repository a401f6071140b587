"""At most 10 open sockets per participant token: the 11th closes the oldest with 1008 (the
JSON socket and the pages' socket alike); the newer ones keep working."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from live.fanout.quota import MAX_SOCKETS_PER_PARTICIPANT
from tests.web.conftest import EventFixture, create_poll, join


def json_url(event: EventFixture, token: str) -> str:
    return f"/api/v1/events/{event.code}/rooms/{event.room}/ws?token={token}"


def page_url(event: EventFixture) -> str:
    return f"/e/{event.code}/rooms/{event.room}/live?view=participant"


def first_frame(ws: Any) -> None:
    """The socket's first push: it is attached to its room by then."""
    ws.receive_text()


def closed_with(ws: Any, marker: str) -> tuple[int, str]:
    """The socket's close code and reason; fails when it still gets the frame with ``marker``
    (a change made after the last socket was opened), i.e. when it was left open."""
    try:
        for _ in range(50):
            if marker in ws.receive_text():  # frames queued before the close come first
                pytest.fail("the oldest socket is still open")
    except WebSocketDisconnect as closed:
        return closed.code, closed.reason
    pytest.fail("neither closed nor updated")


def test_the_eleventh_json_socket_of_a_token_closes_the_oldest(
    client: TestClient, event: EventFixture
) -> None:
    assert MAX_SOCKETS_PER_PARTICIPANT == 10
    token = join(client, event)
    other = join(client, event)
    with contextlib.ExitStack() as stack:
        sockets = []
        for _ in range(10):
            sockets.append(stack.enter_context(client.websocket_connect(json_url(event, token))))
            first_frame(sockets[-1])
        # Another participant's socket does not count against this one's.
        first_frame(stack.enter_context(client.websocket_connect(json_url(event, other))))
        newest = stack.enter_context(client.websocket_connect(json_url(event, token)))
        first_frame(newest)

        poll = create_poll(client, event, question="Noch offen?")  # every socket is sent it
        code, reason = closed_with(sockets[0], "Noch offen?")
        assert code == 1008
        assert "too many sockets" in reason
        # The others are still there: the oldest remaining one still gets its acks.
        sockets[1].send_text(
            json.dumps({"type": "vote", "request_id": "r1", "poll_id": poll["id"], "choices": [0]})
        )
        for _ in range(50):
            message = json.loads(sockets[1].receive_text())
            if message.get("request_id") == "r1":
                break
        assert message["type"] == "ack"


def test_the_eleventh_page_socket_of_a_token_closes_the_oldest(
    client: TestClient, event: EventFixture
) -> None:
    token = join(client, event)
    client.cookies.set(f"live_p_{event.code}", token)
    with contextlib.ExitStack() as stack:
        sockets = []
        for _ in range(11):
            sockets.append(stack.enter_context(client.websocket_connect(page_url(event))))
            first_frame(sockets[-1])
        create_poll(client, event, question="Noch offen?")
        code, _reason = closed_with(sockets[0], "Noch offen?")
        assert code == 1008
