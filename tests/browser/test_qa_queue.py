"""The moderators' Q&A queue in headless Chromium at 1366×768: one tab stop, one selected
question, actions by key with the focus on the next question each time, the undo for 5 s (the
page's clock, stepped), pushes that never take the moderator's selection, focus or typed text,
axe without a single violation in every state."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from websockets.sync.client import connect

from tests.support.axe import WCAG_TAGS, axe_source, format_violations, run_axe
from tests.support.browser import DEFAULT_TIMEOUT_MS, BrowserGuard, ContextFactory
from tests.support.server import LiveServer
from tests.support.stage import api

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only
CONSOLE: ViewportSize = {"width": 1366, "height": 768}
CLOCK_START = 1_746_864_000  # 2025-05-10 08:00 UTC

FOCUSED_ID = "() => document.activeElement ? document.activeElement.id : null"
# Every control of the queue that Tab stops at (visible, not taken out of the order).
TAB_STOPS = """() => Array.from(document.querySelectorAll(
  '#mod-questions a[href], #mod-questions button, #mod-questions summary, '
  + '#mod-questions textarea, #mod-questions input, #mod-questions [tabindex]'))
  .filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0
    && !el.closest('details:not([open]) > :not(summary)')).length"""


class Room:
    """An event with one room, and participants who talk to it over the public socket."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        event = api(server, "POST", "/events", {"title": "Fachtag", "rooms": ["Plenum"]})
        self.code: str = event["code"]
        self.token: str = event["moderator_token"]
        self.room: str = event["rooms"][0]["id"]
        self._voter: str | None = None

    def send(self, message: dict[str, Any], token: str | None = None) -> None:
        """One message of a participant (a new one unless ``token``), up to its ack."""
        if token is None:
            token = api(self.server, "POST", f"/events/{self.code}/join")["participant_token"]
        url = f"{self.server.ws_url}/api/v1/events/{self.code}/rooms/{self.room}/ws?token={token}"
        with connect(url) as ws:
            ws.recv()
            ws.send(json.dumps({"request_id": "r", **message}))
            while (reply := json.loads(ws.recv()))["type"] != "ack":
                assert reply["type"] != "error", reply

    def ask(self, text: str) -> str:
        self.send({"type": "ask", "text": text})
        return str(next(q["id"] for q in self.questions() if q["text"] == text))

    def upvote(self, qid: str) -> None:
        self.send({"type": "upvote", "question_id": qid})

    def questions(self) -> list[dict[str, Any]]:
        path = f"/events/{self.code}/rooms/{self.room}/questions"
        result: list[dict[str, Any]] = api(self.server, "GET", path, None, self.token)
        return result

    def question(self, qid: str) -> dict[str, Any]:
        return next(q for q in self.questions() if q["id"] == qid)

    def approve(self, qid: str) -> None:
        path = f"/events/{self.code}/questions/{qid}"
        api(self.server, "PATCH", path, {"state": "approved"}, self.token)

    def moderate(self, page: Page) -> None:
        page.goto(f"{self.server.url}/e/{self.code}/moderate?token={self.token}")
        expect(page.locator(".connection").first).to_have_attribute(
            "data-state", "open", timeout=LIVE
        )


def row(page: Page, qid: str) -> Any:
    return page.locator(f"#mod-q-{qid}")


def assert_axe_clean(page: Page, state: str) -> None:
    violations = run_axe(page)
    assert not violations, f"axe, {state}:\n{format_violations(violations)}"


_START_AXE = """(tags) => {
  window.__qaAxe = null;
  // Not into frames (the projector thumbnails are the screen page, checked on its own).
  const options = {runOnly: {type: "tag", values: tags}, iframes: false};
  window.axe.run(document, options).then((result) => {
    window.__qaAxe = result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(" ")),
    }));
  });
}"""


def assert_axe_clean_on_a_paused_clock(page: Page, state: str, budget_ms: int = 200) -> int:
    """axe while the page's clock stands still: axe waits on 0 ms timers, so the clock is
    stepped a millisecond at a time until it is done. Returns the page time that took."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    page.evaluate(_START_AXE, list(WCAG_TAGS))
    for spent in range(1, budget_ms + 1):
        page.clock.run_for(1)
        violations = page.evaluate("() => window.__qaAxe")
        if violations is not None:
            assert not violations, f"axe, {state}:\n{format_violations(violations)}"
            return spent
    raise AssertionError(f"axe took more than {budget_ms} ms of page time")


def tab_into_the_queue(page: Page) -> None:
    """Tab from the top of the page until the focus is on a question of the queue."""
    page.locator("body").focus()
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('.qa-row')"):
            return
    raise AssertionError("Tab never reached the queue")


@pytest.mark.keyboard("qa-approve")
def test_approve_three_waiting_questions_by_keyboard_with_the_focus_on_the_next(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = Room(live_server)
    earlier = room.ask("Gibt es eine Pause zwischen den Foren?")
    room.approve(earlier)
    waiting = [
        room.ask("Wann gibt es die Folien zum Vortrag?"),
        room.ask("Wie viele Jobcenter nutzen schon die E-Akte?"),
        room.ask("Wer moderiert das zweite Forum?"),
    ]
    page = browser_context(viewport=CONSOLE).new_page()
    room.moderate(page)

    tab_into_the_queue(page)
    # The oldest waiting question is selected; the list is one tab stop.
    assert page.evaluate(FOCUSED_ID) == f"mod-q-{waiting[0]}"
    expect(row(page, waiting[0])).to_have_attribute("aria-current", "true")
    expect(page.locator(".qa-row[tabindex='0']")).to_have_count(1)
    expect(page.locator(".qa-row[tabindex='-1']")).to_have_count(3)
    # Only the selected question shows its buttons, named with the question.
    approve = page.get_by_role(
        "button", name="Freigeben Frage „Wann gibt es die Folien zum Vortrag?“", exact=True
    )
    expect(approve).to_be_visible()
    approve_buttons = page.locator("#mod-questions").get_by_role(
        "button", name=re.compile(r"^Freigeben Frage „.*“$")
    )
    expect(approve_buttons).to_have_count(1)
    stops = page.evaluate(TAB_STOPS)
    assert stops <= 9, stops
    assert_axe_clean(page, "queue with waiting questions, the first selected")

    expected_focus = [waiting[1], waiting[2], earlier]
    for qid, then in zip(waiting, expected_focus, strict=True):
        text = room.question(qid)["text"]
        page.keyboard.press("a")
        expect(page.locator("#announcer")).to_have_text(f"Frage „{text}“ freigegeben.")
        expect(row(page, qid)).to_have_attribute("data-state", "approved")
        # The focus is on the next waiting question (after the last: the next in the list).
        page.wait_for_function(f"() => document.activeElement.id === 'mod-q-{then}'")
        expect(row(page, then)).to_have_attribute("aria-current", "true")
        expect(page.locator(".qa-row[tabindex='0']")).to_have_count(1)
    assert {q["state"] for q in room.questions()} == {"approved"}
    # Tab goes on from the list to the selected question's buttons, not through every question.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('.qa-row').id") == (
        f"mod-q-{earlier}"
    )
    assert_axe_clean(page, "queue after approving, the buttons of a question in focus")


def test_hide_and_undo_within_five_seconds_and_the_undo_is_gone_after(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = Room(live_server)
    first = room.ask("Warum beginnt das Forum später?")
    second = room.ask("Gibt es Kaffee?")
    page = browser_context(viewport=CONSOLE).new_page()
    page.clock.install(time=CLOCK_START)  # before the page's scripts see any timer
    room.moderate(page)
    # An hour on: later than any real time loading can take, so the jump goes forwards.
    page.clock.pause_at(CLOCK_START + 3600)
    undo = page.get_by_role("button", name="Rückgängig")
    queue = page.locator("#mod-questions")

    row(page, first).focus()
    page.keyboard.press("h")
    expect(page.locator("#announcer")).to_have_text(
        "Frage „Warum beginnt das Forum später?“ ausgeblendet."
    )
    expect(row(page, first)).to_have_attribute("data-state", "hidden")
    expect(row(page, first)).to_be_hidden()  # folded away among the done ones
    page.wait_for_function(f"() => document.activeElement.id === 'mod-q-{second}'")
    expect(undo).to_be_visible()
    expect(page.locator("#qa-undo-what")).to_have_text(
        "Frage „Warum beginnt das Forum später?“ ausgeblendet."
    )
    spent = assert_axe_clean_on_a_paused_clock(page, "queue with the undo offered")

    # A question arriving meanwhile (a push replaces the queue) keeps the undo.
    page.clock.run_for(2000 - spent)
    room.ask("Kommt noch eine dritte Frage?")
    expect(queue).to_contain_text("Kommt noch eine dritte Frage?", timeout=LIVE)
    expect(undo).to_be_visible()
    assert page.evaluate(FOCUSED_ID) == f"mod-q-{second}"
    page.clock.run_for(2500)  # 4.5 s after hiding
    expect(undo).to_be_visible()
    page.keyboard.press("u")
    expect(page.locator("#announcer")).to_have_text(
        "Rückgängig gemacht: „Warum beginnt das Forum später?“ – wartet auf Freigabe."
    )
    expect(row(page, first)).to_have_attribute("data-state", "pending")
    expect(row(page, first)).to_be_visible()
    page.wait_for_function(f"() => document.activeElement.id === 'mod-q-{first}'")
    expect(undo).to_have_count(0)
    assert room.question(first)["state"] == "pending"

    # Hidden again: after 5 s the undo is gone, and U says there is nothing to undo. (The
    # clock stands still, so htmx has not settled the undo's answer yet: its forms work all the
    # same, the queue sets them up at once; else H would post the plain form.)
    page.keyboard.press("h")
    expect(row(page, first)).to_have_attribute("data-state", "hidden")
    expect(undo).to_be_visible()
    page.clock.run_for(4900)
    expect(undo).to_be_visible()
    page.clock.run_for(200)
    expect(undo).to_have_count(0)
    page.keyboard.press("u")
    expect(page.locator("#announcer")).to_have_text("Es gibt nichts rückgängig zu machen.")
    assert room.question(first)["state"] == "hidden"
    # The focus stayed in the queue, on the question selected after hiding.
    assert page.evaluate("() => !!document.activeElement.closest('.qa-row')")


@pytest.mark.keyboard("qa-answer")
def test_pushes_keep_the_typed_answer_the_focus_and_the_selection(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    browser_guard.allow_http_status(422)  # the empty answer, refused on purpose
    room = Room(live_server)
    top, mine = room.ask("Was kostet die Teilnahme?"), room.ask("Gibt es die Folien?")
    for qid in (top, mine):
        room.approve(qid)
    room.upvote(top)
    room.ask("Wartet noch auf die Freigabe?")
    page = browser_context(viewport=CONSOLE).new_page()
    room.moderate(page)
    field = page.locator(f"#mq-{mine}-answer-text")

    # Select "Gibt es die Folien?" and open its answer field with E.
    row(page, mine).focus()
    expect(row(page, mine)).to_have_attribute("aria-current", "true")
    page.keyboard.press("e")
    expect(field).to_be_focused()
    # Saving it empty: refused, announced, the field in focus and marked.
    page.keyboard.press("Control+Enter")
    expect(page.locator("#announcer")).to_have_text("⚠ Bitte geben Sie eine Antwort ein.")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#mq-{mine}-answer-error")).to_have_text(
        "Bitte geben Sie eine Antwort ein."
    )
    assert_axe_clean(page, "queue with a refused answer")
    page.keyboard.type("Die Folien kommen per E-Mail")

    # Twenty pushes: ten new questions, ten upvotes (which move the question being answered
    # above the other one), each waited for on the page.
    queue = page.locator("#mod-questions")
    for n in range(10):
        text = f"Neue Frage Nummer {n + 1} aus dem Publikum?"
        room.ask(text)
        # One waited before; ten a page (issue 21): the count tells each push apart.
        expect(page.locator("#qa-pending-title")).to_contain_text(f"({n + 2})", timeout=LIVE)
    expect(queue).to_contain_text("Neue Frage Nummer 9 aus dem Publikum?")
    for n in range(10):
        room.upvote(mine)
        expect(row(page, mine).locator(".question-meta")).to_contain_text(
            f"{n + 1} Unterstützung", timeout=LIVE
        )
    expect(page.locator(".qa-rows").nth(1).locator(".qa-row").first).to_have_id(f"mod-q-{mine}")

    # Nothing of the moderator's was touched.
    expect(field).to_be_focused()
    expect(field).to_have_value("Die Folien kommen per E-Mail")
    expect(field).to_have_attribute("aria-invalid", "true")  # the error stays until saved
    expect(row(page, mine)).to_have_attribute("aria-current", "true")
    expect(page.locator(".qa-row[aria-current='true']")).to_have_count(1)
    assert_axe_clean(page, "queue with an open answer field after pushes")

    page.keyboard.type(", am Montag.")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#announcer")).to_have_text(
        "Antwort auf „Gibt es die Folien?“ gespeichert und als beantwortet markiert."
    )
    saved = room.question(mine)
    assert (saved["state"], saved["answer"]) == (
        "answered",
        "Die Folien kommen per E-Mail, am Montag.",
    )
    # The field closed; the focus went on to the next waiting question.
    expect(field).to_be_hidden()
    page.wait_for_function(
        "() => document.activeElement.closest('.qa-row')?.dataset.state === 'pending'"
    )


def test_without_javascript_every_question_has_its_plain_forms(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = Room(live_server)
    first, second = room.ask("Ohne Skript, erste Frage?"), room.ask("Ohne Skript, zweite Frage?")
    page = browser_context(viewport=CONSOLE, java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/e/{room.code}/moderate?token={room.token}")
    approve = page.get_by_role("button", name=re.compile(r"^Freigeben Frage „.*“$"))
    expect(approve).to_have_count(2)
    expect(page.locator("#qa-keys")).to_be_hidden()  # the keys work only with the script
    page.get_by_role("button", name="Freigeben Frage „Ohne Skript, zweite Frage?“").click()
    expect(row(page, second)).to_have_attribute("data-state", "approved")
    assert room.question(second)["state"] == "approved"
    row(page, second).get_by_text("Antworten").click()
    field = page.get_by_role(
        "textbox", name="Antwort Frage „Ohne Skript, zweite Frage?“", exact=True
    )
    field.fill("Geht auch so.")
    row(page, second).get_by_role("button", name="Antwort speichern").click()
    expect(row(page, second)).to_contain_text("Geht auch so.")
    saved = room.question(second)
    assert (saved["state"], saved["answer"]) == ("answered", "Geht auch so.")
    assert room.question(first)["state"] == "pending"


def test_the_queue_pages_by_keyboard_and_the_page_stays_live(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    """Issue 21: a group shows ten questions a page; "Weitere Fragen" and "Vorherige Fragen"
    are links reached with Tab and followed with Enter, and the socket pushes that page."""
    room = Room(live_server)
    asked = [room.ask(f"Frage Nummer {n} zur Tagung?") for n in range(1, 12)]
    page = browser_context(viewport=CONSOLE).new_page()
    room.moderate(page)
    expect(page.locator("#mod-questions .qa-row")).to_have_count(10)

    def tab_to(target: str) -> None:
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate(FOCUSED_ID) == target:
                return
        raise AssertionError(f"Tab never reached #{target}")

    page.locator("#qa-pending-title").focus()
    tab_to("qa-pending-next")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"qa_pending=2"))
    expect(page.locator("#mod-questions .qa-page-of").first).to_have_text("Seite 2 von 2")
    expect(page.locator("#mod-questions .qa-row")).to_have_count(1)
    expect(row(page, asked[10])).to_be_visible()
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)

    # A new question lands on this page (the oldest wait first), pushed without a reload.
    late = room.ask("Kommt diese Frage auf Seite zwei?")
    expect(row(page, late)).to_be_visible(timeout=LIVE)
    expect(page.locator("#mod-questions .qa-row")).to_have_count(2)

    page.locator("#qa-pending-title").focus()
    tab_to("qa-pending-previous")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"qa_pending=(?!2)|moderate\?room=[^&#]*(#|$)"))
    expect(page.locator("#mod-questions .qa-row")).to_have_count(10)
    expect(row(page, asked[0])).to_be_visible()


def test_a_queue_of_the_longest_questions_comes_row_by_row_and_works_the_same(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    """Issue 21: a page of the longest questions (500 four-byte characters each) is more than
    one socket frame, so the push sends the queue with placeholders and each row that did not
    fit in a frame of its own (live/views/frame_budget.py). The console still shows every
    question, one tab stop, names every button with its question, and is clean for axe."""
    room = Room(live_server)
    texts = [f"Lange Frage {n:02d}: " + "😀" * 480 for n in range(20)]
    asked = [room.ask(text) for text in texts]
    for qid in asked[10:]:
        room.approve(qid)
    page = browser_context(viewport=CONSOLE).new_page()
    frames: list[int] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived", lambda payload: frames.append(len(str(payload).encode()))
        ),
    )
    room.moderate(page)
    # The socket's first push: the queue and the rows after it, every frame under 64 KiB.
    expect(page.locator(".qa-row[aria-busy]")).to_have_count(0, timeout=LIVE)
    page.wait_for_function(
        "n => document.querySelectorAll('.qa-row[data-qid]').length === n", arg=20
    )
    assert frames and max(frames) < 64 * 1024, frames
    assert sum(1 for size in frames if size > 5_000) > 2  # the queue came in several frames
    expect(page.locator(".qa-row[tabindex='0']")).to_have_count(1)
    expect(page.locator(".qa-row[tabindex='-1']")).to_have_count(19)

    tab_into_the_queue(page)
    assert page.evaluate(FOCUSED_ID) == f"mod-q-{asked[0]}"
    excerpt = "Lange Frage 00: " + "😀" * 33 + "…"
    approve = page.get_by_role("button", name=f"Freigeben Frage „{excerpt}“", exact=True)
    expect(approve).to_be_visible()
    expect(
        page.get_by_role("button", name=f"Ausblenden Frage „{excerpt}“", exact=True)
    ).to_be_visible()
    assert_axe_clean(page, "queue of the longest questions, pushed row by row")

    page.keyboard.press("a")
    expect(row(page, asked[0])).to_have_attribute("data-state", "approved", timeout=LIVE)
    page.wait_for_function(
        "qid => document.activeElement && document.activeElement.id === 'mod-q-' + qid",
        arg=asked[1],
    )
    assert room.question(asked[0])["state"] == "approved"
