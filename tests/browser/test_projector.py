"""The projector as the hall sees it, in headless Chromium.

Every screen mode at 1920×1080, 1280×720 and 1024×576 with the hardest content the interface
allows (12 long German options, a 300-character question with a name, the closed state): all
text inside the picture and inside every box that clips, the smallest text at least 2.2 % of
the screen's height, axe without a single violation. Then the motion (bars grow from their old
value, nothing moves under reduced motion), the operator's controls (out of the picture until
the mouse or a key is used), the connection state (shown only when broken) and the room's own
join link.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from websockets.sync.client import connect

from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_TIMEOUT_MS, BrowserGuard, ContextFactory
from tests.support.fit import measure
from tests.support.linebreaks import mid_word_breaks
from tests.support.server import LiveServer
from tests.support.stage import LONG_ANSWER, LONG_ASK, Clapping, Stage, api, stock

pytestmark = pytest.mark.browser

SIZES = {"1920×1080": (1920, 1080), "1280×720": (1280, 720), "1024×576": (1024, 576)}
SMALLEST_SHARE = 0.022  # of the screen's height: readable from the back of a hall
OPERATOR = "[data-operator]"  # the operator's controls, for the laptop, not the hall
NOT_FOR_THE_HALL = OPERATOR + ", .skip-link"  # the skip link shows only when focused


@pytest.fixture
def stage(live_server: LiveServer) -> Stage:
    return stock(live_server)


def open_screens(stage: Stage, browser_context: ContextFactory) -> dict[str, Page]:
    screens = {}
    for name, (width, height) in SIZES.items():
        page = browser_context(viewport={"width": width, "height": height}).new_page()
        page.goto(stage.screen_url())
        expect(page.locator("body")).to_have_attribute("data-connection", "open")
        screens[name] = page
    return screens


def check_wall(page: Page, context: str) -> None:
    fit = measure(page, skip=NOT_FOR_THE_HALL)
    assert not fit.problems, f"{context}: " + "; ".join(fit.problems)
    assert fit.smallest_share >= SMALLEST_SHARE, (
        f"{context}: smallest text {fit.smallest:.1f}px = {fit.smallest_share:.2%} of the "
        f"height ({fit.smallest_text!r})"
    )
    # Long German words break only at the server's soft hyphens, never between two letters.
    assert mid_word_breaks(page, ".screen") == [], context


def test_every_mode_fits_every_size_and_passes_axe(
    stage: Stage, browser_context: ContextFactory
) -> None:
    screens = open_screens(stage, browser_context)
    big = screens["1920×1080"]

    def shows(mode: str, *texts: str) -> None:
        for name, page in screens.items():
            expect(page.locator("#screen-stage")).to_have_attribute("data-mode", mode)
            for text in texts:
                expect(page.locator(".screen")).to_contain_text(text)
            check_wall(page, f"{mode} at {name}")
        violations = run_axe(big)
        assert not violations, f"axe, mode {mode}:\n{format_violations(violations)}"

    # The worst case the interface allows: 300 characters of question, 12 options of 120.
    stage.set_screen("poll", "longest")
    shows("poll", "Markieren Sie zwei Themen", "12. Sonstiges")
    stage.set_screen("poll", "long")
    shows("poll", "Sonstiges", "Abstimmung läuft", "55 Stimmen")
    # Every one of the twelve options is there, with its percent and count.
    expect(big.locator(".screen-bar")).to_have_count(12)
    expect(big.locator(".screen-bar.leading")).to_have_count(1)
    expect(big.locator(".screen-bar.leading")).to_contain_text("Jugendberufsagenturen")
    expect(big.locator(".screen-bar.leading")).to_contain_text("18 Stimmen")
    # The bars are aligned: each starts and ends at the same x.
    edges = big.eval_on_selector_all(
        ".screen-bar .bar",
        "bars => bars.map(b => [b.getBoundingClientRect().left, b.getBoundingClientRect().right])",
    )
    assert len({round(left) for left, _ in edges}) == 1 and len({round(r) for _, r in edges}) == 1

    stage.close("long")
    shows("poll", "Abstimmung beendet", "Sonstiges")
    stage.set_screen("poll", "scale")
    shows("poll", "Durchschnitt")
    stage.set_screen("words", "words")
    shows("words", "Netzwerk")
    stage.set_screen("question")
    stage.highlight()
    shows("question", LONG_ASK[-40:], "Müller-Lüdenscheidt")
    # Answered in writing: the answer under the question (cut on the wall, whole on phones).
    stage.answer(LONG_ANSWER)
    shows("question", LONG_ASK[-40:], "Antwort:", "ganze Antwort auf dem Handy")
    stage.highlight(False)
    shows("top", "Die meistunterstützten Fragen", "Antwort:")
    stage.set_screen("applause")
    shows("applause", "Applaus")
    stage.set_screen("slide")
    shows("slide", "Plenum")
    stage.set_screen("join")
    shows("join", "Machen Sie mit")


def _vote(stage: Stage, poll: str, choice: int) -> None:
    token = api(stage.server, "POST", f"/events/{stage.code}/join")["participant_token"]
    ws_base = stage.server.url.replace("http://", "ws://")
    url = f"{ws_base}/api/v1/events/{stage.code}/rooms/{stage.room}/ws?token={token}"
    with connect(url) as ws:
        ws.recv()
        ws.send(
            json.dumps(
                {
                    "type": "vote",
                    "request_id": "v",
                    "poll_id": stage.polls[poll],
                    "choices": [choice],
                }
            )
        )
        while json.loads(ws.recv()).get("type") != "ack":
            pass


# Records every transition that starts on a bar (transitionrun fires even on a busy machine,
# where a poll for a running animation could miss a 400 ms one).
_RECORD_TRANSITIONS = """() => {
  window.barTransitions = [];
  document.addEventListener("transitionrun", (e) => {
    if (e.target.matches && e.target.matches(".bar-fill")) {
      window.barTransitions.push({property: e.propertyName,
        duration: getComputedStyle(e.target).transitionDuration});
    }
  });
}"""


def _bars_of(page: Page) -> Iterator[str]:
    yield from page.eval_on_selector_all(
        ".screen-bar .bar-fill", "els => els.map(e => e.getAttribute('width'))"
    )


def test_bars_grow_to_new_values_and_hold_still_under_reduced_motion(
    stage: Stage, browser_context: ContextFactory
) -> None:
    stage.set_screen("poll", "long")
    moving = browser_context(viewport={"width": 1280, "height": 720}).new_page()
    still = browser_context(
        viewport={"width": 1280, "height": 720}, reduced_motion="reduce"
    ).new_page()
    for page in (moving, still):
        page.goto(stage.screen_url())
        expect(page.locator("body")).to_have_attribute("data-connection", "open")
        page.evaluate(_RECORD_TRANSITIONS)
    before = list(_bars_of(moving))
    _vote(stage, "long", 11)  # "Sonstiges": 1 → 2 votes
    for page in (moving, still):
        expect(page.locator(".screen-status")).to_contain_text(
            "56 Stimmen", timeout=DEFAULT_TIMEOUT_MS
        )
    assert list(_bars_of(moving)) != before
    moving.wait_for_function("() => window.barTransitions.length > 0")
    runs = moving.evaluate("() => window.barTransitions")
    assert {r["property"] for r in runs} == {"transform"}
    assert all(float(r["duration"].rstrip("s")) <= 0.4 for r in runs)
    # Under reduced motion: no transition ran, none is defined, nothing animates at all.
    assert still.evaluate("() => window.barTransitions") == []
    durations = still.eval_on_selector_all(
        "*",
        """els => [...new Set(els.flatMap((e) => {
          const style = getComputedStyle(e);
          return [style.transitionDuration, style.animationDuration];
        }))]""",
    )
    assert set(durations) <= {"0s"}, durations
    assert still.evaluate("() => document.getAnimations().length") == 0
    # The room claps: the meter shows up on both, and pulses only where motion is welcome.
    with Clapping(stage, people=8, grade=4):
        for page in (moving, still):
            expect(page.locator(".screen-applause .applause-meter")).not_to_have_class(
                re.compile(r"\blevel-0\b")
            )
            expect(page.locator(".screen-applause .applause")).to_be_visible()
        moving.wait_for_function("() => document.getAnimations().length > 0")
        assert still.evaluate("() => document.getAnimations().length") == 0


@pytest.mark.keyboard("projector-controls")
def test_operator_controls_show_on_use_and_leave_the_picture(
    stage: Stage, browser_context: ContextFactory
) -> None:
    page = browser_context(viewport={"width": 1280, "height": 720}).new_page()
    page.clock.install()
    page.goto(stage.screen_url())
    expect(page.locator("body")).to_have_attribute("data-connection", "open")
    panel = page.locator(OPERATOR)
    listen = page.get_by_role("button", name="Applaus hören")
    # A clean picture: no control, no "connected" text.
    expect(panel).to_have_attribute("data-shown", "false")
    expect(listen).not_to_be_visible()
    expect(page.locator("#connection")).not_to_be_visible()
    # A layout change under a resting pointer makes Chromium send a mousemove of its own (same
    # place): that is no operator, and every push would bring the controls back.
    page.mouse.move(200, 200)
    page.evaluate(
        "() => document.dispatchEvent(new MouseEvent('mousemove', {clientX: 200, clientY: 200}))"
    )
    expect(panel).to_have_attribute("data-shown", "false")
    # The mouse moves: the controls appear, and leave 3 s after the last movement.
    page.mouse.move(260, 240, steps=3)
    expect(panel).to_have_attribute("data-shown", "true")
    expect(listen).to_be_visible()
    fullscreen = page.get_by_role("button", name="Vollbild")
    expect(fullscreen).to_be_visible()
    expect(fullscreen).to_have_attribute("aria-pressed", "false")
    page.clock.run_for(2500)
    expect(panel).to_have_attribute("data-shown", "true")
    page.clock.run_for(600)
    expect(panel).to_have_attribute("data-shown", "false")
    expect(listen).not_to_be_visible()
    # By keyboard: Tab shows them and lands on a control; they stay while it has the focus.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(panel).to_have_attribute("data-shown", "true")
    focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)")
    assert page.evaluate("() => document.activeElement.closest('[data-operator]') !== null"), (
        focused
    )
    page.clock.run_for(10_000)
    expect(panel).to_have_attribute("data-shown", "true")
    listen.focus()
    page.keyboard.press("Enter")
    expect(listen).to_have_attribute("aria-pressed", "true")
    page.evaluate("() => document.activeElement.blur()")
    page.clock.run_for(3100)
    expect(panel).to_have_attribute("data-shown", "false")


def test_a_control_left_on_purpose_stays_left_after_a_refresh(
    stage: Stage, browser_context: ContextFactory
) -> None:
    """The wall's join parts are fetched again every 5 s; their answer is swapped, and settled a
    moment later. An operator who leaves the sound button in between keeps it left: focusing it
    again kept the controls on the picture for good (live.js restores the focus only to a
    control a swap took away)."""
    page = browser_context(viewport={"width": 1280, "height": 720}).new_page()
    page.clock.install()
    page.goto(stage.screen_url())
    expect(page.locator("body")).to_have_attribute("data-connection", "open")
    page.keyboard.press("Tab")  # shows the controls
    listen = page.get_by_role("button", name="Applaus hören")
    listen.focus()
    expect(listen).to_be_focused()
    # The page's timers wait from here on: the answer's settle comes after the blur.
    page.clock.pause_at(page.evaluate("() => Date.now()") + 10)
    with page.expect_response(lambda r: "/screen/join" in r.url):
        page.clock.run_for(5_000)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.evaluate("() => document.activeElement.blur()")
    page.clock.run_for(100)
    assert page.evaluate("() => document.activeElement === document.body")
    page.clock.run_for(3_100)
    expect(page.locator(OPERATOR)).to_have_attribute("data-shown", "false")


def test_connection_state_shows_only_when_broken(
    stage: Stage, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    browser_guard.allow_server_down()
    browser_guard.allow_console_error(r"^\[object Event\]")  # htmx logs the socket's error event
    page = browser_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(stage.screen_url())
    expect(page.locator("body")).to_have_attribute("data-connection", "open")
    expect(page.locator("#connection")).not_to_be_visible()
    stage.server.stop()
    expect(page.locator("#connection")).to_be_visible()
    expect(page.locator("#connection")).to_contain_text("Verbindung wird wiederhergestellt")
    stage.server.start()
    expect(page.locator("body")).to_have_attribute("data-connection", "open", timeout=30_000)
    expect(page.locator("#connection")).not_to_be_visible()


def test_each_room_shows_its_own_join_link(stage: Stage, browser_context: ContextFactory) -> None:
    page = browser_context(viewport={"width": 1280, "height": 720}).new_page()
    second = stage.rooms[1]
    page.goto(f"{stage.server.url}/e/{stage.code}/screen?room={second['id']}")
    # Nothing on this room's wall yet: the join code takes it, with the room's own link.
    link = page.locator(".join-url")
    expect(link).to_have_text(f"127.0.0.1:{stage.server.port}/e/{stage.code}/2")
    qr = page.locator(".join-qr svg")
    expect(qr).to_be_visible()
    expect(qr).to_have_attribute("aria-label", re.compile(f"/e/{stage.code}/2$"))
    # The link (and so the QR code) opens that room on the phone, without the room list.
    phone = browser_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"http://{link.inner_text()}")
    assert f"room={second['id']}" in phone.url
    expect(phone.locator("body")).to_contain_text(second["name"])
