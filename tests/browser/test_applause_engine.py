"""Applause in the browser: the synthesized room sound, the meter, the listening controls and the
phone's clapping input (static/applause.js + static/applause.css).

A static page (tests/browser/pages/applause.html, the markup contract at the top of applause.js)
is served with nothing but those two files and a CSP stricter than the app's, so any inline style
or script the code might add shows up as a console error and fails the test (browser guard).
htmx is not loaded: tests swap `#applause-level` themselves, as htmx's ws extension would.
Audio is checked through the engine's diagnostics, not by listening. Headless Chromium enforces
the autoplay policy (a context created without a gesture stays suspended), so every test starts
audio with a real click, like a user.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Generator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.support.axe import check_a11y
from tests.support.browser import PHONE, ContextFactory, serve_pages

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
PAGE = Path(__file__).resolve().parent / "pages" / "applause.html"
CSP = "default-src 'none'; script-src 'self'; style-src 'self'"


def _page(*, autostart: bool = False) -> bytes:
    html = PAGE.read_bytes()
    if autostart:  # the projector/overlay variant
        html = html.replace(b'<html lang="de">', b'<html lang="de" data-applause-autostart>')
    return html


def _static(name: str) -> Callable[[], bytes]:
    return lambda: (REPO / "static" / name).read_bytes()


# path -> (content type, body); read per request, so a run always serves the current files
ROUTES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "/applause.html": ("text/html; charset=utf-8", _page),
    "/autostart.html": ("text/html; charset=utf-8", lambda: _page(autostart=True)),
    "/static/applause.js": ("text/javascript; charset=utf-8", _static("applause.js")),
    "/static/applause.css": ("text/css; charset=utf-8", _static("applause.css")),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        route = ROUTES.get(self.path)
        if route is None:
            self.send_error(HTTPStatus.NOT_FOUND)  # logged by Chromium: fails the test
            return
        content_type, body_of = route
        body = body_of()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Generator[str]:
    with serve_pages(_Handler) as url:
        yield url


# Records every live:applause-grade event with its time (ms, page clock).
_RECORD_GRADES = """() => {
  window.gradeEvents = [];
  document.addEventListener("live:applause-grade", (e) => window.gradeEvents.push(
    {grade: e.detail.grade, repeat: e.detail.repeat, t: performance.now()}));
}"""

_ENGINE = """() => {
  const e = window.liveApplause.engine;
  return {running: e.running, inputLevel: e.inputLevel, targetLevel: e.targetLevel,
          scheduledClaps: e.scheduledClaps, gainValue: e.gainValue, contextState: e.contextState};
}"""

# What htmx-ext-ws does with a pushed fragment: replace the element with the same id.
_PUSH_LEVEL = """([level, band, event]) => {
  const html = '<div id="applause-level" data-level="' + level + '"'
    + (band === null ? '' : ' data-band="' + band + '"') + ' hidden></div>';
  document.getElementById("applause-level").outerHTML = html;
  if (event) document.body.dispatchEvent(new CustomEvent(event, {bubbles: true}));
}"""

# Samples engine.inputLevel every 50 ms for `ms` milliseconds.
_SAMPLE_LEVEL = """async (ms) => {
  const out = [], end = performance.now() + ms;
  while (performance.now() < end) {
    out.push(window.liveApplause.engine.inputLevel);
    await new Promise((r) => setTimeout(r, 50));
  }
  return out;
}"""

# Claps scheduled during `ms` milliseconds.
_COUNT_CLAPS = """async (ms) => {
  const before = window.liveApplause.engine.scheduledClaps;
  await new Promise((r) => setTimeout(r, ms));
  return window.liveApplause.engine.scheduledClaps - before;
}"""


def open_page(
    site: str, browser_context: ContextFactory, path: str = "/applause.html", **kw: Any
) -> Page:
    page = browser_context(**kw).new_page()
    page.goto(site + path)
    page.wait_for_function("() => window.liveApplause !== undefined")
    page.evaluate(_RECORD_GRADES)
    return page


def engine(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(_ENGINE)
    return result


def push_level(page: Page, level: float | str, *, band: int | None = None, event: str = "") -> None:
    page.evaluate(_PUSH_LEVEL, [str(level), band, event])


def grades(page: Page) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = page.evaluate("() => window.gradeEvents")
    return events


def changes(page: Page) -> list[int]:
    """The grades of the change events (not the once-a-second repeats), in order."""
    return [e["grade"] for e in grades(page) if not e["repeat"]]


def pressed(page: Page) -> dict[int, str | None]:
    return {
        g: page.get_attribute(f'[data-applause-input] [data-grade="{g}"]', "aria-pressed")
        for g in range(1, 6)
    }


def start_listening(page: Page) -> None:
    page.click("[data-applause-listen]")  # a real click: the user gesture audio needs
    page.wait_for_function("() => window.liveApplause.engine.contextState === 'running'")


def stored(page: Page, key: str) -> str | None:
    value: str | None = page.evaluate("(k) => localStorage.getItem(k)", key)
    return value


def meter_band(page: Page) -> tuple[list[str], str | None]:
    classes = page.evaluate(
        "() => [...document.querySelector('[data-applause-meter]').classList]"
        ".filter((c) => c.startsWith('level-'))"
    )
    return classes, page.get_attribute("[data-applause-meter]", "data-level")


def test_silent_until_the_listen_button_is_clicked(
    site: str, browser_context: ContextFactory
) -> None:
    page = open_page(site, browser_context)
    push_level(page, 0.8, event="htmx:wsAfterMessage")
    page.evaluate("() => window.liveApplause.engine.setLevel(0.5)")
    page.wait_for_timeout(300)
    state = engine(page)
    assert state["running"] is False
    assert state["contextState"] == "none"  # no AudioContext without a gesture
    assert state["scheduledClaps"] == 0
    assert state["gainValue"] == 0
    assert state["inputLevel"] == 0
    assert state["targetLevel"] == 0.5
    assert page.get_attribute("[data-applause-listen]", "aria-pressed") == "false"

    start_listening(page)
    assert engine(page)["running"] is True
    assert page.get_attribute("[data-applause-listen]", "aria-pressed") == "true"
    assert stored(page, "live.applause.listen") == "1"
    page.wait_for_function("() => window.liveApplause.engine.scheduledClaps > 0")

    page.click("[data-applause-listen]")
    state = engine(page)
    assert state["running"] is False
    assert state["gainValue"] == 0
    assert page.get_attribute("[data-applause-listen]", "aria-pressed") == "false"
    assert stored(page, "live.applause.listen") == "0"
    page.wait_for_timeout(150)
    assert page.evaluate(_COUNT_CLAPS, 500) == 0  # the scheduler has stopped
    page.wait_for_function("() => window.liveApplause.engine.contextState === 'suspended'")


def test_pushed_level_is_smoothed_and_sets_the_density(
    site: str, browser_context: ContextFactory
) -> None:
    page = open_page(site, browser_context)
    start_listening(page)

    # Swapped without any htmx event: the MutationObserver fallback picks it up.
    push_level(page, 0.1)
    page.wait_for_function("() => Math.abs(window.liveApplause.engine.inputLevel - 0.1) < 0.002")
    quiet = page.evaluate(_COUNT_CLAPS, 1500)

    push_level(page, 0.9, event="htmx:wsAfterMessage")
    samples = page.evaluate(_SAMPLE_LEVEL, 1500)
    assert samples[0] < 0.5, samples  # no jump
    assert all(b >= a for a, b in itertools.pairwise(samples)), samples
    assert max(samples) <= 0.9
    assert len([s for s in samples if 0.15 < s < 0.85]) >= 4, samples  # a ramp, not a step
    page.wait_for_function("() => window.liveApplause.engine.inputLevel > 0.895")
    ovation = page.evaluate(_COUNT_CLAPS, 1500)

    assert quiet >= 2, quiet  # single claps are still claps
    assert ovation > 8 * quiet, (quiet, ovation)

    # Falling back is smooth too (and slower than rising).
    push_level(page, 0.0, event="htmx:afterSettle")
    page.wait_for_timeout(200)
    assert 0.3 < engine(page)["inputLevel"] < 0.9
    page.wait_for_function("() => window.liveApplause.engine.inputLevel < 0.3")


def test_set_level_clamps_and_ignores_non_numbers(
    site: str, browser_context: ContextFactory
) -> None:
    page = open_page(site, browser_context)
    target = "() => window.liveApplause.engine.targetLevel"
    page.evaluate("() => window.liveApplause.engine.setLevel(0.4)")
    for junk in ('"0.9"', "NaN", "null", "undefined", "{}"):
        page.evaluate(f"() => window.liveApplause.engine.setLevel({junk})")
        assert page.evaluate(target) == 0.4, junk
    page.evaluate("() => window.liveApplause.engine.setLevel(7)")
    assert page.evaluate(target) == 1
    page.evaluate("() => window.liveApplause.engine.setLevel(-2)")
    assert page.evaluate(target) == 0
    push_level(page, "kaputt", event="htmx:wsAfterMessage")  # unreadable fragment: ignored
    assert page.evaluate(target) == 0


@pytest.mark.parametrize(
    ("level", "band"),
    [(0, 0), (0.01, 0), (0.05, 1), (0.19, 1), (0.3, 2), (0.5, 3), (0.7, 4), (0.95, 5), (1, 5)],
)
def test_meter_shows_the_band(
    site: str, browser_context: ContextFactory, level: float, band: int
) -> None:
    page = open_page(site, browser_context)
    push_level(page, level, event="htmx:wsAfterMessage")
    assert meter_band(page) == ([f"level-{band}"], str(band))
    # The text equivalent is the server's job; the script leaves it alone.
    assert page.text_content("[data-applause-text]") == "Applaus: still"


def test_meter_follows_server_band_swaps_and_connection_loss(
    site: str, browser_context: ContextFactory
) -> None:
    page = open_page(site, browser_context)
    push_level(page, 0.5, band=4, event="htmx:afterSettle")  # the server's band wins
    assert meter_band(page) == (["level-4"], "4")
    assert page.evaluate("() => window.liveApplause.engine.targetLevel") == 0.5

    # The meter itself re-rendered by the server: the next level reaches the new element.
    page.evaluate(
        """() => { document.querySelector("[data-applause-meter]").outerHTML =
        '<div class="applause-meter level-0" data-applause-meter data-level="0"'
        + ' aria-hidden="true"></div>'; }"""
    )
    push_level(page, 0.7)
    page.wait_for_function(
        "() => document.querySelector('[data-applause-meter]').dataset.level === '4'"
    )
    assert meter_band(page) == (["level-4"], "4")

    page.evaluate(
        "() => document.body.dispatchEvent(new CustomEvent('htmx:wsClose', {bubbles: true}))"
    )
    assert meter_band(page) == (["level-0"], "0")
    assert page.evaluate("() => window.liveApplause.engine.targetLevel") == 0


def test_mute_and_volume(site: str, browser_context: ContextFactory) -> None:
    page = open_page(site, browser_context)
    start_listening(page)
    assert engine(page)["gainValue"] == pytest.approx(0.64)  # slider 80 %, squared

    page.fill("[data-applause-volume]", "50")
    assert engine(page)["gainValue"] == pytest.approx(0.25)
    assert stored(page, "live.applause.volume") == "0.5"

    page.click("[data-applause-mute]")
    assert page.get_attribute("[data-applause-mute]", "aria-pressed") == "true"
    assert engine(page)["gainValue"] == 0
    assert engine(page)["running"] is True
    assert stored(page, "live.applause.muted") == "1"

    page.click("[data-applause-mute]")
    assert page.get_attribute("[data-applause-mute]", "aria-pressed") == "false"
    assert engine(page)["gainValue"] == pytest.approx(0.25)

    page.evaluate("() => window.liveApplause.engine.setMuted(true)")
    assert engine(page)["gainValue"] == 0
    page.evaluate("() => window.liveApplause.engine.setMuted(false)")
    page.evaluate("() => window.liveApplause.engine.setVolume(2)")
    assert engine(page)["gainValue"] == 1

    page.click("[data-applause-mute]")
    page.reload()
    page.wait_for_function("() => window.liveApplause !== undefined")
    assert page.input_value("[data-applause-volume]") == "50"
    assert page.get_attribute("[data-applause-mute]", "aria-pressed") == "true"
    assert page.evaluate("() => window.liveApplause.engine.muted") is True


def test_remembered_listening_waits_for_a_gesture(
    site: str, browser_context: ContextFactory
) -> None:
    context = browser_context()
    page = context.new_page()
    page.goto(site + "/applause.html")
    start_listening(page)
    page.reload()
    page.wait_for_function("() => window.liveApplause !== undefined")
    # Autoplay is not allowed here, so the page does not pretend to play.
    state = engine(page)
    assert state["running"] is False
    assert state["contextState"] == "suspended"
    assert page.get_attribute("[data-applause-listen]", "aria-pressed") == "false"
    assert page.get_attribute("[data-applause-listen]", "data-applause-resume") == "true"
    assert page.is_visible(".applause-resume-hint")

    start_listening(page)
    assert page.get_attribute("[data-applause-listen]", "aria-pressed") == "true"
    assert page.get_attribute("[data-applause-listen]", "data-applause-resume") is None
    assert not page.is_visible(".applause-resume-hint")


def test_autostart_page_plays_only_where_autoplay_is_allowed(
    site: str, browser_context: ContextFactory
) -> None:
    page = open_page(site, browser_context, "/autostart.html")
    assert engine(page)["running"] is False  # headless Chromium keeps the autoplay policy
    assert page.get_attribute("[data-applause-listen]", "data-applause-resume") == "true"
    start_listening(page)
    assert engine(page)["running"] is True


def test_keyboard_toggles_grades(site: str, browser_context: ContextFactory) -> None:
    page = open_page(site, browser_context)
    page.focus('[data-grade="3"]')
    page.keyboard.press("Space")
    assert changes(page) == [3]
    assert pressed(page) == {1: "false", 2: "false", 3: "true", 4: "false", 5: "false"}
    assert page.get_attribute("[data-applause-input]", "data-clapping") == "3"

    page.keyboard.press("ArrowUp")
    assert changes(page) == [3, 4]
    assert page.evaluate("() => document.activeElement.dataset.grade") == "4"
    assert pressed(page)[4] == "true"
    assert pressed(page)[3] == "false"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert changes(page) == [3, 4, 3, 2]

    page.keyboard.press("Escape")
    assert changes(page) == [3, 4, 3, 2, 0]
    assert set(pressed(page).values()) == {"false"}
    assert page.get_attribute("[data-applause-input]", "data-clapping") == "0"

    # Not clapping: arrows only move the focus.
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.dataset.grade") == "3"
    assert changes(page) == [3, 4, 3, 2, 0]

    page.keyboard.press("Enter")
    assert pressed(page)[3] == "true"
    page.keyboard.press("Enter")  # pressed again: off
    assert changes(page) == [3, 4, 3, 2, 0, 3, 0]
    assert pressed(page)[3] == "false"


def test_grade_is_repeated_every_second_while_clapping(
    site: str, browser_context: ContextFactory
) -> None:
    page = open_page(site, browser_context)
    page.focus('[data-grade="2"]')
    page.keyboard.press("Space")
    page.wait_for_timeout(2600)
    events = grades(page)
    assert [e["grade"] for e in events] == [2] * len(events)
    assert [e["repeat"] for e in events][:3] == [False, True, True], events
    gaps = [b["t"] - a["t"] for a, b in itertools.pairwise(events)]
    assert all(700 <= gap <= 1400 for gap in gaps), gaps

    page.keyboard.press("Escape")
    count = len(grades(page))
    assert grades(page)[-1]["grade"] == 0
    page.wait_for_timeout(1300)
    assert len(grades(page)) == count  # silent once the grade is 0


def test_hidden_page_stops_clapping(site: str, browser_context: ContextFactory) -> None:
    page = open_page(site, browser_context)
    page.focus('[data-grade="5"]')
    page.keyboard.press("Enter")
    page.evaluate(
        """() => { Object.defineProperty(document, "hidden", {value: true, configurable: true});
        document.dispatchEvent(new Event("visibilitychange")); }"""
    )
    assert changes(page) == [5, 0]


def test_pointer_hold_claps_and_quick_tap_latches(
    site: str, browser_context: ContextFactory
) -> None:
    page = open_page(site, browser_context)
    box = page.locator('[data-grade="4"]').bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(500)
    assert changes(page) == [4]
    assert pressed(page)[4] == "true"
    page.mouse.move(box["x"] - 40, box["y"] - 40)  # sliding off keeps clapping (capture)
    assert changes(page) == [4]
    page.mouse.up()
    assert changes(page) == [4, 0]
    assert pressed(page)[4] == "false"

    page.click('[data-grade="2"]')  # quick tap: latched
    page.wait_for_timeout(400)
    assert changes(page) == [4, 0, 2]
    assert pressed(page)[2] == "true"
    page.click('[data-grade="5"]')  # another grade: switch
    page.click('[data-grade="5"]')  # the active grade: off
    assert changes(page) == [4, 0, 2, 5, 0]


def test_touch_hold_on_a_phone(site: str, browser_context: ContextFactory) -> None:
    page = open_page(site, browser_context, **PHONE)
    button = page.locator('[data-grade="3"]')
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    point = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    page.wait_for_timeout(600)
    assert changes(page) == [3]
    assert pressed(page)[3] == "true"
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_function("() => window.gradeEvents.some((e) => e.grade === 0)")
    assert changes(page) == [3, 0]


def test_tap_rate_sets_the_grade(site: str, browser_context: ContextFactory) -> None:
    page = open_page(site, browser_context, **PHONE)
    tap = page.locator("[data-applause-tap]")
    tap.scroll_into_view_if_needed()
    box = tap.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    for _ in range(3):  # slowly: one tap a second
        page.touchscreen.tap(x, y)
        time.sleep(1.0)
    slow = changes(page)
    assert slow and set(slow) == {1}, slow

    start = len(grades(page))
    end = time.monotonic() + 1.6
    while time.monotonic() < end:  # fast: ~6 taps a second
        page.touchscreen.tap(x, y)
        time.sleep(0.16)
    fast = [e["grade"] for e in grades(page)[start:] if not e["repeat"]]
    top = max(fast)
    assert top >= 4, fast
    rising = fast[: fast.index(top) + 1]
    assert rising == sorted(rising), fast
    assert len(set(rising)) >= 3, fast  # it climbs, it does not jump
    assert page.get_attribute("[data-applause-tap]", "data-clapping") == str(top)

    # Stopped tapping: the grade sinks and ends.
    page.wait_for_function(
        "() => window.gradeEvents.length && window.gradeEvents.at(-1).grade === 0", timeout=4000
    )
    after = [e["grade"] for e in grades(page)[start:] if not e["repeat"]]
    tail = after[after.index(top) :]
    assert tail == sorted(tail, reverse=True), after


@pytest.mark.parametrize(
    ("motion", "animation"), [("reduce", "none"), ("no-preference", "applause-pulse")]
)
def test_meter_pulses_only_without_reduced_motion(
    site: str, browser_context: ContextFactory, motion: str, animation: str
) -> None:
    page = open_page(site, browser_context, reduced_motion=motion)
    push_level(page, 0.7, event="htmx:wsAfterMessage")
    page.wait_for_timeout(400)  # the bar's width transition (none with reduced motion)
    style = page.evaluate(
        """() => { const m = document.querySelector("[data-applause-meter]");
        const bar = getComputedStyle(m, "::before");
        return {meter: getComputedStyle(m).animationName, bar: bar.animationName, width: bar.width,
                full: getComputedStyle(m).width}; }"""
    )
    assert style["meter"] == "none"
    assert style["bar"] == animation
    # The band is shown by length (80 % of the inner width at band 4), in either mode.
    assert (
        0.7
        < float(style["width"].removesuffix("px")) / float(style["full"].removesuffix("px"))
        < 0.85
    )


def test_accessibility(site: str, browser_context: ContextFactory) -> None:
    page = open_page(site, browser_context, **PHONE)
    check_a11y(page, context="Applaus-Testseite (Handy)")
    grade_buttons = page.locator("[data-applause-input] [data-grade]")
    for i in range(grade_buttons.count()):
        box = grade_buttons.nth(i).bounding_box()
        assert box is not None
        assert box["width"] >= 44 and box["height"] >= 44, box
    start_listening(page)
    page.click("[data-applause-mute]")
    push_level(page, 0.95, event="htmx:wsAfterMessage")
    page.focus('[data-grade="3"]')
    page.keyboard.press("Space")
    check_a11y(page, context="Applaus-Testseite, Ton an, stumm, klatschend (Handy)")
