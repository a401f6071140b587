"""Framing by allowlist in real Chromium: a parent page on another site (127.0.0.1 at a port of
its own; the app is opened as localhost, another site to the browser) frames the participant
page, the projector and the overlay when LIVE_FRAME_ANCESTORS lists its origin; a parent that
is not listed is refused, and so is the moderation page for every parent. In the cross-site
frame the participant keeps one identity (SameSite=None; Secure; Partitioned cookie) and the
frame's own form posts and socket pass the Origin checks."""

from __future__ import annotations

import html
import re
import threading
import urllib.request
from collections.abc import Generator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Frame, Page, expect

from live.web.routes import routes
from live.web.security import FramableRoute
from tests.browser.test_every_page import NOT_PAGES, PAGES, _ask
from tests.support.browser import BrowserGuard, ContextFactory
from tests.support.server import LiveServer, LiveServerFactory, free_port
from tests.support.stage import api

pytestmark = pytest.mark.browser

# Chromium's words for a frame its frame-ancestors refused (older versions: "Refused to frame").
REFUSED = r"(Framing|Refused to frame) '[^']*'.* Security Policy directive: \"frame-ancestors"


class _Parent(BaseHTTPRequestHandler):
    """``/?src=URL``: a page of another site that frames URL (like a video conference's side
    panel or an intranet portal)."""

    def do_GET(self) -> None:
        src = parse_qs(urlsplit(self.path).query).get("src", [""])[0]
        body = (
            "<!doctype html><html lang=de><title>Portal</title><h1>Portal</h1>"
            f'<iframe title="live" src="{html.escape(src)}" width="400" height="700"></iframe>'
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def parents() -> Generator[tuple[str, str]]:
    """Two parent sites: (listed origin, unlisted origin)."""
    servers = [ThreadingHTTPServer(("127.0.0.1", free_port()), _Parent) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tuple(f"http://127.0.0.1:{s.server_address[1]}" for s in servers)  # type: ignore[misc]
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def framed_server(live_server_factory: LiveServerFactory, parents: tuple[str, str]) -> LiveServer:
    # Secure cookies over plain http: Chromium takes them from localhost (a secure context).
    return live_server_factory(env={"LIVE_FRAME_ANCESTORS": parents[0], "LIVE_SECURE_COOKIES": "1"})


def app_url(server: LiveServer, path: str) -> str:
    """The app by the name localhost: another site than the parents' 127.0.0.1."""
    return f"http://localhost:{server.port}{path}"


def framed(page: Page, parent: str, src: str) -> Frame:
    page.goto(f"{parent}/?src={src}")
    frame = page.frame(url=lambda url: url.startswith("http://localhost"))
    assert frame is not None
    return frame


def test_listed_parent_frames_participant_screen_and_overlay(
    framed_server: LiveServer,
    parents: tuple[str, str],
    browser_context: ContextFactory,
) -> None:
    event = api(framed_server, "POST", "/events", {"title": "Digitaler Fachtag"})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    poll = api(
        framed_server,
        "POST",
        f"/events/{code}/rooms/{room}/polls",
        {"question": "Wie hören Sie uns?", "kind": "single", "options": ["gut", "schlecht"]},
        token,
    )
    api(framed_server, "POST", f"/events/{code}/polls/{poll['id']}/open", None, token)
    page = browser_context().new_page()

    frame = framed(page, parents[0], app_url(framed_server, f"/e/{code}?room={room}"))
    expect(frame.get_by_role("heading", name="Wie hören Sie uns?")).to_be_visible()
    # the socket (same-origin inside the frame) is open
    expect(frame.locator(".connection").first).to_have_attribute("data-state", "open")
    frame.get_by_role("button", name="gut", exact=True).click()
    expect(frame.locator("#announcer")).to_contain_text("Ihre Stimme wurde gezählt.")
    # The frame's participant is the same after a reload: the cookie came back cross-site.
    frame = framed(page, parents[0], app_url(framed_server, f"/e/{code}?room={room}"))
    expect(frame.get_by_role("button", name="gut", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    results = api(framed_server, "GET", f"/events/{code}/polls/{poll['id']}", None, token)
    assert results["results"]["counts"] == [1, 0] and results["results"]["voters"] == 1
    cookie = next(c for c in page.context.cookies() if c["name"] == f"live_p_{code}")
    assert cookie["sameSite"] == "None" and cookie["secure"]

    screen = framed(page, parents[0], app_url(framed_server, f"/e/{code}/screen?room={room}"))
    expect(screen.locator("#screen-stage")).to_contain_text("Wie hören Sie uns?")
    overlay = framed(page, parents[0], app_url(framed_server, f"/e/{code}/overlay?room={room}"))
    expect(overlay.locator("#applause")).to_be_attached()


def test_unlisted_parent_and_moderation_pages_are_refused(
    framed_server: LiveServer,
    parents: tuple[str, str],
    browser_context: ContextFactory,
    browser_guard: BrowserGuard,
) -> None:
    browser_guard.allow_console_error(REFUSED)
    event = api(framed_server, "POST", "/events", {"title": "Digitaler Fachtag"})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    context = browser_context()
    # The moderator's cookie in this browser. It is SameSite=Strict, so a frame on another site
    # gets the login page (401), which is refused all the same; tests/web/test_framing.py
    # checks the console's own answer.
    context.new_page().goto(app_url(framed_server, f"/e/{code}/moderate?token={token}"))
    browser_guard.allow_http_status(401)
    page = context.new_page()
    for parent, path in (
        (parents[1], f"/e/{code}?room={room}"),  # not listed
        (parents[1], f"/e/{code}/overlay?room={room}"),
        (parents[0], f"/e/{code}/moderate"),  # listed, but a moderator's page
        (parents[0], f"/e/{code}/setup"),
        (parents[0], f"/e/{code}/links"),
    ):
        with page.expect_console_message(lambda m: re.search(REFUSED, m.text) is not None):
            page.goto(f"{parent}/?src={app_url(framed_server, path)}")
        frame = page.frame(url=lambda url: url.startswith("http://localhost"))
        assert frame is None, path  # Chromium shows its error page instead


def test_every_page_answers_with_framing_headers_for_its_kind(
    framed_server: LiveServer, parents: tuple[str, str]
) -> None:
    """Every page of test_every_page.PAGES, as its visitor opens it (the moderators with their
    cookie), with LIVE_FRAME_ANCESTORS set: only the participant page, the projector and the
    overlay name the listed origin; all others refuse every frame."""
    event = api(framed_server, "POST", "/events", {"title": "Fachtag", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    poll = api(
        framed_server,
        "POST",
        f"/events/{code}/rooms/{room}/polls",
        {"question": "Wie war es?", "kind": "single", "options": ["gut", "schlecht"]},
        token,
    )
    participant = api(framed_server, "POST", f"/events/{code}/join")["participant_token"]
    question_id = _ask(framed_server, code, room, participant, token)
    setup = {
        "version": 1,
        "title": "Fachtag",
        "rooms": [{"name": "Plenum"}],
        "agenda": [
            {
                "title": "Auftakt",
                "room": "Plenum",
                "starts_at": "2026-11-21T09:00:00+01:00",
                "ends_at": "2026-11-21T10:00:00+01:00",
            }
        ],
    }
    api(framed_server, "PUT", f"/events/{code}/setup", setup, token)
    cookie = {"Cookie": f"live_m_{code}={token}"}
    setup_page = _get(framed_server, f"/e/{code}/setup", cookie)[1]
    found = re.search(r"/setup/agenda/([^\"?/]+)", setup_page)
    assert found is not None
    survey = api(
        framed_server,
        "POST",
        f"/events/{code}/rooms/{room}/surveys",
        {"template": "abschlussevaluation"},
        token,
    )
    api(framed_server, "POST", f"/events/{code}/surveys/{survey['id']}/open", None, token)
    values = {
        "code": code,
        "poll_id": poll["id"],
        "question_id": question_id,
        "item_id": found.group(1),
        "survey_id": survey["id"],
    }
    # The survey's page is the participant page's, a step at a time: framable like it.
    framable = {
        "/e/{code}",
        "/e/{code}/screen",
        "/e/{code}/overlay",
        "/e/{code}/survey/{survey_id}",
    }
    for template, who in PAGES:
        path = template.format(**values) + f"?room={room}"
        headers, _body = _get(framed_server, path, cookie if who == "moderator" else {})
        csp = headers["content-security-policy"]
        if template in framable:
            assert f"frame-ancestors 'self' {parents[0]}" in csp, path
            assert "x-frame-options" not in headers, path
        else:
            assert "frame-ancestors 'none'" in csp, path
            assert headers["x-frame-options"] == "DENY", path


def _get(server: LiveServer, path: str, headers: dict[str, str]) -> tuple[dict[str, str], str]:
    """A page's headers (lower-case names) and text; a 2xx answer is required."""
    request = urllib.request.Request(server.url + path, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        assert 200 <= response.status < 300, path
        answer = {name.lower(): value for name, value in response.headers.items()}
        return answer, response.read().decode()


def test_every_page_route_is_framable_only_if_participant_screen_or_overlay() -> None:
    """The page table of test_every_page.py against the routes table: of the pages, only the
    participant's (and its survey steps, for the side panel), the projector and the overlay
    carry the Framable mark."""
    framable = {r.path for r in routes() if isinstance(r, FramableRoute)}
    pages = {path for path, _who in PAGES} | set(NOT_PAGES)
    assert framable & pages == {
        "/e/{code}",
        "/e/{code}/{number:int}",
        "/e/{code}/survey/{survey_id}",
        "/e/{code}/screen",
        "/e/{code}/overlay",
    }
