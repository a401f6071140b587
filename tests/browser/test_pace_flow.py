"""Pace and technics feedback in headless Chromium (issue 24 item 7): three phones press
„zu schnell“ in the tab „Applaus & Stimmung“; the console warns in its status region; the
warning goes once the signals decay; the report shows the timeline. axe on every new state.

The server counts a signal for LIVE_PACE_SECONDS (here 15 s instead of 2 min): the decay is
waited for as a condition, bounded, never slept for. The rule itself, with a stepped clock, is
tested in tests/domain/test_pace.py and tests/web/test_pace.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_console import LAPTOP, assert_axe_clean, console, new_room
from tests.browser.test_phone_client import Room
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, ContextFactory
from tests.support.server import LiveServerFactory

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS
PACE_SECONDS = 15
DECAYED = (PACE_SECONDS + 15) * 1000  # bounds a hang only


def phone_on_tab(browser_context: ContextFactory, room: Room, lang: str = "de") -> Page:
    page = browser_context(**PHONE).new_page()
    page.goto(room.url + ("" if lang == "de" else f"&lang={lang}"))
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)
    name = "Applaus & Stimmung" if lang == "de" else "Applause & mood"
    page.get_by_role("tablist").get_by_role("tab", name=name).click()
    return page


def test_three_phones_warn_the_console_until_it_decays(
    live_server_factory: LiveServerFactory, browser_context: ContextFactory
) -> None:
    server = live_server_factory(env={"LIVE_PACE_SECONDS": str(PACE_SECONDS)})
    room = new_room(server)
    mod = console(browser_context, room, LAPTOP)
    alert = mod.locator("#mod-pace-alert")
    expect(alert).to_have_attribute("role", "status")
    expect(alert).to_be_empty()
    phones = [phone_on_tab(browser_context, room) for _ in range(3)]

    first = phones[0]
    button = first.get_by_role("button", name="zu schnell")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(first.get_by_role("button", name="zu schnell")).to_have_attribute("aria-pressed", "true")
    expect(first.locator("#announcer")).to_contain_text("Die Moderation sieht Ihre Meldung")
    assert_axe_clean(first, "phone, zu schnell pressed")
    # Pressing it again takes it back; then once more for the count.
    first.get_by_role("button", name="zu schnell").click()
    expect(first.get_by_role("button", name="zu schnell")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(first.locator("#announcer")).to_contain_text("zurückgenommen")
    for phone in phones:
        phone.get_by_role("button", name="zu schnell").click()
        expect(phone.get_by_role("button", name="zu schnell")).to_have_attribute(
            "aria-pressed", "true"
        )

    expect(alert).to_contain_text("Viele melden „zu schnell“.", timeout=LIVE)
    expect(mod.locator("#mod-pace")).to_contain_text("3 zu schnell")
    # One warning in the status region, however many ticks pass.
    expect(alert.locator(".pace-warning")).to_have_count(1)
    assert_axe_clean(mod, "console with the pace warning")

    # Nobody touches anything: the signals decay and the warning goes by itself.
    expect(alert).to_be_empty(timeout=DECAYED)
    expect(mod.locator("#mod-pace")).to_contain_text("Keine Rückmeldungen")

    report = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    report.goto(f"{server.url}/e/{room.code}/moderate?token={room.token}")
    report.goto(f"{server.url}/e/{room.code}/report")
    figure = report.locator("figure.timeline", has_text="Tempo und Technik")
    expect(figure).to_contain_text("„zu schnell“ höchstens 3 um")
    expect(figure.locator("svg")).to_have_count(1)
    assert_axe_clean(report, "report with the pace timeline")


def test_the_buttons_in_english_pass_axe(
    live_server_factory: LiveServerFactory, browser_context: ContextFactory
) -> None:
    server = live_server_factory()
    room = new_room(server)
    phone = phone_on_tab(browser_context, room, "en")
    phone.get_by_role("button", name="Sound/picture problem").click()
    expect(phone.get_by_role("button", name="Sound/picture problem")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert_axe_clean(phone, "phone in English, sound/picture problem pressed")
