"""The pages about access in headless Chromium (issue 23): the footer on the phone page with and
without the operator's links (LIVE_IMPRINT_URL, LIVE_PRIVACY_URL, LIVE_DGS_VIDEO_URL), keeping
the language; the accessibility statement and Leichte Sprache without any axe finding in both
languages; the barrier report form by mouse and by keyboard, into the server's log, and its
German errors that log nothing."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import format_violations, run_axe, run_axe_rules
from tests.support.browser import PHONE, BrowserGuard, ContextFactory
from tests.support.server import LiveServer, LiveServerFactory
from tests.support.stage import api

pytestmark = pytest.mark.browser

IMPRINT = "https://amt.example.de/impressum"
PRIVACY = "https://amt.example.de/datenschutz"
DGS = "https://amt.example.de/gebaerdensprache"


def no_axe_findings(page: Page, context: str) -> None:
    violations = run_axe(page)
    assert violations == [], f"{context}:\n{format_violations(violations)}"


def no_sideways_scroll(page: Page) -> None:
    scroll, view = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert scroll <= view, page.url


def footer_links(page: Page) -> dict[str, str]:
    links = page.locator("footer.site-footer a")
    return {
        links.nth(i).inner_text(): links.nth(i).get_attribute("href") or ""
        for i in range(links.count())
    }


def barrier_reports(server: LiveServer) -> list[dict[str, object]]:
    lines = [line for line in server.log_text().splitlines() if "barrier report" in line]
    return [json.loads(line) for line in lines]


def test_footer_without_the_operators_links_keeps_the_language(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code = api(live_server, "POST", "/events", {"title": "Fachtag"})["code"]
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?lang=en")
    footer = phone.locator("footer.site-footer")
    expect(footer).to_be_visible()
    assert footer_links(phone) == {
        "What is stored": "/datenschutz-hinweise?lang=en",
        "Accessibility": "/barrierefreiheit?lang=en",
        "Easy to read": "/leichte-sprache?lang=en",
    }
    no_sideways_scroll(phone)
    # Small and quiet: below the tabs' content, in small type.
    size = footer.evaluate("f => parseFloat(getComputedStyle(f).fontSize)")
    assert size < 16
    footer.get_by_role("link", name="Accessibility").click()
    expect(phone).to_have_url(f"{live_server.url}/barrierefreiheit?lang=en")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    phone.locator("footer.site-footer").get_by_role("link", name="Easy to read").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Easy to read")
    expect(phone.get_by_role("link", name="Watch the video in sign language")).to_have_count(0)


def test_footer_with_the_operators_links(
    live_server_factory: LiveServerFactory, browser_context: ContextFactory
) -> None:
    server = live_server_factory(
        env={"LIVE_IMPRINT_URL": IMPRINT, "LIVE_PRIVACY_URL": PRIVACY, "LIVE_DGS_VIDEO_URL": DGS}
    )
    event = api(server, "POST", "/events", {"title": "Fachtag"})
    code, room = event["code"], event["rooms"][0]["id"]
    phone = browser_context(**PHONE).new_page()
    for path in ("/", f"/e/{code}", "/leichte-sprache", "/barrierefreiheit"):
        phone.goto(f"{server.url}{path}")
        assert footer_links(phone) == {
            "Impressum": IMPRINT,
            "Datenschutz": PRIVACY,
            "Was gespeichert wird": "/datenschutz-hinweise",
            "Barrierefreiheit": "/barrierefreiheit",
            "Leichte Sprache": "/leichte-sprache",
            "Gebärdensprache": DGS,
        }, path
        no_sideways_scroll(phone)
    phone.goto(f"{server.url}/leichte-sprache")
    video = phone.get_by_role("link", name="Das Video in Gebärdensprache ansehen")
    expect(video).to_have_attribute("href", DGS)
    # Not on the projector or the stream overlay.
    wall = browser_context().new_page()
    for view in ("screen", "overlay"):
        wall.goto(f"{server.url}/e/{code}/{view}?room={room}")
        expect(wall.locator("footer")).to_have_count(0)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_statement_and_easy_read_have_no_axe_findings(
    live_server: LiveServer,
    browser_context: ContextFactory,
    browser_guard: BrowserGuard,
    lang: str,
) -> None:
    browser_guard.allow_http_status(422)  # a refused report: the form again
    for options in (PHONE, {"viewport": {"width": 1280, "height": 800}}):
        page = browser_context(**options).new_page()
        for path in ("/barrierefreiheit", "/leichte-sprache"):
            page.goto(f"{live_server.url}{path}?lang={lang}")
            assert page.locator("html").get_attribute("lang") == lang
            no_axe_findings(page, f"{path} ({lang}, {options})")
            # Best practices beyond the WCAG tags: one h1, no heading level skipped.
            assert run_axe_rules(page, "heading-order", "page-has-heading-one") == [], path
            no_sideways_scroll(page)
        # The form with its errors shown, too.
        page.goto(f"{live_server.url}/barrierefreiheit?lang={lang}")
        page.locator("form.feedback-form button[type=submit]").click()
        expect(page.locator("#report-text-error")).to_be_visible()
        no_axe_findings(page, f"/barrierefreiheit with an error ({lang})")


def test_a_report_lands_in_the_log_and_bad_ones_get_a_german_error(
    live_server_factory: LiveServerFactory,
    browser_context: ContextFactory,
    browser_guard: BrowserGuard,
) -> None:
    browser_guard.allow_http_status(422)  # a refused report: the form again
    server = live_server_factory(env={"LIVE_LOG_FORMAT": "json"})
    page = browser_context(**PHONE).new_page()
    page.goto(f"{server.url}/barrierefreiheit")
    text = page.get_by_label("Welche Barriere ist Ihnen aufgefallen? Auf welcher Seite?")
    send = page.get_by_role("button", name="Meldung senden")

    # Empty: a German error next to the field, nothing logged.
    send.click()
    expect(page.locator("#report-text-error")).to_have_text("Bitte beschreiben Sie die Barriere.")
    expect(text).to_have_attribute("aria-invalid", "true")
    # Too long (the field's maxlength taken away, as a script could): refused the same way.
    page.evaluate("() => document.getElementById('report-text').removeAttribute('maxlength')")
    text.fill("x" * 2001)
    send.click()
    expect(page.locator("#report-text-error")).to_have_text(
        "Bitte fassen Sie sich kürzer: höchstens 2000 Zeichen (jetzt 2001)."
    )
    assert barrier_reports(server) == []

    report = 'Die Leinwand ist zu hell.\n\nBitte "dunkler" \\ danke'
    text.fill(report)
    page.get_by_label("Wie erreichen wir Sie? (freiwillig)").fill("ich@example.de")
    send.click()
    status = page.get_by_role("status").filter(has_text="Danke!")
    expect(status).to_have_text(
        "Danke! Ihre Meldung ist angekommen. Wer dieses Angebot betreibt, liest sie."
    )
    expect(page).to_have_url(f"{server.url}/barrierefreiheit?sent=1#feedback")
    [line] = barrier_reports(server)
    assert line["logger"] == "live.feedback" and line["level"] == "warning"
    message = str(line["msg"])
    assert message.startswith('barrier report: text="Die Leinwand ist zu hell.\\n\\nBitte ')
    assert message.endswith(' contact="ich@example.de"')


@pytest.mark.keyboard("barrier-report")
def test_barrier_report_by_keyboard(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    page = browser_context().new_page()
    page.goto(f"{live_server.url}/barrierefreiheit")
    # Tab from the top of the page to the report's field: every control on the way is reached.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "report-text":
            break
    else:
        pytest.fail("the report's field is not reachable by Tab")
    page.keyboard.type("Der Fokus ist auf der Leinwand nicht zu sehen.")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "report-contact"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Meldung senden"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Danke!")).to_be_visible()
    assert "Der Fokus ist auf der Leinwand nicht zu sehen." in live_server.log_text()
    # On to the footer and its links, by keyboard as well.
    page.locator("footer.site-footer").get_by_role("link", name="Leichte Sprache").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leichte Sprache")
