"""The room setting "Applaus kommt über den Stream" (issue 23): set in the console (organiser
or the room's moderator) or by the API, rendered into the participant page and pushed to open
pages in the applause region. What the browser does with it:
tests/browser/test_applause_stream.py."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import EventFixture

ORIGIN = {"Origin": "http://testserver"}
HX = {"HX-Request": "true"}


def setting_url(event: EventFixture, room: str | None = None) -> str:
    return f"/e/{event.code}/moderate/rooms/{room or event.room}/applause-stream"


def room_of(client: TestClient, event: EventFixture, room: str | None = None) -> dict[str, object]:
    data = client.get(f"/api/v1/events/{event.code}").json()
    return next(r for r in data["rooms"] if r["id"] == (room or event.room))


def test_the_console_switches_it_with_and_without_htmx(
    client: TestClient, event: EventFixture
) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)
    console = client.get(f"/e/{event.code}/moderate?room={event.room}")
    assert (
        'id="applause-stream-on"' in console.text
        and "Applaus kommt über den Stream" in console.text
    )
    on = client.post(
        setting_url(event), data={"applause_via_stream": "1"}, headers={**HX, **ORIGIN}
    )
    assert on.status_code == 200, on.text
    assert 'id="applause-stream-on" name="applause_via_stream" value="1" checked' in on.text
    assert "Der Applaus kommt jetzt über den Stream" in on.text  # the announcement
    assert room_of(client, event)["applause_via_stream"] is True
    assert room_of(client, event, event.rooms[1]["id"])["applause_via_stream"] is False
    off = client.post(setting_url(event), data={}, headers=ORIGIN, follow_redirects=False)
    assert off.status_code == 303
    assert off.headers["location"] == f"/e/{event.code}/moderate?room={event.room}"
    assert room_of(client, event)["applause_via_stream"] is False


def test_only_the_rooms_moderators_may_switch_it(client: TestClient, event: EventFixture) -> None:
    assert (
        client.post(
            setting_url(event),
            data={"applause_via_stream": "1"},
            headers=ORIGIN,
            follow_redirects=False,
        ).status_code
        == 401
    )
    forum = event.rooms[1]["id"]
    link = client.post(
        f"/api/v1/events/{event.code}/rooms/{forum}/moderator-link", headers=event.auth
    ).json()
    client.cookies.set(f"live_r_{event.code}_{forum}", link["moderator_token"])
    refused = client.post(
        setting_url(event),
        data={"applause_via_stream": "1"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert refused.status_code == 403
    allowed = client.post(
        setting_url(event, forum), data={"applause_via_stream": "1"}, headers={**HX, **ORIGIN}
    )
    assert allowed.status_code == 200, allowed.text
    assert room_of(client, event, forum)["applause_via_stream"] is True
    assert room_of(client, event)["applause_via_stream"] is False
    # A form from another site changes nothing.
    client.cookies.set(f"live_m_{event.code}", event.token)
    foreign = client.post(
        setting_url(event),
        data={"applause_via_stream": "1"},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert foreign.status_code == 403
    assert room_of(client, event)["applause_via_stream"] is False


@pytest.mark.parametrize("value", ["1", 1, None, "yes"])
def test_the_api_takes_only_a_boolean(
    client: TestClient, event: EventFixture, value: object
) -> None:
    response = client.patch(
        f"/api/v1/events/{event.code}/rooms/{event.room}",
        json={"applause_via_stream": value},
        headers=event.auth,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_applause_via_stream"
    assert room_of(client, event)["applause_via_stream"] is False


def test_the_participant_page_and_its_push_carry_it(
    client: TestClient, event: EventFixture
) -> None:
    page = client.get(f"/e/{event.code}?room={event.room}")
    assert "data-applause-device" in page.text
    assert "data-via-stream" not in page.text
    assert "data-applause-stream-note hidden" in page.text
    assert "data-applause-listen-box>" in page.text
    with client.websocket_connect(
        f"/e/{event.code}/rooms/{event.room}/live?view=participant", headers=ORIGIN
    ) as ws:
        ws.receive_text()  # the first push
        response = client.patch(
            f"/api/v1/events/{event.code}/rooms/{event.room}",
            json={"applause_via_stream": True},
            headers=event.auth,
        )
        assert response.json()["applause_via_stream"] is True
        for _ in range(50):
            frame = ws.receive_text()
            if 'id="applause-level"' in frame and 'data-via-stream="1"' in frame:
                break
        else:
            pytest.fail("no applause region with the setting was pushed")
    page = client.get(f"/e/{event.code}?room={event.room}")
    assert 'data-via-stream="1"' in page.text
    assert "data-applause-stream-note>" in page.text  # shown
    assert "data-applause-listen-box hidden" in page.text
    # The projector and the overlay are no participant's device: they keep playing.
    for path in ("screen", "overlay"):
        other = client.get(f"/e/{event.code}/{path}?room={event.room}")
        assert 'data-via-stream="1"' in other.text and "data-applause-device" not in other.text
