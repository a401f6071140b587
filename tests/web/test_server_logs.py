"""A real `live serve`'s log (live/logs.py): with LIVE_LOG_FORMAT=json or logfmt every line is
one event that a log shipper can parse, the access and socket lines carry the request id the
client was told (X-Request-Id), and no token or typed text is in any line."""

from __future__ import annotations

import http.client
import json

import pytest

from tests.support.server import LiveServer, LiveServerFactory
from tests.support.socket_frames import server_message
from tests.support.voting import call
from tests.test_logs import logfmt
from tests.web.test_server import ws

QUESTION = "Geheimer Fragetext 4711"


def get(server: LiveServer, path: str) -> http.client.HTTPResponse:
    """One request, redirects not followed (http.client: no proxy from the environment)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.mark.parametrize("fmt", ["json", "logfmt"])
def test_each_line_is_one_parsable_event_with_its_request_id_and_no_secrets(
    live_server_factory: LiveServerFactory, fmt: str
) -> None:
    server = live_server_factory(env={"LIVE_LOG_FORMAT": fmt, "LIVE_ACCESS_LOG": "1"})
    event = call(server, "POST", "/api/v1/events", {"title": "Protokoll", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    participant = call(server, "POST", f"/api/v1/events/{code}/join")["participant_token"]
    # The moderator's link carries the token once, in the query.
    moderate = get(server, f"/e/{code}/moderate?token={token}&lang=en")
    request_id = moderate.getheader("x-request-id")
    assert request_id
    with ws(server, code, room, participant) as conn:
        server_message(conn.recv(timeout=10))  # snapshot
        conn.send(json.dumps({"type": "ask", "request_id": "q1", "text": QUESTION}))
        for _ in range(50):
            if server_message(conn.recv(timeout=10)).get("request_id") == "q1":
                break
    server.stop()  # everything the process wrote is in its log now

    text = server.log_text()
    lines = [line for line in text.splitlines() if not line.startswith("--- ")]
    events = [json.loads(line) if fmt == "json" else logfmt(line) for line in lines]
    assert all({"time", "level", "logger", "msg", "pid"} <= set(e) for e in events)
    assert any(e["msg"] == "Application shutdown complete." for e in events)

    access = {e["path"]: e for e in events if e["logger"] == "uvicorn.access"}
    line = access[f"/e/{code}/moderate?token=[redacted]&lang=en"]
    assert line["request_id"] == request_id
    assert str(line["status"]) == str(moderate.status)
    # The socket's line (uvicorn's, on accepting it) has an id of its own, and no token.
    accepted = [e for e in events if "WebSocket" in e["msg"] and "accepted" in e["msg"]]
    assert len(accepted) == 1
    assert "token=[redacted]" in accepted[0]["msg"]
    assert accepted[0]["request_id"] not in {"", request_id}
    assert len({e["request_id"] for e in access.values()}) == len(access)  # one id each

    for secret in (token, participant, QUESTION):
        assert secret not in text


def test_without_the_access_log_no_line_names_a_client_address(
    live_server_factory: LiveServerFactory,
) -> None:
    """LIVE_ACCESS_LOG is off by default: uvicorn's line per socket handshake, which starts
    with the client's address and port, says "-" instead (live/logs.py HideClientAddress)."""
    server = live_server_factory()
    event = call(server, "POST", "/api/v1/events", {"title": "Protokoll", "rooms": ["Plenum"]})
    code, room = event["code"], event["rooms"][0]["id"]
    participant = call(server, "POST", f"/api/v1/events/{code}/join")["participant_token"]
    with ws(server, code, room, participant) as conn:
        server_message(conn.recv(timeout=10))  # snapshot
    server.stop()
    lines = [line for line in server.log_text().splitlines() if not line.startswith("--- ")]
    accepted = [line for line in lines if '"WebSocket ' in line and "[accepted]" in line]
    assert len(accepted) == 1
    assert ' - - "WebSocket /api/v1/events/' in accepted[0]
    # The server's own address is in its start line; no other line names one.
    start = f"127.0.0.1:{server.port}"
    assert [line for line in lines if "127.0.0.1" in line.replace(start, "")] == []
