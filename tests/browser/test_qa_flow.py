"""Q&A end to end in headless Chromium: a phone asks, the moderator approves, a second phone
upvotes, the moderator highlights, the projector shows it — live, with axe on every view."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import check_a11y
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, PROJECTOR, BrowserGuard, ContextFactory
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only
HOSTILE = '<img src=x onerror=alert(1)> <div hx-get="/evil" hx-trigger="load">Frage</div>'


def create_event(server: LiveServer) -> tuple[str, str, str]:
    body = json.dumps({"title": "Fachtag", "rooms": ["Plenum"]}).encode()
    request = urllib.request.Request(
        server.url + "/api/v1/events", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        event = json.load(response)
    return event["code"], event["moderator_token"], event["rooms"][0]["id"]


def connected(page: Page) -> None:
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)


def test_ask_approve_upvote_highlight(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    code, token, room = create_event(live_server)
    moderator = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    moderator.goto(f"{live_server.url}/e/{code}/moderate?token={token}")
    connected(moderator)
    screen = browser_context(**PROJECTOR).new_page()
    screen.goto(f"{live_server.url}/e/{code}/screen?room={room}")
    connected(screen)

    asker = browser_context(**PHONE).new_page()
    asker.goto(f"{live_server.url}/e/{code}")
    connected(asker)
    asker.get_by_role("tab", name="Fragen").click()  # the Q&A has its own tab
    asker.get_by_label("Ihre Frage").fill("Wie geht es mit der Digitalisierung weiter?")
    asker.get_by_label("Name (freiwillig)").fill("Anna")
    asker.get_by_role("button", name="Frage senden").click()
    expect(asker.locator("#announcer")).to_contain_text("wartet auf die Freigabe")
    mine = asker.locator("#qa-mine")
    expect(mine).to_contain_text("wartet auf Freigabe")
    check_a11y(asker, context="participant Q&A with a pending question")

    # A hostile question from another phone stays text everywhere.
    other = browser_context(**PHONE).new_page()
    other.goto(f"{live_server.url}/e/{code}")
    connected(other)
    other.get_by_role("tab", name="Fragen").click()
    expect(other.locator("#qa-list")).to_contain_text("Noch keine Fragen")
    other.get_by_label("Ihre Frage").fill(HOSTILE)
    other.get_by_role("button", name="Frage senden").click()
    expect(other.locator("#qa-mine")).to_contain_text("onerror")

    # The moderator sees both live and approves the first one.
    pending = moderator.locator("#mod-questions")
    expect(pending).to_contain_text("Digitalisierung", timeout=LIVE)
    expect(pending).to_contain_text("hx-get", timeout=LIVE)
    check_a11y(moderator, context="moderator Q&A with pending questions")
    first = moderator.locator(".mod-question", has_text="Digitalisierung")
    first.get_by_role("button", name="Freigeben").click()
    expect(moderator.locator("#announcer")).to_contain_text("freigegeben")

    # The second phone sees it live and upvotes it.
    expect(other.locator("#qa-list")).to_contain_text("Digitalisierung", timeout=LIVE)
    upvote = other.locator("#qa-list .upvote").first
    expect(upvote).to_have_attribute("aria-pressed", "false")
    upvote.click()
    expect(other.locator("#qa-list .upvote").first).to_have_attribute("aria-pressed", "true")
    expect(other.locator("#qa-list .upvote-count").first).to_have_text("1")
    check_a11y(other, context="participant Q&A list after upvoting")
    # The author's own view counts it too, live.
    expect(mine).to_contain_text("1 Unterstützung", timeout=LIVE)

    # Highlight: the projector shows the question big. (The queue selected the next waiting
    # question after the approval; a click selects this one and shows its buttons.)
    first = moderator.locator(".mod-question", has_text="Digitalisierung")
    first.locator(".question-text").click()
    first.get_by_role("button", name="Auf die Leinwand").click()
    expect(screen.locator(".screen-highlight")).to_contain_text(
        "Wie geht es mit der Digitalisierung weiter?", timeout=LIVE
    )
    expect(screen.locator("#screen-stage")).to_contain_text("Anna")
    check_a11y(screen, context="screen with a highlighted question")

    # The hostile text never became markup anywhere.
    for page in (moderator, other, screen):
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("[hx-get='/evil']").count() == 0

    # Withdraw the upvote; the live count follows on the screen.
    other.locator("#qa-list .upvote").first.click()
    expect(other.locator("#qa-list .upvote").first).to_have_attribute("aria-pressed", "false")
    expect(screen.locator("#screen-stage")).to_contain_text("0 Unterstützungen", timeout=LIVE)

    # The author deletes their question: it leaves every view.
    asker.get_by_role("button", name="Frage löschen").click()
    expect(mine).not_to_contain_text("Digitalisierung")
    expect(other.locator("#qa-list")).not_to_contain_text("Digitalisierung", timeout=LIVE)
    expect(screen.locator(".screen-highlight")).to_have_count(0, timeout=LIVE)


def test_moderator_edits_and_answers_on_its_own_page(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    code, token, _room = create_event(live_server)
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}")
    connected(phone)
    phone.get_by_role("tab", name="Fragen").click()
    phone.get_by_label("Ihre Frage").fill("Gibt es Folien zum Vortrag?")
    phone.get_by_role("button", name="Frage senden").click()
    expect(phone.locator("#qa-mine")).to_contain_text("Folien")

    moderator = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    moderator.goto(f"{live_server.url}/e/{code}/moderate?token={token}")
    connected(moderator)
    moderator.get_by_role("link", name="Bearbeiten Frage „Gibt es Folien zum Vortrag?“").click()
    check_a11y(moderator, context="question edit page")
    moderator.get_by_label("Text der Frage").fill("Gibt es die Folien zum Vortrag?")
    moderator.get_by_label("Antwort für den Bericht (freiwillig)").fill("Ja, im Tagungsbericht.")
    moderator.get_by_role("button", name="Speichern").click()
    expect(moderator.locator("#mod-questions")).to_contain_text("Ja, im Tagungsbericht.")
    # The author sees the corrected text and the answer, live.
    expect(phone.locator("#qa-mine")).to_contain_text("Gibt es die Folien", timeout=LIVE)
    expect(phone.locator("#qa-mine")).to_contain_text("Ja, im Tagungsbericht.", timeout=LIVE)
