"""Applause in the browser: the synthesized room sound, the meter, the listening controls and the
phone's clapping input (static/applause.js + static/applause.css).

A static page (tests/browser/pages/applause.html, the markup contract at the top of applause.js)
is served with nothing but those two files and a CSP stricter than the app's, so any inline style
or script the code might add shows up as a console error and fails the test (browser guard).
htmx is not loaded: tests swap `#applause-level` themselves, as htmx's ws extension would.
Audio is checked through the engine's diagnostics, not by listening. Headless Chromium enforces
the autoplay policy (a context created without a gesture stays suspended), so every test starts
audio with a real click, like a user.

Time: the phone input (tap rate, hold vs. tap, the once-a-second repeat) and the level smoothing
run on the page's timers and clock, which tests with `clock=True` replace by Playwright's fake
clock and advance step by step (`page.clock.run_for`), so a busy machine cannot stretch the
intervals: the same taps always give the same grades. The audio clock (AudioContext.currentTime)
is not faked; the one test that counts claps measures its window on that clock.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from live.domain.applause import level_band
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
          scheduledClaps: e.scheduledClaps, gainValue: e.gainValue, contextState: e.contextState,
          people: e.people};
}"""

# What htmx-ext-ws does with a pushed fragment: replace the element with the same id.
_PUSH_LEVEL = """([level, band, event]) => {
  const html = '<div id="applause-level" data-level="' + level + '"'
    + (band === null ? '' : ' data-band="' + band + '"') + ' hidden></div>';
  document.getElementById("applause-level").outerHTML = html;
  if (event) document.body.dispatchEvent(new CustomEvent(event, {bubbles: true}));
}"""

# Claps scheduled during `ms` milliseconds.
_COUNT_CLAPS = """async (ms) => {
  const before = window.liveApplause.engine.scheduledClaps;
  await new Promise((r) => setTimeout(r, ms));
  return window.liveApplause.engine.scheduledClaps - before;
}"""

# Resolves when every running CSS transition has ended (the infinite pulse is an animation,
# not a transition, and is left running).
_TRANSITIONS_DONE = """() => Promise.all(document.getAnimations()
  .filter((a) => a instanceof CSSTransition).map((a) => a.finished))"""

# Keeps the page's AudioContext within reach of the test (applause.js keeps it private), so a
# measurement can be timed on the audio clock, the clock the claps are scheduled on.
_CAPTURE_AUDIO_CONTEXT = """(() => {
  const Base = window.AudioContext;
  window.AudioContext = class extends Base {
    constructor(options) { super(options); window.testAudioContext = this; }
  };
})()"""

# Claps scheduled while the audio clock advances by `seconds`. Timed on the audio clock, not the
# wall clock: a starved renderer stretches the wall-clock time, not the count per audio second.
_COUNT_CLAPS_AUDIO = """async (seconds) => {
  const ctx = window.testAudioContext, engine = window.liveApplause.engine;
  const before = engine.scheduledClaps, end = ctx.currentTime + seconds;
  while (ctx.currentTime < end) await new Promise((r) => setTimeout(r, 20));
  return engine.scheduledClaps - before;
}"""

# Page time (Unix seconds) at which clocked pages start; any fixed date does.
CLOCK_START = 1_746_864_000  # 2025-05-10 08:00 UTC


def open_page(
    site: str,
    browser_context: ContextFactory,
    path: str = "/applause.html",
    *,
    clock: bool = False,
    **kw: Any,
) -> Page:
    """The test page, recording grade events. With `clock`, the page's clock (Date,
    performance.now, timers) stands still after loading and moves only by `page.clock.run_for`."""
    page = browser_context(**kw).new_page()
    if clock:
        page.clock.install(time=CLOCK_START)  # before the page's scripts see any timer
    page.goto(site + path)
    page.wait_for_function("() => window.liveApplause !== undefined")
    if clock:
        # An hour on: later than any real time loading can take, so the jump goes forwards.
        page.clock.pause_at(CLOCK_START + 3600)
    page.evaluate(_RECORD_GRADES)
    return page


def engine(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(_ENGINE)
    return result


def push_level(page: Page, level: float | str, *, band: int | None = None, event: str = "") -> None:
    """Swap in the level fragment as the server renders it: with the domain's band for the level
    unless ``band`` says otherwise (none for a level that is not a number)."""
    if band is None and not isinstance(level, str):
        band = level_band(level)
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


def level_after(page: Page, ms: int) -> float:
    """The engine's smoothed level after `ms` more milliseconds of page time."""
    page.clock.run_for(ms)
    level: float = engine(page)["inputLevel"]
    return level


def test_pushed_level_is_smoothed(site: str, browser_context: ContextFactory) -> None:
    page = open_page(site, browser_context, clock=True)
    start_listening(page)

    # Swapped without any htmx event: the MutationObserver fallback picks it up.
    push_level(page, 0.1)
    assert abs(level_after(page, 2000) - 0.1) < 0.002

    # Up to 0.9: a ramp of 50 ms steps, not a step, rising within about a second.
    push_level(page, 0.9, event="htmx:wsAfterMessage")
    samples = [level_after(page, 50) for _ in range(30)]
    assert samples[0] < 0.3, samples  # no jump (0.22 after 50 ms)
    assert all(b > a for a, b in itertools.pairwise(samples)), samples
    assert max(samples) <= 0.9
    assert len([s for s in samples if 0.15 < s < 0.85]) >= 4, samples
    assert samples[19] > 0.85, samples  # after one second
    rise_200ms = (samples[3] - 0.1) / 0.8
    assert level_after(page, 2000) > 0.895

    # Falling back is smooth too, and slower than rising (a room dying down).
    push_level(page, 0.0, event="htmx:afterSettle")
    falling = level_after(page, 200)
    assert 0.3 < falling < 0.9
    fall_200ms = (0.9 - falling) / 0.9
    assert 0 < fall_200ms < rise_200ms, (fall_200ms, rise_200ms)
    assert level_after(page, 1000) < 0.3


def test_level_sets_the_density(site: str, browser_context: ContextFactory) -> None:
    context = browser_context()
    context.add_init_script(_CAPTURE_AUDIO_CONTEXT)
    page = context.new_page()
    page.goto(site + "/applause.html")
    page.wait_for_function("() => window.liveApplause !== undefined")
    start_listening(page)

    push_level(page, 0.3, event="htmx:wsAfterMessage")
    page.wait_for_function("() => Math.abs(window.liveApplause.engine.inputLevel - 0.3) < 0.002")
    quiet = page.evaluate(_COUNT_CLAPS_AUDIO, 2.5)
    quiet_people = engine(page)["people"]
    push_level(page, 0.9, event="htmx:wsAfterMessage")
    page.wait_for_function("() => window.liveApplause.engine.inputLevel > 0.895")
    ovation = page.evaluate(_COUNT_CLAPS_AUDIO, 2.5)

    # The test page's room has 40 people (no data-present): 0.3 is about 6 of them clapping
    # (≈ 25 claps/s, all simulated one by one), 0.9 all 40 (16 one by one, ≈ 70 claps/s, the
    # rest from crowd layers). The margin covers chance and the scheduler's lookahead at either
    # end of the window (≤ 1 s when the renderer's timers lag). The sound itself is measured
    # in test_applause_sound.py.
    assert 5 < quiet_people < 7, quiet_people
    assert engine(page)["people"] == 40
    assert quiet >= 10, quiet
    assert ovation > 1.8 * quiet, (quiet, ovation)


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
    # 0.2 and 0.8: where a band worked out in the browser (1 + floor(5 * level)) used to differ.
    [(0, 0), (0.01, 0), (0.05, 1), (0.2, 1), (0.3, 2), (0.5, 3), (0.7, 4), (0.8, 4), (1, 5)],
)
def test_meter_shows_the_servers_band(
    site: str, browser_context: ContextFactory, level: float, band: int
) -> None:
    assert level_band(level) == band
    page = open_page(site, browser_context)
    push_level(page, level, event="htmx:wsAfterMessage")
    assert meter_band(page) == ([f"level-{band}"], str(band))
    # The text equivalent is the server's job; the script leaves it alone.
    assert page.text_content("[data-applause-text]") == "Applaus: still"


def test_a_fragment_without_a_band_keeps_the_meter(
    site: str, browser_context: ContextFactory
) -> None:
    page = open_page(site, browser_context)
    push_level(page, 0.7, event="htmx:wsAfterMessage")
    page.evaluate(_PUSH_LEVEL, ["0.1", None, "htmx:wsAfterMessage"])
    assert meter_band(page) == (["level-4"], "4")  # the browser has no bands of its own
    assert page.evaluate("() => window.liveApplause.engine.targetLevel") == 0.1


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


@pytest.mark.keyboard("applause")
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
    page = open_page(site, browser_context, clock=True)
    page.focus('[data-grade="2"]')
    page.keyboard.press("Space")
    page.clock.run_for(3500)
    events = grades(page)
    start = events[0]["t"]
    assert [(e["grade"], e["repeat"], e["t"] - start) for e in events] == [
        (2, False, 0),
        (2, True, 1000),
        (2, True, 2000),
        (2, True, 3000),
    ]

    page.keyboard.press("Escape")
    count = len(grades(page))
    assert grades(page)[-1]["grade"] == 0
    page.clock.run_for(3000)
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
    # On the page's clock a press lasts exactly as long as the test says: a hold is 500 ms, and
    # a click's press takes no page time at all, however slowly the machine delivers it.
    page = open_page(site, browser_context, clock=True)
    box = page.locator('[data-grade="4"]').bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.clock.run_for(500)
    assert changes(page) == [4]
    assert pressed(page)[4] == "true"
    page.mouse.move(box["x"] - 40, box["y"] - 40)  # sliding off keeps clapping (capture)
    assert changes(page) == [4]
    page.mouse.up()
    assert changes(page) == [4, 0]
    assert pressed(page)[4] == "false"

    page.click('[data-grade="2"]')  # quick tap: latched
    page.clock.run_for(3000)
    assert changes(page) == [4, 0, 2]
    assert pressed(page)[2] == "true"
    page.click('[data-grade="5"]')  # another grade: switch
    page.click('[data-grade="5"]')  # the active grade: off
    assert changes(page) == [4, 0, 2, 5, 0]


def test_touch_hold_on_a_phone(site: str, browser_context: ContextFactory) -> None:
    page = open_page(site, browser_context, clock=True, **PHONE)
    button = page.locator('[data-grade="3"]')
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    point = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    page.clock.run_for(600)  # held: longer than a tap (300 ms)
    assert changes(page) == [3]
    assert pressed(page)[3] == "true"
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_function("() => window.gradeEvents.some((e) => e.grade === 0)")
    assert changes(page) == [3, 0]


def test_tap_rate_sets_the_grade(site: str, browser_context: ContextFactory) -> None:
    """Taps at exact page times (the page's clock moves only between taps), so the grades are
    always the same. Rate = taps in the last 2 s over max(their span, 1 s); the 250 ms input tick
    lowers the grade while no taps come, and 1.5 s without a tap ends it (applause.js)."""
    page = open_page(site, browser_context, clock=True, **PHONE)
    tap = page.locator("[data-applause-tap]")
    tap.scroll_into_view_if_needed()
    box = tap.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    start = page.evaluate("() => performance.now()")

    for _ in range(3):  # slowly: one tap a second (at 0, 1000, 2000 ms)
        page.touchscreen.tap(x, y)
        page.clock.run_for(1000)
    assert changes(page) == [1]

    for _ in range(10):  # fast: a tap every 160 ms (6.25/s), from 3000 to 4440 ms
        page.touchscreen.tap(x, y)
        page.clock.run_for(160)
    assert page.get_attribute("[data-applause-tap]", "data-clapping") == "5"
    page.clock.run_for(3000)  # stopped tapping

    timeline = [(e["t"] - start, e["grade"]) for e in grades(page) if not e["repeat"]]
    assert timeline == [
        (0, 1),  # a first tap claps at the lowest grade
        # Speeding up climbs one grade at a time (the rate over the last 2 s catches up) ...
        (3160, 2),
        (3320, 3),
        (3800, 4),
        (4120, 5),  # 2000 ms dropped out of the window: 8 taps in 1.12 s
        # ... and after the last tap (4440 ms) the grade sinks tick by tick, then ends.
        (5250, 4),
        (5500, 3),
        (5750, 2),
        (6000, 0),  # 1560 ms since the last tap
    ]
    assert page.get_attribute("[data-applause-tap]", "data-clapping") == "0"


@pytest.mark.parametrize(
    ("motion", "animation"), [("reduce", "none"), ("no-preference", "applause-pulse")]
)
def test_meter_pulses_only_without_reduced_motion(
    site: str, browser_context: ContextFactory, motion: str, animation: str
) -> None:
    page = open_page(site, browser_context, reduced_motion=motion)
    push_level(page, 0.7, event="htmx:wsAfterMessage")
    page.evaluate(_TRANSITIONS_DONE)  # the bar's width transition (none with reduced motion)
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
