"""A room's countdown (issue 24, item 8) through the pages and the JSON interface: the console's
form and the REST calls start, extend, pause and stop it; the projector, the overlay and the
socket carry the stored end instant; bad input changes nothing. The clock is stepped, never
waited for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, services_of
from tests.web.test_sockets import receive, receive_until, ws_url

HX = {"HX-Request": "true"}
# The clock stands still at a whole minute near the real day (the automatic deletion, which
# runs on the same clock, would otherwise meet events from another time) and is stepped.
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
NOW_MS = round(NOW.timestamp() * 1000)


def at(seconds: float) -> str:
    """The interface's ISO form of NOW + seconds."""
    return (NOW + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(autouse=True)
def stopped_clock(client: TestClient) -> None:
    services_of(client).clock.now = lambda: NOW


def step(client: TestClient, seconds: float) -> None:
    moment = NOW + timedelta(seconds=seconds)
    services_of(client).clock.now = lambda: moment


def login(client: TestClient, event: EventFixture) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)


def console(client: TestClient, event: EventFixture, **data: str) -> Any:
    return client.post(
        f"/e/{event.code}/moderate/rooms/{event.room}/countdown",
        data=data,
        headers=HX,
        follow_redirects=False,
    )


def api(client: TestClient, event: EventFixture, method: str, body: Any = None) -> Any:
    url = f"/api/v1/events/{event.code}/rooms/{event.room}/countdown"
    return client.request(method, url, json=body, headers=event.auth)


def countdown_of(client: TestClient, event: EventFixture) -> Any:
    with client.websocket_connect(ws_url(event)) as ws:
        return receive(ws)["countdown"]


def test_a_preset_starts_the_countdown_on_console_projector_and_overlay(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    page = client.get(f"/e/{event.code}/moderate?room={event.room}").text
    assert 'id="countdown-preset-3"' in page and "Kein Countdown auf der Leinwand." in page
    answer = console(client, event, action="start", preset="180", label_choice="Redezeit")
    assert answer.status_code == 200
    assert f'data-ends="{NOW_MS + 180_000}"' in answer.text
    assert "Countdown gestartet: 3:00." in answer.text
    assert 'id="countdown-stop"' in answer.text
    screen = client.get(f"/e/{event.code}/screen?room={event.room}").text
    assert f'data-ends="{NOW_MS + 180_000}"' in screen and "Redezeit" in screen
    assert f'data-server-now="{NOW_MS}"' in screen
    overlay = client.get(f"/e/{event.code}/overlay?room={event.room}&parts=countdown").text
    assert 'class="countdown countdown-overlay overlay-panel"' in overlay
    # The English projector translates the offered label.
    english = client.get(f"/e/{event.code}/screen?room={event.room}&lang=en").text
    assert "Speaking time" in english
    assert countdown_of(client, event) == {
        "label": "Redezeit",
        "state": "running",
        "ends_at": at(180),
        "left_ms": None,
    }


def test_custom_duration_and_own_label(client: TestClient, event: EventFixture) -> None:
    login(client, event)
    answer = console(
        client, event, action="start", duration="1:30:00", label_choice="custom", label="Mittag"
    )
    assert answer.status_code == 200, answer.text
    assert countdown_of(client, event)["ends_at"] == at(5400)
    assert countdown_of(client, event)["label"] == "Mittag"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"duration": "-3"}, "Bitte geben Sie die Dauer als Minuten:Sekunden an"),
        ({"duration": "abc"}, "Bitte geben Sie die Dauer als Minuten:Sekunden an"),
        ({"duration": ""}, "Bitte geben Sie die Dauer als Minuten:Sekunden an"),
        ({"duration": "4:00:01"}, "Ein Countdown dauert höchstens 4 Stunden."),
        ({"preset": "-60"}, "Bitte geben Sie die Dauer als Minuten:Sekunden an"),
        ({"preset": "99999"}, "Ein Countdown dauert höchstens 4 Stunden."),
        ({"duration": "3:00", "label_choice": "custom", "label": "x" * 41}, "zu lang"),
        ({"duration": "3:00", "label_choice": "Feierabend"}, "Diese Bezeichnung gibt es nicht."),
        ({"action": "explode"}, "Diese Aktion gibt es nicht."),
        ({"action": "add"}, "In diesem Raum läuft kein Countdown."),
    ],
)
def test_bad_console_input_says_why_and_changes_nothing(
    client: TestClient, event: EventFixture, data: dict[str, str], message: str
) -> None:
    login(client, event)
    answer = console(client, event, **({"action": "start"} | data))
    assert answer.status_code in (409, 422), answer.text
    assert message in answer.text
    assert countdown_of(client, event) is None
    # Without JavaScript: the German error page, not a 500.
    plain = client.post(
        f"/e/{event.code}/moderate/rooms/{event.room}/countdown",
        data={"action": "start"} | data,
        follow_redirects=False,
    )
    assert plain.status_code in (409, 422), plain.text[-900:]
    assert message in plain.text


def test_add_pause_resume_stop_follow_the_stepped_clock(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    console(client, event, action="start", preset="60", label_choice="Pause")
    step(client, 30)
    assert "Eine Minute mehr." in console(client, event, action="add").text
    assert countdown_of(client, event)["ends_at"] == at(120)
    step(client, 60)
    paused = console(client, event, action="pause")
    assert 'data-left="60000"' in paused.text and "angehalten" in paused.text
    assert countdown_of(client, event)["state"] == "paused"
    step(client, 600)
    console(client, event, action="resume")
    assert countdown_of(client, event)["ends_at"] == at(660)
    stopped = console(client, event, action="stop")
    assert "Countdown beendet." in stopped.text and "Kein Countdown" in stopped.text
    assert countdown_of(client, event) is None
    screen = client.get(f"/e/{event.code}/screen?room={event.room}").text
    assert "data-countdown" not in screen


def test_the_socket_pushes_each_change_once(client: TestClient, event: EventFixture) -> None:
    with client.websocket_connect(ws_url(event)) as ws:
        assert receive(ws)["countdown"] is None
        assert api(client, event, "PUT", {"seconds": 300, "label": "Pause"}).status_code == 200
        update = receive_until(ws, lambda m: m["type"] == "countdown")
        assert update["countdown"]["ends_at"] == at(300)
        assert api(client, event, "DELETE").status_code == 200
        update = receive_until(ws, lambda m: m["type"] == "countdown")
        assert update["countdown"] is None


def test_api_start_change_stop(client: TestClient, event: EventFixture) -> None:
    started = api(client, event, "PUT", {"seconds": 180, "label": "Redezeit"})
    assert started.status_code == 200
    assert started.json() == {
        "room_id": event.room,
        "countdown": {
            "label": "Redezeit",
            "state": "running",
            "ends_at": at(180),
            "left_ms": None,
        },
        "left_ms": 180_000,
        "server_time": at(0),
    }
    step(client, 170)
    added = api(client, event, "PATCH", {"action": "add", "seconds": 120})
    assert added.json()["countdown"]["ends_at"] == at(300)
    assert added.json()["left_ms"] == 130_000
    paused = api(client, event, "PATCH", {"action": "pause"}).json()
    assert paused["countdown"] == {
        "label": "Redezeit",
        "state": "paused",
        "ends_at": None,
        "left_ms": 130_000,
    }
    assert api(client, event, "PATCH", {"action": "resume"}).json()["countdown"]["state"] == (
        "running"
    )
    stopped = api(client, event, "DELETE")
    assert stopped.status_code == 200 and stopped.json()["countdown"] is None
    # Stopping again is fine; changing what is not there is a conflict.
    assert api(client, event, "DELETE").status_code == 200
    missing = api(client, event, "PATCH", {"action": "add"})
    assert missing.status_code == 409
    assert missing.json()["error"]["code"] == "no_countdown"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"seconds": -1}, "invalid_countdown"),
        ({"seconds": 0}, "invalid_countdown"),
        ({"seconds": 14401}, "countdown_too_long"),
        ({"seconds": "180"}, "invalid_countdown"),
        ({"seconds": True}, "invalid_countdown"),
        ({"seconds": 1.5}, "invalid_countdown"),
        ({}, "invalid_countdown"),
        ({"seconds": 60, "label": 5}, "invalid_countdown_label"),
        ({"seconds": 60, "label": "x" * 41}, "countdown_label_too_long"),
    ],
)
def test_api_refuses_bad_input_and_changes_nothing(
    client: TestClient, event: EventFixture, body: Any, code: str
) -> None:
    answer = api(client, event, "PUT", body)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == code
    assert countdown_of(client, event) is None


def test_api_change_refuses_bad_actions(client: TestClient, event: EventFixture) -> None:
    api(client, event, "PUT", {"seconds": 60})
    before = countdown_of(client, event)
    for body in ({"action": "explode"}, {}, {"action": "add", "seconds": -5}):
        answer = api(client, event, "PATCH", body)
        assert answer.status_code == 422, body
    assert api(client, event, "PATCH", {"action": "add", "seconds": 14400}).status_code == 422
    assert countdown_of(client, event) == before


def test_api_needs_the_moderator_token(client: TestClient, event: EventFixture) -> None:
    url = f"/api/v1/events/{event.code}/rooms/{event.room}/countdown"
    assert client.put(url, json={"seconds": 60}).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.put(url, json={"seconds": 60}, headers=wrong).status_code == 403
    assert client.delete(url).status_code == 401
    assert countdown_of(client, event) is None
