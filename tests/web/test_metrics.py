"""GET /metrics (live/metrics.py, live/web/metrics.py): Prometheus text, read back with the
library's own parser after real traffic over the socket and the page forms."""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from live.store.base import Store
from tests.web.conftest import (
    EventFixture,
    close_store,
    create_event,
    create_poll,
    enter,
    join,
    make_client,
)
from tests.web.test_sockets import receive, receive_until, reply_to, ws_url

TOKEN = "metrics-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HX = {"HX-Request": "true"}
ORIGIN = {"Origin": "http://testserver"}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def metered(tmp_path: Path) -> Generator[TestClient]:
    with make_client(tmp_path, metrics_token=TOKEN) as client:
        yield client


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert response.headers["cache-control"] == "no-store"
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def writes(samples: Samples) -> dict[str, float]:
    kinds = ("vote", "question", "upvote", "mood", "applause")
    return {kind: value(samples, "live_writes_total", kind=kind) for kind in kinds}


def approve_all(client: TestClient, event: EventFixture) -> list[str]:
    """The room's questions approved by the moderator (upvotes need an approved question)."""
    listed = client.get(
        f"/api/v1/events/{event.code}/rooms/{event.room}/questions", headers=event.auth
    )
    ids = [q["id"] for q in listed.json()]
    for question_id in ids:
        response = client.patch(
            f"/api/v1/events/{event.code}/questions/{question_id}",
            json={"state": "approved"},
            headers=event.auth,
        )
        assert response.status_code == 200, response.text
    return ids


def send(ws: Any, request_id: str, **message: Any) -> dict[str, Any]:
    ws.send_text(json.dumps({"request_id": request_id, **message}))
    reply: dict[str, Any] = receive_until(ws, reply_to(request_id))
    return reply


def test_metrics_exist_only_with_the_token_set(client: TestClient, tmp_path: Path) -> None:
    # LIVE_METRICS_TOKEN unset: the path does not exist, whatever is offered.
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers=AUTH).status_code == 404
    with make_client(tmp_path / "on", metrics_token=TOKEN) as metered:
        missing = metered.get("/metrics")
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == "Bearer"
        assert missing.json()["error"]["code"] == "unauthorized"
        wrong = metered.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}x"})
        assert wrong.status_code == 403
        assert wrong.json()["error"]["code"] == "forbidden"
        assert TOKEN not in wrong.text
        english = metered.get("/metrics?lang=en", headers={"Authorization": "Bearer nope"})
        assert "invalid" in english.json()["error"]["message"]
        assert metered.get("/metrics", headers=AUTH).status_code == 200


def test_writes_are_counted_exactly_as_sent_over_socket_and_forms(metered: TestClient) -> None:
    event = create_event(metered)
    poll = create_poll(metered, event)
    before = scrape(metered)
    assert writes(before) == dict.fromkeys(writes(before), 0.0)

    first, second = join(metered, event), join(metered, event)
    with (
        metered.websocket_connect(ws_url(event, first)) as a,
        metered.websocket_connect(ws_url(event, second)) as b,
    ):
        receive(a), receive(b)
        assert send(a, "v1", type="vote", poll_id=poll["id"], choices=[0])["type"] == "ack"
        # Sent again (a lost ack): acknowledged, not a second write.
        assert send(a, "v1", type="vote", poll_id=poll["id"], choices=[0])["type"] == "ack"
        assert send(b, "v2", type="vote", poll_id=poll["id"], choices=[1])["type"] == "ack"
        refused = send(b, "v3", type="vote", poll_id=poll["id"], choices=[7])
        assert refused["type"] == "error"
        assert send(a, "q1", type="ask", text="Wie geht es weiter?")["type"] == "ack"
        question_id = approve_all(metered, event)[0]
        assert send(b, "u1", type="upvote", question_id=question_id)["type"] == "ack"
        assert send(a, "m1", type="mood", value=4)["type"] == "ack"
        # Applause has no ack: the mood after it is answered once the grade is on the board.
        a.send_text(json.dumps({"type": "applause", "grade": 3}))
        b.send_text(json.dumps({"type": "applause", "grade": 5}))
        assert send(a, "m2", type="mood", value=5)["type"] == "ack"
        assert send(b, "m3", type="mood", value=2)["type"] == "ack"

    # The participant page's forms (the phone without JavaScript, or its htmx posts).
    enter(metered, event)
    vote = metered.post(
        f"/e/{event.code}/polls/{poll['id']}/vote", data={"choice": "2"}, headers=HX
    )
    assert vote.status_code == 200, vote.text
    asked = metered.post(
        f"/e/{event.code}/rooms/{event.room}/questions", data={"text": "Und danach?"}, headers=HX
    )
    assert asked.status_code == 200, asked.text
    mood = metered.post(f"/e/{event.code}/rooms/{event.room}/mood", data={"value": "3"}, headers=HX)
    assert mood.status_code == 200, mood.text

    after = scrape(metered)
    assert writes(after) == {"vote": 3, "question": 2, "upvote": 1, "mood": 4, "applause": 2}
    errors = {
        tuple(sorted(labels)): count
        for (name, labels), count in after.items()
        if name == "live_write_errors_total"
    }
    assert errors == {(("code", "invalid_choice"), ("kind", "vote")): 1}
    # Every store call is timed under its method's name: four votes reached the store (the
    # refused one did not), and the ticks were timed as they ran.
    assert value(after, "live_store_seconds_count", op="cast_vote") == 4
    assert set(Store.__dict__) >= {
        dict(labels)["op"] for (name, labels) in after if name == "live_store_seconds_count"
    }
    assert value(after, "live_tick_seconds_count") > value(before, "live_tick_seconds_count")
    assert value(after, "live_resident_memory_bytes") > 0


def test_a_store_outage_counts_as_write_errors(metered: TestClient) -> None:
    event = create_event(metered)
    poll = create_poll(metered, event)
    token = join(metered, event)
    with metered.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        close_store(metered)
        answer = send(ws, "v1", type="vote", poll_id=poll["id"], choices=[0])
        assert answer["code"] == "unavailable"
    samples = scrape(metered)
    assert value(samples, "live_write_errors_total", kind="vote", code="unavailable") == 1
    assert value(samples, "live_writes_total", kind="vote") == 0


def test_the_sockets_gauge_follows_connects_and_disconnects(metered: TestClient) -> None:
    event = create_event(metered)

    def sockets() -> dict[str, float]:
        samples = scrape(metered)
        views = ("json", "participant", "screen", "moderator", "overlay")
        return {view: value(samples, "live_sockets", view=view) for view in views}

    assert sockets() == dict.fromkeys(sockets(), 0.0)
    page = f"/e/{event.code}/rooms/{event.room}/live"
    with metered.websocket_connect(ws_url(event)) as viewer:
        receive(viewer)
        with metered.websocket_connect(f"{page}?view=screen", headers=ORIGIN) as screen:
            screen.receive_text()
            with metered.websocket_connect(ws_url(event, join(metered, event))) as phone:
                receive(phone)
                assert sockets() == {
                    "json": 2,
                    "participant": 0,
                    "screen": 1,
                    "moderator": 0,
                    "overlay": 0,
                }
                assert value(scrape(metered), "live_rooms_active") == 1
            assert sockets()["json"] == 1
        assert sockets()["screen"] == 0
        assert sockets()["json"] == 1
    assert sockets() == dict.fromkeys(sockets(), 0.0)


def test_no_label_names_an_event_a_room_or_what_people_typed(metered: TestClient) -> None:
    event = create_event(metered, rooms=["Plenum", "Forum"])
    poll = create_poll(metered, event)
    text = "Eine Frage mit Namen drin?"
    with metered.websocket_connect(ws_url(event, join(metered, event))) as ws:
        receive(ws)
        send(ws, "v", type="vote", poll_id=poll["id"], choices=[0])
        send(ws, "q", type="ask", text=text, name="Erika")
        send(ws, "bad", type="vote", poll_id="no-such-poll", choices=[0])
    samples = scrape(metered)
    secrets = {event.code, event.token, poll["id"], text, "Erika"} | {r["id"] for r in event.rooms}
    labels = {(key, label) for (_name, labels) in samples for key, label in labels}
    assert {key for key, _ in labels} <= {"view", "kind", "code", "op", "le"}
    assert not [label for _, label in labels if any(s in label for s in secrets)]


def test_each_app_keeps_its_own_registry(tmp_path: Path) -> None:
    """Two apps in one process (as in these tests): neither sees the other's counts."""
    with (
        make_client(tmp_path / "a", metrics_token=TOKEN) as a,
        make_client(tmp_path / "b", metrics_token=TOKEN) as b,
    ):
        event = create_event(a)
        poll = create_poll(a, event)
        with a.websocket_connect(ws_url(event, join(a, event))) as ws:
            receive(ws)
            send(ws, "v", type="vote", poll_id=poll["id"], choices=[0])
        assert value(scrape(a), "live_writes_total", kind="vote") == 1
        assert value(scrape(b), "live_writes_total", kind="vote") == 0


def test_the_dashboard_asks_only_for_what_the_server_reports(metered: TestClient) -> None:
    """docs/ops/grafana-live.json: every series its queries name is in a scrape, and it has a
    panel for each thing an operator watches on a conference day."""
    dashboard = json.loads((Path(__file__).parents[2] / "docs/ops/grafana-live.json").read_text())
    event = create_event(metered)
    poll = create_poll(metered, event)
    with metered.websocket_connect(ws_url(event, join(metered, event))) as ws:
        receive(ws)
        send(ws, "v", type="vote", poll_id=poll["id"], choices=[9])  # refused: an error series
        samples = scrape(metered)
    reported = {name for name, _labels in samples}
    queries = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    named = {name for q in queries for name in re.findall(r"\b(?:live|process)_[a-z_]+\b", q)}
    assert named and named <= reported, named - reported
    for wanted in (
        "live_sockets",
        "live_writes_total",
        "live_tick_seconds_bucket",
        "live_write_errors_total",
        "live_store_seconds_bucket",
        "live_event_loop_lag_seconds",
        "live_resident_memory_bytes",
    ):
        assert wanted in named
