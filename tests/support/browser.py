"""Browser harness pieces without pytest: Chromium launch settings, viewport presets, and the
guard that records requests, console errors and page errors (used by tests/browser/conftest.py).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    ViewportSize,
    WebSocket,
    WebSocketRoute,
    expect,
)

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # Only local names resolve: a stray third-party URL fails at once instead of waiting on
    # DNS (and never leaves the machine). The request is still recorded and flagged.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
PROJECTOR: dict[str, Any] = {"viewport": {"width": 1920, "height": 1080}}

# Every wait of a browser test (actions, expect(), wait_for_function): it only bounds a hang, so
# it is generous; a busy machine makes pages slower, not wrong.
DEFAULT_TIMEOUT_MS = 15_000

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# URLs without a network host (inline images, object URLs, blank pages).
HOSTLESS_SCHEMES = frozenset({"data", "blob", "about"})


# The pages' socket (live/web/routes.py: /e/{code}/rooms/{room}/live?view=…).
PAGE_SOCKET = re.compile(r"/rooms/[^/]+/live\?")


class PageSocketRelay:
    """The page's socket routed through Playwright to the real server, so that a test can
    drop it: the page then connects anew (htmx's reconnect), with the cookies the browser
    holds by then. Install before the page loads."""

    def __init__(self, page: Page) -> None:
        self._page = page
        self._routes: list[WebSocketRoute] = []
        page.route_web_socket(PAGE_SOCKET, self._relay)

    def _relay(self, ws: WebSocketRoute) -> None:
        ws.connect_to_server()
        self._routes.append(ws)

    def reconnect(self) -> None:
        """Closes the page's socket as a restarting server does (1012, which htmx answers by
        connecting again) and waits until the page has connected anew."""
        count = len(self._routes)
        self._routes[-1].close(code=1012)
        for _ in range(600):  # bounds a hang only: htmx waits up to 1 s before it reconnects
            if len(self._routes) > count:
                break
            self._page.wait_for_timeout(50)
        assert len(self._routes) > count, "the page did not connect again"
        expect(self._page.locator("body")).to_have_attribute("data-connection", "open")


def is_local_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in HOSTLESS_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


def third_party_requests(urls: Iterable[str]) -> list[str]:
    """The URLs (in order, with repeats) that go to a host other than 127.0.0.1/localhost."""
    return [url for url in urls if not is_local_url(url)]


class BrowserGuard:
    """Records what the pages of a test did; `problems()` lists what should fail the test."""

    def __init__(self) -> None:
        self.requests: list[str] = []  # every HTTP request and WebSocket URL, in order
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self._allowed: list[re.Pattern[str]] = []

    def allow_console_error(self, pattern: str) -> None:
        """Console errors matching `pattern` (re.search) are expected in this test."""
        self._allowed.append(re.compile(pattern))

    def allow_http_status(self, *codes: int) -> None:
        """Expected error answers (e.g. 422 for a rejected form): Chromium logs each one as
        "Failed to load resource: the server responded with a status of 422 (…)"."""
        for code in codes:
            self.allow_console_error(
                rf"^Failed to load resource: the server responded with a status of {code}\b"
            )

    def allow_websocket_errors(self) -> None:
        """For tests that stop/restart the server: "WebSocket connection to '…' failed: …"."""
        self.allow_console_error(r"^WebSocket connection to '[^']*' failed")

    def allow_server_down(self) -> None:
        """For tests that stop the server: its sockets fail, and so does any request a page
        makes meanwhile (the projector asks for its join panel every few seconds), which
        Chromium and htmx log."""
        self.allow_websocket_errors()
        self.allow_console_error(r"^Failed to load resource: net::ERR_CONNECTION_REFUSED")
        self.allow_console_error(r"^htmx:(sendError|afterRequest)\b")

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._on_request)
        context.on("page", self._on_page)
        for page in context.pages:
            self._on_page(page)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _on_websocket(self, ws: WebSocket) -> None:
        self.requests.append(ws.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location  # lineNumber is 0-based
            where = f" ({location['url']}:{location['lineNumber'] + 1})" if location["url"] else ""
            self.console_errors.append(f"{message.text}{where}")

    def _on_page_error(self, error: Exception) -> None:
        # The stack (when there is one) starts with "Error: message" and says where it came from.
        self.page_errors.append(getattr(error, "stack", None) or str(error))

    def _on_page(self, page: Page) -> None:
        page.on("websocket", self._on_websocket)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def unexpected_console_errors(self) -> list[str]:
        return [e for e in self.console_errors if not any(p.search(e) for p in self._allowed)]

    def problems(self) -> list[str]:
        found = []
        if third := third_party_requests(self.requests):
            found.append("requests to third-party hosts: " + ", ".join(dict.fromkeys(third)))
        if console := self.unexpected_console_errors():
            found.append("console errors:\n  " + "\n  ".join(console))
        if self.page_errors:
            found.append("uncaught page errors:\n  " + "\n  ".join(self.page_errors))
        return found


class ContextFactory(Protocol):
    def __call__(
        self,
        *,
        viewport: ViewportSize | None = None,
        is_mobile: bool = False,
        has_touch: bool = False,
        locale: str = "de-DE",
        **kwargs: Any,
    ) -> BrowserContext: ...


@contextlib.contextmanager
def serve_pages(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A throwaway HTTP server for static test pages on a free loopback port; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
