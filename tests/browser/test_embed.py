"""The participant page's side-panel view (?embed=1, live/web/embed.py) in headless Chromium:
it fits a 360- and a 320-px panel with real content (open polls with long options, questions,
applause) without sideways scroll, has no site header but a language switch, its tabs work by
keyboard, axe finds nothing in German and English, and the flag survives what a person does in
the panel: a vote, the room switch, sorting, a vote from a browser the page did not know yet
(the HX-Redirect), and a plain form post without JavaScript (the 303)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_TIMEOUT_MS, ContextFactory, PageSocketRelay
from tests.support.server import LiveServer
from tests.support.stage import api, stock

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only
TABS = {"polls": "Abstimmung", "qa": "Fragen", "applause": "Applaus & Stimmung"}
TABS_EN = {"polls": "Poll", "qa": "Questions", "applause": "Applause & mood"}


def panel(browser_context: ContextFactory, width: int, **kwargs: Any) -> Page:
    """A side panel of a video conference: narrow, a desktop browser (no touch)."""
    return browser_context(viewport={"width": width, "height": 640}, **kwargs).new_page()


def connected(page: Page) -> None:
    expect(page.locator("#connection")).to_have_attribute("data-state", "open", timeout=LIVE)


def is_embed_view(page: Page) -> None:
    """The side-panel view: the flag in the address, no site header, the language switch."""
    assert "embed=1" in page.url, page.url
    expect(page.locator("body")).to_have_class("page participant-page embed")
    expect(page.locator(".site-header")).to_have_count(0)
    expect(page.locator(".embed-lang .lang-switch")).to_be_visible()


def sideways(page: Page) -> int:
    """How far the page scrolls sideways (0: it fits)."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def test_embed_fits_narrow_panels_with_real_content_and_passes_axe(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    # Four open polls (one of twelve long options, a 300-character question), a scale, a word
    # cloud; approved questions, one of 300 characters with a long name.
    stage = stock(live_server)
    base = f"{live_server.url}/e/{stage.code}?room={stage.room}&embed=1"
    for width in (360, 320):
        for lang, names in (("de", TABS), ("en", TABS_EN)):
            page = panel(browser_context, width)
            page.goto(f"{base}&lang={lang}")
            connected(page)
            is_embed_view(page)
            expect(page.locator("#panel-polls")).to_contain_text(
                "Was nehmen Sie aus dem Forum mit?"
            )
            for key, name in names.items():
                page.get_by_role("tab", name=name).click()
                expect(page.locator(f"#panel-{key}")).to_be_visible()
                assert sideways(page) == 0, f"{width} px, {lang}, tab {name}: sideways scroll"
                violations = run_axe(page)
                assert not violations, f"axe, {width} px, {lang}, {name}:\n" + format_violations(
                    violations
                )
            # The banner of a broken connection fits the panel: its width, a few lines.
            page.evaluate("() => document.getElementById('connection').dataset.state = 'closed'")
            banner = page.locator("#connection")
            expect(banner).to_be_visible()
            box = banner.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
            assert box["height"] <= 640 / 6, box
            assert sideways(page) == 0
            page.context.close()


@pytest.mark.keyboard("embed-tabs")
def test_embed_tabs_by_keyboard(live_server: LiveServer, browser_context: ContextFactory) -> None:
    event = api(live_server, "POST", "/events", {"title": "Fachtag", "rooms": ["Plenum"]})
    page = panel(browser_context, 360)
    page.goto(f"{live_server.url}/e/{event['code']}?room={event['rooms'][0]['id']}&embed=1")
    connected(page)
    tablist = page.get_by_role("tablist")
    first = tablist.get_by_role("tab", name="Abstimmung")
    expect(first).to_have_attribute("aria-selected", "true")
    first.focus()
    page.keyboard.press("ArrowRight")
    expect(tablist.get_by_role("tab", name="Fragen")).to_be_focused()
    expect(page.locator("#panel-qa")).to_be_visible()
    expect(page.locator("#panel-polls")).to_be_hidden()
    page.keyboard.press("End")
    expect(tablist.get_by_role("tab", name="Applaus & Stimmung")).to_have_attribute(
        "aria-selected", "true"
    )
    expect(page.locator("#panel-applause")).to_be_visible()
    page.keyboard.press("Home")
    expect(first).to_be_focused()
    expect(page.locator("#panel-polls")).to_be_visible()
    page.keyboard.press("ArrowLeft")  # wraps round to the last tab
    expect(page.locator("#panel-applause")).to_be_visible()
    page.keyboard.press("Tab")
    inside = page.evaluate("() => document.activeElement.closest('#panel-applause') !== null")
    assert inside, "Tab leaves the tab list for the shown panel's first control"


def _event_with_poll(server: LiveServer) -> tuple[str, list[dict[str, str]], str]:
    event = api(server, "POST", "/events", {"title": "Fachtag", "rooms": ["Plenum", "Forum 1"]})
    code, token, rooms = event["code"], event["moderator_token"], event["rooms"]
    body = {"question": "Mittagspause länger?", "kind": "single", "options": ["ja", "nein"]}
    poll = api(server, "POST", f"/events/{code}/rooms/{rooms[0]['id']}/polls", body, token)
    api(server, "POST", f"/events/{code}/polls/{poll['id']}/open", None, token)
    return code, rooms, poll["id"]


def test_embed_flag_survives_vote_room_switch_sort_and_the_join_redirect(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code, rooms, _ = _event_with_poll(live_server)
    page = panel(browser_context, 360)
    socket = PageSocketRelay(page)
    page.goto(f"{live_server.url}/e/{code}?room={rooms[0]['id']}&embed=1")
    connected(page)
    is_embed_view(page)

    # A vote (htmx): counted, the panel stays.
    page.get_by_role("button", name="ja").click()
    expect(page.locator("#announcer")).to_contain_text("gezählt", timeout=LIVE)
    is_embed_view(page)

    # A vote from a browser this event does not know (its cookie gone): not counted, the page
    # is loaded anew by HX-Redirect, and that page is the side panel again.
    page.context.clear_cookies()
    socket.reconnect()  # the socket, too, no longer knows the participant
    page.get_by_role("button", name="nein").click()
    expect(page.locator("#not-counted")).to_be_visible(timeout=LIVE)
    is_embed_view(page)
    connected(page)

    # Sorting the questions (a plain link), then the room switch (the room list's link).
    page.get_by_role("tab", name="Fragen").click()
    page.get_by_role("link", name="Neueste").click()
    expect(page.get_by_role("link", name="Neueste")).to_have_attribute("aria-current", "true")
    is_embed_view(page)
    page.get_by_role("link", name="Raum wechseln").click()
    page.locator(f"#room-link-{rooms[1]['id']}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forum 1")
    is_embed_view(page)

    # The language switch below the page keeps the panel too.
    page.locator(".embed-lang").get_by_role("link", name="English").click()
    expect(page.get_by_role("tab", name="Questions")).to_be_visible()
    is_embed_view(page)


def test_embed_flag_survives_a_plain_form_post_without_javascript(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    """Without JavaScript a vote is a form post answered by a redirect (303): back to the side
    panel, though the vote form (a region shared by every reader) cannot carry the flag."""
    code, rooms, poll = _event_with_poll(live_server)
    page = panel(browser_context, 360, java_script_enabled=False)
    page.goto(f"{live_server.url}/e/{code}?room={rooms[0]['id']}&embed=1")
    expect(page.locator(".site-header")).to_have_count(0)
    page.get_by_role("button", name="ja").click()
    expect(page.locator(f"#poll-{poll}")).to_contain_text("Ihre Stimme ist gezählt")
    assert "embed=1" in page.url, page.url
    expect(page.locator(".site-header")).to_have_count(0)
    expect(page.locator("body")).to_have_class("page participant-page embed")
