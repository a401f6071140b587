"""The JSON HTTP API under /api/v1 (../shared/CONTRACT.md): shapes, auth, errors, no 500s."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.domain.codes import ALPHABET, CODE_LENGTH
from tests.support.catalogue import english as english_text
from tests.web.conftest import (
    EventFixture,
    close_store,
    create_event,
    create_poll,
    join,
    make_client,
    run_in_app,
    services_of,
)

API = "/api/v1"
CODE_RE = re.compile(f"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


# --- helpers -------------------------------------------------------------------------------


def assert_error(response: Any, status: int, code: str | None = None) -> str:
    """The contract's error shape; returns the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    data = response.json()
    assert set(data) == {"error"}, data
    assert set(data["error"]) == {"code", "message"}, data
    assert isinstance(data["error"]["code"], str)
    assert re.fullmatch(r"[a-z][a-z0-9_]*", data["error"]["code"]), data
    message = data["error"]["message"]
    assert isinstance(message, str) and message.strip(), data
    assert "Traceback" not in response.text
    if code is not None:
        assert data["error"]["code"] == code, data
    return str(message)


def polls_in(client: TestClient, room_id: str) -> list[Any]:
    """The polls stored for a room (there is no list call in the API; ask the store)."""
    polls: list[Any] = run_in_app(client, services_of(client).store.list_polls, room_id)
    return polls


def get_event(client: TestClient, code: str) -> dict[str, Any]:
    response = client.get(f"{API}/events/{code}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def get_poll(client: TestClient, event: EventFixture, poll_id: str) -> dict[str, Any]:
    response = client.get(f"{API}/events/{event.code}/polls/{poll_id}", headers=event.auth)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def post_poll(client: TestClient, event: EventFixture, body: Any, **kwargs: Any) -> Any:
    return client.post(
        f"{API}/events/{event.code}/rooms/{event.room}/polls",
        json=body,
        headers=kwargs.pop("headers", event.auth),
        **kwargs,
    )


# --- events --------------------------------------------------------------------------------


def test_create_event_answers_the_contract_shape(client: TestClient) -> None:
    response = client.post(
        f"{API}/events", json={"title": "Tag der Jobcenter", "rooms": ["Plenum", "Fachforum 1"]}
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert {"code", "title", "moderator_token", "rooms", "links"} <= set(data)
    assert CODE_RE.match(data["code"]), data["code"]
    assert data["title"] == "Tag der Jobcenter"
    assert isinstance(data["moderator_token"], str) and len(data["moderator_token"]) >= 16
    assert [r["name"] for r in data["rooms"]] == ["Plenum", "Fachforum 1"]
    for room in data["rooms"]:
        assert set(room) == {
            "id",
            "name",
            "parallel_polls",
            "applause_via_stream",
            "screen_label",
            "ideas_open",
        }
        assert room["parallel_polls"] is False
        assert isinstance(room["id"], str) and room["id"]
    assert len({r["id"] for r in data["rooms"]}) == 2
    code, room_id = data["code"], data["rooms"][0]["id"]
    links = data["links"]
    assert set(links) == {"participant", "screen", "moderate"}
    assert links["participant"] == f"http://testserver/e/{code}"
    assert links["screen"] == f"http://testserver/e/{code}/screen?room={room_id}"
    assert links["moderate"] == (
        f"http://testserver/e/{code}/moderate?token={data['moderator_token']}"
    )
    # The links work.
    assert client.get(links["participant"]).status_code == 200
    assert client.get(links["screen"]).status_code == 200


def test_create_event_without_rooms_has_exactly_one_room(client: TestClient) -> None:
    response = client.post(f"{API}/events", json={"title": "Fachtag"})
    assert response.status_code == 201, response.text
    rooms = response.json()["rooms"]
    assert len(rooms) == 1
    assert rooms[0]["name"]
    assert get_event(client, response.json()["code"])["rooms"] == rooms


def test_create_event_with_empty_room_list_has_one_room(client: TestClient) -> None:
    response = client.post(f"{API}/events", json={"title": "Fachtag", "rooms": []})
    assert response.status_code == 201, response.text
    assert len(response.json()["rooms"]) == 1


def test_event_codes_differ(client: TestClient) -> None:
    codes = {create_event(client).code for _ in range(5)}
    assert len(codes) == 5


def test_get_event_shape_has_no_token(client: TestClient, event: EventFixture) -> None:
    response = client.get(f"{API}/events/{event.code}")
    assert response.status_code == 200
    data = response.json()
    assert data == {
        "code": event.code,
        "title": "Tag der Jobcenter",
        "rooms": event.rooms,
        "brand": {"color": None, "logo": None, "stylesheet": None},
        "join_code_required": False,
        "question_labels": [],
    }
    assert event.token not in response.text
    assert "token" not in response.text


@pytest.mark.parametrize(
    "spell",
    [
        str.lower,
        lambda c: f"{c[:3]}-{c[3:]}",
        lambda c: f"{c[:3].lower()}-{c[3:]}",
    ],
    ids=["lower", "hyphen", "mixed"],
)
def test_codes_are_normalised(client: TestClient, event: EventFixture, spell: Any) -> None:
    typed = spell(event.code)
    assert typed != event.code
    assert get_event(client, typed)["code"] == event.code
    assert client.post(f"{API}/events/{typed}/join").status_code == 201
    poll = create_poll(client, event)
    response = client.get(f"{API}/events/{typed}/polls/{poll['id']}")
    assert response.status_code == 200
    assert response.json()["id"] == poll["id"]


def test_join_gives_distinct_participant_tokens(client: TestClient, event: EventFixture) -> None:
    first, second = join(client, event), join(client, event)
    assert isinstance(first, str) and len(first) >= 16
    assert first != second
    assert first != event.token


def test_join_unknown_event_is_404(client: TestClient) -> None:
    assert_error(client.post(f"{API}/events/ZZZZZZ/join"), 404, "event_not_found")


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data.get("store") == "ok"
    assert data.get("hub") == "ok"


# --- LIVE_ADMIN_TOKEN ----------------------------------------------------------------------


def test_admin_token_guards_event_creation(tmp_path: Path) -> None:
    with make_client(tmp_path, admin_token="s3cret") as client:
        body = {"title": "Geheim"}
        missing = client.post(f"{API}/events", json=body)
        assert_error(missing, 401)
        assert missing.headers.get("www-authenticate", "").lower().startswith("bearer")
        assert_error(client.post(f"{API}/events", json=body, headers={"Authorization": "x"}), 401)
        wrong = client.post(f"{API}/events", json=body, headers={"Authorization": "Bearer nope"})
        assert_error(wrong, 403)
        almost = client.post(
            f"{API}/events", json=body, headers={"Authorization": "Bearer s3cret2"}
        )
        assert_error(almost, 403)
        right = client.post(f"{API}/events", json=body, headers={"Authorization": "Bearer s3cret"})
        assert right.status_code == 201, right.text
        assert CODE_RE.match(right.json()["code"])
        # The admin token is not the moderator token; other calls do not need it.
        assert right.json()["moderator_token"] != "s3cret"
        assert client.get(f"{API}/events/{right.json()['code']}").status_code == 200


def test_without_admin_token_anyone_may_create(client: TestClient) -> None:
    response = client.post(
        f"{API}/events", json={"title": "Offen"}, headers={"Authorization": "Bearer whatever"}
    )
    assert response.status_code == 201


# --- moderator calls -----------------------------------------------------------------------


def _auth_variants(client: TestClient, event: EventFixture) -> list[tuple[str, dict[str, str]]]:
    other = create_event(client, title="Andere Veranstaltung")
    return [
        ("missing", {}),
        ("empty", {"Authorization": "Bearer "}),
        ("basic", {"Authorization": f"Basic {event.token}"}),
        ("wrong", {"Authorization": "Bearer not-the-token"}),
        ("other event", other.auth),
        ("participant", {"Authorization": f"Bearer {join(client, event)}"}),
    ]


def _expect_refused(response: Any, name: str) -> None:
    if name in {"missing", "empty", "basic"}:
        assert_error(response, 401, "unauthorized")
        assert response.headers.get("www-authenticate") == "Bearer"
    else:
        assert_error(response, 403, "forbidden")


def test_add_room_needs_the_moderator_token(client: TestClient, event: EventFixture) -> None:
    for name, headers in _auth_variants(client, event):
        response = client.post(
            f"{API}/events/{event.code}/rooms", json={"name": "Fachforum 2"}, headers=headers
        )
        _expect_refused(response, name)
        assert get_event(client, event.code)["rooms"] == event.rooms, name
    response = client.post(
        f"{API}/events/{event.code}/rooms", json={"name": "Fachforum 2"}, headers=event.auth
    )
    assert response.status_code == 201
    room = response.json()
    assert set(room) == {
        "id",
        "name",
        "parallel_polls",
        "applause_via_stream",
        "screen_label",
        "ideas_open",
    }
    assert room["name"] == "Fachforum 2"
    assert get_event(client, event.code)["rooms"] == [*event.rooms, room]


def test_create_poll_needs_the_moderator_token(client: TestClient, event: EventFixture) -> None:
    body = {"question": "Kaffee?", "kind": "single", "options": ["ja", "nein"]}
    for name, headers in _auth_variants(client, event):
        _expect_refused(post_poll(client, event, body, headers=headers), name)
        assert polls_in(client, event.room) == [], name
    assert post_poll(client, event, body).status_code == 201
    assert len(polls_in(client, event.room)) == 1


def test_open_poll_needs_the_moderator_token(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, open_it=False)
    for name, headers in _auth_variants(client, event):
        response = client.post(
            f"{API}/events/{event.code}/polls/{poll['id']}/open", headers=headers
        )
        _expect_refused(response, name)
        assert get_poll(client, event, poll["id"])["state"] == "draft", name
    response = client.post(f"{API}/events/{event.code}/polls/{poll['id']}/open", headers=event.auth)
    assert response.status_code == 200
    assert response.json()["state"] == "open"


def test_close_poll_needs_the_moderator_token(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event)
    for name, headers in _auth_variants(client, event):
        response = client.post(
            f"{API}/events/{event.code}/polls/{poll['id']}/close", headers=headers
        )
        _expect_refused(response, name)
        assert get_poll(client, event, poll["id"])["state"] == "open", name
    response = client.post(
        f"{API}/events/{event.code}/polls/{poll['id']}/close", headers=event.auth
    )
    assert response.status_code == 200
    assert response.json()["state"] == "closed"


def test_moderator_of_another_event_cannot_reach_this_events_poll(
    client: TestClient, event: EventFixture
) -> None:
    """The other event's own token, used on the other event's URL, still cannot see or touch
    this event's poll by id."""
    other = create_event(client, title="Andere")
    poll = create_poll(client, event, open_it=False)
    for action in ("open", "close"):
        response = client.post(
            f"{API}/events/{other.code}/polls/{poll['id']}/{action}", headers=other.auth
        )
        assert_error(response, 404, "poll_not_found")
    response = client.get(f"{API}/events/{other.code}/polls/{poll['id']}", headers=other.auth)
    assert_error(response, 404, "poll_not_found")
    response = client.post(
        f"{API}/events/{other.code}/rooms/{event.room}/polls",
        json={"question": "Fremd?", "kind": "text"},
        headers=other.auth,
    )
    assert_error(response, 404, "room_not_found")
    assert get_poll(client, event, poll["id"])["state"] == "draft"
    assert [p.id for p in polls_in(client, event.room)] == [poll["id"]]


# --- polls ---------------------------------------------------------------------------------


def _check_poll_shape(poll: dict[str, Any]) -> None:
    assert {"id", "room_id", "question", "kind", "state", "options", "results"} <= set(poll)
    assert poll["state"] in {"draft", "open", "closed"}
    results = poll["results"]
    assert {"counts", "voters", "average", "words"} <= set(results)


def test_single_choice_poll(client: TestClient, event: EventFixture) -> None:
    response = post_poll(
        client,
        event,
        {
            "question": "  Wie   gefällt Ihnen\tdie Tagung? ",
            "kind": "single",
            "options": ["gut", "mittel", "schlecht"],
        },
    )
    assert response.status_code == 201, response.text
    poll = response.json()
    _check_poll_shape(poll)
    assert poll["room_id"] == event.room
    assert poll["question"] == "Wie gefällt Ihnen die Tagung?"
    assert poll["kind"] == "single"
    assert poll["state"] == "draft"
    assert poll["options"] == ["gut", "mittel", "schlecht"]
    assert poll["results"]["counts"] == [0, 0, 0]
    assert poll["results"]["voters"] == 0
    assert poll["results"]["average"] is None
    assert get_poll(client, event, poll["id"]) == poll


def test_multiple_choice_poll(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(
        client, event, open_it=False, kind="multiple", options=["Bus", "Bahn", "Rad", "Auto"]
    )
    assert poll["kind"] == "multiple"
    assert poll["options"] == ["Bus", "Bahn", "Rad", "Auto"]
    assert poll["results"]["counts"] == [0, 0, 0, 0]


def test_scale_poll_lists_its_values_as_options(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, open_it=False, kind="scale", options=[], min=1, max=4)
    assert poll["kind"] == "scale"
    assert poll["options"] == ["1", "2", "3", "4"]
    assert poll["results"]["counts"] == [0, 0, 0, 0]
    assert poll["results"]["average"] is None
    negative = create_poll(client, event, open_it=False, kind="scale", options=[], min=-2, max=2)
    assert negative["options"] == ["-2", "-1", "0", "1", "2"]


def test_scale_poll_defaults_to_one_to_five(client: TestClient, event: EventFixture) -> None:
    response = post_poll(client, event, {"question": "Wie zufrieden?", "kind": "scale"})
    assert response.status_code == 201, response.text
    assert response.json()["options"] == ["1", "2", "3", "4", "5"]


def test_text_poll(client: TestClient, event: EventFixture) -> None:
    response = post_poll(
        client,
        event,
        {"question": "Ein Wort zum Tag?", "kind": "text", "options": ["ignoriert", "auch"]},
    )
    assert response.status_code == 201, response.text
    poll = response.json()
    _check_poll_shape(poll)
    assert poll["kind"] == "text"
    assert poll["options"] == []
    assert poll["results"]["counts"] == []
    assert poll["results"]["words"] == []


def test_kind_defaults_to_single(client: TestClient, event: EventFixture) -> None:
    response = post_poll(client, event, {"question": "Ja oder nein?", "options": ["Ja", "Nein"]})
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "single"


def test_open_close_life_cycle(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, open_it=False)
    url = f"{API}/events/{event.code}/polls/{poll['id']}"
    opened = client.post(f"{url}/open", headers=event.auth)
    assert opened.status_code == 200
    assert opened.json()["state"] == "open"
    assert opened.json()["opened_at"]
    again = client.post(f"{url}/open", headers=event.auth)
    assert again.status_code == 200
    assert again.json()["state"] == "open"
    assert again.json()["opened_at"] == opened.json()["opened_at"]  # not restarted
    closed = client.post(f"{url}/close", headers=event.auth)
    assert closed.status_code == 200
    assert closed.json()["state"] == "closed"
    assert client.post(f"{url}/close", headers=event.auth).json()["state"] == "closed"
    reopened = client.post(f"{url}/open", headers=event.auth)
    assert reopened.status_code == 200
    assert reopened.json()["state"] == "open"
    assert get_poll(client, event, poll["id"])["state"] == "open"


def test_closing_a_draft_is_a_conflict(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, open_it=False)
    response = client.post(
        f"{API}/events/{event.code}/polls/{poll['id']}/close", headers=event.auth
    )
    assert_error(response, 409, "poll_not_open")
    assert get_poll(client, event, poll["id"])["state"] == "draft"


def test_draft_polls_are_hidden_without_the_moderator_token(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event, open_it=False)
    url = f"{API}/events/{event.code}/polls/{poll['id']}"
    assert_error(client.get(url), 404, "poll_not_found")
    assert_error(client.get(url, headers={"Authorization": "Bearer falsch"}), 404, "poll_not_found")
    participant = join(client, event)
    assert_error(
        client.get(url, headers={"Authorization": f"Bearer {participant}"}), 404, "poll_not_found"
    )
    with_token = client.get(url, headers=event.auth)
    assert with_token.status_code == 200
    assert with_token.json()["state"] == "draft"
    client.post(f"{url}/open", headers=event.auth)
    public = client.get(url)
    assert public.status_code == 200
    assert public.json()["id"] == poll["id"]
    assert public.json()["state"] == "open"


def test_poll_in_second_room(client: TestClient, event: EventFixture) -> None:
    second = event.rooms[1]["id"]
    poll = create_poll(client, event, room=second)
    assert poll["room_id"] == second
    assert [p.id for p in polls_in(client, second)] == [poll["id"]]
    assert polls_in(client, event.room) == []


# --- bad input -----------------------------------------------------------------------------


def test_unknown_event(client: TestClient) -> None:
    for code in ("ZZZZZZ", "abc", "0O1IL5", "x" * 300):
        message = assert_error(client.get(f"{API}/events/{code}"), 404, "event_not_found")
        assert "Veranstaltung" in message
    response = client.post(f"{API}/events/ZZZZZZ/rooms", json={"name": "X"})
    assert_error(response, 404, "event_not_found")


def test_unknown_room(client: TestClient, event: EventFixture) -> None:
    response = client.post(
        f"{API}/events/{event.code}/rooms/nope/polls",
        json={"question": "Q?", "kind": "single", "options": ["a", "b"]},
        headers=event.auth,
    )
    message = assert_error(response, 404, "room_not_found")
    assert "Raum" in message
    assert all(polls_in(client, r["id"]) == [] for r in event.rooms)


def test_unknown_poll(client: TestClient, event: EventFixture) -> None:
    url = f"{API}/events/{event.code}/polls/nope"
    assert_error(client.get(url, headers=event.auth), 404, "poll_not_found")
    assert_error(client.post(f"{url}/open", headers=event.auth), 404, "poll_not_found")
    assert_error(client.post(f"{url}/close", headers=event.auth), 404, "poll_not_found")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"question": "Q?", "options": ["a", "b"]', 400, "invalid_json"),
        (b"{question: 'Q?'}", 400, "invalid_json"),
        (b"\xff\xfe\x00", 400, "invalid_json"),
        (b"NaN", 400, "invalid_json"),
        (b'["Q?", "single"]', 400, None),
        (b'"Q?"', 400, None),
        (b"42", 400, None),
        (b"null", 400, None),
    ],
    ids=["truncated", "js-object", "binary", "nan", "list", "string", "number", "null"],
)
def test_malformed_bodies_are_400(
    client: TestClient, event: EventFixture, body: bytes, status: int, code: str | None
) -> None:
    response = client.post(
        f"{API}/events/{event.code}/rooms/{event.room}/polls",
        content=body,
        headers={**event.auth, "Content-Type": "application/json"},
    )
    assert_error(response, status, code)
    assert polls_in(client, event.room) == []


def test_malformed_json_message_is_german(client: TestClient, event: EventFixture) -> None:
    response = client.post(
        f"{API}/events", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert assert_error(response, 400, "invalid_json") == "Der Inhalt ist kein gültiges JSON."


@pytest.mark.parametrize(
    ("body", "code", "german"),
    [
        ({"question": "", "kind": "single", "options": ["a", "b"]}, "empty_question", "Frage"),
        (
            {"question": " \t\n ", "kind": "single", "options": ["a", "b"]},
            "empty_question",
            "Frage",
        ),
        ({"kind": "single", "options": ["a", "b"]}, "empty_question", "Frage"),
        ({"question": "Q?", "kind": "single", "options": ["a"]}, "too_few_options", "mindestens 2"),
        ({"question": "Q?", "kind": "multiple", "options": []}, "too_few_options", "mindestens 2"),
        ({"question": "Q?", "kind": "single"}, "too_few_options", "mindestens 2"),
        (
            {"question": "Q?", "kind": "single", "options": [str(i) for i in range(13)]},
            "too_many_options",
            "höchstens 12",
        ),
        ({"question": "Q?", "kind": "rank", "options": ["a", "b"]}, "invalid_kind", "Art"),
        ({"question": "Q?", "kind": "SINGLE", "options": ["a", "b"]}, "invalid_kind", "Art"),
        ({"question": "Q?", "kind": None, "options": ["a", "b"]}, "invalid_kind", "Art"),
        (
            {"question": "Q?", "kind": "single", "options": ["Ja", "ja "]},
            "duplicate_option",
            "nur einmal",
        ),
        ({"question": "Q?", "kind": "single", "options": ["a", "  "]}, "invalid_option", "leer"),
        ({"question": "Q?", "kind": "scale", "min": 5, "max": 5}, "invalid_scale", "Skala"),
        ({"question": "Q?", "kind": "scale", "min": 5, "max": 1}, "invalid_scale", "Skala"),
        ({"question": "Q?", "kind": "scale", "min": 0, "max": 20}, "invalid_scale", "Skala"),
        ({"question": "Q?", "kind": "scale", "min": "1", "max": "5"}, "invalid_scale", "Skala"),
        ({"question": "Q" * 301, "kind": "text"}, "question_too_long", "höchstens 300"),
        (
            {"question": "Q?", "kind": "text", "visibility": "always"},
            "invalid_visibility",
            "Ergebnisse",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_invalid_polls_are_422(
    client: TestClient, event: EventFixture, body: dict[str, Any], code: str, german: str
) -> None:
    message = assert_error(post_poll(client, event, body), 422, code)
    assert german.casefold() in message.casefold()
    assert polls_in(client, event.room) == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "empty_title"),
        ({"title": "   "}, "empty_title"),
        ({"title": 42}, "empty_title"),
        ({"title": "T" * 201}, "title_too_long"),
        ({"title": "T", "rooms": "Plenum"}, "invalid_room"),
        ({"title": "T", "rooms": ["Plenum", ""]}, "invalid_room"),
        ({"title": "T", "rooms": ["Plenum", "plenum"]}, "duplicate_room"),
        ({"title": "T", "rooms": [f"R{i}" for i in range(41)]}, "too_many_rooms"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_invalid_events_are_422(client: TestClient, body: dict[str, Any], code: str) -> None:
    assert_error(client.post(f"{API}/events", json=body), 422, code)


def test_invalid_room_names_are_422(client: TestClient, event: EventFixture) -> None:
    for body in ({}, {"name": ""}, {"name": 7}, {"name": "R" * 81}, {"name": ["a"]}):
        response = client.post(f"{API}/events/{event.code}/rooms", json=body, headers=event.auth)
        assert_error(response, 422, "invalid_room")
    assert get_event(client, event.code)["rooms"] == event.rooms


def test_a_room_name_that_exists_is_422(client: TestClient, event: EventFixture) -> None:
    response = client.post(
        f"{API}/events/{event.code}/rooms", json={"name": "plenum"}, headers=event.auth
    )
    assert_error(response, 422, "duplicate_room")
    assert get_event(client, event.code)["rooms"] == event.rooms


def test_room_limit(client: TestClient) -> None:
    event = create_event(client, rooms=[f"Raum {i}" for i in range(40)])
    response = client.post(
        f"{API}/events/{event.code}/rooms", json={"name": "noch einer"}, headers=event.auth
    )
    assert_error(response, 422, "too_many_rooms")
    assert len(get_event(client, event.code)["rooms"]) == 40


def test_a_100_kb_body_is_413(client: TestClient, event: EventFixture) -> None:
    big = {"question": "Q?", "kind": "single", "options": ["a", "b"], "pad": "x" * 100_000}
    assert_error(post_poll(client, event, big), 413, "too_large")
    assert polls_in(client, event.room) == []
    response = client.post(f"{API}/events", json={"title": "T", "pad": "x" * 100_000})
    assert_error(response, 413, "too_large")
    response = client.post(
        f"{API}/events/{event.code}/rooms",
        json={"name": "R", "pad": "x" * 100_000},
        headers=event.auth,
    )
    assert_error(response, 413, "too_large")
    assert get_event(client, event.code)["rooms"] == event.rooms


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope",
        "/api/v1/events/ABCDEF/nope",
        "/api/v1/",
        "/api/v2/events",
        "/api/v1/events/ABCDEF/polls/x/y/z",
    ],
)
def test_unknown_api_path_is_json_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert_error(response, 404)
    assert "<html" not in response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/events"),
        ("POST", "/api/v1/events/{code}"),
        ("PUT", "/api/v1/events/{code}"),
        ("GET", "/api/v1/events/{code}/logo"),
        ("GET", "/api/v1/events/{code}/join"),
        ("PATCH", "/api/v1/events/{code}/rooms"),
        ("GET", "/api/v1/events/{code}/polls/x/open"),
    ],
)
def test_wrong_method_is_json_405(
    client: TestClient, event: EventFixture, method: str, path: str
) -> None:
    response = client.request(method, path.format(code=event.code), headers=event.auth)
    assert_error(response, 405, "method_not_allowed")
    assert get_event(client, event.code)["rooms"] == event.rooms


def test_german_messages_by_default(client: TestClient, event: EventFixture) -> None:
    response = post_poll(client, event, {"question": "", "options": ["a", "b"]})
    assert assert_error(response, 422, "empty_question") == "Bitte geben Sie eine Frage ein."
    response = client.get(f"{API}/events/ZZZZZZ")
    assert assert_error(response, 404) == "Diese Veranstaltung gibt es nicht."
    # Accept-Language does not switch: German first.
    response = client.get(f"{API}/events/ZZZZZZ", headers={"Accept-Language": "en-US,en"})
    assert assert_error(response, 404) == "Diese Veranstaltung gibt es nicht."


def test_english_messages_with_lang_en(client: TestClient, event: EventFixture) -> None:
    english = english_text("Bitte geben Sie eine Frage ein.")
    assert english, "the English catalogue lacks the empty-question message"
    response = post_poll(
        client, event, {"question": "", "options": ["a", "b"]}, params={"lang": "en"}
    )
    assert assert_error(response, 422, "empty_question") == english
    english = english_text("Diese Veranstaltung gibt es nicht.")
    assert english, "the English catalogue lacks the unknown-event message"
    response = client.get(f"{API}/events/ZZZZZZ", params={"lang": "en"})
    assert assert_error(response, 404, "event_not_found") == english
    # The code stays the same in every language.
    response = client.get(f"{API}/nope", params={"lang": "en"})
    assert assert_error(response, 404, "not_found") != "Diese Seite gibt es nicht."


# --- no 500, whatever the body ---------------------------------------------------------------

HUGE = b"1" + b"0" * 40
HOSTILE_BODIES: list[bytes] = [
    b"",
    b"   ",
    b"null",
    b"true",
    b"false",
    b"0",
    b"-1",
    HUGE,
    b"1e999",
    b'"text"',
    b"[]",
    b"[1, 2, 3]",
    b'[{"title": "T"}]',
    b"{}",
    b'{"": ""}',
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
    b"\xff\xfe\xfd",
    b'{"title": "a\xff"}',
    b'{"title": "\\ud800"}',
    b'{"title": "x\\udfff", "rooms": ["\\ud800"], "name": "\\ud800\\udc00\\ud800"}',
    b'{"\\ud800": "\\ud800"}',
    b'{"title": "T\\u0000\\u202e", "rooms": ["\\u202e", "\\u0000"], "name": "\\u0007"}',
    b'{"question": "\\ud800", "kind": "single", "options": ["\\ud800", "\\udc00"]}',
    b'{"question": "Q?", "kind": "text", "options": "\\ud800"}',
    b'{"title": "T", "title": 5}',
]
for _key in ("title", "rooms", "name", "question", "kind", "options", "min", "max", "visibility"):
    for _value in (
        b"1",
        b"-7",
        b"1.5",
        HUGE,
        b"-" + HUGE,
        b"null",
        b"true",
        b"[]",
        b'["a", 1, null, [], {}]',
        b"[1, 2]",
        b"[null, null]",
        b"[true, false]",
        b'{"a": {"b": [1]}}',
        b'"' + b"x" * 10_000 + b'"',
        b'["' + b"y" * 10_000 + b'", "z"]',
        b"[" + b",".join(b'"o%d"' % i for i in range(1000)) + b"]",
        b'"\\ud800"',
        b'["\\ud800", "\\udbff\\udfff"]',
    ):
        HOSTILE_BODIES.append(
            b'{"title": "T", "question": "Q?", "kind": "single", "options": ["a", "b"], '
            + b'"name": "R", "'
            + _key.encode()
            + b'": '
            + _value
            + b"}"
        )
        HOSTILE_BODIES.append(b'{"' + _key.encode() + b'": ' + _value + b"}")
for _kind in (b'"scale"', b'"text"', b'"multiple"'):
    for _bound in (b"null", b"true", HUGE, b"-" + HUGE, b"1.0", b'"3"', b"[1]", b"{}"):
        HOSTILE_BODIES.append(
            b'{"question": "Q?", "kind": '
            + _kind
            + b', "min": '
            + _bound
            + b', "max": '
            + _bound
            + b"}"
        )

POST_ENDPOINTS = [
    "/api/v1/events",
    "/api/v1/events/{code}/join",
    "/api/v1/events/{code}/rooms",
    "/api/v1/events/{code}/rooms/{room}/polls",
    "/api/v1/events/{code}/polls/{poll}/open",
    "/api/v1/events/{code}/polls/{poll}/close",
]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=lambda b: repr(b[:60]))
def test_no_500_for_hostile_bodies(client: TestClient, event: EventFixture, body: bytes) -> None:
    poll = create_poll(client, event, open_it=False)
    for path in POST_ENDPOINTS:
        url = path.format(code=event.code, room=event.room, poll=poll["id"])
        for content_type in ("application/json", "text/plain"):
            response = client.post(
                url, content=body, headers={**event.auth, "Content-Type": content_type}
            )
            assert response.status_code < 500, (url, body[:80], response.text)
            if response.status_code >= 400:
                assert_error(response, response.status_code)
            else:
                assert response.headers["content-type"].startswith("application/json")
                response.json()
    # Whatever was accepted, the event still answers.
    assert get_event(client, event.code)["code"] == event.code


@pytest.mark.parametrize(
    "segment",
    ["%00", "%ff", "%ed%a0%80", "x" * 5000, "..%2F..%2Fetc", "%C3%9F" * 6, "%20" * 3, "ABC%0ADEF"],
)
def test_no_500_for_hostile_path_segments(
    client: TestClient, event: EventFixture, segment: str
) -> None:
    urls = [
        f"/api/v1/events/{segment}",
        f"/api/v1/events/{event.code}/polls/{segment}",
    ]
    for url in urls:
        response = client.get(url, headers=event.auth)
        assert_error(response, 404)
    for url in (
        f"/api/v1/events/{segment}/join",
        f"/api/v1/events/{event.code}/rooms/{segment}/polls",
        f"/api/v1/events/{event.code}/polls/{segment}/open",
    ):
        response = client.post(url, json={"question": "Q?", "kind": "text"}, headers=event.auth)
        assert_error(response, 404)


def test_no_500_for_hostile_authorization(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, open_it=False)
    for value in (
        "Bearer " + "x" * 10_000,
        "Bearer\ttoken",
        "bearer",
        "Bearer  a b c",
        "Bearer %ff",
    ):
        response = client.post(
            f"/api/v1/events/{event.code}/polls/{poll['id']}/open",
            headers={"Authorization": value},
        )
        assert response.status_code in (401, 403), (value[:20], response.text)
        assert_error(response, response.status_code)
    assert get_poll(client, event, poll["id"])["state"] == "draft"


def test_chunked_bodies(client: TestClient, event: EventFixture) -> None:
    def big() -> Any:
        yield b'{"question": "Q?", "kind": "text", "pad": "'
        for _ in range(20):
            yield b"x" * 10_000
        yield b'"}'

    response = client.post(
        f"{API}/events/{event.code}/rooms/{event.room}/polls", content=big(), headers=event.auth
    )
    assert response.request.headers.get("content-length") is None
    assert_error(response, 413, "too_large")
    assert polls_in(client, event.room) == []
    response = client.post(
        f"{API}/events/{event.code}/rooms/{event.room}/polls",
        content=iter([b'{"question": "Q?", ', b'"kind": "text"}']),
        headers=event.auth,
    )
    assert response.status_code == 201, response.text
    assert len(polls_in(client, event.room)) == 1


def test_healthz_is_503_when_the_store_does_not_answer(client: TestClient) -> None:
    close_store(client)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "store": "unavailable", "hub": "ok"}
