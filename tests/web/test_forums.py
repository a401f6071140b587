"""„Ergebnisse aus den Foren“ (issue 24, the roll-up) through the pages and the JSON interface:
each forum's source (marked ideas or a ranking poll) set over REST or on the organiser's card;
the plenary's projector shows one column per forum and follows a forum's closed poll live;
bad input changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from live.views.hyphenate import SHY
from tests.web.conftest import EventFixture, create_event, create_poll, join
from tests.web.test_poll_kinds import TOPICS, send
from tests.web.test_sockets import receive, receive_until, reply_to, ws_url
from tests.web.test_text_polls import api, error_code

HX = {"HX-Request": "true"}


@pytest.fixture
def forums(client: TestClient) -> EventFixture:
    return create_event(client, rooms=["Plenum", "Forum Ausbildung", "Forum Digitalisierung"])


def room(event: EventFixture, index: int) -> str:
    return event.rooms[index]["id"]


def ranked(client: TestClient, event: EventFixture, index: int) -> dict[str, Any]:
    """A ranking poll in room ``index`` with two ballots, open."""
    poll = create_poll(client, event, room=room(event, index), kind="ranking", options=TOPICS)
    for ranking in ([1, 0, 2, 3], [1, 2, 0, 3]):
        with client.websocket_connect(ws_url(event, join(client, event), room(event, index))) as ws:
            receive(ws)
            assert send(ws, poll["id"], "r", ranking=ranking)["type"] == "ack"
    return poll


def put(client: TestClient, event: EventFixture, index: int, body: Any, **kw: Any) -> Any:
    return api(client, event, "PUT", f"/rooms/{room(event, index)}/forum-results", body, **kw)


def columns(client: TestClient, event: EventFixture) -> dict[str, Any]:
    response = client.get(f"/api/v1/events/{event.code}/forum-results")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def close(client: TestClient, event: EventFixture, poll_id: str) -> None:
    response = api(client, event, "POST", f"/polls/{poll_id}/close")
    assert response.status_code == 200, response.text


def test_every_forum_has_a_column_the_plenary_none(
    client: TestClient, forums: EventFixture
) -> None:
    body = columns(client, forums)
    assert [(c["name"], c["source"], c["state"]) for c in body["forums"]] == [
        ("Forum Ausbildung", "ideas", "empty"),
        ("Forum Digitalisierung", "ideas", "empty"),
    ]
    assert [(r["shown"], r["takes_part"], r["poll_id"]) for r in body["rooms"]] == [
        (None, False, None),
        (None, True, None),
        (None, True, None),
    ]


def test_a_ranking_polls_top_three_once_closed(client: TestClient, forums: EventFixture) -> None:
    poll = ranked(client, forums, 1)
    response = put(client, forums, 1, {"poll_id": poll["id"]})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "room_id": room(forums, 1),
        "shown": None,
        "takes_part": True,
        "poll_id": poll["id"],
    }
    [first, _] = columns(client, forums)["forums"]
    assert (first["source"], first["state"], first["items"]) == ("ranking", "waiting", [])
    close(client, forums, poll["id"])
    [first, _] = columns(client, forums)["forums"]
    assert first["state"] == "items"
    assert [(i["text"], i["points"]) for i in first["items"]] == [
        ("Digitalisierung", 6),
        ("Personal", 3),
        ("Sprache", 3),
    ]


def test_the_plenary_projector_follows_a_forum_live(
    client: TestClient, forums: EventFixture
) -> None:
    client.cookies.set(f"live_m_{forums.code}", forums.token)
    poll = ranked(client, forums, 2)
    assert put(client, forums, 2, {"poll_id": poll["id"]}).status_code == 200
    switch = api(client, forums, "PUT", f"/rooms/{room(forums, 0)}/screen", {"mode": "forums"})
    assert switch.status_code == 200, switch.text
    page = client.get(f"/e/{forums.code}/screen?room={room(forums, 0)}").text.replace(SHY, "")
    assert 'data-mode="forums"' in page and "Ergebnisse aus den Foren" in page
    assert "Forum Ausbildung" in page and "Noch keine Ergebnisse" in page
    assert "Die Abstimmung läuft noch." in page
    url = f"/e/{forums.code}/rooms/{room(forums, 0)}/live?view=screen"
    with client.websocket_connect(url) as screen:
        assert 'data-mode="forums"' in screen.receive_text()
        close(client, forums, poll["id"])
        for _ in range(10):
            frame = screen.receive_text().replace(SHY, "")
            if 'id="screen-stage"' in frame:
                break
        assert "Die Abstimmung läuft noch." not in frame
        assert frame.index("Digitalisierung") < frame.index("Personal")
        assert "6 Punkte" in frame


def test_the_organiser_takes_the_plenary_in_and_a_forum_out(
    client: TestClient, forums: EventFixture
) -> None:
    assert put(client, forums, 0, {"shown": True}).status_code == 200
    assert put(client, forums, 2, {"shown": False}).status_code == 200
    body = columns(client, forums)
    assert [c["name"] for c in body["forums"]] == ["Plenum", "Forum Ausbildung"]
    assert put(client, forums, 2, {"shown": None}).status_code == 200
    assert len(columns(client, forums)["forums"]) == 3


def test_bad_input_is_refused_and_changes_nothing(client: TestClient, forums: EventFixture) -> None:
    other = create_poll(client, forums, room=room(forums, 2), kind="ranking", options=TOPICS)
    single = create_poll(client, forums, room=room(forums, 1))
    before = columns(client, forums)
    cases = [
        ({"poll_id": single["id"]}, "not_a_ranking_poll"),
        ({"shown": "ja"}, "invalid_forum_shown"),
        ({"shown": False, "poll_id": single["id"]}, "not_a_ranking_poll"),
        ({"colour": "rot"}, "invalid_body"),
        ({}, "invalid_body"),
    ]
    for body, code in cases:
        assert error_code(put(client, forums, 1, body)) == code
    response = put(client, forums, 1, {"poll_id": other["id"]})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "poll_not_found")
    response = put(client, forums, 1, b"{", headers=forums.auth)
    assert error_code(response) == "invalid_json"
    assert columns(client, forums) == before


def test_the_room_moderator_picks_the_source_but_not_whether_it_takes_part(
    client: TestClient, forums: EventFixture
) -> None:
    link = api(client, forums, "POST", f"/rooms/{room(forums, 1)}/moderator-link")
    token = link.json()["moderator_token"]
    auth = {"Authorization": f"Bearer {token}"}
    poll = create_poll(client, forums, room=room(forums, 1), kind="ranking", options=TOPICS)
    assert put(client, forums, 1, {"poll_id": poll["id"]}, headers=auth).status_code == 200
    response = put(client, forums, 1, {"shown": False}, headers=auth)
    assert response.status_code == 403
    assert put(client, forums, 2, {"poll_id": None}, headers=auth).status_code == 403
    assert put(client, forums, 1, {"poll_id": None}, headers={}).status_code == 401
    assert [r["shown"] for r in columns(client, forums)["rooms"]] == [None, None, None]


def test_the_console_card_sets_every_room_at_once(client: TestClient, forums: EventFixture) -> None:
    client.cookies.set(f"live_m_{forums.code}", forums.token)
    poll = create_poll(client, forums, room=room(forums, 2), kind="ranking", options=TOPICS)
    console = client.get(f"/e/{forums.code}/moderate").text
    assert 'id="forum-card"' in console and f'value="{poll["id"]}"' in console
    url = f"/e/{forums.code}/moderate/forum-results"
    data = {
        f"shown-{room(forums, 0)}": "1",
        f"source-{room(forums, 1)}": "",
        f"source-{room(forums, 2)}": poll["id"],
        f"shown-{room(forums, 1)}": "0",
    }
    response = client.post(url, data=data, headers=HX)
    assert response.status_code == 200, response.text
    assert "Die Ergebnisse aus den Foren sind eingestellt." in response.text
    assert 'id="forum-card" open' in response.text
    rooms = columns(client, forums)["rooms"]
    assert [(r["shown"], r["poll_id"]) for r in rooms] == [
        (True, None),
        (False, None),
        (None, poll["id"]),
    ]
    # A bad value in one row: the error is said, no row changes.
    bad = {f"shown-{room(forums, 0)}": "", f"source-{room(forums, 1)}": "nope"}
    response = client.post(url, data=bad, headers=HX)
    assert response.status_code == 404
    assert "Diese Abstimmung gibt es nicht." in response.text
    assert columns(client, forums)["rooms"] == rooms
    # Without JavaScript: back to the console.
    response = client.post(url, data=data, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("#forum-card")


def test_the_card_is_the_organisers(client: TestClient, forums: EventFixture) -> None:
    response = client.post(
        f"/e/{forums.code}/moderate/forum-results", data={}, headers=HX, follow_redirects=False
    )
    assert response.status_code in (401, 303)


def test_marked_ideas_reach_the_plenary_projector_live(
    client: TestClient, forums: EventFixture
) -> None:
    forum = room(forums, 1)
    assert api(client, forums, "PATCH", f"/rooms/{forum}", {"ideas_open": True}).status_code == 200
    texts = ["Mehr Praktika", "Lotsen für Eltern", "Nicht markiert"]
    for n, text in enumerate(texts):
        with client.websocket_connect(ws_url(forums, join(client, forums), forum)) as ws:
            receive(ws)
            ws.send_json({"type": "idea", "request_id": f"i{n}", "text": text})
            assert receive_until(ws, reply_to(f"i{n}"))["type"] == "ack"
    ideas = {i["text"]: i["id"] for i in api(client, forums, "GET", f"/rooms/{forum}/ideas").json()}
    for idea in ideas.values():
        assert (
            api(client, forums, "PATCH", f"/ideas/{idea}", {"state": "approved"}).status_code == 200
        )
    switch = api(client, forums, "PUT", f"/rooms/{room(forums, 0)}/screen", {"mode": "forums"})
    assert switch.status_code == 200, switch.text
    url = f"/e/{forums.code}/rooms/{room(forums, 0)}/live?view=screen"
    with client.websocket_connect(url) as screen:
        assert "Noch keine Ergebnisse" in screen.receive_text()
        for text in texts[:2]:
            marked = api(client, forums, "PATCH", f"/ideas/{ideas[text]}", {"marked": True})
            assert marked.status_code == 200, marked.text
        frame = ""
        for _ in range(10):
            frame = screen.receive_text().replace(SHY, "")
            if 'id="screen-stage"' in frame and "Lotsen für Eltern" in frame:
                break
        assert "Mehr Praktika" in frame and "Lotsen für Eltern" in frame
        assert "Nicht markiert" not in frame
    [first, second] = columns(client, forums)["forums"]
    assert [i["text"] for i in first["items"]] == ["Mehr Praktika", "Lotsen für Eltern"]
    assert second["state"] == "empty"
