"""The room WebSocket of the public interface, in process (TestClient runs the app's lifespan)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.support.socket_frames import server_message
from tests.web.conftest import EventFixture, close_store, create_poll, join

Msg = dict[str, Any]


def ws_url(event: EventFixture, token: str | None = None, room: str | None = None) -> str:
    url = f"/api/v1/events/{event.code}/rooms/{room or event.room}/ws"
    return f"{url}?token={token}" if token else url


def receive(ws: Any) -> Msg:
    """The next message, checked against its published schema (tests/support/socket_frames.py)."""
    return server_message(ws.receive_text())


def receive_until(ws: Any, predicate: Callable[[Msg], bool], limit: int = 50) -> Msg:
    """Read messages until one matches (the server coalesces, so intermediate ones may differ)."""
    seen = []
    for _ in range(limit):
        message = receive(ws)
        if predicate(message):
            return message
        seen.append(message.get("type"))
    raise AssertionError(f"no matching message among {seen}")


def vote(ws: Any, poll_id: str, request_id: str, **fields: Any) -> None:
    ws.send_text(
        json.dumps({"type": "vote", "request_id": request_id, "poll_id": poll_id, **fields})
    )


def reply_to(request_id: str) -> Callable[[Msg], bool]:
    return lambda m: m.get("type") in {"ack", "error"} and m.get("request_id") == request_id


def poll_counts(client: TestClient, event: EventFixture, poll_id: str) -> list[int]:
    response = client.get(f"/api/v1/events/{event.code}/polls/{poll_id}")
    assert response.status_code == 200
    counts: list[int] = response.json()["results"]["counts"]
    return counts


def test_snapshot_comes_first_with_version_and_open_polls(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event)
    draft = create_poll(client, event, open_it=False, question="Noch geheim?")
    with client.websocket_connect(ws_url(event)) as ws:
        snapshot = receive(ws)
    assert snapshot["type"] == "snapshot"
    assert isinstance(snapshot["version"], int) and snapshot["version"] >= 1
    assert snapshot["room"]["id"] == event.room
    ids = [p["id"] for p in snapshot["polls"]]
    assert poll["id"] in ids
    assert draft["id"] not in ids  # drafts stay with the moderators
    assert snapshot["questions"] == []
    assert set(snapshot["applause"]) == {"level", "clappers", "present"}
    assert len(snapshot["mood"]["counts"]) == 5


def test_moderator_snapshot_includes_drafts(client: TestClient, event: EventFixture) -> None:
    draft = create_poll(client, event, open_it=False)
    with client.websocket_connect(ws_url(event, event.token)) as ws:
        snapshot = receive(ws)
    assert [p["id"] for p in snapshot["polls"]] == [draft["id"]]


def test_vote_is_acked_and_pushed_to_other_sockets_with_a_new_version(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event)
    token = join(client, event)
    with (
        client.websocket_connect(ws_url(event)) as viewer,
        client.websocket_connect(ws_url(event, token)) as phone,
    ):
        first = receive(viewer)
        receive(phone)
        vote(phone, poll["id"], "r-1", choices=[1])
        assert receive_until(phone, reply_to("r-1")) == {"type": "ack", "request_id": "r-1"}
        update = receive_until(
            viewer, lambda m: m["type"] == "poll" and m["poll"]["results"]["voters"] == 1
        )
    assert update["poll"]["id"] == poll["id"]
    assert update["poll"]["results"]["counts"] == [0, 1, 0]
    assert update["poll"]["results"]["percents"] == [0, 100, 0]
    assert update["version"] > first["version"]


def test_repeated_request_id_is_acked_again_and_counted_once(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event)
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        vote(ws, poll["id"], "same", choices=[0])
        assert receive_until(ws, reply_to("same"))["type"] == "ack"
        # A later vote, then a late duplicate of the first: the duplicate must not undo it.
        vote(ws, poll["id"], "second", choices=[2])
        assert receive_until(ws, reply_to("second"))["type"] == "ack"
        vote(ws, poll["id"], "same", choices=[0])
        assert receive_until(ws, reply_to("same"))["type"] == "ack"
    assert poll_counts(client, event, poll["id"]) == [0, 0, 1]


def test_changing_a_vote_moves_it(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event)
    tokens = [join(client, event) for _ in range(3)]
    for i, token in enumerate(tokens):
        with client.websocket_connect(ws_url(event, token)) as ws:
            receive(ws)
            vote(ws, poll["id"], f"a{i}", choices=[0])
            assert receive_until(ws, reply_to(f"a{i}"))["type"] == "ack"
    with client.websocket_connect(ws_url(event, tokens[0])) as ws:
        receive(ws)
        vote(ws, poll["id"], "b0", choices=[1])
        assert receive_until(ws, reply_to("b0"))["type"] == "ack"
    assert poll_counts(client, event, poll["id"]) == [2, 1, 0]


@pytest.mark.parametrize(
    ("body", "fields", "counts", "extra"),
    [
        ({"kind": "multiple", "options": ["a", "b", "c"]}, {"choices": [0, 2]}, [1, 0, 1], {}),
        ({"kind": "scale", "options": [], "min": 1, "max": 5}, {"value": 4}, [0, 0, 0, 1, 0], {}),
        ({"kind": "text", "options": []}, {"text": "Mehr Digitalisierung"}, [], {"words": 1}),
    ],
)
def test_other_poll_kinds(
    client: TestClient,
    event: EventFixture,
    body: dict[str, Any],
    fields: dict[str, Any],
    counts: list[int],
    extra: dict[str, int],
) -> None:
    poll = create_poll(client, event, **body)
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        vote(ws, poll["id"], "k", **fields)
        assert receive_until(ws, reply_to("k"))["type"] == "ack"
    results = client.get(f"/api/v1/events/{event.code}/polls/{poll['id']}").json()["results"]
    assert results["counts"] == counts
    assert results["voters"] == 1
    if body["kind"] == "scale":
        assert results["average"] == 4
    if extra:
        assert [w for w, _ in results["words"]] == ["Digitalisierung"]


# --- bad input: a clear error, the socket stays usable, nothing changes ---------------------


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_message"),
        ('{"type": "dance", "request_id": "x"}', "unknown_type"),
        ('{"type": "vote", "poll_id": "P"}', "invalid_request_id"),
        (
            '{"type": "vote", "request_id": "x", "poll_id": "nope", "choices": [0]}',
            "poll_not_found",
        ),
        ('{"type": "vote", "request_id": "x", "poll_id": "P", "choices": [7]}', "invalid_choice"),
        ('{"type": "vote", "request_id": "x", "poll_id": "P", "choices": [-1]}', "invalid_choice"),
        (
            '{"type": "vote", "request_id": "x", "poll_id": "P", "choices": [0, 1]}',
            "invalid_choice",
        ),
        (
            '{"type": "vote", "request_id": "x", "poll_id": "P", "choices": [true]}',
            "invalid_choice",
        ),
        ('{"type": "vote", "request_id": "x", "poll_id": "P", "choices": "0"}', "invalid_choice"),
        ('{"type": "vote", "request_id": "x", "poll_id": "P"}', "invalid_choice"),
    ],
)
def test_bad_messages_get_an_error_and_change_nothing(
    client: TestClient, event: EventFixture, message: str, code: str
) -> None:
    poll = create_poll(client, event)
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        ws.send_text(message.replace('"P"', json.dumps(poll["id"])))
        error = receive_until(ws, lambda m: m["type"] == "error")
        assert error["code"] == code
        assert error["message"]  # human text (German by default)
        # Still usable afterwards:
        vote(ws, poll["id"], "ok", choices=[0])
        assert receive_until(ws, reply_to("ok"))["type"] == "ack"
    assert poll_counts(client, event, poll["id"]) == [1, 0, 0]


def test_error_messages_are_german_by_default(client: TestClient, event: EventFixture) -> None:
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        ws.send_text('{"type": "dance"}')
        german = receive_until(ws, lambda m: m["type"] == "error")["message"]
    assert german == "Unbekannter Nachrichtentyp."


def test_closed_and_draft_polls_refuse_votes(client: TestClient, event: EventFixture) -> None:
    closed = create_poll(client, event)
    draft = create_poll(client, event, open_it=False)
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        vote(ws, closed["id"], "before", choices=[0])
        assert receive_until(ws, reply_to("before"))["type"] == "ack"
        response = client.post(
            f"/api/v1/events/{event.code}/polls/{closed['id']}/close", headers=event.auth
        )
        assert response.status_code == 200
        vote(ws, closed["id"], "after", choices=[1])
        error = receive_until(ws, reply_to("after"))
        assert error["type"] == "error" and error["code"] == "poll_closed"
        assert "beendet" in error["message"]
        # The server checks votes against a kept copy of the poll's shape; input that copy
        # refuses must still get the error a fresh read gives (closed comes first).
        vote(ws, closed["id"], "after-bad", choices=[99])
        assert receive_until(ws, reply_to("after-bad"))["code"] == "poll_closed"
        vote(ws, draft["id"], "draft", choices=[1])
        error = receive_until(ws, reply_to("draft"))
        assert error["code"] == "poll_not_open"
    assert poll_counts(client, event, closed["id"]) == [1, 0, 0]
    moderator = client.get(
        f"/api/v1/events/{event.code}/polls/{draft['id']}", headers=event.auth
    ).json()
    assert moderator["results"]["voters"] == 0


def test_a_refused_request_id_can_be_retried_after_the_poll_opens(
    client: TestClient, event: EventFixture
) -> None:
    draft = create_poll(client, event, open_it=False)
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        vote(ws, draft["id"], "retry", choices=[2])
        assert receive_until(ws, reply_to("retry"))["code"] == "poll_not_open"
        client.post(f"/api/v1/events/{event.code}/polls/{draft['id']}/open", headers=event.auth)
        vote(ws, draft["id"], "retry", choices=[2])
        assert receive_until(ws, reply_to("retry"))["type"] == "ack"
    assert poll_counts(client, event, draft["id"]) == [0, 0, 1]


def test_viewer_cannot_vote(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event)
    with client.websocket_connect(ws_url(event)) as ws:
        receive(ws)
        vote(ws, poll["id"], "v", choices=[0])
        assert receive_until(ws, reply_to("v"))["code"] == "not_a_participant"
    assert poll_counts(client, event, poll["id"]) == [0, 0, 0]


def test_token_of_another_event_is_refused_at_the_handshake(
    client: TestClient, event: EventFixture
) -> None:
    from tests.web.conftest import create_event

    other = create_event(client)
    foreign = join(client, other)
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(ws_url(event, foreign)):
        pass


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/ZZZZZZ/rooms/x/ws",  # unknown event
        "/api/v1/events/{code}/rooms/unknown/ws",  # unknown room
    ],
)
def test_unknown_event_or_room_is_refused(
    client: TestClient, event: EventFixture, path: str
) -> None:
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(path.format(code=event.code)):
        pass


def test_foreign_origin_is_refused(client: TestClient, event: EventFixture) -> None:
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect(ws_url(event), headers={"Origin": "http://evil.example"}),
    ):
        pass
    # The app's own origin is fine.
    with client.websocket_connect(ws_url(event), headers={"Origin": "http://testserver"}) as ws:
        assert receive(ws)["type"] == "snapshot"


def test_oversized_frame_closes_with_1009(client: TestClient, event: EventFixture) -> None:
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        ws.send_text(json.dumps({"type": "vote", "text": "x" * 70_000}))
        with pytest.raises(WebSocketDisconnect) as closed:
            receive_until(ws, lambda m: False)
    assert closed.value.code == 1009


@pytest.fixture
def no_refill(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rate limiter's buckets do not refill: a test sends its burst at whatever speed the
    machine manages, and a slow one (each vote waits for its fsync) would otherwise earn back
    enough tokens never to be limited. The burst allowance is what these tests check."""
    import live.web.sockets

    monkeypatch.setattr(live.web.sockets, "RATE_PER_SECOND", 0.0)


@pytest.mark.usefixtures("no_refill")
def test_rate_limit_per_participant(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event)
    token = join(client, event)
    codes = []
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        for i in range(60):
            vote(ws, poll["id"], f"burst-{i}", choices=[i % 3])
        for i in range(60):
            reply = receive_until(ws, reply_to(f"burst-{i}"))
            codes.append(reply.get("code", "ack"))
    assert codes == ["ack"] * 30 + ["rate_limited"] * 30  # the burst allowance, then no more


def test_page_socket_pushes_html_regions(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, question="Wie war der Vortrag?")
    with client.websocket_connect(f"/e/{event.code}/rooms/{event.room}/live?view=screen") as screen:
        html = screen.receive_text()
        assert 'id="screen-stage"' in html
        assert "Wie war der Vortrag?" in html
        token = join(client, event)
        with client.websocket_connect(ws_url(event, token)) as phone:
            receive(phone)
            vote(phone, poll["id"], "r", choices=[0])
            assert receive_until(phone, reply_to("r"))["type"] == "ack"
        # The projector's region changes with the vote (the count; the distribution too, live
        # by default: screen_results, whatever the phones' "after_vote" says).
        for _ in range(10):
            html = screen.receive_text()
            if "1 Stimme" in html:
                break
        assert 'id="screen-results"' in html and "1 Stimme" in html


def test_moderator_page_socket_needs_the_cookie(client: TestClient, event: EventFixture) -> None:
    url = f"/e/{event.code}/rooms/{event.room}/live?view=moderate"
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(url):
        pass
    client.cookies.set(f"live_m_{event.code}", event.token)
    with client.websocket_connect(url) as ws:
        assert 'id="mod-live"' in ws.receive_text()


def test_a_retry_after_the_poll_closed_is_acked_again_not_refused(
    client: TestClient, event: EventFixture
) -> None:
    """The client lost our ack and retries after the moderator closed the poll: its vote was
    stored, so the contract says: acknowledge again, count once."""
    poll = create_poll(client, event)
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        vote(ws, poll["id"], "lost-ack", choices=[1])
        assert receive_until(ws, reply_to("lost-ack"))["type"] == "ack"
        client.post(f"/api/v1/events/{event.code}/polls/{poll['id']}/close", headers=event.auth)
        vote(ws, poll["id"], "lost-ack", choices=[1])
        assert receive_until(ws, reply_to("lost-ack")) == {"type": "ack", "request_id": "lost-ack"}
        # A new request on the closed poll is still refused.
        vote(ws, poll["id"], "new", choices=[0])
        assert receive_until(ws, reply_to("new"))["code"] == "poll_closed"
    assert poll_counts(client, event, poll["id"]) == [0, 1, 0]


def test_a_rooms_socket_votes_only_in_that_room(client: TestClient, event: EventFixture) -> None:
    other_room = event.rooms[1]["id"]
    poll = create_poll(client, event, room=other_room)
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:  # the first room's socket
        receive(ws)
        vote(ws, poll["id"], "x", choices=[0])
        assert receive_until(ws, reply_to("x"))["code"] == "poll_not_found"
    assert poll_counts(client, event, poll["id"]) == [0, 0, 0]


@pytest.mark.usefixtures("no_refill")
def test_junk_frames_are_rate_limited_too(client: TestClient, event: EventFixture) -> None:
    token = join(client, event)
    codes = []
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        for _ in range(40):
            ws.send_text("{junk")
        for _ in range(40):
            codes.append(receive_until(ws, lambda m: m["type"] == "error")["code"])
    assert "rate_limited" not in codes[:30]
    assert codes[30:] == ["rate_limited"] * 10


def test_store_outage_refuses_new_sockets_with_503(client: TestClient, event: EventFixture) -> None:
    from starlette.testclient import WebSocketDenialResponse

    close_store(client)
    with pytest.raises(WebSocketDenialResponse) as denied, client.websocket_connect(ws_url(event)):
        pass
    assert denied.value.status_code == 503
