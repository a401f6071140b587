"""A client that goes away in the middle of its request (a phone losing Wi-Fi mid-post) is
normal: nothing at ERROR, no traceback, nothing changed.

The requests go to the app as uvicorn hands them over: the first part of the body, then
``http.disconnect`` instead of the rest, so Starlette raises its own ClientDisconnect.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.types import Message

from tests.web.conftest import EventFixture, create_poll, run_in_app

Sent = list[Message]


async def truncated_post(
    client: TestClient, path: str, body: bytes, headers: dict[str, str]
) -> Sent:
    """POST ``path`` announcing twice the bytes of ``body``, send half of it, then hang up."""
    parts: list[Message] = [
        {"type": "http.request", "body": body[: len(body) // 2], "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: Sent = []

    async def receive() -> Message:
        return parts.pop(0) if len(parts) > 1 else parts[0]

    async def send(message: Message) -> None:
        sent.append(message)

    raw_headers = [
        (b"host", b"testserver"),
        (b"content-length", str(len(body) * 2).encode()),
        *((k.lower().encode(), v.encode()) for k, v in headers.items()),
    ]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    await client.app(scope, receive, send)  # raises on today's code: ServerErrorMiddleware
    return sent


def test_truncated_posts_log_nothing_at_error_and_change_nothing(
    client: TestClient, event: EventFixture, caplog: pytest.LogCaptureFixture
) -> None:
    poll = create_poll(client, event)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    json_body = {"Content-Type": "application/json", **event.auth}
    cases = [
        (f"/e/{event.code}/polls/{poll['id']}/vote", b"choice=1&request_id=r-1", form),
        (f"/e/{event.code}/rooms/{event.room}/questions", b"text=Eine+Frage", form),
        (
            f"/api/v1/events/{event.code}/rooms/{event.room}/polls",
            b'{"question": "Neu?", "kind": "single", "options": ["a", "b"]}',
            json_body,
        ),
        (f"/api/v1/events/{event.code}/rooms", b'{"name": "Saal 3"}', json_body),
    ]
    caplog.set_level(logging.DEBUG)
    for _ in range(10):
        for path, body, headers in cases:
            run_in_app(client, truncated_post, client, path, body, headers)

    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert loud == [], [r.getMessage() for r in loud]
    assert not any(r.exc_info for r in caplog.records)
    # Nothing was changed: no ballot, no question, no poll and no room more than before.
    after = client.get(f"/api/v1/events/{event.code}/polls/{poll['id']}").json()
    assert after["results"]["voters"] == 0
    questions = client.get(
        f"/api/v1/events/{event.code}/rooms/{event.room}/questions", headers=event.auth
    ).json()
    assert not (questions if isinstance(questions, list) else questions["questions"])
    rooms = client.get(f"/api/v1/events/{event.code}").json()["rooms"]
    assert len(rooms) == len(event.rooms)
