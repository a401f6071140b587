"""Self-test of the browser harness (Chromium, guards, axe) against a tiny static site."""

from __future__ import annotations

from collections.abc import Generator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler

import pytest
from playwright.sync_api import Browser, Page

from tests.support.axe import check_a11y
from tests.support.browser import (
    BrowserGuard,
    ContextFactory,
    is_local_url,
    serve_pages,
    third_party_requests,
)

pytestmark = pytest.mark.browser

# The same policy the app sends: axe must work under it.
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"

STYLE = b"""
body { font-family: sans-serif; color: #111; background: #fff; }
.faint { color: #c8c8c8; }
"""

OK_PAGE = b"""<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Barrierefrei</title>
<link rel="stylesheet" href="/style.css">
<script src="/app.js" defer></script>
</head>
<body>
<main>
<h1>Umfrage</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Logo">
<form>
<label for="name">Name</label> <input id="name" name="name" type="text">
<button type="submit">Senden</button>
</form>
</main>
</body>
</html>
"""

BAD_PAGE = b"""<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Nicht barrierefrei</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<main>
<h1>Umfrage</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text">
<p class="faint">Kaum lesbarer Text</p>
</main>
</body>
</html>
"""

THIRD_PARTY_PAGE = b"""<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Fremd</title>
<script src="http://example.invalid/x.js"></script>
</head><body><main><h1>Fremd</h1></main></body></html>
"""

BROKEN_PAGE = b"""<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Kaputt</title>
<script src="/broken.js"></script>
</head><body><main><h1>Kaputt</h1></main></body></html>
"""

# path -> (content type, body, send CSP)
ROUTES: dict[str, tuple[str, bytes, bool]] = {
    "/ok.html": ("text/html; charset=utf-8", OK_PAGE, True),
    "/bad.html": ("text/html; charset=utf-8", BAD_PAGE, True),
    "/third-party.html": ("text/html; charset=utf-8", THIRD_PARTY_PAGE, False),
    "/broken.html": ("text/html; charset=utf-8", BROKEN_PAGE, True),
    "/style.css": ("text/css; charset=utf-8", STYLE, True),
    "/app.js": (
        "text/javascript; charset=utf-8",
        b"document.documentElement.dataset.js = '1';",
        True,
    ),
    "/broken.js": (
        "text/javascript; charset=utf-8",
        b"console.error('kaputt'); throw new Error('absichtlich');",
        True,
    ),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/status/"):  # /status/422 answers 422
            self.send_response(int(self.path.removeprefix("/status/")))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        route = ROUTES.get(self.path)
        if route is None:
            self.send_response(HTTPStatus.NO_CONTENT)  # favicon.ico and friends
            self.end_headers()
            return
        content_type, body, csp = route
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if csp:
            self.send_header("Content-Security-Policy", CSP)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Generator[str]:
    with serve_pages(_Handler) as url:
        yield url


def test_accessible_page_passes_axe_under_strict_csp(site: str, phone: Page) -> None:
    response = phone.goto(site + "/ok.html")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert phone.evaluate("document.documentElement.dataset.js") == "1"  # own script ran
    assert phone.evaluate("navigator.language") == "de-DE"
    assert phone.viewport_size == {"width": 390, "height": 844}
    check_a11y(phone, context="harness ok page (phone)")
    # The guard of this test's context (checked at teardown) proves that injecting axe caused
    # no CSP violation in the console.


def test_page_with_violations_fails_axe(site: str, projector: Page) -> None:
    projector.goto(site + "/bad.html")
    with pytest.raises(AssertionError) as excinfo:
        check_a11y(projector, context="harness bad page")
    message = str(excinfo.value)
    assert "harness bad page" in message
    for rule in ("image-alt", "label", "color-contrast"):
        assert f"- {rule} [" in message, message
    assert "critical" in message
    assert "serious" in message


def test_third_party_request_is_detected(site: str, chromium: Browser) -> None:
    # Own context and guard: the point is to see the guard flag it, not to fail this test.
    guard = BrowserGuard()
    context = chromium.new_context(locale="de-DE")
    try:
        guard.attach(context)
        page = context.new_page()
        page.goto(site + "/third-party.html")
    finally:
        context.close()
    assert third_party_requests(guard.requests) == ["http://example.invalid/x.js"]
    problems = guard.problems()
    assert any("third-party" in p and "example.invalid" in p for p in problems), problems


def test_console_and_page_errors_are_detected(site: str, chromium: Browser) -> None:
    guard = BrowserGuard()
    context = chromium.new_context(locale="de-DE")
    try:
        guard.attach(context)
        page = context.new_page()
        page.goto(site + "/broken.html")
    finally:
        context.close()
    assert any("kaputt" in e for e in guard.console_errors), guard.console_errors
    assert any("absichtlich" in e for e in guard.page_errors), guard.page_errors
    guard.allow_console_error("kaputt")
    assert guard.unexpected_console_errors() == []
    assert guard.problems() == [f"uncaught page errors:\n  {guard.page_errors[0]}"]


def test_browser_context_factory_applies_options(
    site: str, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    page = browser_context(viewport={"width": 800, "height": 600}, locale="en-US").new_page()
    page.goto(site + "/ok.html")
    assert page.evaluate("navigator.language") == "en-US"
    assert page.viewport_size == {"width": 800, "height": 600}
    assert site + "/ok.html" in browser_guard.requests
    assert third_party_requests(browser_guard.requests) == []


def test_expected_error_status_can_be_allowed(
    site: str, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    page = browser_context().new_page()
    page.goto(site + "/ok.html")
    with page.expect_console_message(lambda m: "status of 422" in m.text):
        status = page.evaluate("async () => (await fetch('/status/422')).status")
    assert status == 422
    browser_guard.allow_http_status(422)
    assert browser_guard.unexpected_console_errors() == []


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8000/", True),
        ("ws://127.0.0.1:8000/ws/x", True),
        ("http://localhost:1/a.js", True),
        ("http://[::1]:8000/", True),
        ("data:image/png;base64,AAAA", True),
        ("blob:http://127.0.0.1:8000/uuid", True),
        ("about:blank", True),
        ("http://example.invalid/x.js", False),
        ("https://unpkg.com/htmx.org", False),
        ("http://127.0.0.1.example.com/", False),
        ("http://localhost.evil.test/", False),
    ],
)
def test_is_local_url(url: str, local: bool) -> None:
    assert is_local_url(url) is local
