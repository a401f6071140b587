"""Question labels through the public interface (issue 24): the event's list, asking with a
label, the moderator's PATCH, the projector's filter, and bad input that changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, join
from tests.web.test_api import assert_error
from tests.web.test_questions_api import patch, questions
from tests.web.test_sockets import receive, receive_until, reply_to, ws_url

API = "/api/v1"
SPEAKERS = ["Frau Özdemir", "Herr Lang", "Podium"]


def set_labels(client: TestClient, event: EventFixture, labels: Any) -> Any:
    return client.patch(
        f"{API}/events/{event.code}", json={"question_labels": labels}, headers=event.auth
    )


def ask(client: TestClient, event: EventFixture, text: str, **extra: Any) -> dict[str, Any]:
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        ws.send_text(json.dumps({"type": "ask", "request_id": "a", "text": text, **extra}))
        return receive_until(ws, reply_to("a"))


def test_labels_are_set_asked_with_changed_and_filtered(
    client: TestClient, event: EventFixture
) -> None:
    done = set_labels(client, event, [" Frau Özdemir ", "Herr Lang", "", "Podium"])
    assert done.status_code == 200 and done.json()["question_labels"] == SPEAKERS
    assert client.get(f"{API}/events/{event.code}").json()["question_labels"] == SPEAKERS
    with client.websocket_connect(ws_url(event)) as viewer:
        assert receive(viewer)["room"]["question_labels"] == SPEAKERS
    assert ask(client, event, "An Frau Özdemir?", label="Frau Özdemir")["type"] == "ack"
    assert ask(client, event, "Ohne?")["type"] == "ack"
    listed = {q["text"]: q for q in questions(client, event, moderator=True)}
    assert listed["An Frau Özdemir?"]["label"] == "Frau Özdemir"
    assert listed["Ohne?"]["label"] is None
    qid = listed["Ohne?"]["id"]
    assert patch(client, event, qid, {"label": "Podium"}).json()["label"] == "Podium"
    assert patch(client, event, qid, {"label": None}).json()["label"] is None
    url = f"{API}/events/{event.code}/rooms/{event.room}"
    room = client.patch(url, json={"screen_label": "Herr Lang"}, headers=event.auth)
    assert room.status_code == 200 and room.json()["screen_label"] == "Herr Lang"
    room = client.patch(url, json={"screen_label": None}, headers=event.auth)
    assert room.json()["screen_label"] is None


@pytest.mark.parametrize(
    ("labels", "code"),
    [
        ([f"Person {n}" for n in range(21)], "too_many_labels"),
        (["x" * 41], "label_too_long"),
        (["Podium", "podium"], "duplicate_label"),
        ("Podium", "invalid_labels"),
        ([1], "invalid_labels"),
    ],
)
def test_bad_label_lists_change_nothing(
    client: TestClient, event: EventFixture, labels: Any, code: str
) -> None:
    assert set_labels(client, event, SPEAKERS).status_code == 200
    assert_error(set_labels(client, event, labels), 422, code)
    assert client.get(f"{API}/events/{event.code}").json()["question_labels"] == SPEAKERS


def test_unknown_labels_are_refused_everywhere(client: TestClient, event: EventFixture) -> None:
    assert set_labels(client, event, SPEAKERS).status_code == 200
    refused = ask(client, event, "Frage?", label="Niemand")
    assert refused["type"] == "error" and refused["code"] == "unknown_label"
    assert questions(client, event, moderator=True) == []
    assert ask(client, event, "Frage?")["type"] == "ack"
    (question,) = questions(client, event, moderator=True)
    assert_error(patch(client, event, question["id"], {"label": "Niemand"}), 422, "unknown_label")
    assert_error(
        patch(client, event, question["id"], {"label": "Podium", "state": "nope"}),
        422,
        "invalid_state",
    )
    assert questions(client, event, moderator=True)[0]["label"] is None
    url = f"{API}/events/{event.code}/rooms/{event.room}"
    refused_room = client.patch(
        url, json={"screen_label": "Niemand", "parallel_polls": True}, headers=event.auth
    )
    assert_error(refused_room, 422, "unknown_label")
    room = client.get(f"{API}/events/{event.code}").json()["rooms"][0]
    assert room["screen_label"] is None and room["parallel_polls"] is False
