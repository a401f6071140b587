"""Echo-safe applause online (issue 23): with the room setting "Applaus kommt über den Stream"
a participant's page shows the meter but its audio engine gets level 0, while the projector
keeps playing; the moderator switches it by keyboard in the console and open pages follow at
once. Asserted on the level fed to the audio graph, not on sound."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import check_a11y
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, PROJECTOR, ContextFactory
from tests.support.server import LiveServer
from tests.support.stage import Clapping, Stage, api

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only


def connected(page: Page) -> None:
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)


def engine(page: Page, what: str) -> float:
    return float(page.evaluate(f"() => window.liveApplause.engine.{what}"))


def switch_by_keyboard(console: Page, message: str) -> None:
    """Tab to the checkbox, Space toggles it, Tab to its button, Enter saves."""
    box = console.get_by_role("checkbox", name="Applaus kommt über den Stream")
    box.focus()
    before = box.is_checked()
    console.keyboard.press("Space")
    expect(box).to_be_checked(checked=not before)
    console.keyboard.press("Tab")
    save = console.locator("#applause-stream-save")
    expect(save).to_be_focused()
    console.keyboard.press("Enter")
    expect(console.locator("#announcer")).to_contain_text(message)


def test_phones_show_the_meter_but_play_nothing_when_the_stream_carries_it(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    event = api(live_server, "POST", "/events", {"title": "Digitaler Fachtag"})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    stage = Stage(live_server, code, token, room, event["rooms"])

    console = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    console.goto(f"{live_server.url}/e/{code}/moderate?token={token}")
    connected(console)
    screen = browser_context(**PROJECTOR).new_page()
    screen.goto(f"{live_server.url}/e/{code}/screen?room={room}")
    connected(screen)
    screen.mouse.move(300, 300, steps=4)
    screen.get_by_role("button", name="Applaus hören").click()

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    connected(phone)
    phone.get_by_role("tab", name="Applaus & Stimmung").click()
    listen = phone.get_by_role("button", name="Applaus hören")
    listen.click()
    expect(listen).to_have_attribute("aria-pressed", "true")
    headphones = phone.locator("[data-applause-headphones]")
    expect(headphones).to_be_visible()
    expect(headphones).to_contain_text("Kopfhörer empfohlen")
    note = phone.locator("[data-applause-stream-note]")
    expect(note).to_be_hidden()

    # On, by keyboard, while the phone's listen button still has focus.
    switch_by_keyboard(console, "Der Applaus kommt jetzt über den Stream")
    expect(note).to_be_visible(timeout=LIVE)
    expect(phone.locator("#applause-level")).to_have_attribute("data-via-stream", "1")
    # The control in use stays until focus leaves it; then the box goes.
    expect(listen).to_be_visible()
    grade = phone.locator('[data-applause-input] [data-grade="5"]')
    grade.focus()
    expect(phone.locator("[data-applause-listen-box]")).to_be_hidden()
    check_a11y(phone, context="participant page, applause over the stream")
    english = browser_context(**PHONE).new_page()
    english.goto(f"{live_server.url}/e/{code}?room={room}&lang=en")
    english.get_by_role("tab", name="Applause & mood").click()
    expect(english.locator("[data-applause-stream-note]")).to_contain_text(
        "The applause comes through the stream."
    )
    check_a11y(english, context="participant page in English, applause over the stream")
    english.close()
    check_a11y(console, context="console with the applause setting")

    with Clapping(stage, people=3, grade=5):
        meter = phone.locator("#applause [data-applause-meter]")
        # (present: the clappers and the pages open in the room, so not quite everyone claps)
        expect(meter).to_have_attribute("data-level", re.compile("^[45]$"), timeout=LIVE)
        # The meter moves; the engine, running as asked, is fed nothing.
        assert phone.evaluate("() => window.liveApplause.engine.running") is True
        assert engine(phone, "targetLevel") == 0
        assert engine(phone, "inputLevel") == 0
        # The projector is no participant's device: it plays the room.
        screen.wait_for_function("() => window.liveApplause.engine.targetLevel > 0.5", timeout=LIVE)
        # Off again: the phone plays at once, with the headphones hint.
        switch_by_keyboard(console, "spielen den Applaus wieder ab")
        phone.wait_for_function("() => window.liveApplause.engine.targetLevel > 0.5", timeout=LIVE)
        expect(note).to_be_hidden()
        expect(headphones).to_be_visible()
        expect(listen).to_have_attribute("aria-pressed", "true")
    room_state = api(live_server, "GET", f"/events/{code}")["rooms"][0]
    assert room_state["applause_via_stream"] is False
