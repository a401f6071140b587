"""A plenary vote end to end in real headless Chromium: organiser, moderator, phones, projector.

Every page passes axe-core (no serious or critical WCAG 2.1 A/AA violation) and makes no request
to any host but the app's own (browser_guard fails the test otherwise).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import check_a11y
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, PROJECTOR, BrowserGuard, ContextFactory
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only


def create_event_via_form(page: Page, server: LiveServer) -> str:
    page.goto(server.url + "/")
    check_a11y(page, context="landing page")
    page.get_by_label("Titel").fill("Tag der kommunalen Jobcenter")
    page.get_by_label("Räume (einer pro Zeile)").fill("Plenum\nFachforum 1\nFachforum 2")
    page.get_by_role("button", name="Anlegen").click()
    expect(page.get_by_role("heading", name="Ihre Veranstaltung ist angelegt")).to_be_visible()
    page.get_by_role("link", name="Zur Moderation").click()
    expect(page.locator(".console")).to_be_visible()
    match = re.search(r"/e/([A-Z0-9]{6})/moderate", page.url)
    assert match, page.url
    return match.group(1)


def open_poll_form(page: Page) -> None:
    """The console keeps the poll form folded away under "Neue Abstimmung anlegen"."""
    if page.locator("#new-poll[open]").count() == 0:
        page.locator("#new-poll > summary").click()


def create_poll_via_form(page: Page, question: str, options: list[str], visibility: str) -> None:
    open_poll_form(page)
    page.get_by_label("Frage", exact=True).fill(question)
    page.get_by_label("Einfachauswahl").check()
    page.get_by_label("Antwortmöglichkeiten (eine pro Zeile)").fill("\n".join(options))
    page.locator("#pf-visibility").select_option(visibility)
    page.get_by_label("Sofort öffnen").check()
    page.get_by_role("button", name="Abstimmung anlegen").click()
    expect(page.locator("#mod-polls")).to_contain_text(question)


def create_text_poll_via_form(page: Page, question: str, visibility: str | None = None) -> None:
    """A word-cloud poll, opened at once (``visibility``: the form's choice, else its default)."""
    open_poll_form(page)
    page.get_by_label("Frage", exact=True).fill(question)
    page.get_by_label("Freitext (Wortwolke)").check()
    if visibility is not None:
        page.locator("#pf-visibility").select_option(visibility)
    page.get_by_label("Sofort öffnen").check()
    page.get_by_role("button", name="Abstimmung anlegen").click()
    expect(page.locator("#mod-polls")).to_contain_text(question)


def allow_parallel_polls(page: Page, server: LiveServer, code: str, room: str) -> None:
    """The setup page's checkbox: the room keeps several polls open at once (by default opening
    one closes the open one). Back on the moderation page afterwards."""
    page.goto(f"{server.url}/e/{code}/setup")
    # Each control is named with its room (visually hidden, after a colon).
    for_room = f" ?: {re.escape(room)}$"
    allow = re.compile(f"^Mehrere Abstimmungen gleichzeitig erlauben{for_room}")
    page.get_by_role("checkbox", name=allow).check()
    page.get_by_role("button", name=re.compile(f"^Einstellung speichern{for_room}")).click()
    expect(page.locator(".notice")).to_contain_text("mehrere Abstimmungen gleichzeitig")
    page.goto(f"{server.url}/e/{code}/moderate")


def room_id_from_screen_link(page: Page, room: str) -> str:
    """The room's id, from its projector link on the links page (the page stays there)."""
    page.get_by_role("link", name="Links und QR-Codes").click()
    link = page.get_by_role("link", name=f"Leinwand öffnen ({room})", exact=True)
    href = link.get_attribute("href") or ""
    match = re.search(r"room=([^&]+)", href)
    assert match, href
    return match.group(1)


def wait_connected(page: Page) -> None:
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)


@pytest.mark.keyboard("vote")
def test_phone_votes_and_the_screen_updates_without_reload(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    organiser = browser_context(viewport={"width": 1280, "height": 900}).new_page()
    code = create_event_via_form(organiser, live_server)
    plenum = room_id_from_screen_link(organiser, "Plenum")
    organiser.go_back()

    # The projector first shows how to join.
    screen = browser_context(**PROJECTOR).new_page()
    screen.goto(f"{live_server.url}/e/{code}/screen?room={plenum}")
    wait_connected(screen)
    expect(screen.locator(".join-panel")).to_contain_text(code[:3])
    expect(screen.locator(".join-panel svg.qr")).to_be_visible()
    check_a11y(screen, context="screen, idle")

    question = "Wie zufrieden sind Sie mit der Tagung?"
    options = ["begeistert", "zufrieden", "geht so"]
    wait_connected(organiser)
    create_poll_via_form(organiser, question, options, "live")
    check_a11y(organiser, context="moderator page with an open poll")

    # Opening the poll put it on the projector, live, without a reload.
    expect(screen.locator("#screen-stage")).to_contain_text(question, timeout=LIVE)

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}")
    phone.get_by_role("link", name="Plenum").click()  # several rooms: pick one
    wait_connected(phone)
    expect(phone.get_by_role("heading", name=question)).to_be_visible()
    check_a11y(phone, context="participant page, before voting")

    phone.get_by_role("button", name="zufrieden", exact=True).click()  # one tap
    expect(phone.locator("#announcer")).to_contain_text("Ihre Stimme wurde gezählt.")
    expect(phone.get_by_role("button", name="zufrieden", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    check_a11y(phone, context="participant page, after voting")

    results = screen.locator("#screen-results")
    expect(results).to_contain_text("1 Stimme", timeout=LIVE)
    expect(results.locator(".screen-bar").nth(1)).to_contain_text("100")
    check_a11y(screen, context="screen with live results")

    # A second phone, voting by keyboard only.
    second = browser_context(**PHONE).new_page()
    second.goto(f"{live_server.url}/e/{code}?room={plenum}")
    wait_connected(second)
    second.get_by_role("button", name="geht so", exact=True).focus()
    second.keyboard.press("Enter")
    expect(second.locator("#announcer")).to_contain_text("Ihre Stimme wurde gezählt.")

    expect(results).to_contain_text("2 Stimmen", timeout=LIVE)
    expect(results.locator(".screen-bar").nth(1)).to_contain_text("50")
    expect(results.locator(".screen-bar").nth(2)).to_contain_text("50")
    # The first phone sees the live results too, and the moderator the counts.
    expect(phone.locator(".results")).to_contain_text("2 Stimmen", timeout=LIVE)
    expect(organiser.locator("#mod-live")).to_contain_text("2 Stimmen", timeout=LIVE)

    # Changing a vote moves it, never adds one.
    phone.get_by_role("button", name="begeistert", exact=True).click()
    expect(results.locator(".screen-bar").nth(0)).to_contain_text("50", timeout=LIVE)
    expect(results).to_contain_text("2 Stimmen")

    # Closing: phones stop offering buttons and say so; the screen keeps the final result.
    organiser.locator("#mod-live").get_by_role("button", name=re.compile("^Schließen")).click()
    expect(phone.locator("#poll-stage")).to_contain_text(
        "Diese Abstimmung ist beendet.", timeout=LIVE
    )
    expect(phone.get_by_role("button", name="geht so", exact=True)).to_have_count(0)
    expect(results).to_contain_text("Abstimmung beendet", timeout=LIVE)

    organiser.get_by_role("button", name="Beitrittscode zeigen").click()
    expect(screen.locator("#screen-stage")).to_have_attribute("data-idle", "true", timeout=LIVE)


def test_results_after_voting_and_word_cloud(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    organiser = browser_context(viewport={"width": 1280, "height": 900}).new_page()
    code = create_event_via_form(organiser, live_server)
    wait_connected(organiser)
    # A word-cloud poll whose results phones see only after answering.
    create_text_poll_via_form(organiser, "Was nehmen Sie aus der Tagung mit?", "after_vote")

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}")
    phone.get_by_role("link", name="Plenum").click()
    wait_connected(phone)
    expect(phone.locator(".results")).to_contain_text("nach Ihrer Stimmabgabe")
    phone.get_by_label("Ihre Antwort").fill("Digitalisierung und Netzwerk")
    phone.get_by_role("button", name="Antwort senden").click()
    expect(phone.locator(".word-cloud")).to_contain_text("Digitalisierung", timeout=LIVE)
    check_a11y(phone, context="participant page, word cloud")

    other = browser_context(**PHONE).new_page()
    other.goto(phone.url)
    wait_connected(other)
    other.get_by_label("Ihre Antwort").fill("digitalisierung")
    other.get_by_role("button", name="Antwort senden").click()
    # Case folding: both answers count for one word, live on the first phone.
    expect(phone.locator(".cloud-word").first).to_have_text("Digitalisierung2", timeout=LIVE)


def test_typed_answer_survives_a_live_update_of_the_poll_stage(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    """The stage is swapped whole when a poll opens; text a participant was typing for another
    poll stays (static/live.js). The socket's first push after loading is the same swap. (Two
    open polls: the room allows them.)"""
    organiser = browser_context(viewport={"width": 1280, "height": 900}).new_page()
    code = create_event_via_form(organiser, live_server)
    allow_parallel_polls(organiser, live_server, code, "Plenum")
    wait_connected(organiser)
    create_text_poll_via_form(organiser, "Was nehmen Sie aus der Tagung mit?")

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}")
    phone.get_by_role("link", name="Plenum").click()
    wait_connected(phone)
    phone.get_by_label("Ihre Antwort").fill("Netzwerk")
    create_poll_via_form(organiser, "Noch eine Frage?", ["ja", "nein"], "live")
    expect(phone.locator("#poll-stage")).to_contain_text("Noch eine Frage?", timeout=LIVE)
    expect(phone.get_by_label("Ihre Antwort")).to_have_value("Netzwerk")
    phone.get_by_role("button", name="Antwort senden").click()
    expect(phone.locator(".word-cloud")).to_contain_text("Netzwerk", timeout=LIVE)


def test_bad_vote_shows_a_german_error_in_place(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    browser_guard.allow_http_status(409)
    organiser = browser_context(viewport={"width": 1280, "height": 900}).new_page()
    code = create_event_via_form(organiser, live_server)
    wait_connected(organiser)
    create_poll_via_form(organiser, "Kurze Frage?", ["ja", "nein"], "live")

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}")
    phone.get_by_role("link", name="Plenum").click()
    wait_connected(phone)
    # The moderator closes while the phone still shows the buttons; the phone votes too late.
    # Keep the phone's socket from replacing the buttons first by voting via the page's form.
    stale = phone.get_by_role("button", name="ja")
    expect(stale).to_be_visible()
    organiser.locator("#mod-live").get_by_role("button", name=re.compile("^Schließen")).click()
    expect(organiser.locator("#mod-polls")).to_contain_text("beendet")
    phone.evaluate(
        "() => { const b = document.querySelector('button[name=choice]');"
        " if (b) { b.form.requestSubmit(b); } }"
    )
    expect(phone.locator("#poll-stage")).to_contain_text("beendet", timeout=LIVE)


def test_english_on_request(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    page = browser_context(viewport={"width": 1024, "height": 800}).new_page()
    page.goto(live_server.url + "/?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    check_a11y(page, context="landing page (de)")
