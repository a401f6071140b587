"""A vote over the participant page's socket (issue 18): static/live.js sends a vote form there
while the socket is open, instead of a form post per phone. The server answers it as it answers
the post (the stage with this participant's ballot and the announcement), after a comment that
names the request: counted once however often it arrives, refused votes change nothing, and a
frame no page sends is ignored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketTestSession

from tests.web.conftest import EventFixture, create_event, create_poll
from tests.web.test_page_answers import ORIGIN, open_page, pressed
from tests.web.test_pages import api_poll


def send_vote(ws: WebSocketTestSession, poll_id: object, fields: object) -> None:
    ws.send_text(json.dumps({"type": "vote", "poll_id": poll_id, "fields": fields}))


def answer(ws: WebSocketTestSession) -> str:
    """The next answer to a send (pushes of the room in between are passed over)."""
    for _ in range(50):
        frame = ws.receive_text()
        if frame.startswith("<!--sent:"):
            return frame
    pytest.fail("no answer to the send")


def counts(client: TestClient, event: EventFixture, poll: dict[str, Any]) -> list[int]:
    return list(api_poll(client, event, poll["id"])["results"]["counts"])


def test_a_vote_over_the_page_socket_is_answered_there_and_counted_once(
    client: TestClient,
) -> None:
    event = create_event(client)
    poll = create_poll(client, event)
    ws = open_page(client, event)
    try:
        send_vote(ws, poll["id"], [["choice", "1"], ["request_id", "r-1"]])
        first = answer(ws)
        assert first.startswith("<!--sent:r-1:ok-->")
        assert "Ihre Stimme wurde gezählt." in first
        assert pressed(first, poll["id"], 1) and not pressed(first, poll["id"], 0)
        # The same send again (its answer was lost): acknowledged again, not counted again.
        send_vote(ws, poll["id"], [["choice", "1"], ["request_id", "r-1"]])
        assert answer(ws).startswith("<!--sent:r-1:ok-->")
        assert counts(client, event, poll) == [0, 1, 0]
        # A changed vote is a new request: it replaces the ballot.
        send_vote(ws, poll["id"], [["choice", "2"], ["request_id", "r-2"]])
        changed = answer(ws)
        assert changed.startswith("<!--sent:r-2:ok-->")
        assert pressed(changed, poll["id"], 2) and not pressed(changed, poll["id"], 1)
        assert counts(client, event, poll) == [0, 0, 1]
    finally:
        ws.__exit__(None, None, None)


def test_each_poll_kind_takes_its_form_fields_over_the_socket(client: TestClient) -> None:
    event = create_event(client)
    client.patch(
        f"/api/v1/events/{event.code}/rooms/{event.room}",
        json={"parallel_polls": True},
        headers=event.auth,
    )
    multiple = create_poll(client, event, kind="multiple", max_answers=2)
    scale = create_poll(client, event, kind="scale", options=[], min=1, max=5)
    ranking = create_poll(client, event, kind="ranking", options=["a", "b", "c"])
    ws = open_page(client, event)
    try:
        send_vote(ws, multiple["id"], [["choices", "0"], ["choices", "2"], ["request_id", "m"]])
        send_vote(ws, scale["id"], [["value", "4"], ["request_id", "s"]])
        # The ranking's hidden fields in order, with the up button of option 2 pressed.
        fields = [["ranking", "0"], ["ranking", "1"], ["ranking", "2"], ["move", "2:up"]]
        send_vote(ws, ranking["id"], [*fields, ["request_id", "r"]])
        # Answered in order, each with the stage after its comment.
        for request_id in ("m", "s", "r"):
            assert answer(ws).startswith(f'<!--sent:{request_id}:ok--><section id="poll-stage"')
    finally:
        ws.__exit__(None, None, None)
    assert counts(client, event, multiple) == [1, 0, 1]
    assert api_poll(client, event, scale["id"])["results"]["average"] == 4
    # Borda over three options: 0 first (2 points), 2 second (1), 1 last (0).
    assert api_poll(client, event, ranking["id"])["results"]["points"] == [2, 0, 1]


def test_a_refused_vote_says_why_and_changes_nothing(client: TestClient) -> None:
    event = create_event(client, rooms=["Plenum", "Fachforum 1"])
    poll = create_poll(client, event)
    elsewhere = create_poll(client, event, room=event.rooms[1]["id"])
    ws = open_page(client, event)
    try:
        send_vote(ws, poll["id"], [["choice", "7"], ["request_id", "a"]])
        refused = answer(ws)
        assert refused.startswith("<!--sent:a:refused-->")
        assert "toast-error" in refused
        # Another room's poll over this room's socket, an unknown poll, a closed poll.
        send_vote(ws, elsewhere["id"], [["choice", "0"], ["request_id", "b"]])
        assert answer(ws).startswith("<!--sent:b:refused-->")
        send_vote(ws, "nope", [["choice", "0"], ["request_id", "c"]])
        unknown = answer(ws)
        assert unknown.startswith("<!--sent:c:refused-->") and "toast-error" in unknown
        client.post(f"/api/v1/events/{event.code}/polls/{poll['id']}/close", headers=event.auth)
        send_vote(ws, poll["id"], [["choice", "0"], ["request_id", "d"]])
        closed = answer(ws)
        assert closed.startswith("<!--sent:d:refused-->")
        assert "bereits beendet" in closed
    finally:
        ws.__exit__(None, None, None)
    assert counts(client, event, poll) == [0, 0, 0]
    assert counts(client, event, elsewhere) == [0, 0, 0]


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "vote", "poll_id": "P", "fields": [["choice", "0"]]},  # no request id
        {"type": "vote", "poll_id": "P", "fields": [["choice", "0"], ["request_id", "x-->y"]]},
        {"type": "vote", "poll_id": "P", "fields": {"choice": "0", "request_id": "k"}},
        {"type": "vote", "poll_id": "P", "fields": [["choice", 0], ["request_id", "k"]]},
        {"type": "vote", "poll_id": "P", "fields": [["choice"], ["request_id", "k"]]},
        {"type": "vote", "poll_id": "P", "fields": [["request_id", "k"]] + [["c", "0"]] * 50},
        {"type": "vote", "poll_id": "P"},
        ["vote"],
    ],
)
def test_a_frame_no_page_sends_is_ignored(client: TestClient, frame: Any) -> None:
    event = create_event(client)
    poll = create_poll(client, event)
    raw = json.dumps(frame).replace('"P"', json.dumps(poll["id"]))
    ws = open_page(client, event)
    try:
        ws.send_text(raw)
        # The socket answers in order: the next answer is the next send's.
        send_vote(ws, poll["id"], [["choice", "2"], ["request_id", "after"]])
        assert answer(ws).startswith("<!--sent:after:ok-->")
    finally:
        ws.__exit__(None, None, None)
    assert counts(client, event, poll) == [0, 0, 1]


def test_a_socket_without_a_participant_says_to_post_the_vote(client: TestClient) -> None:
    """A page socket opened without the participant's cookie (blocked) is no participant's: a
    vote there counts nothing, and the answer tells the page to post it (the post's answer then
    says it was not counted, issue 21)."""
    event = create_event(client)
    poll = create_poll(client, event)
    path = f"/e/{event.code}/rooms/{event.room}/live?view=participant"
    with client.websocket_connect(path, headers=ORIGIN) as cookieless:
        cookieless.receive_text()
        send_vote(cookieless, poll["id"], [["choice", "0"], ["request_id", "v"]])
        assert answer(cookieless) == "<!--sent:v:post-->"
    # And the participant's socket, opened after, answers its own send first.
    ws = open_page(client, event)
    try:
        send_vote(ws, poll["id"], [["choice", "1"], ["request_id", "p"]])
        assert answer(ws).startswith("<!--sent:p:ok-->")
    finally:
        ws.__exit__(None, None, None)
    assert counts(client, event, poll) == [0, 1, 0]
