"""Privacy and accessibility over the whole page surface: every page of the routes table is
loaded in headless Chromium (German and English), with content in it. The test fails on any
request to a host other than the app's own (the browser guard of tests/browser/conftest.py
records every request, WebSocket included) and on serious axe-core findings.

A new page route that is not listed here fails `test_every_page_route_is_visited`: add it to
PAGES (or, for a download or a redirect, to NOT_PAGES with the reason).
"""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page
from starlette.routing import Route

from live.web.routes import routes
from tests.support.axe import check_a11y
from tests.support.browser import PHONE, PROJECTOR, BrowserGuard, ContextFactory
from tests.support.images import png
from tests.support.server import LiveServer
from tests.support.stage import request_json

pytestmark = pytest.mark.browser

# (path template, who opens it: "participant" | "moderator" | "screen")
PAGES: tuple[tuple[str, str], ...] = (
    ("/", "participant"),
    ("/datenschutz-hinweise", "participant"),
    ("/e/{code}", "participant"),
    ("/e/{code}/survey/{survey_id}", "participant"),
    ("/e/{code}/screen", "screen"),
    ("/e/{code}/overlay", "screen"),
    ("/e/{code}/moderate", "moderator"),
    ("/e/{code}/moderate/questions/{question_id}/edit", "moderator"),
    ("/e/{code}/delete", "moderator"),
    ("/e/{code}/report", "moderator"),
    ("/e/{code}/setup", "moderator"),
    ("/e/{code}/setup/agenda/{item_id}", "moderator"),
    ("/e/{code}/control", "moderator"),
    ("/e/{code}/start", "moderator"),
    ("/e/{code}/links", "moderator"),
    ("/barrierefreiheit", "participant"),
    ("/leichte-sprache", "participant"),
)
# GET routes that are not pages, and why.
NOT_PAGES: dict[str, str] = {
    "/join": "redirects to /e/{code}",
    "/healthz": "operator probe, plain text",
    "/metrics": "Prometheus text for the operator's scraper (LIVE_METRICS_TOKEN)",
    "/e/{code}/report.md": "download (Markdown)",
    "/e/{code}/report/polls/{poll_id}.csv": "download (CSV)",
    "/e/{code}/report/questions.csv": "download (CSV)",
    "/e/{code}/report/export.json": "download (JSON)",
    "/e/{code}/setup.json": "download (JSON)",
    "/e/{code}/program": "fragment the participant page reloads (room list)",
    "/e/{code}/{number:int}": "redirect: a room's short join link to its participant page",
    "/e/{code}/control/rooms": "fragment the control room reloads",
    "/e/{code}/moderate/rooms/{room_id}/run-sheet": "fragment the console reloads (run sheet)",
    "/e/{code}/screen/now": "fragment the screen reloads (the slide's program)",
    "/e/{code}/screen/join": "fragment the screen reloads (join code and QR code)",
    "/e/{code}/overlay/now": "fragment the overlay reloads (the lower third)",
    "/e/{code}/logo": "the event's logo (an image the pages show)",
    "/e/{code}/brand.css": "the event's colour (a stylesheet the pages link)",
    "/static/{path:path}": "stylesheets and scripts the pages link (tests/web/test_wire.py)",
}


def test_every_page_route_is_visited() -> None:
    listed = {path for path, _who in PAGES} | set(NOT_PAGES)
    page_routes = {
        route.path
        for route in routes()
        if isinstance(route, Route) and "GET" in (route.methods or ())
    }
    assert page_routes - listed == set(), "page routes missing from PAGES/NOT_PAGES"
    assert listed - page_routes == set(), "PAGES/NOT_PAGES name routes that no longer exist"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_page_requests_another_host(
    live_server: LiveServer,
    browser_context: ContextFactory,
    browser_guard: BrowserGuard,
    lang: str,
) -> None:
    event = request_json(
        live_server, "POST", "/api/v1/events", {"title": "Fachtag", "rooms": ["Plenum", "Forum 1"]}
    )
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    base = f"/api/v1/events/{code}"
    poll = request_json(
        live_server,
        "POST",
        f"{base}/rooms/{room}/polls",
        {"question": "Wie war es?", "kind": "single", "options": ["gut", "schlecht"]},
        token,
    )
    request_json(live_server, "POST", f"{base}/polls/{poll['id']}/open", None, token)
    survey = request_json(
        live_server,
        "POST",
        f"{base}/rooms/{room}/surveys",
        {"template": "abschlussevaluation"},
        token,
    )
    request_json(live_server, "POST", f"{base}/surveys/{survey['id']}/open", None, token)
    participant = request_json(live_server, "POST", f"{base}/join")["participant_token"]
    question_id = _ask(live_server, code, room, participant, token)
    # A program with an item running now, so the room lists and the slide have content.
    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    setup = {
        "version": 1,
        "title": "Fachtag",
        "rooms": [{"name": "Plenum"}, {"name": "Forum 1"}],
        "agenda": [
            {
                "title": "Eröffnung",
                "room": "Plenum",
                "starts_at": f"{today}T00:00:00+00:00",
                "ends_at": f"{today}T21:59:00+00:00",
                "speaker": "Dr. Muster",
            }
        ],
    }
    request_json(live_server, "PUT", f"{base}/setup", setup, token)
    # A brand, so every page is checked wearing it: a colour (axe's contrast checks) and a
    # logo (its alt text, its request).
    request_json(live_server, "PATCH", base, {"brand_color": "#5a2d82"}, token)
    logo = urllib.request.Request(
        f"{live_server.url}{base}/logo",
        data=png(60, 20),
        headers={"Content-Type": "image/png", "Authorization": f"Bearer {token}"},
        method="PUT",
    )
    with urllib.request.urlopen(logo, timeout=10) as response:
        assert response.status == 200

    values = {
        "code": code,
        "room": room,
        "poll_id": poll["id"],
        "question_id": question_id,
        "survey_id": survey["id"],
    }
    pages: dict[str, Page] = {}
    for who, options in (("participant", PHONE), ("screen", PROJECTOR), ("moderator", {})):
        page = browser_context(**options).new_page()
        if who == "moderator":  # the token goes into a cookie, then the link is clean
            page.goto(f"{live_server.url}/e/{code}/moderate?token={token}&lang={lang}")
        pages[who] = page
    pages["moderator"].goto(f"{live_server.url}/e/{code}/setup")
    link = pages["moderator"].locator('a[href*="/setup/agenda/"]').first.get_attribute("href")
    assert link is not None
    values["item_id"] = link.split("/setup/agenda/")[1].split("?")[0]
    for template, who in PAGES:
        path = template.format(**values)
        sep = "&" if "?" in path else "?"
        query = f"room={room}&lang={lang}" if who == "screen" else f"lang={lang}"
        page = pages[who]
        response = page.goto(f"{live_server.url}{path}{sep}{query}")
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == lang, path
        check_a11y(page, context=f"{path} ({lang})")
        assert browser_guard.problems() == [], path
    # The guard saw the pages' own requests (and so would have seen a foreign one).
    assert any("/static/" in url for url in browser_guard.requests)
    assert any(f"/e/{code}/logo?v=" in url for url in browser_guard.requests)
    assert any(f"/e/{code}/brand.css?v=" in url for url in browser_guard.requests)
    assert any(url.startswith("ws://127.0.0.1") for url in browser_guard.requests)


def _ask(server: LiveServer, code: str, room: str, participant: str, token: str) -> str:
    """A question through the public socket (there is no HTTP call for asking)."""
    from websockets.sync.client import connect
    from websockets.typing import Origin

    url = f"{server.ws_url}/api/v1/events/{code}/rooms/{room}/ws?token={participant}"
    with connect(url, origin=Origin(server.url)) as ws:
        json.loads(ws.recv())  # snapshot
        ws.send(json.dumps({"type": "ask", "request_id": "q1", "text": "Was kommt als Nächstes?"}))
        while (message := json.loads(ws.recv()))["type"] != "ack":
            assert message["type"] != "error", message
    questions = request_json(
        server, "GET", f"/api/v1/events/{code}/rooms/{room}/questions", None, token
    )
    return str(questions[0]["id"])
