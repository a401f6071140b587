"""A room's countdown (issue 24, item 8) in headless Chromium: the moderator starts three
minutes by keyboard on the console, the projector and the stream overlay show it, the end
(the pages' clocks driven by Playwright, never waited for) shows 0:00 and says once that the
time is up, Stop takes it off again; axe on the new states; the projector keeps fitting at
1920×1080, 1280×720 and 1024×576 with the countdown in its header."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_projector import check_wall, open_screens
from tests.support.axe import format_violations, run_axe
from tests.support.browser import ContextFactory
from tests.support.server import LiveServer
from tests.support.stage import Stage, api, stock

pytestmark = pytest.mark.browser

# Counts the texts the status line takes (each non-empty change would be announced).
_COUNT_ANNOUNCEMENTS = """sel => {
  window.announced = [];
  const watch = () => {
    const line = document.querySelector(sel);
    if (!line || line.dataset.watched) return;
    line.dataset.watched = "1";
    new MutationObserver(() => {
      if (line.textContent) window.announced.push(line.textContent);
    }).observe(line, {childList: true, characterData: true, subtree: true});
  };
  watch();
  new MutationObserver(watch).observe(document.body, {childList: true, subtree: true});
}"""

RUNNING = re.compile(r"^(3:00|2:[0-5]\d)$")


@pytest.fixture
def stage(live_server: LiveServer) -> Stage:
    return stock(live_server)


def no_axe_violations(page: Page, what: str) -> None:
    violations = run_axe(page)
    assert not violations, f"axe, {what}:\n{format_violations(violations)}"


@pytest.mark.keyboard("countdown")
def test_three_minutes_by_keyboard_shown_everywhere_ending_once(
    stage: Stage, browser_context: ContextFactory
) -> None:
    base = stage.server.url
    console = browser_context(viewport={"width": 1366, "height": 900}).new_page()
    wall = browser_context(viewport={"width": 1920, "height": 1080}).new_page()
    overlay = browser_context(viewport={"width": 1280, "height": 720}).new_page()
    for page in (console, wall, overlay):
        page.clock.install()
    console.goto(f"{base}/e/{stage.code}/moderate?token={stage.token}&room={stage.room}")
    wall.goto(stage.screen_url())
    overlay.goto(f"{base}/e/{stage.code}/overlay?room={stage.room}&parts=countdown,applause")
    for page in (console, wall, overlay):
        expect(page.locator("body")).to_have_attribute("data-connection", "open")
    expect(console.locator("#mod-countdown")).to_contain_text("Kein Countdown")
    expect(wall.locator("[data-countdown]")).to_have_count(0)

    # Keyboard only: from the (closed) label and duration disclosure, Tab passes "1 Min." to
    # "3 Min.".
    console.locator(".countdown-more > summary").focus()
    for _ in range(2):
        console.keyboard.press("Tab")
    expect(console.locator("#countdown-preset-3")).to_be_focused()
    console.keyboard.press("Enter")
    expect(console.locator("#announcer")).to_contain_text("Countdown gestartet: 3:00.")

    boxes = (
        (console, "#mod-countdown [data-countdown]"),
        (wall, "#countdown"),
        (overlay, "#countdown"),
    )
    for page, box in boxes:
        expect(page.locator(f"{box} [data-countdown-time]")).to_have_text(RUNNING)
        expect(page.locator(f"{box} .countdown-label")).to_contain_text("Redezeit")
    no_axe_violations(console, "console with a countdown")
    no_axe_violations(wall, "projector with a countdown")
    no_axe_violations(overlay, "overlay with a countdown")

    for page in (console, wall):
        page.evaluate(_COUNT_ANNOUNCEMENTS, "[data-countdown-end]")
    # The end: the pages' clocks jump past it (the server's stays where it is).
    for page in (console, wall, overlay):
        page.clock.fast_forward("03:05")
    for page, box in boxes:
        expect(page.locator(f"{box} [data-countdown-time]")).to_have_text("0:00")
        expect(page.locator(f"{box} [data-countdown-end]")).to_have_text("Die Zeit ist um.")
        expect(page.locator(box)).to_have_attribute("data-over", "")
    expect(wall.locator("#countdown [data-countdown-end]")).to_have_attribute("role", "status")
    # Once, not every second.
    for page in (console, wall):
        page.clock.fast_forward("00:10")
        expect(page.locator("[data-countdown-time]").first).to_have_text("0:00")
        assert page.evaluate("window.announced") == ["Die Zeit ist um."]
    no_axe_violations(wall, "projector at the end")
    no_axe_violations(console, "console at the end")

    # +1 minute runs again from now; then Stop, by keyboard, takes it off every screen.
    console.locator("#countdown-add").focus()
    console.keyboard.press("Enter")
    expect(console.locator("#announcer")).to_contain_text("Eine Minute mehr.")
    # The replaced button has the focus again (static/console.js), the time runs again.
    expect(console.locator("#countdown-add")).to_be_focused()
    expect(console.locator("#mod-countdown [data-countdown-time]")).to_have_text(
        re.compile(r"^(1:00|0:[0-5]\d)$")
    )
    console.locator("#countdown-stop").focus()
    console.keyboard.press("Enter")
    expect(console.locator("#announcer")).to_contain_text("Countdown beendet.")
    expect(console.locator("#mod-countdown")).to_contain_text("Kein Countdown")
    expect(wall.locator("[data-countdown]")).to_have_count(0)
    expect(overlay.locator("[data-countdown]")).to_have_count(0)


def test_the_projector_fits_every_size_with_a_countdown(
    stage: Stage, browser_context: ContextFactory
) -> None:
    path = f"/events/{stage.code}/rooms/{stage.room}/countdown"
    api(stage.server, "PUT", path, {"seconds": 5400, "label": "Mittagspause im Foyer"}, stage.token)
    screens = open_screens(stage, browser_context)
    for mode, poll in (("poll", "longest"), ("slide", None), ("join", None)):
        stage.set_screen(mode, poll)
        for name, page in screens.items():
            expect(page.locator("#screen-stage")).to_have_attribute("data-mode", mode)
            expect(page.locator("#countdown [data-countdown-time]")).to_have_text(
                re.compile(r"^1:(30:00|29:[0-5]\d)$")
            )
            expect(page.locator("#countdown")).to_be_visible()
            check_wall(page, f"{mode} with a countdown at {name}")
    no_axe_violations(screens["1920×1080"], "projector with a countdown")
    # Paused: the time stands and says so.
    api(stage.server, "PATCH", path, {"action": "pause"}, stage.token)
    for name, page in screens.items():
        expect(page.locator("#countdown")).to_contain_text("angehalten")
        check_wall(page, f"paused at {name}")


def test_the_english_pages_with_a_countdown_pass_axe(
    stage: Stage, browser_context: ContextFactory
) -> None:
    path = f"/events/{stage.code}/rooms/{stage.room}/countdown"
    api(stage.server, "PUT", path, {"seconds": 600, "label": "Pause"}, stage.token)
    base = stage.server.url
    wall = browser_context(viewport={"width": 1280, "height": 720}).new_page()
    wall.goto(stage.screen_url("en"))
    expect(wall.locator("#countdown .countdown-label")).to_have_text("Break")
    no_axe_violations(wall, "English projector with a countdown")
    console = browser_context(viewport={"width": 1366, "height": 900}).new_page()
    console.goto(f"{base}/e/{stage.code}/moderate?token={stage.token}&room={stage.room}")
    console.goto(f"{base}/e/{stage.code}/moderate?room={stage.room}&lang=en")
    expect(console.locator("#mod-countdown")).to_contain_text("Break:")
    expect(console.locator("#countdown-stop")).to_have_text("End countdown")
    no_axe_violations(console, "English console with a countdown")
    overlay = browser_context(viewport={"width": 1280, "height": 720}).new_page()
    overlay.goto(f"{base}/e/{stage.code}/overlay?room={stage.room}&parts=countdown&lang=en")
    expect(overlay.locator("#countdown .countdown-label")).to_have_text("Break")
    no_axe_violations(overlay, "English overlay with a countdown")
