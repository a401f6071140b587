"""The reverse proxy examples of docs/deploy.md, run: nginx (the ```nginx block) and Caddy
(docs/ops/Caddyfile), each with HTTPS in front of a real `live serve`.

Through each: pages load with HSTS, a browser's WebSocket (its Origin the proxy's https address)
is upgraded and gets the snapshot and then a live update, the scheme reaches the app (an http
Origin is refused), and the client's address reaches it too: the join budget (1 a minute here)
counts each client address apart, and an X-Forwarded-For a client makes up itself is not taken.
Clients connect from different loopback addresses (127.0.0.x) to be different clients.
"""

from __future__ import annotations

import gzip
import http.client
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from tests.support.deploy_files import OPS_DIR, docs_block
from tests.support.proxies import CLIENT_TLS, Caddy, Nginx, Proxy
from tests.support.server import LiveServer
from tests.support.socket_frames import server_message

HSTS = "max-age=31536000"


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One app behind both proxies (starting one takes seconds on a busy machine)."""
    base = tmp_path_factory.mktemp("proxied-app")
    # Only the proxy on this host may name the client; one new identity per address and minute.
    env = {"LIVE_FORWARDED_ALLOW_IPS": "127.0.0.1", "LIVE_JOIN_PER_MINUTE": "1"}
    server = LiveServer(data_dir=base / "data", log_path=base / "server.log", env=env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module", params=[Nginx, Caddy], ids=["nginx", "caddy"])
def proxy(
    request: pytest.FixtureRequest,
    app_server: LiveServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Proxy, LiveServer]]:
    folder = tmp_path_factory.mktemp(request.param.name)
    front: Proxy = request.param(folder, app_server.port)
    front.start()
    try:
        yield front, app_server
    finally:
        front.stop()


# Every client gets an address of its own (the join budget is per address and outlives a test).
_addresses = (f"127.0.0.{n}" for n in itertools.count(2))


class Client:
    """A client at one loopback address, talking HTTPS to the proxy."""

    def __init__(self, proxy: Proxy) -> None:
        self.proxy = proxy
        self.address = next(_addresses)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        conn = http.client.HTTPSConnection(
            "127.0.0.1",
            self.proxy.port,
            timeout=10,
            context=CLIENT_TLS,
            source_address=(self.address, 0),
        )
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=data, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def json(self, method: str, path: str, body: Any = None, token: str = "") -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        status, _, data = self.request(method, path, body, headers)
        assert status in {200, 201}, (status, data)
        return json.loads(data)

    def join(self, code: str, forwarded_for: str | None = None) -> int:
        headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        status, _, _ = self.request("POST", f"/api/v1/events/{code}/join", headers=headers)
        return status


def test_pages_come_through_with_hsts(proxy: tuple[Proxy, LiveServer]) -> None:
    front, server = proxy
    client = Client(front)
    event = client.json("POST", "/api/v1/events", {"title": "Hinter dem Proxy"})
    status, headers, body = client.request("GET", f"/e/{event['code']}")
    assert status == 200, server.log_tail()
    assert "Hinter dem Proxy" in body.decode()
    assert headers["Strict-Transport-Security"] == HSTS
    # The app's own compression comes through (the docs leave the proxy's off).
    status, headers, body = client.request("GET", "/", headers={"Accept-Encoding": "gzip"})
    assert (status, headers["Content-Encoding"]) == (200, "gzip")
    assert "Veranstaltung anlegen" in gzip.decompress(body).decode()
    assert headers["Strict-Transport-Security"] == HSTS


def test_the_client_address_reaches_the_app_and_cannot_be_made_up(
    proxy: tuple[Proxy, LiveServer],
) -> None:
    front, server = proxy
    code = Client(front).json("POST", "/api/v1/events", {"title": "Adressen"})["code"]
    first, second, third = Client(front), Client(front), Client(front)
    # Were the proxy's own address taken, the second join would exceed the shared budget.
    assert first.join(code) == 201, server.log_tail()
    assert second.join(code) == 201, server.log_tail()
    assert first.join(code) == 429
    # A client that names the first one's address is still counted as itself.
    assert third.join(code, forwarded_for=first.address) == 201, server.log_tail()
    assert third.join(code, forwarded_for=Client(front).address) == 429


def test_a_browser_socket_is_upgraded_and_gets_the_snapshot_and_updates(
    proxy: tuple[Proxy, LiveServer],
) -> None:
    front, _ = proxy
    client = Client(front)
    event = client.json("POST", "/api/v1/events", {"title": "Sockets", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    participant = client.json("POST", f"/api/v1/events/{code}/join")["participant_token"]
    poll = client.json(
        "POST",
        f"/api/v1/events/{code}/rooms/{room}/polls",
        {"question": "Kommt das an?", "kind": "single", "options": ["ja", "nein"]},
        token,
    )
    url = f"wss://127.0.0.1:{front.port}/api/v1/events/{code}/rooms/{room}/ws?token={participant}"

    def open_socket(origin: str) -> Any:
        return connect(url, ssl=CLIENT_TLS, origin=Origin(origin), open_timeout=10, close_timeout=2)

    # The scheme the browser used reaches the app: an http page may not open this socket.
    with pytest.raises(InvalidStatus) as refused:
        open_socket(f"http://127.0.0.1:{front.port}")
    assert refused.value.response.status_code == 403

    with open_socket(f"https://127.0.0.1:{front.port}") as socket:
        snapshot = server_message(socket.recv(timeout=10))
        assert snapshot["type"] == "snapshot", snapshot
        assert snapshot["polls"] == []  # a draft is not shown to participants
        client.json("POST", f"/api/v1/events/{code}/polls/{poll['id']}/open", {}, token)
        # Pushed through the proxy as it happens (no buffering): the poll, now open.
        for _ in range(20):
            message = server_message(socket.recv(timeout=10))
            if message["type"] == "poll":
                assert message["poll"]["state"] == "open"
                break
        else:
            raise AssertionError("no poll update came through the proxy")


def test_the_docs_show_the_caddyfile_that_is_tested_and_mounted() -> None:
    assert docs_block("caddy") == (OPS_DIR / "Caddyfile").read_text(encoding="utf-8")
