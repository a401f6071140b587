"""The stream overlay in headless Chromium, as OBS shows it (1920×1080 and 1280×720), and the
moderators' overlay-link builder.

- The overlay is transparent, has nothing to focus, shows each chosen part inside the picture
  (12 long options and a 300-character question included), follows votes and the highlighted
  question live, scales with the canvas and passes axe.
- The builder turns the choice into the link and the silent preview, with and without
  JavaScript, and copies the link.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from websockets.sync.client import connect

from live.views.overlay import parse_overlay
from tests.browser.test_control_flow import connected
from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_TIMEOUT_MS, BrowserGuard, ContextFactory
from tests.support.server import LiveServer
from tests.support.stage import api

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only
CANVASES: tuple[ViewportSize, ...] = (
    {"width": 1920, "height": 1080},
    {"width": 1280, "height": 720},
)
ALL_PARTS = "applause,results,question,lower-third"
OPTIONS = [
    f"{i}. {word}"
    for i, word in enumerate(
        [
            "Gesundheitsorientierte Arbeitsförderung",
            "Jugendberufsagenturen in jedem Landkreis",
            "Digitale Akte und Datenschutzfolgenabschätzung",
            "Qualifizierungsberatung für Beschäftigte",
            "Kinderbetreuungsangebote für Alleinerziehende",
            "Zusammenarbeit mit kommunalen Eingliederungsleistungen",
            "Sprachförderung und Integrationskurse",
            "Weiterbildungsprämien und Bildungsgutscheine",
            "Schuldnerberatung und psychosoziale Betreuung",
            "Arbeitgeberservice und Stellenakquise",
            "Rehabilitation und Teilhabe am Arbeitsleben",
            "Wohnungslosigkeit gemeinsam verhindern",
        ],
        start=1,
    )
]
LONG_QUESTION = (
    "Wie stellen Sie sicher, dass die Zusammenarbeit zwischen Jobcentern, Jugendämtern und "
    "Schulen auch dann funktioniert, wenn die Datenschutzbeauftragten unterschiedliche "
    "Auffassungen vertreten und die Fachverfahren der Kommunen nicht miteinander kompatibel "
    "sind, und welche Rolle spielt dabei die neue Jugendberufsagentur des Landkreises?"
)[:300]

# Everything the overlay draws lies inside the picture, and no plate's text runs out of it.
INSIDE = """() => {
  const out = [];
  for (const el of document.querySelectorAll('.overlay-stack, .overlay-stack *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5)
      out.push(`${el.tagName}.${el.className.baseVal ?? el.className}: ${JSON.stringify(r)}`);
  }
  for (const p of document.querySelectorAll('.overlay-panel:not([hidden])'))
    if (p.scrollWidth > p.clientWidth + 1 || p.scrollHeight > p.clientHeight + 1)
      out.push(`${p.className} overflows: ${p.scrollWidth}x${p.scrollHeight}`);
  if (document.documentElement.scrollHeight > innerHeight) out.push('page scrolls');
  return out;
}"""
FOCUSABLE = """() => [...document.querySelectorAll(
  'a[href], button, input, select, textarea, iframe, summary, details, [tabindex], ' +
  '[contenteditable]')].map((el) => el.outerHTML.slice(0, 80))"""
# Each text's colour and the plate it sits on.
TEXTS = """() => {
  const out = [];
  for (const panel of document.querySelectorAll('.overlay-panel:not([hidden])')) {
    const plate = getComputedStyle(panel).backgroundColor;
    const walker = document.createTreeWalker(panel, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!node.data.trim() || el.closest('[hidden]')) continue;
      out.push([node.data.trim().slice(0, 30), getComputedStyle(el).color, plate]);
    }
  }
  return out;
}"""
BACKGROUNDS = """() => [document.documentElement, document.body].map(
  (el) => getComputedStyle(el).backgroundColor)"""


def stock(server: LiveServer) -> dict[str, Any]:
    """An event whose room has a program item running now, an open 12-option poll on the
    projector and a closed text poll with answers."""
    event: dict[str, Any] = api(
        server, "POST", "/events", {"title": "Tag der Jobcenter", "rooms": ["Plenum"]}
    )
    code, token = event["code"], event["moderator_token"]
    zone = ZoneInfo("Europe/Berlin")
    now = datetime.now(zone)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(midnight, now - timedelta(hours=1)).replace(second=0, microsecond=0)
    end = min(midnight + timedelta(hours=23, minutes=59), now + timedelta(hours=1))
    setup = {
        "version": 1,
        "title": "Tag der Jobcenter",
        "rooms": [{"name": "Plenum"}],
        "agenda": [
            {
                "title": "Die Jugendberufsagentur im Landkreis",
                "room": "Plenum",
                "starts_at": start.astimezone(UTC).isoformat(),
                "ends_at": end.replace(second=0, microsecond=0).astimezone(UTC).isoformat(),
                "speaker": "Dr. Renate Köhler",
            }
        ],
    }
    api(server, "PUT", f"/events/{code}/setup", setup, token)
    room = api(server, "GET", f"/events/{code}")["rooms"][0]["id"]
    stocked = {"code": code, "token": token, "room": room}
    words = api(
        server,
        "POST",
        f"/events/{code}/rooms/{room}/polls",
        {"question": "Ein Wort zum Tag?", "kind": "text", "options": [], "visibility": "live"},
        token,
    )
    api(server, "POST", f"/events/{code}/polls/{words['id']}/open", None, token)
    for word in ["Netzwerk", "Austausch", "Digitalisierung", "Netzwerk", "Motivation"]:
        send(server, stocked, {"type": "vote", "poll_id": words["id"], "text": word})
    poll = api(
        server,
        "POST",
        f"/events/{code}/rooms/{room}/polls",
        {
            "question": "Welche Themen sollen wir im nächsten Jahr vertiefen?",
            "kind": "single",
            "options": OPTIONS,
            "visibility": "live",
        },
        token,
    )
    # Opened last: the projector shows it (and the text poll closes).
    api(server, "POST", f"/events/{code}/polls/{poll['id']}/open", None, token)
    return stocked | {"poll": poll["id"], "words": words["id"]}


def send(server: LiveServer, stocked: dict[str, Any], message: dict[str, Any]) -> None:
    """One participant's message over the public socket, up to its ack."""
    code, room = stocked["code"], stocked["room"]
    participant = api(server, "POST", f"/events/{code}/join")["participant_token"]
    with connect(f"{server.ws_url}/api/v1/events/{code}/rooms/{room}/ws?token={participant}") as ws:
        ws.recv()
        ws.send(json.dumps({"request_id": "r", **message}))
        while (reply := json.loads(ws.recv()))["type"] != "ack":
            assert reply["type"] != "error", reply


def open_overlay(page: Page, server: LiveServer, stocked: dict[str, Any], query: str) -> None:
    page.goto(f"{server.url}/e/{stocked['code']}/overlay?room={stocked['room']}&{query}")
    # Connected: the socket's first frames have been swapped in (the meter gets its band).
    expect(page.locator("#applause [data-applause-meter]")).to_have_attribute(
        "data-level", "0", timeout=LIVE
    )


def rgba(css: str) -> tuple[float, float, float, float]:
    values = [float(v) for v in re.findall(r"[\d.]+", css)]
    return (values[0], values[1], values[2], values[3] if len(values) > 3 else 1.0)


def luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_on_plate(color: str, plate: str) -> float:
    """White-ish text against its translucent plate over the worst video behind it: white."""
    text, back, alpha = rgba(color)[:3], rgba(plate)[:3], rgba(plate)[3]
    shown = tuple(alpha * c + (1 - alpha) * 255 for c in back)
    lighter, darker = sorted((luminance(text), luminance(shown)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def assert_clean_picture(page: Page, context: str) -> None:
    assert page.evaluate(BACKGROUNDS) == ["rgba(0, 0, 0, 0)"] * 2, context
    assert page.evaluate(FOCUSABLE) == [], context
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement === document.body"), context
    assert page.evaluate(INSIDE) == [], context
    texts = page.evaluate(TEXTS)
    assert texts, context
    low = [(t, c, p) for t, c, p in texts if contrast_on_plate(c, p) < 4.5]
    assert low == [], f"{context}: text below 4.5:1 on its plate: {low}"
    violations = run_axe(page)
    assert violations == [], f"{context}:\n{format_violations(violations)}"


def test_overlay_shows_each_part_inside_the_picture_and_follows_the_room(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    stocked = stock(live_server)
    moderator = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    moderator.goto(f"{live_server.url}/e/{stocked['code']}/moderate?token={stocked['token']}")
    connected(moderator)
    overlays = [browser_context(viewport=canvas).new_page() for canvas in CANVASES]
    for overlay, position in zip(overlays, ("bottom-left", "bottom"), strict=True):
        open_overlay(overlay, live_server, stocked, f"parts={ALL_PARTS}&position={position}")

    for overlay, canvas in zip(overlays, CANVASES, strict=True):
        name = f"{canvas['width']}×{canvas['height']}"
        results = overlay.locator("#overlay-results")
        expect(results).to_be_visible()  # the poll opened last is on the projector
        expect(results.locator(".bar-row")).to_have_count(12)
        expect(results).to_contain_text("Welche Themen sollen wir")
        expect(overlay.locator(".overlay-applause")).to_be_visible()
        expect(overlay.locator(".overlay-applause")).to_contain_text("Applaus")
        lower = overlay.locator("#overlay-lower-third")
        expect(lower).to_be_visible()
        expect(lower).to_contain_text("Die Jugendberufsagentur im Landkreis")
        expect(lower).to_contain_text("Dr. Renate Köhler")
        expect(lower).to_contain_text("Tag der Jobcenter · Plenum")
        expect(overlay.locator("#overlay-question")).to_be_hidden()  # none highlighted yet
        assert_clean_picture(overlay, f"all parts, no question, {name}")

    # A vote: the results follow without a reload.
    send(live_server, stocked, {"type": "vote", "poll_id": stocked["poll"], "choices": [11]})
    for overlay in overlays:
        expect(overlay.locator("#overlay-results .voters")).to_have_text("1 Stimme", timeout=LIVE)
        expect(overlay.locator("#overlay-results .bar-row").last).to_contain_text("100")

    # The moderator highlights a long question: it appears with its name, and the results go
    # (highlighting takes the projector, and the overlay's results follow the projector).
    send(live_server, stocked, {"type": "ask", "text": LONG_QUESTION, "name": "Kai Nowak"})
    questions = moderator.locator("#mod-questions")
    questions.get_by_role("button", name="Freigeben").click()
    questions.get_by_role("button", name="Auf die Leinwand").click()
    for overlay, canvas in zip(overlays, CANVASES, strict=True):
        question = overlay.locator("#overlay-question")
        expect(question).to_be_visible(timeout=LIVE)
        expect(question).to_contain_text("Wie stellen Sie sicher")
        expect(question.locator("figcaption")).to_have_text("Kai Nowak")
        expect(overlay.locator("#overlay-results")).to_be_hidden(timeout=LIVE)
        assert_clean_picture(overlay, f"the long question, {canvas['width']}×{canvas['height']}")

    # The word cloud on the projector beside the highlighted question: all four parts at once.
    moderator.locator("#screen-words-poll").select_option(label="Ein Wort zum Tag?")
    moderator.locator("#screen-mode-words").click()
    for overlay, canvas in zip(overlays, CANVASES, strict=True):
        cloud = overlay.locator("#overlay-results .word-cloud")
        expect(cloud).to_be_visible(timeout=LIVE)
        expect(cloud).to_contain_text("Netzwerk")
        expect(overlay.locator("#overlay-question")).to_be_visible()
        assert_clean_picture(overlay, f"all four parts, {canvas['width']}×{canvas['height']}")


def test_overlay_scales_with_the_canvas_and_takes_its_corner(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    stocked = stock(live_server)
    heights = []
    for canvas in CANVASES:
        page = browser_context(viewport=canvas).new_page()
        open_overlay(page, live_server, stocked, "sound=off")
        expect(page.locator("#overlay-results")).to_have_count(0)
        expect(page.locator(".overlay-applause")).to_be_visible()
        assert page.evaluate("() => !!document.querySelector('[data-applause-silent]')")
        assert page.evaluate("() => window.liveApplause.engine.contextState") == "none"
        box = page.locator(".overlay-applause").bounding_box()
        assert box is not None
        heights.append(box["height"] / canvas["height"])
        # Each position puts the plate into its corner (or along the bottom).
        gap = canvas["height"] * 0.03
        for position in ("bottom-left", "bottom-right", "top-left", "top-right", "bottom"):
            open_overlay(page, live_server, stocked, f"sound=off&position={position}")
            box = page.locator(".overlay-stack").bounding_box()
            assert box is not None
            left, top = box["x"], box["y"]
            right, bottom = (
                canvas["width"] - left - box["width"],
                canvas["height"] - top - box["height"],
            )
            near = {"left": left, "right": right, "top": top, "bottom": bottom}
            for side in position.split("-") + (["left", "right"] if position == "bottom" else []):
                assert abs(near[side] - gap) < 2, (position, side, near)
            assert page.evaluate(INSIDE) == [], position
    # The same share of the picture on both canvases (sizes in vh).
    assert abs(heights[0] - heights[1]) < 0.005, heights


@pytest.mark.keyboard("overlay-builder")
def test_builder_makes_the_link_and_previews_it_silently(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    stocked = stock(live_server)
    code, room = stocked["code"], stocked["room"]
    context = browser_context(
        viewport={"width": 1280, "height": 1000}, permissions=["clipboard-read", "clipboard-write"]
    )
    moderator = context.new_page()
    moderator.goto(f"{live_server.url}/e/{code}/moderate?token={stocked['token']}")
    connected(moderator)
    moderator.get_by_role("link", name="Links und QR-Codes").click()  # the builder's page
    frame = moderator.locator("#overlay-preview")
    assert frame.get_attribute("src") is None  # closed: no overlay loaded
    moderator.get_by_text("Stream-Overlay für OBS oder vMix").click()
    field = moderator.get_by_label("Link für die Browserquelle")
    expected = f"{live_server.url}/e/{code}/overlay?room={room}"
    expect(field).to_have_value(f"{expected}&parts=applause&sound=on&position=bottom-left")
    expect(frame).to_have_attribute("src", f"/e/{code}/overlay?room={room}&{silent('applause')}")
    preview = moderator.frame_locator("#overlay-preview")
    expect(preview.locator(".overlay-applause")).to_be_visible()
    expect(preview.locator("[data-applause-silent]")).to_have_count(1)

    # Choosing, by keyboard too: link and preview follow at once.
    moderator.get_by_label("Ergebnis der Abstimmung auf der Leinwand (oder Wortwolke)").check()
    moderator.get_by_label("Bauchbinde: Veranstaltung, Raum und laufender Programmpunkt").focus()
    moderator.keyboard.press("Space")
    moderator.get_by_label("Position im Bild").select_option("top-right")
    moderator.get_by_label("Ohne Ton").check()
    value = field.input_value()
    query = parse_qs(urlsplit(value).query)
    config = parse_overlay(query["parts"], query["sound"][0], query["position"][0])
    assert value == f"{expected}&{config.query()}"  # written as the server writes it
    assert value.endswith("&parts=results,applause,lower-third&sound=off&position=top-right")
    parts = "results,applause,lower-third"
    expect(frame).to_have_attribute(
        "src", f"/e/{code}/overlay?room={room}&{silent(parts, 'top-right')}"
    )
    expect(preview.locator("#overlay-results")).to_be_visible()
    expect(preview.locator("#overlay-lower-third")).to_contain_text("Tag der Jobcenter")
    moderator.get_by_label("Applaus hörbar (über OBS oder vMix)").check()
    expect(field).to_have_value(f"{expected}&parts={parts}&sound=on&position=top-right")
    # The preview stays silent whatever the link says.
    assert "sound=off" in (frame.get_attribute("src") or "")

    # Copy: the clipboard holds the link, and the page says so.
    moderator.get_by_role("button", name="Link kopieren").last.click()
    expect(moderator.locator("#announcer")).to_contain_text("Der Link ist kopiert.")
    assert moderator.evaluate("() => navigator.clipboard.readText()") == field.input_value()
    violations = run_axe(moderator)
    assert violations == [], format_violations(violations)


def test_builder_works_without_javascript(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    stocked = stock(live_server)
    code, room = stocked["code"], stocked["room"]
    page = browser_context(
        viewport={"width": 1280, "height": 1000}, java_script_enabled=False
    ).new_page()
    page.goto(f"{live_server.url}/e/{code}/moderate?token={stocked['token']}")
    page.get_by_role("link", name="Links und QR-Codes").click()  # the builder's page
    page.get_by_text("Stream-Overlay für OBS oder vMix").click()
    page.get_by_label("Hervorgehobene Frage mit Namen").check()
    page.get_by_label("Position im Bild").select_option("bottom-right")
    page.get_by_role("button", name="Link und Vorschau erstellen").click()
    field = page.get_by_label("Link für die Browserquelle")
    expect(field).to_have_value(
        f"{live_server.url}/e/{code}/overlay?room={room}"
        "&parts=question,applause&sound=on&position=bottom-right"
    )
    expect(page.locator("#overlay-builder")).to_have_attribute("open", "")
    expect(page.get_by_label("Hervorgehobene Frage mit Namen")).to_be_checked()
    expect(page.locator("#overlay-preview")).to_have_attribute(
        "src", f"/e/{code}/overlay?room={room}&{silent('question,applause', 'bottom-right')}"
    )


def silent(parts: str, position: str = "bottom-left") -> str:
    return f"parts={parts}&sound=off&position={position}"
