"""Against a real `live serve` process: restart keeps everything; uvicorn enforces the frame cap."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.support.server import LiveServer, LiveServerFactory
from tests.support.socket_frames import server_message
from tests.support.voting import call


def ws(server: LiveServer, code: str, room: str, token: str) -> Any:
    url = f"{server.ws_url}/api/v1/events/{code}/rooms/{room}/ws?token={token}"
    return connect(url, open_timeout=10, close_timeout=2)


def vote_and_wait(conn: Any, request_id: str, poll_id: str, **fields: Any) -> dict[str, Any]:
    conn.send(json.dumps({"type": "vote", "request_id": request_id, "poll_id": poll_id, **fields}))
    for _ in range(50):
        message = server_message(conn.recv(timeout=10))
        if message.get("request_id") == request_id:
            return message
    raise AssertionError("no reply")


def test_restart_keeps_events_polls_and_votes(live_server: LiveServer) -> None:
    event = call(live_server, "POST", "/api/v1/events", {"title": "Neustart", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    poll = call(
        live_server,
        "POST",
        f"/api/v1/events/{code}/rooms/{room}/polls",
        {"question": "Bleibt das?", "kind": "single", "options": ["ja", "nein"]},
        token,
    )
    call(live_server, "POST", f"/api/v1/events/{code}/polls/{poll['id']}/open", {}, token)
    voters = [
        call(live_server, "POST", f"/api/v1/events/{code}/join")["participant_token"]
        for _ in range(3)
    ]
    for i, participant in enumerate(voters):
        with ws(live_server, code, room, participant) as conn:
            server_message(conn.recv(timeout=10))  # snapshot
            assert vote_and_wait(conn, f"r{i}", poll["id"], choices=[i % 2])["type"] == "ack"

    live_server.stop()  # SIGTERM: uvicorn shuts down gracefully, then re-raises the signal
    assert "Application shutdown complete" in live_server.log_path.read_text()
    live_server.start()

    after = call(live_server, "GET", f"/api/v1/events/{code}/polls/{poll['id']}")
    assert after["state"] == "open"
    assert after["results"]["counts"] == [2, 1]
    assert call(live_server, "GET", f"/api/v1/events/{code}")["title"] == "Neustart"
    # Identities survive too: the same participant changes its vote instead of adding one,
    # and a repeated request_id from before the restart is still recognised.
    with ws(live_server, code, room, voters[0]) as conn:
        server_message(conn.recv(timeout=10))
        assert vote_and_wait(conn, "r0", poll["id"], choices=[1])["type"] == "ack"
        assert vote_and_wait(conn, "after", poll["id"], choices=[1])["type"] == "ack"
    final = call(live_server, "GET", f"/api/v1/events/{code}/polls/{poll['id']}")
    # Secrets never reach the server log, although sockets carry them in the URL.
    log = live_server.log_path.read_text()
    assert "token=[redacted]" in log
    assert all(secret not in log for secret in [*voters, token])
    assert final["results"]["counts"] == [1, 2]
    # The moderator token still works.
    call(live_server, "POST", f"/api/v1/events/{code}/polls/{poll['id']}/close", {}, token)


def test_uvicorn_closes_oversized_frames_with_1009(live_server: LiveServer) -> None:
    event = call(live_server, "POST", "/api/v1/events", {"title": "Groß"})
    code, room = event["code"], event["rooms"][0]["id"]
    participant = call(live_server, "POST", f"/api/v1/events/{code}/join")["participant_token"]
    with ws(live_server, code, room, participant) as conn:
        server_message(conn.recv(timeout=10))
        conn.send("x" * (64 * 1024 + 1))
        with pytest.raises(ConnectionClosed) as closed:
            for _ in range(10):
                conn.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_healthz_and_security_headers(live_server: LiveServer) -> None:
    with urllib.request.urlopen(live_server.url + "/healthz", timeout=10) as response:
        assert response.status == 200
        assert json.load(response) == {"status": "ok", "store": "ok", "hub": "ok"}
    with urllib.request.urlopen(live_server.url + "/", timeout=10) as response:
        csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "server" not in {k.lower() for k in response.headers}


def test_requests_are_logged_only_when_the_operator_asks(
    live_server_factory: LiveServerFactory,
) -> None:
    """An access log names each phone's address: off by default, on with LIVE_ACCESS_LOG=1."""
    for env, logged in (({}, False), ({"LIVE_ACCESS_LOG": "1"}, True)):
        server = live_server_factory(env=env)
        with urllib.request.urlopen(server.url + "/healthz", timeout=10) as response:
            assert response.status == 200
        server.stop()  # everything the process wrote is in its log now
        log = server.log_path.read_text()
        assert "Application shutdown complete" in log
        assert ('"GET /healthz HTTP/1.1" 200' in log) is logged, log
