"""The room socket's message schemas (live/web/socket_schemas.py): they hold what the server
really sends, refuse what it must not send, and docs/api.md names every one of them. (Every
frame of the socket tests is checked against them too: tests/support/socket_frames.py.)"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.web import socket_schemas
from tests.support.socket_frames import problems, server_message
from tests.web.conftest import EventFixture, create_poll, join
from tests.web.test_qa_queue import ask
from tests.web.test_sockets import receive, receive_until, reply_to, vote, ws_url

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def frames(client: TestClient, event: EventFixture) -> dict[str, dict[str, Any]]:
    """One frame of each type the server sends, from a real room."""
    poll = create_poll(client, event, kind="text", question="Ein Wort?")
    create_poll(client, event, kind="scale", open_it=False, question="Wie sehr?")
    ask(client, event, "Gibt es die Folien?")
    seen: dict[str, dict[str, Any]] = {}
    with client.websocket_connect(ws_url(event, event.token)) as mod:
        seen["snapshot"] = receive(mod)
        with client.websocket_connect(ws_url(event, join(client, event))) as phone:
            receive(phone)
            vote(phone, poll["id"], "v1", text="Bürokratie abbauen")
            seen["ack"] = receive_until(phone, reply_to("v1"))
            phone.send_text(json.dumps({"type": "mood", "request_id": "m1", "value": 4}))
            receive_until(phone, reply_to("m1"))
            phone.send_text(json.dumps({"type": "nonsense", "request_id": 7}))
            seen["error"] = receive_until(phone, lambda m: m["type"] == "error")
            phone.send_text(json.dumps({"type": "ask", "request_id": "q1", "text": "Und?"}))
            receive_until(phone, reply_to("q1"))
        for _ in range(50):  # the updates come in ticks, in no fixed order
            if {"poll", "mood", "questions"} <= set(seen):
                break
            message = receive(mod)
            seen.setdefault(message["type"], message)
    return seen


def test_what_the_server_sends_matches_and_breaking_it_is_caught(
    client: TestClient, event: EventFixture
) -> None:
    seen = frames(client, event)
    assert seen["error"]["request_id"] == 7  # echoed as sent
    assert seen["snapshot"]["polls"] and seen["snapshot"]["questions"]
    assert seen["questions"]["questions"][0]["state"] == "pending"
    for kind, frame in seen.items():
        name = socket_schemas.SERVER_TYPES[kind]
        assert problems(frame, name) == []
        optional = {"type", "request_id"} if kind == "error" else {"type"}
        if kind == "snapshot":
            optional.add("pace")  # only a moderator's snapshot has it (issue 24)
        for key in set(frame) - optional:
            broken = {k: v for k, v in frame.items() if k != key}
            assert problems(broken, name), f"{kind} without {key} passed"
    snapshot = copy.deepcopy(seen["snapshot"])
    snapshot["polls"][0]["kind"] = "survey"
    assert problems(snapshot, "SocketSnapshot")
    snapshot = copy.deepcopy(seen["snapshot"])
    snapshot["questions"][0]["created_at"] = "2026-11-21 17:15:29"
    assert problems(snapshot, "SocketSnapshot")
    with pytest.raises(AssertionError, match="undescribed type"):
        server_message(json.dumps({"type": "gossip", "version": 1}))


def test_the_coming_question_fields_are_allowed_already(
    client: TestClient, event: EventFixture
) -> None:
    """Q&A at scale (issue 21) adds fields to the snapshot and to questions updates."""
    seen = frames(client, event)
    snapshot = {**seen["snapshot"], "questions_total": 3, "questions_complete": False}
    update = {**seen["questions"], "questions": [], "removed": ["abc"], "complete": False}
    assert problems(snapshot, "SocketSnapshot") == []
    assert problems(update, "SocketQuestionsUpdate") == []
    assert problems({**update, "removed": [1]}, "SocketQuestionsUpdate")


GOOD_CLIENT_MESSAGES = [
    {"type": "vote", "request_id": "r1", "poll_id": "p", "choices": [1]},
    {"type": "vote", "request_id": "r2", "poll_id": "p", "value": 4},
    {"type": "vote", "request_id": "r3", "poll_id": "p", "text": "Mehr Digitalisierung"},
    {"type": "vote", "request_id": "r4", "poll_id": "p", "texts": ["Mehr Personal"]},
    {"type": "ask", "request_id": "r5", "text": "Gibt es die Folien?", "name": "Anna"},
    {"type": "ask", "request_id": "r6", "text": "Gibt es die Folien?"},
    {"type": "upvote", "request_id": "r7", "question_id": "q"},
    {"type": "unvote", "request_id": "r8", "question_id": "q"},
    {"type": "applause", "grade": 0},
    {"type": "mood", "request_id": "r9", "value": 5},
]

BAD_CLIENT_MESSAGES = [
    {"type": "vote", "request_id": "r1", "poll_id": "p"},  # no ballot
    {"type": "vote", "request_id": "r1", "poll_id": "p", "choices": [1], "value": 2},
    {"type": "vote", "poll_id": "p", "choices": [1]},  # no request_id
    {"type": "ask", "request_id": "", "text": "Leere Kennung?"},
    {"type": "applause", "grade": 6},
    {"type": "mood", "request_id": "r", "value": 0},
    {"type": "wave", "request_id": "r"},
]


@pytest.mark.parametrize("message", GOOD_CLIENT_MESSAGES)
def test_documented_client_messages_match(message: dict[str, Any]) -> None:
    assert problems(message, "SocketClientMessage") == []


@pytest.mark.parametrize("message", BAD_CLIENT_MESSAGES)
def test_malformed_client_messages_do_not(message: dict[str, Any]) -> None:
    assert problems(message, "SocketClientMessage")


def test_docs_name_every_message_schema_and_the_description() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert "/api/v1/openapi.json" in text
    named = set(re.findall(r"`(Socket\w+)`", text))
    assert set(socket_schemas.SCHEMAS) - named == set()


def test_an_error_echoes_only_a_string_or_integer_request_id(
    client: TestClient, event: EventFixture
) -> None:
    """docs/api.md: the id is echoed when it is a string or an integer; JSON's true is neither
    (Python's bool is an int), and an error echoing it broke the message schema."""
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        for request_id in (True, 2.5, 7, "r"):
            ws.send_text(json.dumps({"type": "wave", "request_id": request_id}))
            reply = receive_until(ws, lambda m: m["type"] == "error")  # schema-checked
            assert reply["code"] == "unknown_type"
            if isinstance(request_id, bool | float):
                assert "request_id" not in reply
            else:
                assert reply["request_id"] == request_id
