"""The phone's one screen with three tabs (Abstimmung · Fragen · Applaus & Stimmung), in
headless Chromium: tabs by mouse and keyboard, the "neu" badge for what arrives in a hidden tab,
the choice kept across pushes and a reload, the applause tab on one 390×844 screen, no sideways
scroll at 320 px, axe without a single violation in each tab, the plain page without
JavaScript, and a moderator's written answer for everyone (other phones and the projector)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from websockets.sync.client import connect

from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, PROJECTOR, ContextFactory
from tests.support.server import LiveServer
from tests.support.stage import api

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only
TABS = ("Abstimmung", "Fragen", "Applaus & Stimmung")


class Room:
    """An event with one room, driven through the public JSON interface."""

    def __init__(self, server: LiveServer, rooms: tuple[str, ...] = ("Plenum",)) -> None:
        event = api(server, "POST", "/events", {"title": "Fachtag Jobcenter", "rooms": list(rooms)})
        self.server, self.code, self.token = server, event["code"], event["moderator_token"]
        self.room = event["rooms"][0]["id"]

    @property
    def phone_url(self) -> str:
        return f"{self.server.url}/e/{self.code}?room={self.room}"

    def open_poll(self, question: str, options: tuple[str, ...] = ("ja", "nein")) -> str:
        body = {
            "question": question,
            "kind": "single",
            "options": list(options),
            "visibility": "live",
        }
        poll = api(
            self.server, "POST", f"/events/{self.code}/rooms/{self.room}/polls", body, self.token
        )
        api(self.server, "POST", f"/events/{self.code}/polls/{poll['id']}/open", None, self.token)
        return str(poll["id"])

    def _socket(self, messages: list[dict[str, Any]]) -> None:
        """One new participant sends `messages` over the JSON socket and waits for the acks."""
        token = api(self.server, "POST", f"/events/{self.code}/join")["participant_token"]
        ws_base = self.server.url.replace("http://", "ws://")
        url = f"{ws_base}/api/v1/events/{self.code}/rooms/{self.room}/ws?token={token}"
        with connect(url) as ws:
            ws.recv()
            for n, message in enumerate(messages):
                ws.send(json.dumps({"request_id": f"r{n}", **message}))
            acks = 0
            while acks < len(messages):
                answer = json.loads(ws.recv())
                if answer.get("type") == "error":
                    raise AssertionError(answer)
                if answer.get("type") == "ack":
                    acks += 1

    def vote(self, poll: str, choice: int) -> None:
        self._socket([{"type": "vote", "poll_id": poll, "choices": [choice]}])

    def approved_question(self, text: str) -> str:
        """A question from another participant, approved by the moderator."""
        self._socket([{"type": "ask", "text": text}])
        questions = api(
            self.server, "GET", f"/events/{self.code}/rooms/{self.room}/questions", None, self.token
        )
        qid = next(q["id"] for q in questions if q["text"] == text)
        self.patch(qid, {"state": "approved"})
        return str(qid)

    def patch(self, qid: str, body: dict[str, Any]) -> None:
        api(self.server, "PATCH", f"/events/{self.code}/questions/{qid}", body, self.token)


def connected(page: Page) -> None:
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)


def tab(page: Page, name: str) -> Any:
    return page.get_by_role("tablist").get_by_role("tab", name=name)


def shows(page: Page, name: str) -> None:
    """`name` is the selected tab, its panel is the one visible."""
    for other in TABS:
        selected = "true" if other == name else "false"
        expect(tab(page, other)).to_have_attribute("aria-selected", selected)
    keys = {"Abstimmung": "polls", "Fragen": "qa", "Applaus & Stimmung": "applause"}
    for label, key in keys.items():
        panel = page.locator(f"#panel-{key}")
        if label == name:
            expect(panel).to_be_visible()
            expect(panel).to_have_attribute("role", "tabpanel")
        else:
            expect(panel).to_be_hidden()


def no_axe_violations(page: Page, context: str) -> None:
    violations = run_axe(page)
    assert not violations, f"axe, {context}:\n{format_violations(violations)}"


@pytest.mark.keyboard("phone-tabs")
def test_tabs_by_mouse_and_keyboard_and_axe_in_each(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = Room(live_server)
    room.open_poll("Wie gefällt Ihnen der Fachtag?")
    room.approved_question("Wann gibt es die Folien?")
    phone = browser_context(**PHONE).new_page()
    phone.goto(room.phone_url)
    connected(phone)
    expect(phone.get_by_role("tab")).to_have_count(3)
    shows(phone, "Abstimmung")  # the first tab, with the open poll on top
    expect(phone.locator("#panel-polls")).to_contain_text("Wie gefällt Ihnen der Fachtag?")
    no_axe_violations(phone, "tab Abstimmung")

    tab(phone, "Fragen").click()
    shows(phone, "Fragen")
    expect(phone.get_by_label("Ihre Frage")).to_be_visible()
    no_axe_violations(phone, "tab Fragen")
    tab(phone, "Applaus & Stimmung").tap()
    shows(phone, "Applaus & Stimmung")
    expect(phone.get_by_role("button", name="Klatschen")).to_be_visible()
    no_axe_violations(phone, "tab Applaus & Stimmung")

    # Keyboard (WAI-ARIA tabs): one tab stop, arrows move and select, wrapping; Home/End.
    selected = tab(phone, "Applaus & Stimmung")
    expect(selected).to_have_attribute("tabindex", "0")
    expect(tab(phone, "Fragen")).to_have_attribute("tabindex", "-1")
    selected.focus()
    phone.keyboard.press("ArrowRight")
    shows(phone, "Abstimmung")
    expect(tab(phone, "Abstimmung")).to_be_focused()
    phone.keyboard.press("ArrowLeft")
    shows(phone, "Applaus & Stimmung")
    phone.keyboard.press("ArrowLeft")
    shows(phone, "Fragen")
    expect(tab(phone, "Fragen")).to_be_focused()
    phone.keyboard.press("Home")
    shows(phone, "Abstimmung")
    phone.keyboard.press("End")
    shows(phone, "Applaus & Stimmung")
    expect(tab(phone, "Applaus & Stimmung")).to_be_focused()
    # Tab leaves the tab list for the panel's first control.
    phone.keyboard.press("Tab")
    focused = phone.evaluate("() => document.activeElement.closest('#panel-applause') !== null")
    assert focused


def test_badge_for_news_in_a_hidden_tab(live_server: LiveServer, phone: Page) -> None:
    room = Room(live_server)
    phone.goto(room.phone_url)
    connected(phone)
    # Count what the polite region says (it must say each news once, not per push).
    phone.evaluate(
        """() => {
          window.newsSaid = [];
          const region = document.getElementById("tab-news");
          new MutationObserver(() => {
            if (region.textContent.trim()) window.newsSaid.push(region.textContent.trim());
          }).observe(region, {childList: true, characterData: true, subtree: true});
        }"""
    )
    tab(phone, "Fragen").click()
    badge = tab(phone, "Abstimmung").locator(".tab-badge")
    expect(badge).to_be_hidden()

    poll = room.open_poll("Soll die Mittagspause länger sein?")
    expect(badge).to_be_visible(timeout=LIVE)
    expect(badge).to_have_text("neu")  # a word, not a coloured dot
    expect(tab(phone, "Abstimmung")).to_have_accessible_name("Abstimmung neu")
    expect(phone.locator("#tab-news")).to_contain_text("Abstimmung")
    # More pushes (votes) while the badge stands: nothing new is said.
    room.vote(poll, 0)
    room.vote(poll, 1)
    expect(phone.locator("#poll-stage")).to_contain_text(re.compile(r"\b2 "), timeout=LIVE)
    assert phone.evaluate("() => window.newsSaid.length") == 1
    # A question appears in the shown tab: no badge there.
    room.approved_question("Gibt es Kaffee?")
    expect(phone.locator("#qa-list")).to_contain_text("Gibt es Kaffee?", timeout=LIVE)
    expect(tab(phone, "Fragen").locator(".tab-badge")).to_be_hidden()
    no_axe_violations(phone, "tab Fragen with a badge on Abstimmung")

    # Showing the tab clears its badge and the announcement.
    tab(phone, "Abstimmung").click()
    expect(badge).to_be_hidden()
    expect(phone.locator("#tab-news")).to_have_text("")
    # A new approved question while Abstimmung is shown: a badge on Fragen.
    room.approved_question("Wo finde ich die Folien?")
    expect(tab(phone, "Fragen").locator(".tab-badge")).to_be_visible(timeout=LIVE)
    expect(phone.locator("#tab-news")).to_contain_text("Fragen")
    # A poll closing is not news.
    api(live_server, "POST", f"/events/{room.code}/polls/{poll}/close", None, room.token)
    expect(phone.locator("#poll-stage")).to_contain_text("beendet", timeout=LIVE)
    tab(phone, "Fragen").click()
    expect(tab(phone, "Fragen").locator(".tab-badge")).to_be_hidden()
    tab(phone, "Applaus & Stimmung").click()
    room.approved_question("Und die Präsentation?")
    expect(phone.locator("#qa-list")).to_contain_text("Und die Präsentation?", timeout=LIVE)
    expect(tab(phone, "Abstimmung").locator(".tab-badge")).to_be_hidden()
    # (Applause never gets a badge: it has none.)
    expect(tab(phone, "Applaus & Stimmung").locator(".tab-badge")).to_have_count(0)


def test_the_tab_survives_pushes_and_a_reload(live_server: LiveServer, phone: Page) -> None:
    room = Room(live_server)
    phone.goto(room.phone_url)
    connected(phone)
    tab(phone, "Fragen").click()
    phone.get_by_label("Ihre Frage").fill("Halbe Frage")
    poll = room.open_poll("Kaffee oder Tee?", ("Kaffee", "Tee"))
    room.vote(poll, 0)
    room.approved_question("Wie lange dauert die Pause?")
    expect(phone.locator("#poll-stage")).to_contain_text("Kaffee oder Tee?", timeout=LIVE)
    expect(phone.locator("#qa-list")).to_contain_text("Wie lange dauert", timeout=LIVE)
    shows(phone, "Fragen")
    expect(phone.get_by_label("Ihre Frage")).to_have_value("Halbe Frage")

    phone.reload()
    connected(phone)
    shows(phone, "Fragen")
    # The badge's memory starts again with the page: what is there at load is not news.
    expect(tab(phone, "Abstimmung").locator(".tab-badge")).to_be_hidden()
    # A link into a panel shows that panel (sorting the questions reloads with #qa-title).
    tab(phone, "Abstimmung").click()
    phone.goto(room.phone_url + "&sort=newest#qa-title")
    connected(phone)
    shows(phone, "Fragen")


def test_the_applause_tab_fits_one_phone_screen(live_server: LiveServer, phone: Page) -> None:
    room = Room(live_server)
    phone.goto(room.phone_url)
    connected(phone)
    tab(phone, "Applaus & Stimmung").click()
    phone.wait_for_function("() => window.liveApplause !== undefined")  # engine loaded
    shows(phone, "Applaus & Stimmung")
    # The page's content, that is: the small footer (Impressum, Barrierefreiheit …) lies below.
    size = phone.evaluate(
        "() => [document.querySelector('main').getBoundingClientRect().bottom, innerHeight,"
        " document.scrollingElement.scrollWidth, innerWidth,"
        " document.querySelector('#pace-form').getBoundingClientRect().height]"
    )
    # Applause and mood fill the first screen; the pace feedback (issue 24) follows right
    # below them, one short scroll away: the page is taller by no more than that card.
    assert size[0] - size[4] <= size[1] and size[2] <= size[3], f"the page scrolls: {size}"
    # Every control of applause and mood is on the screen, and the hint is one line.
    controls = "#panel-applause :is(button, input):not(#pace-form *)"
    for control in phone.locator(controls).all():
        box = control.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844, box
    hint = phone.locator("#applause-hint")
    lines = hint.evaluate(
        "el => Math.round(el.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(el).lineHeight))"
    )
    assert lines == 1


def test_no_sideways_scroll_at_320_px(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = Room(live_server, ("Plenum", "Fachforum 3: Arbeitsmarktintegrationsmaßnahmen"))
    room.open_poll(
        "Welche Arbeitsmarktintegrationsmaßnahmen sollen ausgebaut werden?",
        ("Gesundheitsorientierung in der Beratung", "Jugendberufsagenturen"),
    )
    qid = room.approved_question("Wie geht es mit der Digitalisierungsstrategie weiter?")
    room.patch(
        qid,
        {"answer": "Die Bundesagenturrahmenvereinbarung kommt im Frühjahr.", "state": "answered"},
    )
    phone = browser_context(**{**PHONE, "viewport": {"width": 320, "height": 640}}).new_page()
    phone.goto(room.phone_url)
    connected(phone)
    for name in TABS:
        tab(phone, name).click()
        shows(phone, name)
        width = phone.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], f"tab {name} scrolls sideways at 320 px: {width}"
        no_axe_violations(phone, f"tab {name} at 320 px")


def test_without_javascript_every_area_shows(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = Room(live_server)
    phone = browser_context(**PHONE, java_script_enabled=False).new_page()
    phone.goto(room.phone_url)
    expect(phone.get_by_role("tab")).to_have_count(0)
    nav = phone.get_by_role("navigation", name="Bereiche")
    for name in TABS:
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    for key in ("polls", "qa", "applause"):
        expect(phone.locator(f"#panel-{key}")).to_be_visible()
    nav.get_by_role("link", name="Fragen").click()
    expect(phone).to_have_url(re.compile(r"#panel-qa$"))


def test_an_answer_shows_to_every_phone_and_on_the_projector(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = Room(live_server)
    qid = room.approved_question("Wann gibt es die Folien zum Vortrag?")
    phone = browser_context(**PHONE).new_page()
    phone.goto(room.phone_url)
    connected(phone)
    tab(phone, "Fragen").click()
    question = phone.locator("#qa-list .question", has_text="Wann gibt es die Folien")
    expect(question).to_be_visible()
    expect(question.locator(".answer")).to_have_count(0)
    screen = browser_context(**PROJECTOR).new_page()
    screen.goto(f"{live_server.url}/e/{room.code}/screen?room={room.room}")
    expect(screen.locator("body")).to_have_attribute("data-connection", "open")

    room.patch(
        qid, {"answer": "Im Tagungsbericht, eine Woche nach dem Fachtag.", "state": "answered"}
    )
    # The phone that did not ask sees the answer under the question, live.
    expect(question.locator(".answer")).to_have_text(
        "Antwort: Im Tagungsbericht, eine Woche nach dem Fachtag.", timeout=LIVE
    )
    expect(question).to_contain_text("beantwortet")
    no_axe_violations(phone, "an answered question in the list")

    # The projector: the most supported questions with the answer, then the highlighted card.
    api(
        live_server,
        "PUT",
        f"/events/{room.code}/rooms/{room.room}/screen",
        {"mode": "question"},
        room.token,
    )
    expect(screen.locator("#screen-stage")).to_have_attribute("data-mode", "top", timeout=LIVE)
    expect(screen.locator(".screen-top .screen-answer")).to_have_text(
        "Antwort: Im Tagungsbericht, eine Woche nach dem Fachtag."
    )
    room.patch(qid, {"highlighted": True})
    expect(screen.locator("#screen-stage")).to_have_attribute("data-mode", "question", timeout=LIVE)
    expect(screen.locator(".screen-question-card .screen-answer")).to_contain_text(
        "Im Tagungsbericht"
    )
    no_axe_violations(screen, "projector with an answered question")


def test_tabs_in_english(live_server: LiveServer, phone: Page) -> None:
    room = Room(live_server)
    phone.goto(room.phone_url + "&lang=en")
    connected(phone)
    names = [t.inner_text() for t in phone.get_by_role("tab").all()]
    # (Labels carry soft hyphens for large text: "Ques\u00adtions".)
    shown = [" ".join(n.replace("\u00ad", "").split()) for n in names]
    assert shown == ["Poll", "Questions", "Applause & mood"]
    tab(phone, "Questions").click()
    room.open_poll("Coffee or tea?", ("Coffee", "Tea"))
    expect(tab(phone, "Poll").locator(".tab-badge")).to_have_text("new", timeout=LIVE)
    expect(phone.locator("#tab-news")).to_have_text("New in “Poll”: a poll has started.")


def test_tabs_and_applause_at_200_percent_text(live_server: LiveServer, phone: Page) -> None:
    """With twice the text size the tabs stack and the grades go one per line: no label
    sticks out of its box or off the screen. (The page as a whole at 200 %: issue 18 point 8.)"""
    room = Room(live_server)
    phone.goto(room.phone_url)
    connected(phone)
    phone.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    tab(phone, "Applaus & Stimmung").click()
    phone.wait_for_function("() => window.liveApplause !== undefined")  # engine loaded
    outside = phone.evaluate(
        """() => [...document.querySelectorAll('[role=tab], #panel-applause button')]
          .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5
                          || el.scrollWidth > el.clientWidth + 1)
          .map((el) => el.textContent.trim())"""
    )
    assert outside == []
    # Stacked, the bar no longer sticks: three rows of large type would cover the screen.
    assert phone.locator(".phone-tabs").evaluate("el => getComputedStyle(el).position") == "static"
