"""The phone as a participant uses it (issue 18): updates leave the controls alone, no tap is
lost, every state is accessible. Real headless Chromium against a real server; others vote
through the JSON socket, the moderator acts through the API."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, Route, WebSocketRoute, expect
from websockets.sync.client import connect

from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_TIMEOUT_MS, PAGE_SOCKET, BrowserGuard, ContextFactory
from tests.support.server import LiveServer
from tests.support.stage import api

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only

# What #announcer said, in order (one entry per change of its text): an announcement that is
# made once shows once here, however many pushes follow.
RECORD_ANNOUNCEMENTS = """() => {
  window.__said = [];
  const a = document.getElementById("announcer");
  new MutationObserver(() => {
    const text = a.textContent.trim();
    if (text) window.__said.push(text);
  }).observe(a, { childList: true, subtree: true, characterData: true });
}"""


@dataclass
class Room:
    server: LiveServer
    code: str
    token: str
    id: str

    @property
    def url(self) -> str:
        return f"{self.server.url}/e/{self.code}?room={self.id}"

    def open_poll(self, **body: Any) -> str:
        base = f"/events/{self.code}/rooms/{self.id}/polls"
        made = api(self.server, "POST", base, {"visibility": "live", **body}, self.token)
        api(self.server, "POST", f"/events/{self.code}/polls/{made['id']}/open", None, self.token)
        return str(made["id"])

    def close_poll(self, poll_id: str) -> None:
        api(self.server, "POST", f"/events/{self.code}/polls/{poll_id}/close", None, self.token)

    def results(self, poll_id: str) -> dict[str, Any]:
        poll = api(self.server, "GET", f"/events/{self.code}/polls/{poll_id}", None, self.token)
        return dict(poll["results"])

    def others(self, messages: list[dict[str, Any]]) -> None:
        """Each message from another participant over the JSON socket, acknowledged."""
        ws_base = self.server.url.replace("http://", "ws://")
        for message in messages:
            token = api(self.server, "POST", f"/events/{self.code}/join")["participant_token"]
            url = f"{ws_base}/api/v1/events/{self.code}/rooms/{self.id}/ws?token={token}"
            with connect(url) as ws:
                ws.recv()
                ws.send(json.dumps({"request_id": "r1", **message}))
                while json.loads(ws.recv()).get("type") not in ("ack", "error"):
                    pass

    def approve_all(self) -> None:
        path = f"/events/{self.code}/rooms/{self.id}/questions"
        for q in api(self.server, "GET", path, None, self.token):
            patch = f"/events/{self.code}/questions/{q['id']}"
            api(self.server, "PATCH", patch, {"state": "approved"}, self.token)


def new_room(server: LiveServer) -> Room:
    """A room that keeps several polls open at once: the phone's stage of several polls."""
    event = api(server, "POST", "/events", {"title": "Fachtag Teilhabe", "rooms": ["Plenum"]})
    room = Room(server, event["code"], event["moderator_token"], event["rooms"][0]["id"])
    path = f"/events/{room.code}/rooms/{room.id}"
    api(server, "PATCH", path, {"parallel_polls": True}, room.token)
    return room


def wait_connected(page: Page) -> None:
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)


def said(page: Page, pattern: str) -> list[str]:
    texts: list[str] = page.evaluate("() => window.__said")
    return [t for t in texts if re.search(pattern, t)]


def wait_said(page: Page, text: str) -> None:
    page.wait_for_function(
        "(text) => (window.__said || []).some((t) => t.includes(text))", arg=text, timeout=LIVE
    )


OPTIONS = ["Arbeit", "Bildung", "Gesundheit", "Wohnen"]


def tab(page: Page, name: str) -> Locator:
    """One of the phone's three tabs (its name gains "neu" while it has news)."""
    return page.get_by_role("tablist").get_by_role("tab", name=re.compile(f"^{re.escape(name)}"))


def test_ticks_typing_and_focus_survive_votes_by_others_and_a_poll_opening(
    live_server: LiveServer, phone: Page, browser_guard: BrowserGuard
) -> None:
    room = new_room(live_server)
    themes = room.open_poll(question="Welche Themen?", kind="multiple", options=OPTIONS)
    words = room.open_poll(question="Was nehmen Sie mit?", kind="text", options=[])
    phone.goto(room.url)
    wait_connected(phone)
    phone.evaluate(RECORD_ANNOUNCEMENTS)

    # Ticked, typed, moved, not sent; the focus on a ticked box.
    phone.get_by_label("Arbeit").check()
    phone.get_by_label("Gesundheit").check()
    phone.get_by_label("Ihre Antwort").fill("Netzwerk")
    # The volume slider is on the applause tab (pushes there replace the meter, not the slider).
    tab(phone, "Applaus & Stimmung").click()
    phone.wait_for_function("() => window.liveApplause !== undefined")  # engine loaded
    phone.get_by_label("Lautstärke").fill("35")
    tab(phone, "Abstimmung").click()
    phone.get_by_label("Gesundheit").focus()
    # A mark on the form: a push that rebuilt it would drop the mark.
    form = phone.locator(f"#poll-{themes} form")
    form.evaluate("(f) => { f.dataset.mark = 'untouched'; }")

    def still_as_left() -> None:
        for option in OPTIONS:
            box = expect(phone.get_by_label(option))
            if option in ("Arbeit", "Gesundheit"):
                box.to_be_checked()
            else:
                box.not_to_be_checked()
        expect(phone.get_by_label("Ihre Antwort")).to_have_value("Netzwerk")
        expect(phone.get_by_label("Lautstärke")).to_have_value("35")
        expect(phone.get_by_label("Gesundheit")).to_be_focused()

    room.others([{"type": "vote", "poll_id": themes, "choices": [n % 4]} for n in range(20)])
    room.others([{"type": "vote", "poll_id": words, "text": "Austausch"} for _ in range(3)])
    expect(phone.locator(f"#results-{themes} .voters")).to_have_text("20 Stimmen", timeout=LIVE)
    expect(phone.locator(f"#results-{words} .voters")).to_have_text("3 Antworten", timeout=LIVE)
    still_as_left()
    # Only the results were replaced: the form is the same element.
    expect(form).to_have_attribute("data-mark", "untouched")

    # A second poll opens beside them: the stage is rebuilt, what was filled in is carried over.
    second = room.open_poll(question="Noch eine Frage?", kind="single", options=["ja", "nein"])
    expect(phone.locator("#poll-stage")).to_contain_text("Noch eine Frage?", timeout=LIVE)
    still_as_left()
    wait_said(phone, "Neue Abstimmung: Noch eine Frage?")
    room.others([{"type": "vote", "poll_id": second, "choices": [0]} for _ in range(5)])
    expect(phone.locator(f"#results-{second} .voters")).to_have_text("5 Stimmen", timeout=LIVE)
    still_as_left()
    # Announced once, not per update; nothing was announced for the votes.
    assert said(phone, "Neue Abstimmung") == ["Neue Abstimmung: Noch eine Frage?"]

    room.close_poll(second)
    wait_said(phone, "Abstimmung beendet: Noch eine Frage?")
    expect(phone.locator(f"#poll-{second}")).to_have_count(0, timeout=LIVE)
    still_as_left()
    assert len(said(phone, "Abstimmung beendet")) == 1
    # Sent at last, it counts what was ticked.
    phone.get_by_role("button", name="Stimme senden").click()
    wait_said(phone, "Ihre Stimme wurde gezählt.")
    assert room.results(themes)["voters"] == 21


def step_until_sent(phone: Page) -> None:
    """Steps the page's clock in short steps until the phone's own retry (backoff) has landed;
    a step never spans the 4 s the confirmation is shown for."""
    for _ in range(240):
        phone.clock.run_for(500)
        if phone.evaluate("() => !document.querySelector('.send-failed')"):
            return


def check_landed_once(phone: Page, room: Room, poll_id: str) -> None:
    announcer = phone.locator("#announcer")
    expect(phone.locator(f"#poll-{poll_id} .send-failed")).to_have_count(0)
    expect(announcer).to_contain_text("Ihre Stimme wurde gezählt.", timeout=LIVE)
    results = room.results(poll_id)
    assert results["voters"] == 1
    assert results["counts"] == [1, 0, 0, 1]
    expect(phone.get_by_label("Arbeit")).to_be_checked()
    expect(phone.get_by_label("Wohnen")).to_be_checked()
    # The confirmation goes away after 4 s of the page's clock.
    phone.clock.run_for(5_000)
    expect(announcer).to_be_empty()


def send_two_choices(phone: Page, poll_id: str) -> None:
    phone.get_by_label("Arbeit").check()
    phone.get_by_label("Wohnen").check()
    phone.get_by_role("button", name="Stimme senden").click()


def check_unsent_shown(phone: Page, poll_id: str) -> None:
    note = phone.locator(f"#poll-{poll_id} .send-failed")
    expect(note).to_have_text(re.compile("Nicht gesendet – wird erneut versucht"))
    wait_said(phone, "Nicht gesendet")
    expect(phone.get_by_label("Arbeit")).to_be_checked()
    expect(phone.get_by_label("Wohnen")).to_be_checked()
    violations = run_axe(phone)
    assert not violations, "failed send shown:\n" + format_violations(violations)


def test_a_vote_over_the_socket_whose_answer_is_lost_says_so_and_lands_once(
    live_server: LiveServer, phone: Page
) -> None:
    """While the page socket is open, a vote goes over it (no request per phone). Here the
    server stores the vote but its answer never reaches the phone: after the send timeout the
    phone says so, keeps the choice, sends again with the same id, and the vote counts once."""
    room = new_room(live_server)
    themes = room.open_poll(question="Welche Themen?", kind="multiple", options=OPTIONS)
    sent: list[dict[str, Any]] = []
    dropped: list[str] = []

    def relay(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            if isinstance(message, str) and '"vote"' in message:
                sent.append(json.loads(message))
            server.send(message)

        def from_server(message: str | bytes) -> None:
            if isinstance(message, str) and message.startswith("<!--sent:") and not dropped:
                dropped.append(message)  # the server's answer to the first send is lost
                return
            ws.send(message)

        ws.on_message(from_page)
        server.on_message(from_server)

    phone.route_web_socket(PAGE_SOCKET, relay)
    phone.route("**/vote", lambda route: pytest.fail(f"a post while the socket is open: {route}"))
    phone.clock.install()
    phone.goto(room.url)
    wait_connected(phone)
    phone.evaluate(RECORD_ANNOUNCEMENTS)

    send_two_choices(phone, themes)
    # The server counted it (the push says so), but the phone heard no answer: when the send
    # times out, it says so.
    voters = phone.locator(f"#results-{themes} .voters")
    expect(voters).to_have_text("1 Stimme", timeout=LIVE)
    assert len(sent) == 1, sent
    expect(phone.locator(f"#poll-{themes} .send-failed")).to_have_count(0)
    phone.clock.run_for(15_100)
    check_unsent_shown(phone, themes)
    assert dropped and dropped[0].startswith("<!--sent:")
    step_until_sent(phone)
    check_landed_once(phone, room, themes)
    # Both sends were the same request (the server acknowledged the second without counting).
    assert len(sent) == 2, sent
    ids = {dict(m["fields"])["request_id"] for m in sent}
    assert len(ids) == 1, sent
    assert dict(sent[0]["fields"]).get("choices") is not None
    expect(voters).to_have_text("1 Stimme")


def test_a_vote_posted_without_the_socket_that_fails_says_so_and_lands_once(
    live_server: LiveServer, phone: Page, browser_guard: BrowserGuard
) -> None:
    """Without the page socket (it cannot connect), a vote is a form post. The server gets it
    and the phone hears a 503 (its retry must not count twice); then the network fails
    outright until the test lets the sends through."""
    browser_guard.allow_http_status(503)
    browser_guard.allow_websocket_errors()
    browser_guard.allow_console_error(r"^htmx:|Response Status Error Code 503|net::ERR_FAILED")
    room = new_room(live_server)
    themes = room.open_poll(question="Welche Themen?", kind="multiple", options=OPTIONS)
    phone.route_web_socket(PAGE_SOCKET, lambda ws: ws.close(code=1013))
    phone.clock.install()
    phone.goto(room.url)
    expect(phone.locator("body")).to_have_attribute("data-connection", "closed", timeout=LIVE)
    phone.evaluate(RECORD_ANNOUNCEMENTS)
    reached: list[int] = []

    def answer_lost(route: Route) -> None:
        if reached:
            route.abort()
            return
        reached.append(route.fetch().status)
        route.fulfill(status=503, body="")

    phone.route("**/vote", answer_lost)
    send_two_choices(phone, themes)
    check_unsent_shown(phone, themes)
    assert reached == [200]
    # The page's clock stops here and is only stepped: the confirmation must stay until it is.
    phone.clock.pause_at(phone.evaluate("() => Date.now()") + 10)
    phone.unroute("**/vote", answer_lost)
    step_until_sent(phone)
    check_landed_once(phone, room, themes)


def test_the_connection_banner_shows_only_while_broken(
    live_server: LiveServer, phone: Page, browser_guard: BrowserGuard
) -> None:
    browser_guard.allow_websocket_errors()
    room = new_room(live_server)
    phone.goto(room.url)
    wait_connected(phone)
    banner = phone.locator("#connection")
    expect(banner).to_be_hidden()
    phone.context.set_offline(True)
    phone.evaluate("() => window.dispatchEvent(new Event('offline'))")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Verbindung wird wiederhergestellt")
    box = banner.bounding_box()
    assert box is not None and box["y"] == 0  # at the top, over the page
    phone.context.set_offline(False)
    wait_connected(phone)
    expect(banner).to_be_hidden()


def check_state(page: Page, context: str) -> None:
    """No axe violation of any impact; no sideways scroll at this width, at 100 % and 200 %
    text (set through the CSSOM: the CSP refuses injected style tags)."""
    violations = run_axe(page)
    assert not violations, f"{context}:\n" + format_violations(violations)
    for size in ("100%", "200%"):
        page.evaluate("(size) => { document.documentElement.style.fontSize = size; }", size)
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        inner = page.evaluate("() => window.innerWidth")
        assert wide <= inner, f"{context} at {size} text: {wide} px wide in {inner} px"
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")


def test_every_participant_state_is_accessible_and_fits_320_px(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    page = browser_context(viewport={"width": 320, "height": 640}).new_page()
    room = new_room(live_server)
    page.goto(room.url)
    wait_connected(page)
    check_state(page, "no poll")

    themes = room.open_poll(
        question="Welche Themen sollen in der Gesundheitsorientierung Vorrang haben?",
        kind="multiple",
        options=["Arbeitsmarktintegrationsmaßnahmen", "Jugendberufsagenturen", "Sonstiges"],
    )
    words = room.open_poll(
        question="Was nehmen Sie mit?", kind="text", options=[], visibility="after_vote"
    )
    scale = room.open_poll(question="Wie zufrieden sind Sie?", kind="scale", min=1, max=10)
    expect(page.locator(f"#poll-{scale}")).to_be_visible(timeout=LIVE)
    check_state(page, "open polls before voting")

    room.others(
        [
            {"type": "ask", "text": "Wann gibt es die Folien zum Vortrag?"},
            {"type": "ask", "text": "Wie geht es mit der E-Akte weiter?"},
        ]
    )
    room.approve_all()
    room.others([{"type": "vote", "poll_id": themes, "choices": [0]}])
    expect(page.locator("#qa-list")).to_contain_text("E-Akte", timeout=LIVE)
    # Each support button (on the questions' tab) is named with its question and its count.
    tab(page, "Fragen").click()
    folien = "^Frage ‚Wann gibt es die Folien zum Vortrag\\?‘ {}, {} {}$"
    support = page.get_by_role(
        "button", name=re.compile(folien.format("Unterstützen", 0, "Stimmen"))
    )
    expect(support).to_be_visible()
    button = page.locator(f"#{support.get_attribute('id')}")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true", timeout=LIVE)
    expect(button).to_have_accessible_name(re.compile(folien.format("Unterstützt", 1, "Stimme")))

    tab(page, "Abstimmung").click()
    page.get_by_label("Jugendberufsagenturen").check()
    page.get_by_role("button", name="Stimme senden").click()
    expect(page.locator(f"#results-{themes} .voters")).to_have_text("2 Stimmen", timeout=LIVE)
    page.get_by_label("Ihre Antwort").fill("Netzwerk")
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator(f"#results-{words} .word-cloud")).to_contain_text("Netzwerk", timeout=LIVE)
    check_state(page, "after voting, text poll answered, Q&A with questions")

    for poll in (themes, words, scale):
        room.close_poll(poll)
    expect(page.locator("#poll-stage")).to_contain_text("beendet", timeout=LIVE)
    check_state(page, "closed poll")
