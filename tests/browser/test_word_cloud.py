"""The word cloud in real Chromium: laid out on the server, drawn as SVG, measured in the page.

A text poll with some 45 different words (long German compounds among them) is put on the
projector with the moderators' screen control. At 1920×1080 on the projector and at 390×844 on
a phone every word lies inside the cloud's box and the viewport, no two words overlap (the
server's width estimate must hold for the browser's real font), the most frequent word is the
largest, and on the projector the smallest text is at least 2.2 % of the screen height.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from websockets.sync.client import connect

from live.domain.polls import MAX_ANSWER_LEN
from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, PROJECTOR, BrowserGuard, ContextFactory
from tests.support.server import LiveServer
from tests.support.stage import api

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only

_ONCE = (
    "Offenheit Vertrauen Effizienz Innovation Kommunikation Transparenz Beteiligung Verwaltung "
    "Zukunft Qualität Freude Leitbild Feedback Weiterbildung Kundenorientierung "
    "Onlinezugangsgesetz Datenschutz Wertschätzung Anerkennung Flexibilität Homeoffice"
)
# Most frequent first; the top word is unique, long compounds sit in several size classes.
WORDS: dict[str, int] = {
    "Netzwerk": 14,
    "Digitalisierung": 11,
    "Jugendberufsagenturen": 9,
    "Austausch": 8,
    "Motivation": 7,
    "Kooperation": 6,
    "Bürokratie": 6,
    "Gesundheitsorientierungsprogramm": 5,
    "Fortbildung": 5,
    "Vernetzung": 4,
    "Zusammenarbeit": 4,
    "Ideen": 4,
    "Inspiration": 3,
    "Praxis": 3,
    "Kollegen": 3,
    "Gespräche": 3,
    "Erfahrung": 2,
    "Struktur": 2,
    "Klarheit": 2,
    "Mut": 2,
    "Energie": 2,
    "Wissen": 2,
    "Impulse": 2,
    "Teamgeist": 2,
    **dict.fromkeys(_ONCE.split(), 1),
}
TOP = max(WORDS.values())


def answers(words: dict[str, int]) -> list[str]:
    """Answers (≤ MAX_ANSWER_LEN) that give each word its count, each word once per answer."""
    out: list[str] = []
    for layer in range(TOP):
        line = ""
        for word, count in words.items():
            if count <= layer:
                continue
            if len(line) + 1 + len(word) > MAX_ANSWER_LEN:
                out.append(line)
                line = ""
            line = f"{line} {word}".strip()
        if line:
            out.append(line)
    return out


def text_poll_with_answers(server: LiveServer) -> tuple[dict[str, Any], dict[str, Any]]:
    event: dict[str, Any] = api(
        server, "POST", "/events", {"title": "Tag der Jobcenter", "rooms": ["Plenum"]}
    )
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    poll: dict[str, Any] = api(
        server,
        "POST",
        f"/events/{code}/rooms/{room}/polls",
        {"question": "Was nehmen Sie mit?", "kind": "text", "options": [], "visibility": "live"},
        token,
    )
    api(server, "POST", f"/events/{code}/polls/{poll['id']}/open", None, token)
    for text in answers(WORDS):
        participant = api(server, "POST", f"/events/{code}/join")["participant_token"]
        with connect(
            f"{server.ws_url}/api/v1/events/{code}/rooms/{room}/ws?token={participant}"
        ) as ws:
            ws.recv()  # the snapshot
            ws.send(
                json.dumps({"type": "vote", "request_id": "a", "poll_id": poll["id"], "text": text})
            )
            while json.loads(ws.recv()).get("type") != "ack":
                pass
    counted = dict(api(server, "GET", f"/events/{code}/polls/{poll['id']}")["results"]["words"])
    assert counted == WORDS  # the test's premise: the answers gave every word its count
    return event, poll


# Every word of the cloud as drawn: its box in the SVG's units (getBBox), on screen
# (getBoundingClientRect), its font size on screen, and its count.
MEASURE = """(svg) => {
  const view = svg.viewBox.baseVal;
  const outer = svg.getBoundingClientRect();
  const words = [...svg.querySelectorAll('text.cloud-word')].map((el) => {
    const b = el.getBBox();
    const r = el.getBoundingClientRect();
    const scale = el.getScreenCTM().a;
    const count = el.querySelector('.cloud-count');
    return {
      word: el.firstChild.textContent,
      count: Number(count.textContent),
      box: [b.x, b.y, b.x + b.width, b.y + b.height],
      screen: [r.left, r.top, r.right, r.bottom],
      font: parseFloat(getComputedStyle(el).fontSize) * scale,
      countFont: parseFloat(getComputedStyle(count).fontSize) * scale,
    };
  });
  return {
    view: [view.x, view.y, view.x + view.width, view.y + view.height],
    outer: [outer.left, outer.top, outer.right, outer.bottom],
    viewport: [innerWidth, innerHeight],
    words,
  };
}"""


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# The socket's first push (right after it opens) replaces the regions the page was served
# with: measuring before it would hold an element that is taken out of the page mid-way.
COUNT_PUSHES = """document.addEventListener("htmx:wsAfterMessage", () => {
  window.livePushes = (window.livePushes || 0) + 1;
});"""


def first_push_done(page: Page) -> None:
    page.wait_for_function("() => (window.livePushes || 0) >= 1")


def check_cloud(page: Page, where: str) -> dict[str, Any]:
    svg = page.locator("svg.cloud-svg")
    expect(svg).to_be_visible(timeout=LIVE)
    svg.scroll_into_view_if_needed()
    m: dict[str, Any] = svg.evaluate(MEASURE)
    words = m["words"]
    assert len(words) >= 12, f"{where}: only {len(words)} words drawn"
    width, height = m["viewport"]
    x0, y0, x1, y1 = m["view"]
    for w in words:
        bx0, by0, bx1, by1 = w["box"]
        assert x0 <= bx0 and bx1 <= x1 and y0 <= by0 and by1 <= y1, f"{where}: {w} leaves the box"
        sx0, sy0, sx1, sy1 = w["screen"]
        assert sx0 >= 0 and sx1 <= width and sy0 >= 0 and sy1 <= height, (
            f"{where}: {w} leaves the viewport {m['viewport']}"
        )
        assert WORDS[w["word"]] == w["count"], f"{where}: {w}"
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            assert not overlap(a["box"], b["box"]), f"{where}: {a['word']} overlaps {b['word']}"
    largest = max(words, key=lambda w: w["font"])
    assert largest["count"] == TOP, f"{where}: the largest word is {largest}"
    assert words[0]["count"] == TOP, f"{where}: drawn first is {words[0]}"  # reading order
    # The words left out are said so, in text.
    left_out = len(WORDS) - len(words)
    more = page.locator(".cloud-left-out")
    if left_out:
        expect(more).to_have_text(
            f"+{left_out} weitere Wörter" if left_out > 1 else "+1 weiteres Wort"
        )
    else:
        expect(more).to_have_count(0)
    # Screen readers get every drawn word with its count, in the image's name.
    name = ", ".join(f"{w['word']} – {w['count']}" for w in words)
    expect(page.get_by_role("img", name="Wortwolke")).to_have_accessible_name(
        re.compile(re.escape(name) + "$")
    )
    return m


def test_word_cloud_fits_projector_and_phone(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    event, poll = text_poll_with_answers(live_server)
    code, room = event["code"], event["rooms"][0]["id"]

    moderator = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    moderator.goto(f"{live_server.url}/e/{code}/moderate?token={event['moderator_token']}")
    expect(moderator.locator(".connection").first).to_have_attribute("data-state", "open")
    moderator.locator("#screen-words-poll").select_option(label="Was nehmen Sie mit?")
    moderator.locator("#screen-mode-words").click()
    expect(moderator.locator("#screen-mode-words")).to_have_attribute("aria-pressed", "true")

    screen = browser_context(**PROJECTOR).new_page()
    screen.add_init_script(COUNT_PUSHES)
    screen.goto(f"{live_server.url}/e/{code}/screen?room={room}")
    expect(screen.locator("#screen-stage")).to_have_attribute("data-mode", "words")
    first_push_done(screen)
    m = check_cloud(screen, "projector 1920×1080")
    height = m["viewport"][1]
    smallest = min(min(w["font"], w["countFont"]) for w in m["words"])
    assert smallest >= 0.022 * height, f"smallest text {smallest:.1f} px at {height} px"
    violations = run_axe(screen)
    assert not violations, format_violations(violations)

    phone = browser_context(**PHONE).new_page()
    phone.add_init_script(COUNT_PUSHES)
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    expect(phone.locator(f"#results-{poll['id']}")).to_be_visible()
    first_push_done(phone)
    check_cloud(phone, "phone 390×844")
    violations = run_axe(phone)
    assert not violations, format_violations(violations)
