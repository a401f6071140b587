"""Roles, projector control and the control room end to end in headless Chromium.

- A room moderator opens the secret room link, sees only that room, opens a poll; the
  organiser's page shows it live (and the other way round for questions).
- The projector follows buttons and keyboard shortcuts; every mode fits a 16:9 wall at
  1920×1080 and 1280×720 and passes axe.
- The control room shows a vote, a question and applause as they happen.
"""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from websockets.sync.client import connect

from tests.support.axe import check_a11y
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, PROJECTOR, BrowserGuard, ContextFactory
from tests.support.fit import measure
from tests.support.server import LiveServer
from tests.support.stage import api

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only


def create_event(server: LiveServer) -> dict[str, Any]:
    event: dict[str, Any] = api(
        server,
        "POST",
        "/events",
        {"title": "Tag der Jobcenter", "rooms": ["Plenum", "Fachforum 1", "Fachforum 2"]},
    )
    return event


def connected(page: Page) -> None:
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)


def assert_fits(page: Page, context: str) -> None:
    fit = measure(page, skip="[data-operator], .skip-link")
    assert not fit.problems, f"{context}: {fit.problems}"


def _stock_room(server: LiveServer, event: dict[str, Any]) -> None:
    """An open poll, an open text poll with answers (the room allows both open at once), an
    approved question."""
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    api(server, "PATCH", f"/events/{code}/rooms/{room}", {"parallel_polls": True}, token)
    poll = api(
        server,
        "POST",
        f"/events/{code}/rooms/{room}/polls",
        {
            "question": "Wie zufrieden sind Sie mit der Tagung insgesamt?",
            "kind": "single",
            "options": ["sehr zufrieden", "zufrieden", "geht so", "unzufrieden", "weiß nicht"],
            "visibility": "live",
        },
        token,
    )
    api(server, "POST", f"/events/{code}/polls/{poll['id']}/open", None, token)
    text = api(
        server,
        "POST",
        f"/events/{code}/rooms/{room}/polls",
        {"question": "Was nehmen Sie mit?", "kind": "text", "options": [], "visibility": "live"},
        token,
    )
    api(server, "POST", f"/events/{code}/polls/{text['id']}/open", None, token)
    words = ["Netzwerk", "Austausch", "Digitalisierung", "Motivation", "Kooperation"] * 3
    ws_base = server.url.replace("http://", "ws://")
    for i, word in enumerate(words):
        participant = api(server, "POST", f"/events/{code}/join")["participant_token"]
        url = f"{ws_base}/api/v1/events/{code}/rooms/{room}/ws?token={participant}"
        with connect(url) as ws:
            ws.recv()
            ws.send(
                json.dumps({"type": "vote", "request_id": "w", "poll_id": text["id"], "text": word})
            )
            ws.send(
                json.dumps(
                    {"type": "vote", "request_id": "c", "poll_id": poll["id"], "choices": [i % 5]}
                )
            )
            if i == 0:
                ws.send(
                    json.dumps(
                        {
                            "type": "ask",
                            "request_id": "q",
                            "text": "Wann gibt es die Folien zum Vortrag über die E-Akte?",
                        }
                    )
                )
            acks = 0
            while acks < (3 if i == 0 else 2):
                if json.loads(ws.recv()).get("type") == "ack":
                    acks += 1
    for q in api(server, "GET", f"/events/{code}/rooms/{room}/questions", None, token):
        api(server, "PATCH", f"/events/{code}/questions/{q['id']}", {"state": "approved"}, token)


@pytest.mark.keyboard("projector-keys")
def test_projector_follows_buttons_and_shortcuts_and_fits_the_wall(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    event = create_event(live_server)
    code, room = event["code"], event["rooms"][0]["id"]
    _stock_room(live_server, event)
    moderator = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    moderator.goto(f"{live_server.url}/e/{code}/moderate?token={event['moderator_token']}")
    connected(moderator)
    big = browser_context(**PROJECTOR).new_page()
    small = browser_context(viewport={"width": 1280, "height": 720}).new_page()
    for screen in (big, small):
        screen.goto(f"{live_server.url}/e/{code}/screen?room={room}")
        connected(screen)

    stage = big.locator("#screen-stage")

    def shows(mode: str, text: str | None = None) -> None:
        expect(stage).to_have_attribute("data-mode", mode, timeout=LIVE)
        expect(small.locator("#screen-stage")).to_have_attribute("data-mode", mode, timeout=LIVE)
        if text:
            expect(stage).to_contain_text(text)
        for screen, name in ((big, "1920×1080"), (small, "1280×720")):
            assert_fits(screen, f"{mode} at {name}")
        check_a11y(big, context=f"screen in mode {mode}")

    shows("poll", "Was nehmen Sie mit?")  # auto: the poll opened last
    # Buttons.
    moderator.locator("#screen-words-poll").select_option(label="Was nehmen Sie mit?")
    moderator.locator("#screen-mode-words").click()
    shows("words", "Digitalisierung")
    expect(moderator.locator("#screen-mode-words")).to_have_attribute("aria-pressed", "true")
    check_a11y(moderator, context="moderate page, projector on the word cloud")
    moderator.locator("#screen-mode-applause").click()
    shows("applause")
    expect(big.locator(".screen-applause")).to_contain_text("Applaus")
    # Keyboard shortcuts (the focus is on no field).
    moderator.locator("body").click(position={"x": 5, "y": 300})
    moderator.keyboard.press("s")
    shows("slide", "Plenum")
    expect(moderator.locator("#screen-mode-slide")).to_have_attribute("aria-pressed", "true")
    moderator.keyboard.press("j")
    shows("join")
    expect(stage).to_have_attribute("data-idle", "true")
    moderator.locator("#screen-poll-poll").select_option(
        label="Wie zufrieden sind Sie mit der Tagung insgesamt?"
    )
    moderator.locator("body").click(position={"x": 5, "y": 300})  # off the picker: no typing
    moderator.keyboard.press("p")
    shows("poll", "Wie zufrieden sind Sie")
    moderator.keyboard.press("f")  # no highlighted question: the most upvoted ones
    shows("top", "Wann gibt es die Folien")
    moderator.locator("#mod-questions").get_by_role("button", name="Auf die Leinwand").click()
    expect(stage).to_contain_text("Wann gibt es die Folien", timeout=LIVE)
    shows("question")
    # The focus stays in the Q&A queue after its action, where A would approve: off it first.
    moderator.locator("body").click(position={"x": 5, "y": 300})
    moderator.keyboard.press("a")
    shows("applause")
    moderator.keyboard.press("0")
    shows("question")  # auto: the highlighted question first
    expect(moderator.locator("#screen-mode-auto")).to_have_attribute("aria-pressed", "true")

    # Typing in a field never switches the projector.
    moderator.locator("#new-poll > summary").click()
    moderator.get_by_label("Frage", exact=True).fill("")
    moderator.get_by_label("Frage", exact=True).press_sequentially("Jaspis")
    time.sleep(0.5)
    expect(stage).to_have_attribute("data-mode", "question")
    # Shortcuts can be switched off (WCAG 2.1.4), and the choice is remembered.
    moderator.locator(".shortcut-help > summary").click()  # folded away on the console
    moderator.get_by_label("Tastenkürzel verwenden").uncheck()
    moderator.locator("body").click(position={"x": 5, "y": 300})
    moderator.keyboard.press("j")
    time.sleep(0.5)
    expect(stage).to_have_attribute("data-mode", "question")
    moderator.reload()
    expect(moderator.get_by_label("Tastenkürzel verwenden")).not_to_be_checked()


def test_control_room_shows_votes_questions_and_applause_live(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    event = create_event(live_server)
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    poll = api(
        live_server,
        "POST",
        f"/events/{code}/rooms/{room}/polls",
        {"question": "Kaffee oder Tee?", "kind": "single", "options": ["Kaffee", "Tee"]},
        token,
    )
    api(live_server, "POST", f"/events/{code}/polls/{poll['id']}/open", None, token)
    control = browser_context(viewport={"width": 1280, "height": 900}).new_page()
    control.goto(f"{live_server.url}/e/{code}/moderate?token={token}")
    control.get_by_role("link", name="Leitstand").click()
    expect(control.get_by_role("heading", name="Leitstand")).to_be_visible()
    plenum = control.locator(f"#control-{room}")
    expect(plenum).to_contain_text("Kaffee oder Tee? – 0 Stimmen")
    expect(plenum.locator(".control-applause-word")).to_have_text("still")
    check_a11y(control, context="control room")

    # A phone votes and asks: the control room follows without a reload.
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    connected(phone)
    phone.get_by_role("button", name="Tee", exact=True).click()
    expect(plenum).to_contain_text("Kaffee oder Tee? – 1 Stimme", timeout=LIVE)
    expect(plenum.locator(".control-present")).to_have_text("1", timeout=LIVE)
    phone.get_by_role("tab", name="Fragen").click()  # the Q&A has its own tab
    phone.get_by_label("Ihre Frage").fill("Gibt es auch Kakao?")
    phone.get_by_role("button", name="Frage senden").click()
    expect(plenum.locator(".control-pending")).to_have_text("1", timeout=LIVE)
    expect(control.locator("#total-pending")).to_have_text("1", timeout=LIVE)

    # Applause from a second participant (over the public socket), kept up while we look.
    participant = api(live_server, "POST", f"/events/{code}/join")["participant_token"]
    ws_url = live_server.url.replace("http://", "ws://")
    stop = threading.Event()

    def clap() -> None:
        with connect(f"{ws_url}/api/v1/events/{code}/rooms/{room}/ws?token={participant}") as ws:
            while not stop.is_set():
                ws.send(json.dumps({"type": "applause", "grade": 5}))
                stop.wait(0.5)
            ws.send(json.dumps({"type": "applause", "grade": 0}))

    clapper = threading.Thread(target=clap, daemon=True)
    clapper.start()
    try:
        expect(plenum.locator(".control-applause")).to_contain_text(
            re.compile("1 Person klatscht"), timeout=LIVE
        )
        word = plenum.locator(".control-applause-word").inner_text()
        assert word in {"verhalten", "kräftig", "stark", "tosend"}, word
        check_a11y(control, context="control room with applause")
    finally:
        stop.set()
        clapper.join(timeout=5)
    expect(plenum.locator(".control-applause-word")).to_have_text("still", timeout=LIVE)
