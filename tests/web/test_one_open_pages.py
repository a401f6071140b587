"""One open poll per room on the pages (issue 19): the moderation page's open action says what
it closed, "Nächste Abstimmung" (POST /e/{code}/moderate/rooms/{room_id}/next-poll), and the
room setting's checkbox on the setup page."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, create_poll
from tests.web.test_pages import HX, api_poll, assert_html, login
from tests.web.test_roles import room_link

ORIGIN = {"Origin": "http://testserver"}


def next_url(event: EventFixture, room: str | None = None) -> str:
    return f"/e/{event.code}/moderate/rooms/{room or event.room}/next-poll"


def post(
    client: TestClient,
    url: str,
    data: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    return client.post(url, data=data or {}, headers=headers or {}, follow_redirects=False)


def announcement(fragment: str) -> str:
    found = re.search(r'<div id="announcer"[^>]*>(.*?)</div>', fragment, re.S)
    assert found is not None, fragment[-500:]
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("⚠ ", "").strip()


def test_opening_on_the_page_names_what_opened_and_what_closed(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    first = create_poll(client, event, question="Erste Frage?")
    second = create_poll(client, event, open_it=False, question="Zweite Frage?")
    fragment = assert_html(
        post(client, f"/e/{event.code}/moderate/polls/{second['id']}/open", headers=HX), 200
    )
    assert (
        announcement(fragment) == "Abstimmung „Zweite Frage?“ geöffnet, „Erste Frage?“ geschlossen."
    )
    assert 'id="mod-polls"' in fragment
    assert api_poll(client, event, first["id"])["state"] == "closed"
    # Nothing open before: only what opened.
    third = create_poll(client, event, open_it=False, question="Dritte Frage?")
    post(client, f"/e/{event.code}/moderate/polls/{second['id']}/close", headers=HX)
    fragment = post(client, f"/e/{event.code}/moderate/polls/{third['id']}/open", headers=HX).text
    assert announcement(fragment) == "Abstimmung „Dritte Frage?“ geöffnet."


def test_next_poll_by_htmx_opens_the_next_and_announces_both(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    first = create_poll(client, event, open_it=False, question="Erste Frage?")
    second = create_poll(client, event, open_it=False, question="Zweite Frage?")
    fragment = assert_html(post(client, next_url(event), headers=HX), 200)
    assert announcement(fragment) == "Abstimmung „Erste Frage?“ geöffnet."
    assert 'id="mod-polls"' in fragment
    fragment = assert_html(post(client, next_url(event), headers=HX), 200)
    assert (
        announcement(fragment) == "Abstimmung „Zweite Frage?“ geöffnet, „Erste Frage?“ geschlossen."
    )
    # The answer is the polls region as it is now: the second open, the first closed.
    assert re.search(rf'id="run-{second["id"]}-toggle" class="danger"', fragment)
    assert [api_poll(client, event, p["id"])["state"] for p in (first, second)] == [
        "closed",
        "open",
    ]
    # Nothing left: the error is announced (as an error), nothing changes.
    fragment = assert_html(post(client, next_url(event), headers=HX), 409)
    assert announcement(fragment) == "Es gibt keine weitere vorbereitete Abstimmung."
    assert "toast-error" in fragment
    assert api_poll(client, event, second["id"])["state"] == "open"


def test_next_poll_without_javascript_redirects_back(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    poll = create_poll(client, event, open_it=False)
    response = post(client, next_url(event))
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.code}/moderate?room={event.room}"
    assert api_poll(client, event, poll["id"])["state"] == "open"
    # Nothing left: the German error page, no 500.
    text = assert_html(post(client, next_url(event)), 409)
    assert "Es gibt keine weitere vorbereitete Abstimmung." in text


def test_next_poll_needs_the_rooms_moderator(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, open_it=False)
    assert_html(post(client, next_url(event), headers=HX), 401)
    client.cookies.set(f"live_m_{event.code}", "falsch")
    assert_html(post(client, next_url(event), headers=HX), 403)
    client.cookies.delete(f"live_m_{event.code}")
    # A room link of the other room may not; one of this room may.
    forum = event.rooms[1]["id"]
    client.cookies.set(f"live_r_{event.code}_{forum}", room_link(client, event, forum))
    assert_html(post(client, next_url(event), headers=HX), 403)
    login(client, event)
    response = post(client, next_url(event), headers={**HX, "Origin": "http://evil.example"})
    assert_html(response, 403)
    assert_html(post(client, next_url(event, "nope"), headers=HX), 404)
    assert api_poll(client, event, poll["id"])["state"] == "draft"
    client.cookies.delete(f"live_m_{event.code}")
    client.cookies.set(f"live_r_{event.code}_{event.room}", room_link(client, event, event.room))
    assert_html(post(client, next_url(event), headers=HX), 200)
    assert api_poll(client, event, poll["id"])["state"] == "open"


# --- the setup page's checkbox ------------------------------------------------------------


def test_setup_page_switches_parallel_polls_per_room(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    page = assert_html(client.get(f"/e/{event.code}/setup"), 200)
    box = f'id="pp-{event.room}" name="parallel_polls" value="1"'
    box += ' aria-describedby="rooms-parallel-hint"'
    assert f'<input type="checkbox" {box}>' in page
    assert 'id="rooms-parallel-hint"' in page
    assert "Mehrere Abstimmungen gleichzeitig erlauben" in page
    url = f"/e/{event.code}/setup/rooms/{event.room}/parallel-polls"
    response = post(client, url, {"parallel_polls": "1"})
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"#room-{event.room}")
    page = assert_html(client.get(response.headers["location"]), 200)
    assert f'<input type="checkbox" {box} checked>' in page
    assert "In diesem Raum können jetzt mehrere Abstimmungen gleichzeitig offen sein." in page
    rooms = client.get(f"/api/v1/events/{event.code}").json()["rooms"]
    assert [r["parallel_polls"] for r in rooms] == [True, False]
    # Two polls stay open now; unticked (the box is not sent), the next opening closes.
    first = create_poll(client, event, question="Erste?")
    second = create_poll(client, event, question="Zweite?")
    assert api_poll(client, event, first["id"])["state"] == "open"
    response = post(client, url)
    assert "room_single" in response.headers["location"]
    create_poll(client, event, question="Dritte?")
    assert [api_poll(client, event, p["id"])["state"] for p in (first, second)] == [
        "closed",
        "closed",
    ]


def test_setup_checkbox_needs_the_organiser(client: TestClient, event: EventFixture) -> None:
    url = f"/e/{event.code}/setup/rooms/{event.room}/parallel-polls"
    assert post(client, url, {"parallel_polls": "1"}).status_code == 401
    client.cookies.set(f"live_r_{event.code}_{event.room}", room_link(client, event, event.room))
    # A room link is no organiser's token (as for every form of the setup page).
    assert post(client, url, {"parallel_polls": "1"}).status_code == 401
    client.cookies.set(f"live_m_{event.code}", "falsch")
    assert post(client, url, {"parallel_polls": "1"}).status_code == 403
    login(client, event)
    refused = post(client, url, {"parallel_polls": "1"}, {"Origin": "http://evil.example"})
    assert refused.status_code == 403
    assert post(client, f"/e/{event.code}/setup/rooms/nope/parallel-polls").status_code == 404
    rooms = client.get(f"/api/v1/events/{event.code}").json()["rooms"]
    assert [r["parallel_polls"] for r in rooms] == [False, False]


def test_the_preview_of_the_next_poll_is_for_moderators_and_changes_nothing(
    client: TestClient, event: EventFixture
) -> None:
    """The console's "Leinwand danach": the projector as it would be once the next prepared
    poll opened, a still picture (no socket); a prepared poll is no one else's business."""
    first = create_poll(client, event, question="Erste Frage?")
    prepared = client.post(
        f"/api/v1/events/{event.code}/rooms/{event.room}/polls",
        json={"question": "Geheime nächste Frage?", "kind": "single", "options": ["a", "b"]},
        headers=event.auth,
    ).json()
    url = f"/e/{event.code}/screen?room={event.room}&preview=next"
    assert client.get(url).status_code == 401
    assert "Geheime nächste Frage?" not in client.get(url).text
    client.cookies.set(f"live_m_{event.code}", event.token)
    html = assert_html(client.get(url), 200)
    assert "Geheime nächste Frage?" in html and "ws-connect" not in html
    assert "frame-ancestors 'self'" in client.get(url).headers["content-security-policy"]
    # Nothing changed: the first poll is open, the prepared one still a draft.
    states = [
        client.get(f"/api/v1/events/{event.code}/polls/{p}", headers=event.auth).json()["state"]
        for p in (first["id"], prepared["id"])
    ]
    assert states == ["open", "draft"]
