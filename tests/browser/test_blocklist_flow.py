"""The blocklist end to end in headless Chromium (issue 24 item 6): the organiser puts a word on
the event's list on the setup page; a phone's question with it waits in the moderators' queue
(though questions need no approval here) and the phone is told it is checked; an answer with it
stays out of the projector's word cloud; the moderator hides another word live. axe on the new
states."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_polls_flow import LIVE, wait_connected
from tests.support.axe import check_a11y
from tests.support.browser import PHONE, PROJECTOR, BrowserGuard, ContextFactory
from tests.support.server import LiveServer
from tests.support.stage import request_json

pytestmark = pytest.mark.browser


def test_a_listed_word_is_held_back_from_questions_and_the_cloud(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    event = request_json(live_server, "POST", "/api/v1/events", {"title": "Tag der Jobcenter"})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    poll = request_json(
        live_server,
        "POST",
        f"/api/v1/events/{code}/rooms/{room}/polls",
        {"question": "Was bremst Sie?", "kind": "text", "visibility": "live"},
        token,
    )
    request_json(live_server, "POST", f"/api/v1/events/{code}/polls/{poll['id']}/open", None, token)

    # --- the organiser: questions without approval, a word on the list ----------------------
    organiser = browser_context(viewport={"width": 1280, "height": 900}).new_page()
    organiser.goto(f"{live_server.url}/e/{code}/moderate?token={token}")
    wait_connected(organiser)
    organiser.locator(".qa-settings-box summary").click()
    organiser.get_by_label("Fragen erst nach Freigabe zeigen").uncheck()
    organiser.locator("#settings-save").click()
    expect(organiser.get_by_label("Fragen erst nach Freigabe zeigen")).not_to_be_checked()

    setup = browser_context(viewport={"width": 1280, "height": 900}).new_page()
    setup.goto(f"{live_server.url}/e/{code}/moderate?token={token}")
    setup.goto(f"{live_server.url}/e/{code}/setup#blocklist")
    setup.get_by_label("Wort sperren").fill("Bürokratiemonster")
    setup.get_by_role("button", name="Sperren", exact=True).click()
    expect(setup.locator(".notice")).to_contain_text("Die Sperrliste ist gespeichert.")
    expect(
        setup.get_by_role("button", name="„Bürokratiemonster“ von der Sperrliste entfernen")
    ).to_be_visible()
    check_a11y(setup, context="setup page, blocklist with an own word")
    # A bad entry: the message at the field, nothing stored (the page comes with a 422).
    browser_guard.allow_http_status(422)
    setup.get_by_label("Wort sperren").fill("zwei Wörter")
    setup.get_by_role("button", name="Sperren", exact=True).click()
    expect(setup.locator("#bl-entry-error")).to_be_visible()
    expect(setup.get_by_label("Wort sperren")).to_have_attribute("aria-invalid", "true")
    check_a11y(setup, context="setup page, blocklist entry refused")

    # --- a phone asks and answers ------------------------------------------------------------
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    wait_connected(phone)
    phone.get_by_label("Ihre Antwort").fill("Das Bürokratiemonster")
    phone.get_by_role("button", name="Antwort senden").click()
    expect(phone.locator("#announcer")).to_contain_text("gezählt", timeout=LIVE)
    phone.get_by_role("tab", name="Fragen").click()
    phone.get_by_label("Ihre Frage").fill("Wer füttert eigentlich das Bürokratiemonster?")
    phone.get_by_role("button", name="Frage senden").click()
    expect(phone.locator("#announcer")).to_contain_text("wird von der Moderation geprüft")
    expect(phone.locator("#qa-mine")).to_contain_text("Bürokratiemonster")
    check_a11y(phone, context="participant Q&A, question held by the blocklist")

    other = browser_context(**PHONE).new_page()
    other.goto(phone.url)
    wait_connected(other)
    other.get_by_label("Ihre Antwort").fill("Personalmangel")
    other.get_by_role("button", name="Antwort senden").click()

    # --- the projector: the clean answer, not the held one -----------------------------------
    screen = browser_context(**PROJECTOR).new_page()
    screen.goto(f"{live_server.url}/e/{code}/screen?room={room}")
    wait_connected(screen)
    cloud = screen.locator("#screen-results")
    expect(cloud).to_contain_text("Personalmangel", timeout=LIVE)
    expect(cloud).not_to_contain_text("Bürokratiemonster")

    # --- the console: the held question in the queue, the held answer listed -----------------
    held = organiser.locator(".mod-question", has_text="Wer füttert eigentlich")
    expect(held).to_have_attribute("data-state", "pending", timeout=LIVE)
    expect(held.locator(".blocked-note")).to_contain_text("Bürokratiemonster")
    held_answers = organiser.locator(".cloud-held")
    expect(held_answers).to_contain_text("1 Antwort von der Sperrliste zurückgehalten")
    held_answers.locator("summary").click()
    expect(held_answers).to_contain_text("Das Bürokratiemonster")
    check_a11y(organiser, context="console, a held question and a held answer")

    # --- the moderator hides a word live -----------------------------------------------------
    organiser.get_by_role(
        "button", name="„Personalmangel“ aus der Wortwolke ausblenden", exact=True
    ).click()
    expect(cloud).not_to_contain_text("Personalmangel", timeout=LIVE)

    # --- the word comes off the list: the answer reaches the cloud ---------------------------
    setup.get_by_role("button", name="„Bürokratiemonster“ von der Sperrliste entfernen").click()
    expect(setup.locator(".notice")).to_contain_text("nicht mehr auf der Sperrliste")
    expect(cloud).to_contain_text("Bürokratiemonster", timeout=LIVE)

    # --- the same states in English ----------------------------------------------------------
    setup.goto(f"{live_server.url}/e/{code}/setup?lang=en#blocklist")
    expect(setup.get_by_role("heading", name="Blocklist")).to_be_visible()
    check_a11y(setup, context="setup page in English, blocklist")
    setup.get_by_label("Block a word").fill("Bürokratiemonster")
    setup.get_by_role("button", name="Block", exact=True).click()
    expect(setup.locator(".notice")).to_contain_text("The blocklist has been saved.")
    expect(cloud).not_to_contain_text("Bürokratiemonster", timeout=LIVE)
    organiser.goto(f"{live_server.url}/e/{code}/moderate?lang=en")
    wait_connected(organiser)
    expect(organiser.locator(".cloud-held")).to_contain_text("1 answer held back")
    expect(organiser.locator(".blocked-note")).to_contain_text("Held back")
    check_a11y(organiser, context="console in English, a held question")
