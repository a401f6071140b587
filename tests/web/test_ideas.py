"""The idea board through the public interface and the pages (issue 24 item 3): the socket's
idea, idea_upvote and idea_unvote (acks, repeats never counted twice, bad input refused with
nothing changed), the room's switch, the ideas endpoint and the moderator's PATCH, the phone's
form posts and the console's actions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, create_event, enter, join, run_in_app, services_of
from tests.web.test_sockets import receive_until, reply_to, ws_url

API = "/api/v1"
HX = {"HX-Request": "true", "Origin": "http://testserver"}


def switch(client: TestClient, event: EventFixture, on: bool, room: str | None = None) -> Any:
    response = client.patch(
        f"{API}/events/{event.code}/rooms/{room or event.room}",
        json={"ideas_open": on},
        headers=event.auth,
    )
    assert response.status_code == 200, response.text
    return response.json()


def post_ideas(client: TestClient, event: EventFixture, *texts: str) -> list[str]:
    """Opens the first room's board and posts ideas from one participant (the event asks for
    approval by default: they wait); their ids. (One identity: new ones are budgeted per
    client address, and the fuzzed API tests build many worlds.)"""
    switch(client, event, True)
    svc = services_of(client)

    async def go() -> list[str]:
        ev = await svc.events.event(event.code)
        room = await svc.events.room(ev, event.room)
        ids = []
        pid, _token = await svc.participants.join(ev, "testclient")
        for text in texts:
            idea, _ = await svc.ideas.post(ev, room, pid, text=text)
            ids.append(idea.id)
        return ids

    return run_in_app(client, go)


def ideas(client: TestClient, event: EventFixture, moderator: bool = False) -> Any:
    response = client.get(
        f"{API}/events/{event.code}/rooms/{event.room}/ideas",
        headers=event.auth if moderator else {},
    )
    assert response.status_code == 200, response.text
    return response.json()


def patch(client: TestClient, event: EventFixture, idea_id: str, body: Any) -> Any:
    return client.patch(f"{API}/events/{event.code}/ideas/{idea_id}", json=body, headers=event.auth)


def send(ws: Any, message: dict[str, Any]) -> dict[str, Any]:
    ws.send_text(json.dumps(message))
    return receive_until(ws, reply_to(message["request_id"]))


@pytest.fixture
def event(client: TestClient) -> EventFixture:
    return create_event(client, rooms=["Forum 1", "Forum 2"])


def test_the_board_is_off_until_a_moderator_opens_it(
    client: TestClient, event: EventFixture
) -> None:
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        snapshot = receive_until(ws, lambda m: m["type"] == "snapshot")
        assert snapshot["room"]["ideas_open"] is False and snapshot["ideas"] == []
        refused = send(ws, {"type": "idea", "request_id": "i-1", "text": "Mehr Pausen"})
        assert refused["type"] == "error" and refused["code"] == "ideas_closed"
        assert switch(client, event, True)["ideas_open"] is True
        update = receive_until(ws, lambda m: m["type"] == "ideas")
        assert update["open"] is True and update["ideas"] == []
        ack = send(ws, {"type": "idea", "request_id": "i-1", "text": "Mehr Pausen"})
        assert ack == {"type": "ack", "request_id": "i-1"}
    # Approval is on by default: the idea waits, only moderators see it.
    assert ideas(client, event) == []
    waiting = ideas(client, event, moderator=True)
    assert [(i["text"], i["state"], i["marked"]) for i in waiting] == [
        ("Mehr Pausen", "pending", False)
    ]


def test_a_repeated_request_counts_once(client: TestClient, event: EventFixture) -> None:
    switch(client, event, True)
    client.patch(f"{API}/events/{event.code}", json={}, headers=event.auth)
    idea_id = post_ideas(client, event, "Ein Forum im Freien")[0]
    assert patch(client, event, idea_id, {"state": "approved"}).status_code == 200
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        for _ in range(2):
            ack = send(ws, {"type": "idea", "request_id": "same", "text": "Kaffee für alle"})
            assert ack["type"] == "ack"
        for _ in range(3):
            up = {"type": "idea_upvote", "request_id": "up-1", "idea_id": idea_id}
            assert send(ws, up)["type"] == "ack"
        assert send(ws, {**up, "request_id": "up-2"})["type"] == "ack"  # set membership
    listed = ideas(client, event, moderator=True)
    assert sorted(i["text"] for i in listed) == ["Ein Forum im Freien", "Kaffee für alle"]
    assert {i["text"]: i["upvotes"] for i in listed}["Ein Forum im Freien"] == 1
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive_until(ws, lambda m: m["type"] == "snapshot")
        down = {"type": "idea_unvote", "request_id": "down-1", "idea_id": idea_id}
        assert send(ws, down)["type"] == "ack"
    assert {i["id"]: i["upvotes"] for i in ideas(client, event)}[idea_id] == 0


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"type": "idea", "request_id": "b1", "text": ""}, "empty_idea"),
        ({"type": "idea", "request_id": "b2", "text": 42}, "empty_idea"),
        ({"type": "idea", "request_id": "b3"}, "empty_idea"),
        ({"type": "idea", "request_id": "b4", "text": "x" * 281}, "idea_too_long"),
        ({"type": "idea", "text": "ohne Kennung"}, "invalid_request_id"),
        ({"type": "idea_upvote", "request_id": "b5", "idea_id": "nope"}, "idea_not_found"),
        ({"type": "idea_upvote", "request_id": "b6", "idea_id": ["x"]}, "idea_not_found"),
        ({"type": "idea_upvote", "request_id": "b7"}, "idea_not_found"),
    ],
)
def test_bad_messages_are_refused_and_change_nothing(
    client: TestClient, event: EventFixture, message: dict[str, Any], code: str
) -> None:
    switch(client, event, True)
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive_until(ws, lambda m: m["type"] == "snapshot")
        ws.send_text(json.dumps(message))
        reply = receive_until(ws, lambda m: m["type"] in {"ack", "error"})
        assert reply["type"] == "error" and reply["code"] == code
    assert ideas(client, event, moderator=True) == []


def test_viewers_and_moderators_cannot_post(client: TestClient, event: EventFixture) -> None:
    switch(client, event, True)
    with client.websocket_connect(ws_url(event, event.token)) as ws:
        receive_until(ws, lambda m: m["type"] == "snapshot")
        reply = send(ws, {"type": "idea", "request_id": "m1", "text": "Von der Moderation"})
        assert reply["code"] == "not_a_participant"


def test_pending_and_hidden_ideas_take_no_upvotes(client: TestClient, event: EventFixture) -> None:
    pending, hidden = post_ideas(client, event, "Wartet", "Versteckt")
    assert patch(client, event, hidden, {"state": "hidden"}).status_code == 200
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        for n, idea_id in enumerate((pending, hidden)):
            msg = {"type": "idea_upvote", "request_id": f"u{n}", "idea_id": idea_id}
            assert send(ws, msg)["code"] == "idea_closed"
    # An idea of another room is not this socket's.
    other = create_event(client)
    with client.websocket_connect(ws_url(other, join(client, other))) as ws:
        msg = {"type": "idea_upvote", "request_id": "x", "idea_id": pending}
        assert send(ws, msg)["code"] == "idea_not_found"


def test_moderators_mark_the_top_ideas_up_to_ten(client: TestClient, event: EventFixture) -> None:
    ids = post_ideas(client, event, *(f"Idee {n}" for n in range(12)))
    # Approve and mark in one request; state first, so the mark finds it approved.
    for idea_id in ids[:10]:
        response = patch(client, event, idea_id, {"state": "approved", "marked": True})
        assert response.status_code == 200 and response.json()["marked"] is True
    assert patch(client, event, ids[10], {"state": "approved"}).status_code == 200
    full = patch(client, event, ids[10], {"marked": True})
    assert full.status_code == 409 and full.json()["error"]["code"] == "too_many_marked"
    not_approved = patch(client, event, ids[11], {"marked": True})
    assert not_approved.status_code == 409
    assert not_approved.json()["error"]["code"] == "idea_not_approved"
    # Hiding a marked idea frees its place.
    hidden = patch(client, event, ids[0], {"state": "hidden"}).json()
    assert hidden["marked"] is False
    assert patch(client, event, ids[10], {"marked": True}).status_code == 200
    assert patch(client, event, ids[11], {"state": "approved"}).status_code == 200
    listed = ideas(client, event)  # ids[0] is hidden: the other 11 are public
    assert len(listed) == 11 and [i["marked"] for i in listed].count(True) == 10
    assert listed[-1]["id"] == ids[11]  # marked first


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "invalid_body"),
        ({"text": "neu"}, 400, "invalid_body"),
        ({"state": "pending"}, 422, "invalid_state"),
        ({"state": None}, 422, "invalid_state"),
        ({"marked": 1}, 422, "invalid_marked"),
        ({"marked": "true"}, 422, "invalid_marked"),
        ({"state": "approved", "marked": "ja"}, 422, "invalid_marked"),
    ],
)
def test_bad_patches_change_nothing(
    client: TestClient, event: EventFixture, body: Any, status: int, code: str
) -> None:
    idea_id = post_ideas(client, event, "Mehr Pausen")[0]
    response = patch(client, event, idea_id, body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert ideas(client, event, moderator=True)[0]["state"] == "pending"


def test_the_patch_needs_a_moderator(client: TestClient, event: EventFixture) -> None:
    idea_id = post_ideas(client, event, "Mehr Pausen")[0]
    url = f"{API}/events/{event.code}/ideas/{idea_id}"
    assert client.patch(url, json={"state": "approved"}).status_code == 401
    bad = {"Authorization": "Bearer nope"}
    assert client.patch(url, json={"state": "approved"}, headers=bad).status_code == 403
    unknown = client.patch(f"{API}/events/{event.code}/ideas/nope", json={}, headers=event.auth)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "idea_not_found"


def test_a_bad_ideas_open_changes_nothing(client: TestClient, event: EventFixture) -> None:
    response = client.patch(
        f"{API}/events/{event.code}/rooms/{event.room}",
        json={"ideas_open": "yes", "parallel_polls": True},
        headers=event.auth,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_ideas_open"
    room = client.get(f"{API}/events/{event.code}").json()["rooms"][0]
    assert room["ideas_open"] is False and room["parallel_polls"] is False


def test_the_phone_posts_and_upvotes_with_forms(client: TestClient, event: EventFixture) -> None:
    switch(client, event, True)
    client.patch(f"{API}/events/{event.code}", json={}, headers=event.auth)
    enter(client, event)
    page = client.get(f"/e/{event.code}", params={"room": event.room})
    assert 'id="ideas-board"' in page.text and 'id="idea-form"' in page.text
    url = f"/e/{event.code}/rooms/{event.room}/ideas"
    too_long = client.post(url, data={"text": "x" * 300}, headers=HX)
    assert too_long.status_code == 422 and "280" in too_long.text
    posted = client.post(url, data={"text": "Mehr <b>Pausen</b>"}, headers=HX)
    assert posted.status_code == 200
    assert "wartet auf Freigabe" in posted.text and "&lt;b&gt;" in posted.text
    idea_id = ideas(client, event, moderator=True)[0]["id"]
    assert patch(client, event, idea_id, {"state": "approved"}).status_code == 200
    up = client.post(f"/e/{event.code}/ideas/{idea_id}/upvote", data={"up": "1"}, headers=HX)
    assert up.status_code == 200 and f'data-upvoted="{idea_id}"' in up.text
    again = client.post(f"/e/{event.code}/ideas/{idea_id}/upvote", data={"up": "1"}, headers=HX)
    assert again.status_code == 200
    assert ideas(client, event)[0]["upvotes"] == 1
    # The button is named with its idea and its count.
    page = client.get(f"/e/{event.code}", params={"room": event.room})
    assert "Idee ‚Mehr &lt;b&gt;Pausen&lt;/b&gt;‘" in page.text


def test_the_console_switches_moderates_and_marks(client: TestClient, event: EventFixture) -> None:
    idea_id = post_ideas(client, event, "Mehr Pausen")[0]
    switch(client, event, False)
    console = client.get(
        f"/e/{event.code}/moderate", params={"room": event.room, "token": event.token}
    )
    assert console.status_code == 200 and 'id="mod-ideas"' in console.text
    base = f"/e/{event.code}/moderate/rooms/{event.room}/ideas"
    opened = client.post(f"{base}/open", data={"open": "1"}, headers=HX)
    assert opened.status_code == 200 and "Ideensammlung ist geöffnet" in opened.text
    for action in ("approve", "mark"):
        done = client.post(f"{base}/{idea_id}", data={"action": action}, headers=HX)
        assert done.status_code == 200, done.text
    listed = ideas(client, event)
    assert listed[0]["state"] == "approved" and listed[0]["marked"] is True
    bad = client.post(f"{base}/{idea_id}", data={"action": "delete"}, headers=HX)
    assert bad.status_code == 404
