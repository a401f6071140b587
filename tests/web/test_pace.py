"""Pace and technics feedback over the public socket and the participant page, and the
moderators' warning (issue 24 item 7). The services' clock is stepped: no waiting for decay."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, join, run_in_app, services_of
from tests.web.test_sockets import receive, receive_until, reply_to, ws_url

T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
HX = {"HX-Request": "true"}
WARNING = "Viele melden „zu schnell“."


def set_clock(client: TestClient, moment: datetime) -> None:
    services_of(client).clock.now = functools.partial(lambda at: at, moment)


def send_pace(
    client: TestClient, event: EventFixture, token: str, *values: object
) -> list[dict[str, Any]]:
    replies = []
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        for i, value in enumerate(values):
            rid = f"p{i}"
            ws.send_text(json.dumps({"type": "pace", "request_id": rid, "value": value}))
            replies.append(receive_until(ws, reply_to(rid)))
    return replies


def signals(client: TestClient, event: EventFixture) -> list[tuple[str, str, datetime]]:
    found: list[tuple[str, str, datetime]] = run_in_app(
        client, services_of(client).store.pace_signals, event.room
    )
    return found


def console(client: TestClient, event: EventFixture) -> str:
    client.cookies.set(f"live_m_{event.code}", event.token)
    return client.get(f"/e/{event.code}/moderate?room={event.room}").text


def test_a_signal_is_acknowledged_and_the_latest_counts(
    client: TestClient, event: EventFixture
) -> None:
    set_clock(client, T0)
    token = join(client, event)
    replies = send_pace(client, event, token, "too_fast", "av_problem")
    assert [r["type"] for r in replies] == ["ack", "ack"]
    assert [value for _, value, _ in signals(client, event)] == ["av_problem"]


def test_a_repeated_request_id_counts_once(client: TestClient, event: EventFixture) -> None:
    set_clock(client, T0)
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        for value in ("too_slow", "too_fast"):
            ws.send_text(json.dumps({"type": "pace", "request_id": "same", "value": value}))
            assert receive_until(ws, reply_to("same"))["type"] == "ack"
    assert [value for _, value, _ in signals(client, event)] == ["too_slow"]
    log = run_in_app(client, services_of(client).store.pace_log, event.room)
    assert len(log) == 1


@pytest.mark.parametrize("value", ["fast", "", None, 1, True, ["too_fast"], "TOO_FAST"])
def test_bad_values_are_refused_and_change_nothing(
    client: TestClient, event: EventFixture, value: object
) -> None:
    (reply,) = send_pace(client, event, join(client, event), value)
    assert reply["type"] == "error"
    assert reply["code"] == "invalid_pace"
    assert signals(client, event) == []


def test_a_viewer_cannot_send_a_signal(client: TestClient, event: EventFixture) -> None:
    with client.websocket_connect(ws_url(event)) as ws:
        receive(ws)
        ws.send_text(json.dumps({"type": "pace", "request_id": "v", "value": "too_fast"}))
        assert receive_until(ws, reply_to("v"))["code"] == "not_a_participant"


def test_the_page_form_presses_and_takes_back(client: TestClient, event: EventFixture) -> None:
    set_clock(client, T0)
    page = client.get(f"/e/{event.code}?room={event.room}").text
    assert 'id="pace-form"' in page and 'id="pace-too_fast"' in page
    assert "Eine Meldung gilt 2 Minuten; erneut tippen nimmt sie zurück." in page
    url = f"/e/{event.code}/rooms/{event.room}/pace"
    pressed = client.post(url, data={"value": "too_slow"}, headers=HX)
    assert pressed.status_code == 200
    # The pressed button now takes the signal back.
    assert 'value="none" id="pace-too_slow" aria-pressed="true"' in pressed.text
    assert "Die Moderation sieht Ihre Meldung" in pressed.text
    assert [value for _, value, _ in signals(client, event)] == ["too_slow"]
    back = client.post(url, data={"value": "none"}, headers=HX)
    assert back.status_code == 200
    assert 'aria-pressed="true"' not in back.text
    assert "zurückgenommen" in back.text
    assert [value for _, value, _ in signals(client, event)] == ["none"]


def test_the_page_form_refuses_bad_input_in_german(client: TestClient, event: EventFixture) -> None:
    client.get(f"/e/{event.code}?room={event.room}")
    url = f"/e/{event.code}/rooms/{event.room}/pace"
    bad = client.post(url, data={"value": "sehr schnell"}, headers=HX)
    assert bad.status_code == 422
    assert "Bitte wählen Sie „zu schnell“" in bad.text
    assert signals(client, event) == []


def test_the_console_warns_from_three_and_the_warning_decays(
    client: TestClient, event: EventFixture
) -> None:
    set_clock(client, T0)
    for _ in range(2):
        send_pace(client, event, join(client, event), "too_fast")
    page = console(client, event)
    assert 'id="mod-pace-alert"' in page and 'role="status"' in page
    assert WARNING not in page  # two are not enough
    assert "<strong>2</strong> zu schnell" in page
    set_clock(client, T0 + timedelta(seconds=30))
    send_pace(client, event, join(client, event), "too_fast")
    assert WARNING in console(client, event)
    # Two minutes after the first two, only the third counts: the warning is gone.
    set_clock(client, T0 + timedelta(minutes=2))
    page = console(client, event)
    assert WARNING not in page
    assert "<strong>1</strong> zu schnell" in page
    set_clock(client, T0 + timedelta(minutes=2, seconds=30))
    assert "Keine Rückmeldungen in den letzten Minuten." in console(client, event)


def test_moderators_get_the_counts_over_the_json_socket(
    client: TestClient, event: EventFixture
) -> None:
    """Additive to interface v1: a moderator's snapshot carries ``pace``, and a change comes as
    {"type": "pace", ...}; participants and viewers get neither (checked against the schemas)."""
    set_clock(client, T0)
    with client.websocket_connect(ws_url(event)) as viewer:
        assert "pace" not in receive(viewer)
    with client.websocket_connect(ws_url(event, event.token)) as mod:
        snapshot = receive(mod)
        assert snapshot["pace"]["counts"] == {"too_fast": 0, "too_slow": 0, "av_problem": 0}
        assert snapshot["pace"]["alerts"] == []
        for _ in range(3):
            send_pace(client, event, join(client, event), "av_problem")
        update = receive_until(
            mod,
            lambda m: m["type"] == "pace" and m["counts"]["av_problem"] == 3,
            limit=100,
        )
    assert update["alerts"] == ["av_problem"]
    assert isinstance(update["version"], int) and update["present"] >= 0
