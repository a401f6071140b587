"""A word cloud end to end in real headless Chromium: phones send up to three answers, the
moderator hides a word, and the projector and the phones no longer show it (issue 17)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_polls_flow import (
    LIVE,
    create_event_via_form,
    open_poll_form,
    wait_connected,
)
from tests.support.axe import check_a11y
from tests.support.browser import PHONE, PROJECTOR, BrowserGuard, ContextFactory
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser


def create_cloud_poll(page: Page, question: str) -> None:
    """A text poll with three answers per person, results live on phones and projector."""
    open_poll_form(page)
    page.get_by_label("Frage", exact=True).fill(question)
    page.get_by_label("Freitext (Wortwolke)").check()
    page.get_by_label("Antworten pro Person").select_option("3")
    page.locator("#pf-visibility").select_option("live")
    expect(page.get_by_role("radio", name="live zeigen")).to_be_checked()
    page.get_by_label("Sofort öffnen").check()
    page.get_by_role("button", name="Abstimmung anlegen").click()
    expect(page.locator("#mod-polls")).to_contain_text(question)


@pytest.mark.keyboard("word-cloud")
def test_moderator_hides_a_word_from_projector_and_phones(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    organiser = browser_context(viewport={"width": 1280, "height": 900}).new_page()
    code = create_event_via_form(organiser, live_server)
    wait_connected(organiser)
    create_cloud_poll(organiser, "Was nehmen Sie aus der Tagung mit?")

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}")
    phone.get_by_role("link", name="Plenum").click()
    wait_connected(phone)
    phone.get_by_label("Antwort 1").fill("Netzwerk")
    phone.get_by_label("Antwort 2 (optional)").fill("Quatschwort")
    check_a11y(phone, context="participant page, three answer fields")
    phone.get_by_role("button", name="Antworten senden").click()
    expect(phone.locator(".results")).to_contain_text("Quatschwort", timeout=LIVE)

    screen = browser_context(**PROJECTOR).new_page()
    screen.goto(phone.url.replace(f"/e/{code}?", f"/e/{code}/screen?"))
    wait_connected(screen)
    cloud = screen.locator("#screen-results")
    # Live on the projector by default, though the phones' setting is a separate one.
    expect(cloud).to_contain_text("Quatschwort", timeout=LIVE)
    expect(cloud).to_contain_text("Netzwerk")

    hide = organiser.get_by_role(
        "button", name="„Quatschwort“ aus der Wortwolke ausblenden", exact=True
    )
    expect(hide).to_be_visible(timeout=LIVE)
    check_a11y(organiser, context="moderator page, word cloud controls")
    hide.click()
    expect(organiser.locator("#announcer")).to_contain_text(
        "„Quatschwort“ ist aus der Wortwolke ausgeblendet."
    )
    show = organiser.get_by_role("button", name="„Quatschwort“ wieder zeigen", exact=True)
    expect(show).to_be_visible()
    # The swap keeps the focus on the entry: its button now offers to show it again.
    expect(show).to_be_focused()

    expect(cloud).not_to_contain_text("Quatschwort", timeout=LIVE)
    expect(cloud).to_contain_text("Netzwerk")
    expect(phone.locator(".results")).not_to_contain_text("Quatschwort", timeout=LIVE)

    # And back, by keyboard.
    show.press("Enter")
    expect(cloud).to_contain_text("Quatschwort", timeout=LIVE)
    expect(phone.locator(".results")).to_contain_text("Quatschwort", timeout=LIVE)

    # The list of answers stays open while answers stream in (a push swaps the region).
    answers = organiser.locator(".cloud-answers")
    answers.locator("summary").click()
    expect(answers).to_have_attribute("open", "")
    other = browser_context(**PHONE).new_page()
    other.goto(phone.url)
    wait_connected(other)
    other.get_by_label("Antwort 1").fill("Ganz großer Unsinn")
    other.get_by_role("button", name="Antworten senden").click()
    hide_answer = organiser.get_by_role(
        "button", name="Antwort „Ganz großer Unsinn“ aus der Wortwolke ausblenden", exact=True
    )
    expect(hide_answer).to_be_visible(timeout=LIVE)
    expect(answers).to_have_attribute("open", "")
    expect(cloud).to_contain_text("Unsinn", timeout=LIVE)
    # Hiding a whole answer takes all its words out.
    hide_answer.click()
    expect(cloud).not_to_contain_text("Unsinn", timeout=LIVE)
    expect(cloud).to_contain_text("Netzwerk")
    expect(
        organiser.get_by_role("button", name="Antwort „Ganz großer Unsinn“ wieder zeigen")
    ).to_be_focused()
    expect(organiser.locator(".cloud-answers")).to_have_attribute("open", "")
