"""A phone that lost its participant cookie (issue 21): its tap is not counted, the page loads
again, says so and gives it a cookie; the tap sent again counts once. Real headless Chromium
against a real server: htmx must follow the server's HX-Redirect."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import check_a11y
from tests.support.browser import DEFAULT_TIMEOUT_MS, PageSocketRelay
from tests.support.server import LiveServer
from tests.support.stage import api

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only


def test_a_tap_without_the_cookie_reloads_the_page_and_counts_only_when_sent_again(
    live_server: LiveServer, phone: Page
) -> None:
    event = api(live_server, "POST", "/events", {"title": "Fachtag", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    base = f"/events/{code}/rooms/{room}/polls"
    body = {"question": "Kaffee?", "kind": "single", "options": ["ja", "nein"]}
    poll = api(live_server, "POST", base, body, token)["id"]
    api(live_server, "POST", f"/events/{code}/polls/{poll}/open", None, token)

    socket = PageSocketRelay(phone)
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    expect(phone.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)
    expect(phone.locator("#not-counted")).to_have_count(0)
    phone.context.clear_cookies()  # the cookie is gone (blocked, expired, cleared)
    # The page socket, opened with the cookie, would still know the participant: it connects
    # anew (as after a network change) without it, and the vote it is sent is posted instead.
    socket.reconnect()

    phone.get_by_role("button", name="ja", exact=True).click()
    expect(phone).to_have_url(f"{live_server.url}/e/{code}?room={room}&again=1", timeout=LIVE)
    expect(phone.locator("#not-counted")).to_contain_text("nicht gezählt")
    check_a11y(phone, context="participant page, tap not counted")
    results = api(live_server, "GET", f"/events/{code}/polls/{poll}", None, token)["results"]
    assert results["voters"] == 0

    phone.get_by_role("button", name="ja", exact=True).click()
    expect(phone.locator("#announcer")).to_contain_text("Ihre Stimme wurde gezählt.")
    results = api(live_server, "GET", f"/events/{code}/polls/{poll}", None, token)["results"]
    assert results["counts"] == [1, 0] and results["voters"] == 1
