"""The projector's access code end to end in headless Chromium (issue 21): the organiser
requires it, the projector shows it (and its QR code carries it), a phone without an identity
gets the form "Code von der Leinwand eingeben" — accessible by axe-core, a German error for a
wrong code — and joins with the code read off the wall; with its cookie it is never asked again.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import format_violations, run_axe
from tests.support.browser import PHONE, PROJECTOR, BrowserGuard, ContextFactory
from tests.support.server import LiveServer
from tests.support.stage import api

pytestmark = pytest.mark.browser


def assert_no_axe_violations(page: Page, context: str) -> None:
    violations = run_axe(page)
    assert violations == [], f"{context}:\n{format_violations(violations)}"


def test_a_phone_joins_with_the_code_from_the_wall(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    # The wrong code's answer is a 403 page, on purpose.
    browser_guard.allow_console_error(r"status of 403 .*code=12")
    event = api(live_server, "POST", "/events", {"title": "Landkreistag 2026"})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    api(live_server, "PATCH", f"/events/{code}", {"join_code_required": True}, token)

    wall = browser_context(**PROJECTOR).new_page()
    wall.goto(f"{live_server.url}/e/{code}/screen?room={room}")
    shown = wall.locator("#screen-join-codes .access-code")
    expect(shown).to_have_text(re.compile(r"^\d{4}$"))
    access = shown.inner_text()
    # The QR code carries it (its text alternative names the URL it encodes).
    qr = wall.locator("#screen-join-qr svg")
    expect(qr).to_have_attribute("aria-label", re.compile(rf"/e/{code}/1\?code=\d{{4}}$"))

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    field = phone.get_by_label("Code von der Leinwand eingeben")
    expect(field).to_be_visible()
    assert field.get_attribute("inputmode") == "numeric"
    assert_no_axe_violations(phone, "Code von der Leinwand (Handy)")
    # Nothing runs off the side of a phone.
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"], width

    field.fill("12")
    field.press("Enter")
    expect(phone.locator("#join-code-error")).to_contain_text("Dieser Code stimmt nicht (mehr)")
    retry = phone.get_by_label("Code von der Leinwand eingeben")
    expect(retry).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(phone, "Code von der Leinwand, falscher Code (Handy)")

    retry.fill(access)
    phone.get_by_role("button", name="Mitmachen").click()
    expect(phone.locator("#join-code")).to_have_count(0)
    expect(phone.locator("main")).to_contain_text("Landkreistag 2026")
    # With its cookie the phone is not asked again.
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    expect(phone.locator("#join-code")).to_have_count(0)
