"""A phone's first load of the participant page, counted on the wire in real Chromium: at most
45 KB for everything (page, stylesheets, scripts; headers included; the socket not counted),
and a repeat visit that asks the server for no static file at all (issue 18, point 7).

Counted twice: by Playwright (each finished request's encoded body + response headers) and by
the DevTools protocol (each request's encodedDataLength). Whether an asset came from the cache
is read from the DevTools protocol (requestServedFromCache, fromDiskCache) and checked against
the server's own access log: no GET /static/ reaches it on the second visit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import CDPSession, Page, Request, expect

from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, ContextFactory
from tests.support.server import LiveServer, LiveServerFactory
from tests.support.stage import request_json

pytestmark = pytest.mark.browser

BUDGET = 45_000  # bytes on the wire for the first load (issue 18: "≤ 45 KB")


@dataclass
class Wire:
    """What one page's loads did, as Playwright and the DevTools protocol report it."""

    finished: list[Request] = field(default_factory=list)  # HTTP requests done (Playwright)
    urls: dict[str, str] = field(default_factory=dict)  # CDP requestId -> url
    encoded: dict[str, int] = field(default_factory=dict)  # requestId -> encodedDataLength
    from_network: dict[str, int] = field(default_factory=dict)  # requestId -> status
    from_cache: set[str] = field(default_factory=set)  # requestIds the cache answered
    socket_extensions: list[str] = field(default_factory=list)

    def clear(self) -> None:
        for part in (self.urls, self.encoded, self.from_network):
            part.clear()
        self.finished.clear()
        self.from_cache.clear()

    def on_finished(self, request: Request) -> None:
        if request.url.startswith("http"):
            self.finished.append(request)

    def sizes(self) -> dict[str, int]:
        """Each finished request's encoded body + response headers, by URL (asked after the
        load, not inside the event handler)."""
        sizes: dict[str, int] = {}
        for request in self.finished:
            size = request.sizes()
            sizes[request.url] = size["responseBodySize"] + size["responseHeadersSize"]
        return sizes

    def listen(self, cdp: CDPSession) -> None:
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", lambda e: self.from_cache.add(e["requestId"]))
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketHandshakeResponseReceived", self._handshake)
        cdp.send("Network.enable")

    def _sent(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _received(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.from_cache.add(event["requestId"])
        elif not response.get("fromServiceWorker"):
            self.from_network[event["requestId"]] = response["status"]

    def _finished(self, event: dict[str, Any]) -> None:
        self.encoded[event["requestId"]] = int(event["encodedDataLength"])

    def _handshake(self, event: dict[str, Any]) -> None:
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        self.socket_extensions.append(headers.get("sec-websocket-extensions", ""))

    def network_urls(self) -> list[str]:
        return sorted(
            self.urls[rid]
            for rid in self.from_network
            if rid in self.urls and rid not in self.from_cache
        )

    def cdp_total(self) -> int:
        return sum(size for rid, size in self.encoded.items() if rid not in self.from_cache)


def static_requests_in_log(server: LiveServer) -> int:
    return len(re.findall(r'"GET /static/', server.log_path.read_text(errors="replace")))


def loaded(page: Page) -> None:
    """Every stylesheet and script in (the load event) and the socket open."""
    page.wait_for_load_state("load")
    expect(page.locator(".connection").first).to_have_attribute(
        "data-state", "open", timeout=DEFAULT_TIMEOUT_MS
    )
    page.evaluate("1")  # one round trip: the protocol's events of the load are delivered


def test_a_phones_first_load_is_light_and_a_repeat_visit_asks_for_no_asset(
    live_server_factory: LiveServerFactory, browser_context: ContextFactory
) -> None:
    # The server's access log counts what reached it (off by default: LIVE_ACCESS_LOG).
    live_server = live_server_factory(env={"LIVE_ACCESS_LOG": "1"})
    event = request_json(
        live_server,
        "POST",
        "/api/v1/events",
        {"title": "Fachtag der kommunalen Jobcenter", "rooms": ["Plenum", "Fachforum 1"]},
    )
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    poll = request_json(
        live_server,
        "POST",
        f"/api/v1/events/{code}/rooms/{room}/polls",
        {
            "question": "Wie zufrieden sind Sie mit der digitalen Antragstellung?",
            "kind": "single",
            "options": ["sehr zufrieden", "zufrieden", "teils, teils", "unzufrieden"],
        },
        token,
    )
    request_json(live_server, "POST", f"/api/v1/events/{code}/polls/{poll['id']}/open", None, token)
    url = f"{live_server.url}/e/{code}?room={room}"

    context = browser_context(**PHONE)
    page = context.new_page()
    wire = Wire()
    page.on("requestfinished", wire.on_finished)
    wire.listen(context.new_cdp_session(page))

    # --- first load: an empty cache ---
    before = static_requests_in_log(live_server)
    response = page.goto(url)
    assert response is not None and response.status == 200
    loaded(page)
    expect(page.get_by_text("Wie zufrieden sind Sie mit der digitalen")).to_be_visible()
    html = response.text()
    assets = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
    assert {a.split("/")[-1].split(".")[0] for a in assets} >= {"live", "applause", "htmx-2"}
    fetched = {u.removeprefix(live_server.url) for u in wire.network_urls()}
    assert assets <= fetched, assets - fetched  # every asset came over the network
    assert static_requests_in_log(live_server) - before == len(assets)
    sizes = wire.sizes()
    playwright_total = sum(sizes.values())
    detail = "\n".join(f"{size:>7} {u}" for u, size in sorted(sizes.items()))
    assert set(sizes) == {url} | {live_server.url + a for a in assets}, detail
    print(f"first load: {playwright_total} bytes (DevTools: {wire.cdp_total()})\n{detail}")
    assert playwright_total <= BUDGET, f"{playwright_total} bytes:\n{detail}"
    assert wire.cdp_total() <= BUDGET, f"{wire.cdp_total()} bytes (DevTools)"
    # The socket's frames stay uncompressed (small frames, thousands of sockets).
    assert wire.socket_extensions and not any("deflate" in e for e in wire.socket_extensions)

    # --- a repeat visit (following a link to the page again), then a reload ---
    visits: list[Callable[[], object]] = [lambda: page.goto(url), page.reload]
    for again in visits:
        wire.clear()
        before = static_requests_in_log(live_server)
        again()
        loaded(page)
        assert static_requests_in_log(live_server) == before  # the server saw no asset request
        network = [u for u in wire.network_urls() if "/static/" in u]
        assert network == []
        assert wire.network_urls() == [url]  # the page itself is fetched anew: the listeners work
        assert sum(wire.encoded[rid] for rid in wire.encoded if wire.urls.get(rid) == url) > 0
