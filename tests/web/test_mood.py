"""The mood barometer over the public socket and the participant page."""

from __future__ import annotations

import functools
import json

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, join, services_of
from tests.web.test_sockets import receive, receive_until, reply_to, ws_url


def test_moods_are_latest_per_participant_and_pushed_live(
    client: TestClient, event: EventFixture
) -> None:
    first, second = join(client, event), join(client, event)
    with client.websocket_connect(ws_url(event)) as viewer:
        snapshot = receive(viewer)
        assert snapshot["mood"] == {"counts": [0, 0, 0, 0, 0], "average": None}
        for token, values in ((first, [2, 5]), (second, [4])):
            with client.websocket_connect(ws_url(event, token)) as ws:
                receive(ws)
                for i, value in enumerate(values):
                    rid = f"m{i}"
                    ws.send_text(json.dumps({"type": "mood", "request_id": rid, "value": value}))
                    assert receive_until(ws, reply_to(rid))["type"] == "ack"
        mood = receive_until(
            viewer, lambda m: m["type"] == "mood" and sum(m["counts"]) == 2, limit=100
        )
    assert mood["counts"] == [0, 0, 0, 1, 1]  # the first participant's 2 was replaced by 5
    assert mood["average"] == 4.5


@pytest.mark.parametrize("value", [0, 6, "3", True, None, 2.5])
def test_bad_moods_are_refused(client: TestClient, event: EventFixture, value: object) -> None:
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        ws.send_text(json.dumps({"type": "mood", "request_id": "x", "value": value}))
        assert receive_until(ws, reply_to("x"))["code"] == "invalid_mood"
    with client.websocket_connect(ws_url(event)) as viewer:
        assert receive(viewer)["mood"]["counts"] == [0, 0, 0, 0, 0]


def test_the_page_form_sets_the_mood(client: TestClient, event: EventFixture) -> None:
    page = client.get(f"/e/{event.code}?room={event.room}").text
    assert 'id="mood-form"' in page
    url = f"/e/{event.code}/rooms/{event.room}/mood"
    response = client.post(url, data={"value": "4"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="mood-4"' in response.text and 'aria-pressed="true"' in response.text
    bad = client.post(url, data={"value": "9"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422
    with client.websocket_connect(ws_url(event)) as viewer:
        assert receive(viewer)["mood"]["counts"] == [0, 0, 0, 1, 0]


def test_moderators_see_the_course_over_time(client: TestClient, event: EventFixture) -> None:
    from datetime import UTC, datetime, timedelta

    clock = services_of(client).clock
    start = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    for minute, value in ((0, 2), (5, 4), (12, 5)):
        moment = start + timedelta(minutes=minute)
        clock.now = functools.partial(lambda at: at, moment)
        with client.websocket_connect(ws_url(event, join(client, event))) as ws:
            receive(ws)
            ws.send_text(json.dumps({"type": "mood", "request_id": "m", "value": value}))
            assert receive_until(ws, reply_to("m"))["type"] == "ack"
    client.cookies.set(f"live_m_{event.code}", event.token)
    page = client.get(f"/e/{event.code}/moderate?room={event.room}").text
    assert 'class="course-line"' in page
    assert "von 2,0 um 09:00 bis 3,7 um 09:12" in page  # (2 + 4 + 5) / 3 = 3.67
