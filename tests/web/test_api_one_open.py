"""One open poll per room in the JSON API (issue 19): opening closes the room's open poll unless
the room allows parallel polls (PATCH …/rooms/{room_id}), and POST …/polls/next opens the next
prepared poll of the room's run sheet."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, create_event, create_poll
from tests.web.test_api import API, _auth_variants, _expect_refused, assert_error, get_event
from tests.web.test_roles import room_link


def state(client: TestClient, event: EventFixture, poll: dict[str, Any]) -> str:
    response = client.get(f"{API}/events/{event.code}/polls/{poll['id']}", headers=event.auth)
    assert response.status_code == 200, response.text
    return str(response.json()["state"])


def patch_room(
    client: TestClient,
    event: EventFixture,
    body: Any,
    room: str | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    return client.patch(
        f"{API}/events/{event.code}/rooms/{room or event.room}",
        json=body,
        headers=event.auth if headers is None else headers,
    )


def next_poll(client: TestClient, event: EventFixture, room: str | None = None) -> Any:
    return client.post(
        f"{API}/events/{event.code}/rooms/{room or event.room}/polls/next", headers=event.auth
    )


# --- opening closes the open one ----------------------------------------------------------


def test_opening_a_poll_closes_the_rooms_open_poll(client: TestClient, event: EventFixture) -> None:
    first = create_poll(client, event, question="Erste?")
    other_room = create_poll(client, event, question="Im Forum?", room=event.rooms[1]["id"])
    second = create_poll(client, event, question="Zweite?")
    assert second["state"] == "open"
    assert state(client, event, first) == "closed"
    assert state(client, event, other_room) == "open"  # another room: untouched
    closed = client.get(f"{API}/events/{event.code}/polls/{first['id']}", headers=event.auth)
    assert closed.json()["closed_at"] == second["opened_at"]


def test_a_room_with_parallel_polls_keeps_both_open(
    client: TestClient, event: EventFixture
) -> None:
    response = patch_room(client, event, {"parallel_polls": True})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": event.room,
        "name": event.rooms[0]["name"],
        "parallel_polls": True,
        "applause_via_stream": False,
        "screen_label": None,
        "ideas_open": False,
    }
    assert get_event(client, event.code)["rooms"][0]["parallel_polls"] is True
    first = create_poll(client, event, question="Erste?")
    second = create_poll(client, event, question="Zweite?")
    assert [state(client, event, p) for p in (first, second)] == ["open", "open"]
    # Back to one at a time: the next opening closes both.
    assert patch_room(client, event, {"parallel_polls": False}).json()["parallel_polls"] is False
    create_poll(client, event, question="Dritte?")
    assert [state(client, event, p) for p in (first, second)] == ["closed", "closed"]


def test_a_new_room_may_allow_parallel_polls(client: TestClient, event: EventFixture) -> None:
    url = f"{API}/events/{event.code}/rooms"
    response = client.post(
        url, json={"name": "Forum 2", "parallel_polls": True}, headers=event.auth
    )
    assert response.status_code == 201, response.text
    assert response.json()["parallel_polls"] is True
    response = client.post(
        url, json={"name": "Forum 3", "parallel_polls": "ja"}, headers=event.auth
    )
    assert_error(response, 422, "invalid_parallel_polls")
    assert [r["name"] for r in get_event(client, event.code)["rooms"]][-1] == "Forum 2"


# --- PATCH a room -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "invalid_body"),
        ([], 400, "invalid_body"),
        ({"parallel_polls": True, "colour": "blau"}, 400, "invalid_body"),
        ({"parallel_polls": "true"}, 422, "invalid_parallel_polls"),
        ({"parallel_polls": 1}, 422, "invalid_parallel_polls"),
        ({"parallel_polls": None}, 422, "invalid_parallel_polls"),
        ({"name": "", "parallel_polls": True}, 422, "invalid_room"),
        ({"name": "Fachforum 1", "parallel_polls": True}, 422, "duplicate_room"),
        ({"name": 7}, 422, "invalid_room"),
    ],
)
def test_patch_room_refuses_bad_input_and_changes_nothing(
    client: TestClient, event: EventFixture, body: Any, status: int, code: str
) -> None:
    assert_error(patch_room(client, event, body), status, code)
    assert get_event(client, event.code)["rooms"] == event.rooms


def test_patch_room_refuses_broken_json(client: TestClient, event: EventFixture) -> None:
    response = client.patch(
        f"{API}/events/{event.code}/rooms/{event.room}",
        content=b'{"parallel_polls": tru',
        headers={**event.auth, "Content-Type": "application/json"},
    )
    assert_error(response, 400, "invalid_json")
    unknown = patch_room(client, event, {"parallel_polls": True}, room="nope")
    assert_error(unknown, 404, "room_not_found")


def test_patch_room_renames_and_switches_at_once(client: TestClient, event: EventFixture) -> None:
    response = patch_room(client, event, {"name": " Großer Saal ", "parallel_polls": True})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": event.room,
        "name": "Großer Saal",
        "parallel_polls": True,
        "applause_via_stream": False,
        "screen_label": None,
        "ideas_open": False,
    }
    assert get_event(client, event.code)["rooms"][0] == response.json()


def test_patch_room_needs_the_rooms_moderator(client: TestClient, event: EventFixture) -> None:
    for name, headers in _auth_variants(client, event):
        _expect_refused(patch_room(client, event, {"parallel_polls": True}, None, headers), name)
    # A room link: its own room's setting, but neither another room nor the room's name.
    token = room_link(client, event, event.room)
    link = {"Authorization": f"Bearer {token}"}
    assert patch_room(client, event, {"parallel_polls": True}, None, link).status_code == 200
    forum = event.rooms[1]["id"]
    assert_error(patch_room(client, event, {"parallel_polls": True}, forum, link), 403)
    assert_error(patch_room(client, event, {"name": "Meins"}, None, link), 403, "forbidden")
    rooms = get_event(client, event.code)["rooms"]
    assert [(r["name"], r["parallel_polls"]) for r in rooms] == [
        (event.rooms[0]["name"], True),
        (event.rooms[1]["name"], False),
    ]


# --- the next prepared poll ---------------------------------------------------------------


def import_program(client: TestClient, event: EventFixture) -> None:
    """Plenum: "Nachmittag" (14:00) listed before "Vormittag" (09:00), each with a prepared
    poll, and a prepared poll of no item; Fachforum 1: one of its own."""

    def poll(question: str) -> dict[str, Any]:
        return {"question": question, "kind": "single", "options": ["ja", "nein"]}

    def item(title: str, room: str, start: str, polls: list[str]) -> dict[str, Any]:
        return {
            "title": title,
            "room": room,
            "starts_at": f"2026-11-21T{start}:00+01:00",
            "ends_at": f"2026-11-21T{start[:2]}:45:00+01:00",
            "polls": [poll(q) for q in polls],
        }

    doc = {
        "format": "live-setup",
        "version": 1,
        "title": "Tag der Jobcenter",
        "starts_on": "2026-11-21",
        "rooms": [{"name": r["name"]} for r in event.rooms],
        "agenda": [
            item("Nachmittag", "Plenum", "14:00", ["Wie war die Mittagspause?"]),
            item("Vormittag", "Plenum", "09:00", ["Wie sind Sie angereist?"]),
            item("Forum", "Fachforum 1", "10:00", ["Im Forum?"]),
        ],
        "polls": [{"room": "Plenum", **poll("Zum Schluss?")}],
    }
    response = client.put(f"{API}/events/{event.code}/setup", json=doc, headers=event.auth)
    assert response.status_code == 200, response.text


def test_next_opens_the_run_sheet_in_order_across_agenda_items(
    client: TestClient, event: EventFixture
) -> None:
    import_program(client, event)
    opened = []
    for _ in range(3):
        response = next_poll(client, event)
        assert response.status_code == 200, response.text
        assert response.json()["state"] == "open"
        opened.append(response.json())
    assert [p["question"] for p in opened] == [
        "Wie sind Sie angereist?",
        "Wie war die Mittagspause?",
        "Zum Schluss?",
    ]
    # Each opening closed the one before; the other room is untouched.
    assert [state(client, event, p) for p in opened] == ["closed", "closed", "open"]
    assert_error(next_poll(client, event), 409, "no_next_poll")
    forum = next_poll(client, event, event.rooms[1]["id"])
    assert forum.status_code == 200 and forum.json()["question"] == "Im Forum?"
    assert state(client, event, opened[-1]) == "open"


def test_no_next_poll_is_an_error_that_changes_nothing(
    client: TestClient, event: EventFixture
) -> None:
    message = assert_error(next_poll(client, event), 409, "no_next_poll")
    assert message == "Es gibt keine weitere vorbereitete Abstimmung."
    only = create_poll(client, event, question="Einzige?")
    assert_error(next_poll(client, event), 409, "no_next_poll")
    assert state(client, event, only) == "open"
    response = client.post(
        f"{API}/events/{event.code}/rooms/{event.room}/polls/next?lang=en", headers=event.auth
    )
    assert response.json()["error"]["message"] == "There is no further prepared poll."


def test_next_needs_the_rooms_moderator(client: TestClient, event: EventFixture) -> None:
    create_poll(client, event, open_it=False)
    url = f"{API}/events/{event.code}/rooms/{event.room}/polls/next"
    for name, headers in _auth_variants(client, event):
        _expect_refused(client.post(url, headers=headers), name)
    other = create_event(client, title="Andere")
    response = client.post(
        f"{API}/events/{other.code}/rooms/{event.room}/polls/next", headers=other.auth
    )
    assert_error(response, 404, "room_not_found")
    assert client.post(url, headers=event.auth).status_code == 200
