"""Self-paced surveys (issue 24, item 4) in headless Chromium: a participant answers the
five-question closing evaluation on a 390×844 phone (back, change an answer, finish; the counts
are exact), the same by keyboard alone, and without JavaScript; the console counts who started
and finished, live. axe on every new state; no sideways scroll at 320 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_console import assert_one_screen
from tests.support.axe import check_a11y
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, ContextFactory
from tests.support.server import LiveServer
from tests.support.voting import call

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS


def event_with_survey(server: LiveServer) -> tuple[str, str, str, dict[str, Any]]:
    """An event with one room and the open closing evaluation; (code, token, room, survey)."""
    event = call(server, "POST", "/api/v1/events", {"title": "Fachtag", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    survey = call(
        server,
        "POST",
        f"/api/v1/events/{code}/rooms/{room}/surveys",
        {"template": "abschlussevaluation"},
        token,
    )
    survey = call(server, "POST", f"/api/v1/events/{code}/surveys/{survey['id']}/open", {}, token)
    return code, token, room, survey


def survey_now(server: LiveServer, code: str, token: str, survey_id: str) -> Any:
    return call(server, "GET", f"/api/v1/events/{code}/surveys/{survey_id}", None, token)


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width  # type: ignore[index]


def test_five_questions_on_a_phone_back_change_finish(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code, token, room, survey = event_with_survey(live_server)
    console = browser_context(viewport={"width": 1366, "height": 768}).new_page()
    console.goto(f"{live_server.url}/e/{code}/moderate?token={token}&room={room}")
    expect(console.locator("#mod-surveys")).to_contain_text("0 begonnen, 0 fertig")
    check_a11y(console, context="console, survey open")
    # With the survey card the console still fits one laptop screen.
    assert_one_screen(console, "console with a survey")

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    card = phone.locator(f"#survey-card-{survey['id']}")
    expect(card).to_contain_text("Umfrage: Abschlussevaluation")
    check_a11y(phone, context="phone, survey card")
    card.get_by_role("link", name="Zur Umfrage").click()

    step = phone.locator("#survey-step")
    expect(step).to_contain_text("Frage 1 von 5")
    expect(phone.locator("#survey-progress-bar")).to_have_attribute("value", "0")
    check_a11y(phone, context="phone, survey question 1")
    no_sideways_scroll(phone)
    phone.get_by_label("4", exact=True).check()
    phone.get_by_role("button", name="Weiter").click()
    expect(step).to_contain_text("Frage 2 von 5")
    expect(phone.locator("#announcer")).to_contain_text("Ihre Antwort ist gespeichert.")
    expect(phone.locator("#survey-step-title")).to_be_focused()
    expect(console.locator("#mod-surveys")).to_contain_text("1 begonnen, 0 fertig", timeout=LIVE)

    # Back to question 1: its answer shown; changed to 2.
    phone.get_by_role("button", name="Zurück").click()
    expect(step).to_contain_text("Frage 1 von 5")
    expect(phone.get_by_label("4", exact=True)).to_be_checked()
    phone.get_by_label("2", exact=True).check()
    phone.get_by_role("button", name="Weiter").click()
    expect(step).to_contain_text("Frage 2 von 5")
    expect(phone.locator("#survey-progress-bar")).to_have_attribute("value", "1")

    phone.get_by_label("5 – trifft voll zu").check()
    phone.get_by_role("button", name="Weiter").click()
    expect(step).to_contain_text("Frage 3 von 5")
    check_a11y(phone, context="phone, survey question 3 (single choice)")
    phone.get_by_label("gut", exact=True).check()
    phone.get_by_role("button", name="Weiter").click()
    expect(step).to_contain_text("Frage 4 von 5")
    phone.get_by_label("Foren").check()
    phone.get_by_label("Beteiligung per Handy").check()
    phone.get_by_role("button", name="Weiter").click()
    expect(step).to_contain_text("Frage 5 von 5")
    check_a11y(phone, context="phone, survey question 5 (text)")
    phone.get_by_label("Ihre Antwort").fill("Mehr Zeit für den Austausch")
    phone.get_by_role("button", name="Fertig").click()
    expect(step).to_contain_text("Danke – Sie können Ihre Antworten ändern, bis die Umfrage endet.")
    expect(phone.locator("#survey-progress-bar")).to_have_attribute("value", "5")
    check_a11y(phone, context="phone, survey finished")
    expect(console.locator("#mod-surveys")).to_contain_text("1 begonnen, 1 fertig", timeout=LIVE)

    now = survey_now(live_server, code, token, survey["id"])
    assert (now["started"], now["finished"]) == (1, 1)
    results = [q["results"] for q in now["questions"]]
    assert [r["voters"] for r in results] == [1, 1, 1, 1, 1]
    assert results[0]["counts"] == [0, 1, 0, 0, 0]  # changed from 4 to 2, counted once
    assert results[1]["counts"] == [0, 0, 0, 0, 1]
    assert results[2]["counts"] == [0, 1, 0, 0, 0]
    assert results[3]["counts"] == [0, 1, 0, 0, 1]

    # Closed: the end screen says so, and the console offers to open it again.
    # (The title carries soft hyphens: the survey's title is user text.)
    console.locator("#mod-surveys").get_by_role("button", name=re.compile("^Beenden")).click()
    expect(console.locator("#announcer")).to_contain_text("Umfrage beendet: Abschlussevaluation")
    check_a11y(console, context="console, survey closed")
    phone.reload()
    expect(step).to_contain_text("Die Umfrage ist beendet.")
    check_a11y(phone, context="phone, survey closed")


@pytest.mark.keyboard("survey")
def test_a_survey_by_keyboard_alone(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code, token, _, survey = event_with_survey(live_server)
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}/survey/{survey['id']}")
    # The question's heading has the focus; Tab reaches the first answer, arrows choose.
    expect(phone.locator("#survey-step-title")).to_be_focused()
    phone.keyboard.press("Tab")
    expect(phone.locator("input[name=value]").first).to_be_focused()
    phone.keyboard.press("ArrowDown")
    phone.keyboard.press("ArrowDown")
    expect(phone.locator("input[name=value]").nth(2)).to_be_checked()
    phone.keyboard.press("Enter")  # submits the form: "Weiter"
    expect(phone.locator("#survey-step")).to_contain_text("Frage 2 von 5")
    expect(phone.locator("#survey-step-title")).to_be_focused()
    expect(phone.locator("#announcer")).to_contain_text("Frage 2 von 5")
    # Shift+Tab from the heading goes nowhere in the form; Tab to "Zurück".
    phone.keyboard.press("Tab")
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("button", name="Zurück")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.locator("#survey-step")).to_contain_text("Frage 1 von 5")
    expect(phone.locator("input[name=value]").nth(2)).to_be_checked()
    check_a11y(phone, context="phone, survey by keyboard")
    # In English too: the page, its progress and its buttons.
    phone.goto(f"{live_server.url}/e/{code}/survey/{survey['id']}?step=1&lang=en")
    expect(phone.locator("#survey-step")).to_contain_text("Question 1 of 5")
    expect(phone.get_by_role("button", name="Next")).to_be_visible()
    check_a11y(phone, context="phone, survey in English")
    now = survey_now(live_server, code, token, survey["id"])
    assert now["questions"][0]["results"]["counts"] == [0, 0, 1, 0, 0]


def test_a_survey_without_javascript_at_320_pixels(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code, token, _, survey = event_with_survey(live_server)
    phone = browser_context(
        viewport={"width": 320, "height": 640}, java_script_enabled=False
    ).new_page()
    phone.goto(f"{live_server.url}/e/{code}/survey/{survey['id']}")
    expect(phone.locator("#survey-step")).to_contain_text("Frage 1 von 5")
    no_sideways_scroll(phone)
    phone.get_by_label("3", exact=True).check()
    phone.get_by_role("button", name="Weiter").click()
    expect(phone.locator("#survey-step")).to_contain_text("Frage 2 von 5")
    no_sideways_scroll(phone)
    phone.get_by_role("button", name="Zurück").click()
    expect(phone.get_by_label("3", exact=True)).to_be_checked()
    now = survey_now(live_server, code, token, survey["id"])
    assert now["questions"][0]["results"]["voters"] == 1
