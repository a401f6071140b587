"""Organiser and room moderators: a room's secret link gives that room's powers and no others.

Every check is made four ways where it applies: the organiser's token, the room's token, another
room's token, and none — for the pages (cookies), the API (Bearer) and the sockets.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from live.views.hyphenate import SHY
from tests.web.conftest import EventFixture, create_event, create_poll, join
from tests.web.test_questions_api import ask
from tests.web.test_sockets import receive, ws_url

API = "/api/v1"
HX = {"HX-Request": "true"}


def room_link(client: TestClient, event: EventFixture, room: str) -> str:
    response = client.post(
        f"{API}/events/{event.code}/rooms/{room}/moderator-link", headers=event.auth
    )
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["room_id"] == room
    assert data["links"]["moderate"].endswith(
        f"/e/{event.code}/moderate?room={room}&token={data['moderator_token']}"
    )
    token: str = data["moderator_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def as_room_moderator(client: TestClient, event: EventFixture, room: str, token: str) -> None:
    """This browser holds only the room's cookie (via the secret link), not the organiser's."""
    client.cookies.clear()
    response = client.get(
        f"/e/{event.code}/moderate",
        params={"room": room, "token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/e/{event.code}/moderate?room={room}"
    assert token not in response.headers["location"]
    cookie = response.headers["set-cookie"]
    assert f"live_r_{event.code}_{room}={token}" in cookie
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert f"live_m_{event.code}=" not in cookie


def ask_question(client: TestClient, event: EventFixture, room: str, text: str) -> str:
    with client.websocket_connect(ws_url(event, join(client, event), room)) as ws:
        receive(ws)
        assert ask(ws, "q", text)["type"] == "ack"
    listed = client.get(
        f"{API}/events/{event.code}/rooms/{room}/questions", headers=event.auth
    ).json()
    qid: str = next(q["id"] for q in listed if q["text"] == text)
    return qid


@pytest.fixture
def rooms3(client: TestClient) -> EventFixture:
    return create_event(client, rooms=["Plenum", "Fachforum 1", "Fachforum 2"])


# --- the link itself ---------------------------------------------------------------------------


def test_room_link_leads_to_its_room_and_only_shows_that_room(
    client: TestClient, rooms3: EventFixture
) -> None:
    forum, other = rooms3.rooms[1]["id"], rooms3.rooms[2]["id"]
    token = room_link(client, rooms3, forum)
    as_room_moderator(client, rooms3, forum, token)
    page = client.get(f"/e/{rooms3.code}/moderate?room={forum}")
    assert page.status_code == 200
    html = page.text.replace(SHY, "")  # soft hyphens in user text (live/views/hyphenate.py)
    assert "Ablauf in Fachforum 1" in html
    # No way to the other rooms or to the organiser's powers.
    assert f"moderate?room={other}" not in html
    assert f"moderate?room={rooms3.room}" not in html
    for organiser_only in (
        'id="new-room"',
        'id="qa-settings"',
        'id="room-links"',
        f"/e/{rooms3.code}/control",
        f"/e/{rooms3.code}/setup",
        f"/e/{rooms3.code}/report",
        f"/e/{rooms3.code}/delete",
        rooms3.token,
    ):
        assert organiser_only not in html, organiser_only
    # The room's own powers are there: polls, questions, projector.
    assert 'id="mod-polls"' in html and 'id="mod-questions"' in html
    assert 'id="mod-screen"' in html
    # Without ?room= the page opens the room this browser holds a link for.
    default = client.get(f"/e/{rooms3.code}/moderate").text.replace(SHY, "")
    assert "Ablauf in Fachforum 1" in default


def test_room_link_with_another_rooms_id_still_opens_its_own_room(
    client: TestClient, rooms3: EventFixture
) -> None:
    forum, other = rooms3.rooms[1]["id"], rooms3.rooms[2]["id"]
    token = room_link(client, rooms3, forum)
    response = client.get(
        f"/e/{rooms3.code}/moderate",
        params={"room": other, "token": token},
        follow_redirects=False,
    )
    assert response.headers["location"] == f"/e/{rooms3.code}/moderate?room={forum}"


def test_room_cookie_does_not_open_another_room(client: TestClient, rooms3: EventFixture) -> None:
    forum, other = rooms3.rooms[1]["id"], rooms3.rooms[2]["id"]
    as_room_moderator(client, rooms3, forum, room_link(client, rooms3, forum))
    page = client.get(f"/e/{rooms3.code}/moderate?room={other}")
    assert page.status_code == 403
    assert "Dieser Moderationszugang gilt nur für einen anderen Raum." in page.text
    assert 'name="token"' in page.text  # the login form
    client.cookies.clear()
    assert client.get(f"/e/{rooms3.code}/moderate?room={forum}").status_code == 401


def test_renewing_a_link_revokes_the_old_one(client: TestClient, rooms3: EventFixture) -> None:
    forum = rooms3.rooms[1]["id"]
    old = room_link(client, rooms3, forum)
    new = room_link(client, rooms3, forum)
    assert old != new
    url = f"{API}/events/{rooms3.code}/rooms/{forum}/polls"
    body = {"question": "Noch gültig?", "kind": "single", "options": ["ja", "nein"]}
    assert client.post(url, json=body, headers=bearer(old)).status_code == 403
    assert client.post(url, json=body, headers=bearer(new)).status_code == 201
    response = client.get(
        f"/e/{rooms3.code}/moderate", params={"token": old}, follow_redirects=False
    )
    assert response.status_code == 403
    # Revoking: the link stops working, the organiser's token is untouched.
    revoke = f"{API}/events/{rooms3.code}/rooms/{forum}/moderator-link"
    assert client.delete(revoke, headers=bearer(new)).status_code == 403
    assert client.delete(revoke).status_code == 401
    assert client.delete(revoke, headers=rooms3.auth).status_code == 204
    assert client.post(url, json=body, headers=bearer(new)).status_code == 403
    assert client.post(url, json=body, headers=rooms3.auth).status_code == 201


def test_room_link_by_form_is_shown_once_and_works(
    client: TestClient, rooms3: EventFixture
) -> None:
    forum = rooms3.rooms[1]["id"]
    client.cookies.set(f"live_m_{rooms3.code}", rooms3.token)
    page = client.get(f"/e/{rooms3.code}/links").text
    assert 'id="room-links"' in page and "noch kein Link" in page
    response = client.post(f"/e/{rooms3.code}/moderate/rooms/{forum}/link", headers=HX)
    assert response.status_code == 200
    assert "Neuer Moderationslink für Fachforum 1." in response.text
    start = response.text.index(f'id="room-link-url-{forum}"')
    value = response.text[start:].split('value="', 1)[1].split('"', 1)[0]
    assert value.startswith(f"http://testserver/e/{rooms3.code}/moderate?room={forum}&amp;token=")
    token = value.split("token=", 1)[1]
    # Shown once: the links page lists the room as having a link, without the token.
    page = client.get(f"/e/{rooms3.code}/links").text
    assert "Link vergeben" in page and token not in page
    as_room_moderator(client, rooms3, forum, token)
    # Without JavaScript the answer is a page of its own with the link.
    client.cookies.clear()
    client.cookies.set(f"live_m_{rooms3.code}", rooms3.token)
    plain = client.post(f"/e/{rooms3.code}/moderate/rooms/{forum}/link", follow_redirects=False)
    assert plain.status_code == 200 and "Moderationslink für Fachforum 1" in plain.text
    revoked = client.post(
        f"/e/{rooms3.code}/moderate/rooms/{forum}/link",
        data={"revoke": "1"},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert revoked.headers["location"] == f"/e/{rooms3.code}/links"
    assert "noch kein Link" in client.get(f"/e/{rooms3.code}/links").text


# --- pages: the room's powers, and only those ---------------------------------------------------


def test_room_moderator_page_actions_in_own_room_only(
    client: TestClient, rooms3: EventFixture
) -> None:
    forum, other = rooms3.rooms[1]["id"], rooms3.rooms[2]["id"]
    mine = create_poll(client, rooms3, room=forum, open_it=False)
    theirs = create_poll(client, rooms3, room=other, open_it=False)
    q_mine = ask_question(client, rooms3, forum, "Meine Frage?")
    q_theirs = ask_question(client, rooms3, other, "Fremde Frage?")
    as_room_moderator(client, rooms3, forum, room_link(client, rooms3, forum))
    base = f"/e/{rooms3.code}/moderate"
    new_poll = {"question": "Neu?", "kind": "single", "options": "a\nb", "visibility": "live"}

    def post(path: str, data: Any = None) -> int:
        status: int = client.post(base + path, data=data, headers=HX).status_code
        return status

    # Own room: polls, questions (all actions and the edit page), projector.
    assert post(f"/rooms/{forum}/polls", new_poll) == 200
    assert post(f"/polls/{mine['id']}/open") == 200
    assert post(f"/polls/{mine['id']}/screen") == 200
    assert post(f"/polls/{mine['id']}/close") == 200
    assert post(f"/questions/{q_mine}/approve") == 200
    assert post(f"/questions/{q_mine}/highlight") == 200
    assert post(f"/rooms/{forum}/questions/approve-all") == 200
    assert client.get(f"{base}/questions/{q_mine}/edit").status_code == 200
    edit = client.post(
        f"{base}/questions/{q_mine}/edit",
        data={"text": "Meine Frage, bearbeitet?", "answer": "Ja."},
        follow_redirects=False,
    )
    assert edit.status_code == 303
    assert post(f"/rooms/{forum}/screen", {"mode": "applause"}) == 200
    # Another room: 403, and nothing changes there.
    assert post(f"/rooms/{other}/polls", new_poll) == 403
    assert post(f"/polls/{theirs['id']}/open") == 403
    assert post(f"/questions/{q_theirs}/approve") == 403
    assert post(f"/rooms/{other}/questions/approve-all") == 403
    assert client.get(f"{base}/questions/{q_theirs}/edit").status_code == 403
    assert post(f"/rooms/{other}/screen", {"mode": "applause"}) == 403
    assert (
        client.get(f"{API}/events/{rooms3.code}/polls/{theirs['id']}", headers=rooms3.auth).json()[
            "state"
        ]
        == "draft"
    )
    listed = client.get(
        f"{API}/events/{rooms3.code}/rooms/{other}/questions", headers=rooms3.auth
    ).json()
    assert [q["state"] for q in listed] == ["pending"]
    # Organiser-only: Q&A settings, adding rooms, room links, the control room.
    assert post("/settings", {"room": forum, "names_allowed": "1"}) == 401
    assert post("/rooms", {"name": "Fachforum 9"}) == 401
    assert post(f"/rooms/{forum}/link") == 401
    assert client.get(f"/e/{rooms3.code}/control").status_code == 401
    assert len(client.get(f"{API}/events/{rooms3.code}").json()["rooms"]) == 3


def test_wrong_and_missing_cookies_on_room_actions(
    client: TestClient, rooms3: EventFixture
) -> None:
    forum = rooms3.rooms[1]["id"]
    poll = create_poll(client, rooms3, room=forum, open_it=False)
    url = f"/e/{rooms3.code}/moderate/polls/{poll['id']}/open"
    client.cookies.clear()
    assert client.post(url, headers=HX).status_code == 401
    client.cookies.set(f"live_r_{rooms3.code}_{forum}", "falsch")
    assert client.post(url, headers=HX).status_code == 403
    client.cookies.clear()
    client.cookies.set(f"live_m_{rooms3.code}", "falsch")
    assert client.post(url, headers=HX).status_code == 403
    client.cookies.clear()
    client.cookies.set(f"live_m_{rooms3.code}", rooms3.token)  # the organiser: every room
    assert client.post(url, headers=HX).status_code == 200


# --- API ---------------------------------------------------------------------------------------


def test_api_room_token_works_for_its_room_only(client: TestClient, rooms3: EventFixture) -> None:
    forum, other = rooms3.rooms[1]["id"], rooms3.rooms[2]["id"]
    token = room_link(client, rooms3, forum)
    auth, wrong = bearer(token), bearer("nope")
    body = {"question": "Raumfrage?", "kind": "single", "options": ["ja", "nein"]}
    events = f"{API}/events/{rooms3.code}"

    created = client.post(f"{events}/rooms/{forum}/polls", json=body, headers=auth)
    assert created.status_code == 201
    poll = created.json()
    # A draft is the moderators' business: the room's token sees it, others get 404.
    assert client.get(f"{events}/polls/{poll['id']}", headers=auth).status_code == 200
    assert client.get(f"{events}/polls/{poll['id']}").status_code == 404
    assert client.post(f"{events}/polls/{poll['id']}/open", headers=auth).status_code == 200
    assert client.post(f"{events}/polls/{poll['id']}/close", headers=auth).status_code == 200

    theirs = create_poll(client, rooms3, room=other, open_it=False)
    assert client.get(f"{events}/polls/{theirs['id']}", headers=auth).status_code == 404
    for response in (
        client.post(f"{events}/rooms/{other}/polls", json=body, headers=auth),
        client.post(f"{events}/polls/{theirs['id']}/open", headers=auth),
        client.post(f"{events}/rooms", json={"name": "Neu"}, headers=auth),
        client.post(f"{events}/rooms/{forum}/moderator-link", headers=auth),
    ):
        assert response.status_code == 403, response.text
        error = response.json()["error"]
        assert error["code"] == "forbidden" and error["message"]
    assert (
        client.post(f"{events}/rooms/{other}/polls", json=body, headers=auth).json()["error"][
            "message"
        ]
        == "Dieser Moderationszugang gilt nur für einen anderen Raum."
    )
    assert client.post(f"{events}/rooms/{forum}/polls", json=body, headers=wrong).status_code == 403
    missing = client.post(f"{events}/rooms/{forum}/polls", json=body)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "unauthorized"
    assert client.get(f"{events}/polls/{theirs['id']}", headers=rooms3.auth).json()["state"] == (
        "draft"
    )


def test_api_questions_with_a_room_token(client: TestClient, rooms3: EventFixture) -> None:
    forum, other = rooms3.rooms[1]["id"], rooms3.rooms[2]["id"]
    auth = bearer(room_link(client, rooms3, forum))
    mine = ask_question(client, rooms3, forum, "Hier?")
    theirs = ask_question(client, rooms3, other, "Dort?")
    events = f"{API}/events/{rooms3.code}"
    # The room's moderator sees pending questions of its room, not of others.
    assert [
        q["state"] for q in client.get(f"{events}/rooms/{forum}/questions", headers=auth).json()
    ] == ["pending"]
    assert client.get(f"{events}/rooms/{other}/questions", headers=auth).json() == []
    ok = client.patch(f"{events}/questions/{mine}", json={"state": "approved"}, headers=auth)
    assert ok.status_code == 200 and ok.json()["state"] == "approved"
    refused = client.patch(f"{events}/questions/{theirs}", json={"state": "approved"}, headers=auth)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert (
        client.patch(f"{events}/questions/{theirs}", json={"state": "approved"}).status_code == 401
    )


# --- sockets -----------------------------------------------------------------------------------


def test_page_socket_moderator_view_by_room_cookie(
    client: TestClient, rooms3: EventFixture
) -> None:
    forum, other = rooms3.rooms[1]["id"], rooms3.rooms[2]["id"]
    as_room_moderator(client, rooms3, forum, room_link(client, rooms3, forum))

    def url(room: str) -> str:
        return f"/e/{rooms3.code}/rooms/{room}/live?view=moderate"

    with client.websocket_connect(url(forum)) as ws:
        assert 'id="mod-live"' in ws.receive_text()
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(url(other)):
        pass
    client.cookies.clear()
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(url(forum)):
        pass
    client.cookies.set(f"live_m_{rooms3.code}", rooms3.token)
    with client.websocket_connect(url(other)) as ws:
        assert 'id="mod-live"' in ws.receive_text()


def test_api_socket_room_token_is_a_moderator_in_its_room_only(
    client: TestClient, rooms3: EventFixture
) -> None:
    forum, other = rooms3.rooms[1]["id"], rooms3.rooms[2]["id"]
    token = room_link(client, rooms3, forum)
    create_poll(client, rooms3, room=forum, open_it=False, question="Entwurf?")
    with client.websocket_connect(ws_url(rooms3, token, forum)) as ws:
        snapshot = receive(ws)
        # The moderator's snapshot includes drafts (a participant's or viewer's does not).
        assert [p["question"] for p in snapshot["polls"]] == ["Entwurf?"]
        ws.send_text(json.dumps({"type": "vote", "request_id": "r", "poll_id": "x"}))
        assert receive(ws)["code"] == "not_a_participant"
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(ws_url(rooms3, token, other)):
        pass
