"""Merging duplicate questions through the public interface (issue 24, panel Q&A):
``POST …/questions/{id}/merge``, what the sockets then send, and the refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, create_event, join
from tests.web.test_api import assert_error
from tests.web.test_questions_api import ask, patch, questions
from tests.web.test_sockets import receive, receive_until, reply_to, ws_url

API = "/api/v1"


def merge(client: TestClient, event: EventFixture, target: str, body: Any) -> Any:
    url = f"{API}/events/{event.code}/questions/{target}/merge"
    return client.post(url, json=body, headers=event.auth)


def upvote(ws: Any, request_id: str, qid: str) -> None:
    ws.send_text(json.dumps({"type": "upvote", "request_id": request_id, "question_id": qid}))
    assert receive_until(ws, reply_to(request_id))["type"] == "ack"


def two_questions(client: TestClient, event: EventFixture) -> tuple[str, str, str, str]:
    """Two approved questions from two authors: (a, b, author of a, author of b)."""
    author_a, author_b = join(client, event), join(client, event)
    for token, rid, text in ((author_a, "a", "Wann kommt das Geld?"), (author_b, "b", "Geld?")):
        with client.websocket_connect(ws_url(event, token)) as ws:
            receive(ws)
            assert ask(ws, rid, text)["type"] == "ack"
    listed = questions(client, event, moderator=True)
    by_text = {q["text"]: q["id"] for q in listed}
    a, b = by_text["Wann kommt das Geld?"], by_text["Geld?"]
    for qid in (a, b):
        assert patch(client, event, qid, {"state": "approved"}).status_code == 200
    return a, b, author_a, author_b


def test_merge_adds_upvotes_once_and_removes_the_duplicate(
    client: TestClient, event: EventFixture
) -> None:
    a, b, _, author_b = two_questions(client, event)
    fans = [join(client, event) for _ in range(3)]
    for n, (fan, targets) in enumerate(zip(fans, ([a], [a, b], [b]), strict=True)):
        with client.websocket_connect(ws_url(event, fan)) as ws:
            receive(ws)
            for qid in targets:
                upvote(ws, f"up-{n}-{qid}", qid)
    with client.websocket_connect(ws_url(event)) as viewer:
        receive(viewer)
        merged = merge(client, event, a, {"duplicate": b})
        assert merged.status_code == 200, merged.text
        assert merged.json()["id"] == a and merged.json()["upvotes"] == 3  # not 4
        removed = receive_until(viewer, lambda m: m["type"] == "questions" and b in m["removed"])
        assert removed["version"] > 0
    assert [(q["id"], q["upvotes"]) for q in questions(client, event)] == [(a, 3)]
    assert [q["id"] for q in questions(client, event, moderator=True)] == [a]
    # A repeat answers the same and changes nothing.
    again = merge(client, event, a, {"duplicate": b})
    assert again.status_code == 200 and again.json() == merged.json()
    # The duplicate's author finds the merged question among their own, first in the snapshot.
    with client.websocket_connect(ws_url(event, author_b)) as phone:
        snapshot = receive(phone)
        assert snapshot["questions"][0]["id"] == a
        # Upvoting the merged duplicate is refused.
        phone.send_text(json.dumps({"type": "upvote", "request_id": "late", "question_id": b}))
        refused = receive_until(phone, reply_to("late"))
        assert refused["type"] == "error" and refused["code"] == "question_closed"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "invalid_body"),
        ({"duplicate": 5}, 400, "invalid_body"),
        ({"duplicate": "x", "more": 1}, 400, "invalid_body"),
        ({"duplicate": "no-such-question"}, 404, "question_not_found"),
    ],
)
def test_bad_merge_bodies_change_nothing(
    client: TestClient, event: EventFixture, body: Any, status: int, code: str
) -> None:
    a, _, _, _ = two_questions(client, event)
    assert_error(merge(client, event, a, body), status, code)
    assert len(questions(client, event, moderator=True)) == 2


def test_merge_refusals_are_german_and_change_nothing(
    client: TestClient, event: EventFixture
) -> None:
    a, b, _, _ = two_questions(client, event)
    message = assert_error(merge(client, event, a, {"duplicate": a}), 422, "merge_self")
    assert "sich selbst" in message
    assert merge(client, event, a, {"duplicate": b}).status_code == 200
    assert_error(merge(client, event, b, {"duplicate": a}), 422, "already_merged")
    assert [q["id"] for q in questions(client, event, moderator=True)] == [a]
    # Without the moderator token: 401.
    url = f"{API}/events/{event.code}/questions/{a}/merge"
    assert_error(client.post(url, json={"duplicate": b}), 401, "unauthorized")


def test_merging_across_rooms_is_refused(client: TestClient) -> None:
    event = create_event(client, rooms=["Saal", "Forum"])
    ids = []
    for n, room in enumerate(r["id"] for r in event.rooms):
        # One participant per room: a second question within seconds would be too fast.
        with client.websocket_connect(ws_url(event, join(client, event), room)) as ws:
            receive(ws)
            assert ask(ws, f"q{n}", f"Frage {n}?")["type"] == "ack"
        listed = client.get(
            f"{API}/events/{event.code}/rooms/{room}/questions", headers=event.auth
        ).json()
        ids.append(listed[0]["id"])
    assert_error(merge(client, event, ids[0], {"duplicate": ids[1]}), 422, "merge_other_room")
