"""Graded applause end to end: phones clap, the projector's meter rises and its audio engine is
fed a rising level (asserted on the level fed to the audio graph, not on sound)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import check_a11y
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, PROJECTOR, BrowserGuard, ContextFactory
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only


def create_event(server: LiveServer) -> tuple[str, str]:
    body = json.dumps({"title": "Online-Tagung", "rooms": ["Plenum"]}).encode()
    request = urllib.request.Request(
        server.url + "/api/v1/events", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        event = json.load(response)
    return event["code"], event["rooms"][0]["id"]


def connected(page: Page) -> None:
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)


def engine_level(page: Page) -> float:
    return float(page.evaluate("() => window.liveApplause.engine.inputLevel"))


def test_phones_applaud_and_the_screen_hears_it(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    code, room = create_event(live_server)
    screen = browser_context(**PROJECTOR).new_page()
    screen.goto(f"{live_server.url}/e/{code}/screen?room={room}")
    connected(screen)
    # Audio only after a user gesture: the projector operator moves the mouse (the controls
    # appear) and clicks once.
    screen.mouse.move(300, 300, steps=4)
    screen.get_by_role("button", name="Applaus hören").click()
    expect(screen.get_by_role("button", name="Applaus hören")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert screen.evaluate("() => window.liveApplause.engine.running") is True
    assert engine_level(screen) < 0.01
    check_a11y(screen, context="screen with the applause meter")

    phones = []
    for _ in range(2):
        phone = browser_context(**PHONE).new_page()
        phone.goto(f"{live_server.url}/e/{code}")
        connected(phone)
        phone.get_by_role("tab", name="Applaus & Stimmung").click()
        phone.wait_for_function("() => window.liveApplause !== undefined")  # engine loaded
        phones.append(phone)
    check_a11y(phones[0], context="participant page with the applause control")

    # Both phones latch "tosend" by keyboard (Space): everyone present claps hard.
    for phone in phones:
        grade = phone.locator('[data-applause-input] [data-grade="5"]')
        grade.focus()
        phone.keyboard.press("Space")
        expect(grade).to_have_attribute("aria-pressed", "true")

    meter = screen.locator("#applause [data-applause-meter]")
    expect(meter).to_have_attribute("data-level", "5", timeout=LIVE)
    # The crowd the engine plays is the room's: the two phones (and the screen, if counted).
    assert 2 <= screen.evaluate("() => window.liveApplause.engine.present") <= 3
    # The projector plays dry (the hall is the room), phones with a short room reverb.
    assert screen.evaluate("() => window.liveApplause.engine.reverb") is False
    assert phones[0].evaluate("() => window.liveApplause.engine.reverb") is True
    expect(screen.locator("#applause")).to_contain_text("tosend")
    screen.wait_for_function("() => window.liveApplause.engine.inputLevel > 0.6", timeout=LIVE)
    loud = engine_level(screen)
    assert screen.evaluate("() => window.liveApplause.engine.scheduledClaps") > 0

    # They stop (Escape): the room's level decays, and so does what the engine plays.
    for phone in phones:
        phone.keyboard.press("Escape")
    screen.wait_for_function(
        f"() => window.liveApplause.engine.inputLevel < {loud} - 0.3", timeout=LIVE
    )
    expect(meter).not_to_have_attribute("data-level", "5", timeout=LIVE)


def test_overlay_is_transparent_and_shows_the_meter(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    code, room = create_event(live_server)
    overlay = browser_context(viewport={"width": 800, "height": 300}).new_page()
    overlay.goto(f"{live_server.url}/e/{code}/overlay?room={room}")
    # (tests/browser/test_overlay.py tries every part, size and position.)
    expect(overlay.locator(".overlay-applause")).to_be_visible()
    background = overlay.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background in ("rgba(0, 0, 0, 0)", "transparent")
    expect(overlay.locator("#applause [data-applause-meter]")).to_have_attribute("data-level", "0")


def test_mood_from_a_phone_reaches_the_moderator_live(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    body = json.dumps({"title": "Fachtag", "rooms": ["Plenum"]}).encode()
    request = urllib.request.Request(
        live_server.url + "/api/v1/events", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        event = json.load(response)
    moderator = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    moderator.goto(f"{live_server.url}/e/{event['code']}/moderate?token={event['moderator_token']}")
    connected(moderator)
    expect(moderator.locator("#mood")).to_contain_text("Noch keine Stimmungen.")

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{event['code']}")
    connected(phone)
    phone.get_by_role("tab", name="Applaus & Stimmung").click()
    phone.get_by_role("button", name="4 eher gut").click()
    expect(phone.locator("#announcer")).to_contain_text("Ihre Stimmung ist gespeichert")
    expect(phone.locator("#mood-4")).to_have_attribute("aria-pressed", "true")
    check_a11y(phone, context="participant page after setting the mood")

    mood = moderator.locator("#mood")
    expect(mood).to_contain_text("1 Person", timeout=LIVE)
    expect(mood.locator(".bar-row", has_text="4 – eher gut")).to_contain_text("100")
    check_a11y(moderator, context="moderator page with the mood distribution")
