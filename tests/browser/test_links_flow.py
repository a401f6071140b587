"""The moderator link cannot be lost (issue 19, point 6), in headless Chromium: an event made
through the start page's form lands on its own start page; "Link kopieren" puts the moderator
link on the clipboard (by mouse and by keyboard), and says so; where the clipboard cannot be
used the link is selected and the page says how to copy it; the copied link opens the
moderation in a fresh browser. The start and links pages pass axe without any violation, do
not scroll sideways at 320 px, and the links page prints without controls or secrets."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.support.axe import format_violations, run_axe
from tests.support.browser import ContextFactory
from tests.support.server import LiveServer
from tests.support.stage import api

pytestmark = pytest.mark.browser

CLIPBOARD = ["clipboard-read", "clipboard-write"]


def organiser_context(browser_context: ContextFactory, server: LiveServer) -> BrowserContext:
    context = browser_context()
    context.grant_permissions(CLIPBOARD, origin=server.url)
    return context


def create_through_the_form(page: Page, server: LiveServer) -> str:
    """Fill in the start page's form; returns the event's code from the address landed on."""
    page.goto(f"{server.url}/")
    page.get_by_label("Titel").fill("Tag der Jobcenter")
    page.get_by_label("Räume (einer pro Zeile)").fill("Plenum\nFachforum 1")
    page.get_by_role("button", name="Anlegen").click()
    expect(page).to_have_url(re.compile(r"/e/[A-Z0-9]{6}/start$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("✓ Ihre Veranstaltung ist angelegt")
    return page.url.rsplit("/", 2)[1]


def no_axe_violations(page: Page, context: str) -> None:
    violations = run_axe(page)
    assert not violations, f"axe on {context}:\n{format_violations(violations)}"


def no_sideways_scroll(page: Page, context: str) -> None:
    width = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"{context} scrolls sideways: {width}"


def test_copy_the_moderator_link_and_open_it_in_a_fresh_browser(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    page = organiser_context(browser_context, live_server).new_page()
    code = create_through_the_form(page, live_server)
    field = page.get_by_label("Moderationslink", exact=True)
    link = field.input_value()
    assert link.startswith(f"{live_server.url}/e/{code}/moderate?token=")

    page.get_by_role("button", name="Link kopieren (Moderationslink)").click()
    status = page.locator("#moderator-link-status")
    expect(status).to_have_text("Link kopiert")
    expect(status).to_have_attribute("role", "status")
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    expect(status).to_be_empty(timeout=10_000)  # the confirmation goes away by itself

    # The address bar holds the start page: it opens again in this browser.
    page.reload()
    expect(page.get_by_label("Moderationslink", exact=True)).to_have_value(link)

    # Another browser with nothing but the link: the moderation, not the login form.
    other = browser_context().new_page()
    response = other.goto(link)
    assert response is not None and response.ok
    expect(other).to_have_url(f"{live_server.url}/e/{code}/moderate")
    expect(other.locator("#mod-token")).to_have_count(0)
    # ...and there too the start page shows the same link now.
    other.goto(f"{live_server.url}/e/{code}/start")
    expect(other.get_by_label("Moderationslink", exact=True)).to_have_value(link)

    # The next steps lead on.
    page.get_by_role("link", name="Links und QR-Codes").click()
    expect(page).to_have_url(f"{live_server.url}/e/{code}/links")
    expect(page.get_by_label("Moderationslink (alle Räume)")).to_have_value(link)


@pytest.mark.keyboard("links-copy")
def test_every_link_on_the_links_page_copies_by_keyboard(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    event = api(live_server, "POST", "/events", {"title": "Fachtag", "rooms": ["Plenum"]})
    code, room = event["code"], event["rooms"][0]["id"]
    page = organiser_context(browser_context, live_server).new_page()
    page.goto(f"{live_server.url}/e/{code}/moderate?token={event['moderator_token']}")
    page.goto(f"{live_server.url}/e/{code}/links")
    for field_id in ("participant-link", f"join-link-{room}", f"screen-link-{room}"):
        button = page.locator(f"#{field_id}-copy")
        button.focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"#{field_id}-status")).to_have_text("Link kopiert")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == page.locator(f"#{field_id}").input_value(), field_id
    expect(page.locator(f"#screen-link-{room}")).to_have_value(
        f"{live_server.url}/e/{code}/screen?room={room}"
    )
    # A room link made here comes with its copy button, announced on the page's status region.
    page.get_by_role("button", name="Link erstellen (Plenum)").click()
    fresh = page.locator(f"#room-link-url-{room}")
    expect(fresh).to_have_value(re.compile(rf"/e/{code}/moderate\?room={room}&token="))
    page.locator(f"#room-link-copy-{room}").click()
    expect(page.locator("#announcer")).to_have_text("Der Link ist kopiert.")
    assert page.evaluate("() => navigator.clipboard.readText()") == fresh.input_value()


def test_without_a_clipboard_the_link_is_selected_and_the_page_says_how(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    event = api(live_server, "POST", "/events", {"title": "Fachtag"})
    context = browser_context()
    # As on a page served over plain http: no Clipboard API at all.
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page = context.new_page()
    page.goto(f"{live_server.url}/e/{event['code']}/moderate?token={event['moderator_token']}")
    page.goto(f"{live_server.url}/e/{event['code']}/start")
    page.get_by_role("button", name="Link kopieren (Moderationslink)").click()
    field = page.locator("#moderator-link")
    expect(field).to_be_focused()
    selected = page.evaluate(
        "() => { const f = document.getElementById('moderator-link');"
        " return f.value.slice(f.selectionStart, f.selectionEnd); }"
    )
    assert selected == field.input_value()
    status = page.locator("#moderator-link-status")
    expect(status).to_contain_text("Kopieren Sie ihn mit Strg+C")
    page.keyboard.press("Tab")  # on, once copied by hand: the note goes
    expect(status).to_be_empty()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_start_and_links_pages_pass_axe_and_fit_320_px(
    live_server: LiveServer, browser_context: ContextFactory, lang: str
) -> None:
    rooms = ["Plenum", "Fachforum 3: Arbeitsmarktintegrationsmaßnahmen"]
    event = api(live_server, "POST", "/events", {"title": "Tag der Jobcenter", "rooms": rooms})
    code = event["code"]
    for width in (1280, 320):
        context = browser_context(viewport={"width": width, "height": 800})
        context.grant_permissions(CLIPBOARD, origin=live_server.url)
        page = context.new_page()
        page.goto(f"{live_server.url}/e/{code}/moderate?token={event['moderator_token']}")
        for name in ("start", "links"):
            page.goto(f"{live_server.url}/e/{code}/{name}?lang={lang}")
            expect(page.locator("button[data-copy]:visible").first).to_be_visible()
            if name == "start":
                page.locator("button[data-copy]").first.click()  # with its confirmation
                expect(page.locator(".copy-status").first).not_to_be_empty()
            no_axe_violations(page, f"/{name} ({lang}, {width} px)")
            no_sideways_scroll(page, f"/{name} ({lang}) at {width} px")


def test_the_links_page_prints_links_and_qr_codes_without_controls_or_secrets(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    event = api(live_server, "POST", "/events", {"title": "Fachtag", "rooms": ["A", "B"]})
    code, rooms = event["code"], event["rooms"]
    page = browser_context().new_page()
    page.goto(f"{live_server.url}/e/{code}/moderate?token={event['moderator_token']}")
    page.goto(f"{live_server.url}/e/{code}/links")
    page.emulate_media(media="print")
    for hidden in ("button", ".site-header", ".page-nav", "#moderator-link", "#room-links"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.locator("svg.qr")).to_have_count(3)
    for qr in page.locator("svg.qr").all():
        expect(qr).to_be_visible()
    printed = page.locator(".link-print:visible").all_inner_texts()
    assert f"{live_server.url}/e/{code}" in printed
    for number, room in enumerate(rooms, start=1):
        assert f"{live_server.url}/e/{code}/{number}" in printed
        assert f"{live_server.url}/e/{code}/screen?room={room['id']}" in printed
    assert not [text for text in printed if "token=" in text]
