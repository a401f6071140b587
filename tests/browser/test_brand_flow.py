"""Branding end to end in headless Chromium: the organiser sets a colour and uploads a logo on
the setup page; the phone, the projector and the report show the logo and wear the colour. No
console errors (the browser guard), axe-core without any violation on the setup page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.support.axe import format_violations, run_axe
from tests.support.browser import PHONE, PROJECTOR, ContextFactory
from tests.support.images import svg
from tests.support.server import LiveServer
from tests.support.stage import request_json

pytestmark = pytest.mark.browser

PURPLE = "#5a2d82"
PURPLE_RGB = "rgb(90, 45, 130)"
SOFT_RGB = "rgb(230, 224, 236)"  # soft_tint(PURPLE) = #e6e0ec
# A logo with something to sanitise: the script must not run anywhere (the guard would see the
# page error), and what is drawn still arrives.
LOGO = svg(
    '<rect width="40" height="20" fill="#5a2d82"/><script>throw new Error("logo ran")</script>',
    extra=" onload=\"throw new Error('onload ran')\"",
)


def assert_no_axe_violations(page: Page, context: str) -> None:
    violations = run_axe(page)
    assert violations == [], f"{context}:\n{format_violations(violations)}"


def accent_of(page: Page) -> str:
    value: str = page.evaluate(
        "() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
    )
    return value


def css(page: Page, selector: str, prop: str) -> str:
    value: str = page.locator(selector).first.evaluate(
        "(el, prop) => getComputedStyle(el).getPropertyValue(prop)", prop
    )
    return value


def assert_logo_shown(page: Page) -> dict[str, float]:
    logo = page.locator("img.brand-logo")
    expect(logo).to_be_visible()
    box: dict[str, float] = logo.evaluate(
        "(img) => ({natural: img.naturalWidth, width: img.getBoundingClientRect().width,"
        " height: img.getBoundingClientRect().height, complete: img.complete ? 1 : 0})"
    )
    assert box["complete"] == 1 and box["natural"] > 0, box  # loaded and decoded
    return box


def test_logo_and_colour_from_the_setup_page_to_phone_and_projector(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    event = request_json(live_server, "POST", "/api/v1/events", {"title": "Landkreistag 2026"})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    poll = request_json(
        live_server,
        "POST",
        f"/api/v1/events/{code}/rooms/{room}/polls",
        {"question": "Wie gefällt es Ihnen?", "options": ["Gut", "Schlecht"], "visibility": "live"},
        token,
    )
    request_json(live_server, "POST", f"/api/v1/events/{code}/polls/{poll['id']}/open", None, token)

    # --- the organiser: colour and logo on the setup page ------------------------------------
    organiser = browser_context().new_page()
    organiser.goto(f"{live_server.url}/e/{code}/moderate?token={token}")
    organiser.goto(f"{live_server.url}/e/{code}/setup#brand")
    assert accent_of(organiser) == "#0b5394"  # the app's own, before
    assert_no_axe_violations(organiser, "setup page without a brand")
    organiser.get_by_label("Hauptfarbe (Hex-Wert)").fill(PURPLE.upper())
    # The picker follows the hex field, and the preview shows the colour before saving.
    expect(organiser.get_by_label("Farbe auswählen")).to_have_value(PURPLE)
    preview_button = "#brand-preview .button.primary"
    expect(organiser.locator(preview_button)).to_have_css("background-color", PURPLE_RGB)
    organiser.get_by_label("Logo (SVG oder PNG, höchstens 256 KB)").set_input_files(
        files=FilePayload(name="logo.svg", mimeType="image/svg+xml", buffer=LOGO)
    )
    expect(organiser.locator("#brand-preview-logo")).to_have_attribute("src", _data_url())
    organiser.get_by_role("button", name="Erscheinungsbild speichern").click()
    expect(organiser.get_by_text("Das Erscheinungsbild ist gespeichert.")).to_be_visible()
    assert accent_of(organiser) == PURPLE
    expect(organiser.locator("form button.primary").first).to_have_css(
        "background-color", PURPLE_RGB
    )
    assert_logo_shown(organiser)
    expect(organiser.get_by_role("button", name="Logo entfernen")).to_be_visible()
    assert_no_axe_violations(organiser, "setup page with the brand")

    # --- a phone: the logo in the header, the colour on the buttons --------------------------
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}")
    box = assert_logo_shown(phone)
    assert 30 < box["height"] <= 45, box  # 2.5rem
    assert box["width"] <= 390
    assert accent_of(phone) == PURPLE
    expect(phone.locator("#ask-submit")).to_have_css("background-color", PURPLE_RGB)
    phone.get_by_role("button", name="Gut", exact=True).click()
    chosen = phone.locator(f"#poll-{poll['id']}-opt-0")
    expect(chosen).to_have_attribute("aria-pressed", "true")
    # The chosen answer's background: the derived soft tint (brand.css --accent-soft).
    expect(chosen).to_have_css("background-color", SOFT_RGB)
    expect(chosen).to_have_css("border-top-color", PURPLE_RGB)
    expect(phone.locator(".bar-fill").first).to_have_css("fill", PURPLE_RGB)

    # --- the projector: the logo in the picture, the bars in the colour ----------------------
    screen = browser_context(**PROJECTOR).new_page()
    screen.goto(f"{live_server.url}/e/{code}/screen?room={room}")
    box = assert_logo_shown(screen)
    assert 60 < box["height"] <= 80, box  # 7vh of 1080 px
    assert accent_of(screen) == PURPLE
    expect(screen.locator(".bar-fill").first).to_have_css("fill", PURPLE_RGB)

    # --- the report: the logo in its header, the charts in the colour ------------------------
    organiser.goto(f"{live_server.url}/e/{code}/report")
    assert_logo_shown(organiser)
    expect(organiser.locator(".chart-bar").first).to_have_css("fill", PURPLE_RGB)


def _data_url() -> re.Pattern[str]:
    return re.compile(r"^data:image/svg\+xml;base64,")
