"""The idea board in headless Chromium (issue 24 item 3): the console opens the board (its
card a closed disclosure, so the console stays one screen), phones post and upvote ideas, the
console approves and marks them, the projector's ideas mode shows the marked ones at 1920×1080
and 1280×720 without clipping. axe on every new state; the whole flow once by keyboard only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_console import LAPTOP, assert_axe_clean, assert_one_screen, console
from tests.browser.test_phone_client import Room, tab, wait_connected
from tests.browser.test_projector import check_wall
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, ContextFactory
from tests.support.server import LiveServer
from tests.support.stage import api

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS
OTHERS = ["Kaffee in jeder Pause", "Ein Forum im Freien", "Fallbeispiele aus den Jobcentern"]


def new_room(server: LiveServer) -> Room:
    event = api(server, "POST", "/events", {"title": "Fachtag Teilhabe", "rooms": ["Forum 3"]})
    return Room(server, event["code"], event["moderator_token"], event["rooms"][0]["id"])


def phone(browser_context: ContextFactory, room: Room) -> Page:
    page = browser_context(**PHONE).new_page()
    page.goto(room.url)
    wait_connected(page)
    tab(page, "Fragen").click()
    return page


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the focus")


def test_post_upvote_approve_mark_and_show(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = new_room(live_server)
    mod = console(browser_context, room)
    card = mod.locator("#mod-ideas")
    assert card.evaluate("(d) => d.open") is False
    expect(card.locator("summary")).to_contain_text("Ideensammlung (aus)")
    assert_one_screen(mod, "console with the idea card")
    card.locator("summary").click()
    mod.get_by_role("button", name="Ideensammlung öffnen").click()
    expect(mod.locator("#announcer")).to_contain_text("Die Ideensammlung ist geöffnet.")
    expect(card.locator("summary")).to_contain_text("(an)")
    assert card.evaluate("(d) => d.open") is True  # kept open across the push

    first = phone(browser_context, room)
    board = first.locator("#ideas-board")
    expect(board).to_be_visible(timeout=LIVE)
    expect(board).to_contain_text("Noch keine Ideen.")
    assert_axe_clean(first, "phone, empty idea board")
    first.get_by_label("Ihre Idee").fill("Mehr Pausen zwischen den Foren")
    first.get_by_role("button", name="Idee senden").click()
    expect(first.locator("#announcer")).to_contain_text("wartet auf die Freigabe")
    expect(first.locator("#ideas-mine")).to_contain_text("Mehr Pausen zwischen den Foren")
    assert_axe_clean(first, "phone, own idea waiting")
    room.others([{"type": "idea", "text": text} for text in OTHERS])

    expect(card.locator("summary")).to_contain_text("4 warten", timeout=LIVE)
    assert_axe_clean(mod, "console, ideas waiting")
    for text in ["Mehr Pausen zwischen den Foren", *OTHERS]:
        card.get_by_role("button", name=re.compile(rf"^Freigeben\W+{re.escape(text)}$")).click()
        expect(mod.locator("#announcer")).to_contain_text(f"Idee freigegeben: „{text}“")
    card.get_by_role("button", name=re.compile(r"^Markieren\W+Ein Forum im Freien$")).click()
    expect(card).to_contain_text("1 von 10 Ideen markiert.")
    expect(card.locator(".mod-idea.marked")).to_contain_text("markiert")
    assert_axe_clean(mod, "console, ideas approved, one marked")
    assert_one_screen(mod, "console with the idea card open")

    # The phone: its idea no longer waits; the marked idea comes first, marked in words.
    expect(first.locator("#ideas-mine")).not_to_contain_text("Mehr Pausen", timeout=LIVE)
    rows = first.locator("#ideas-list li.idea")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("Top-Idee")
    expect(rows.first).to_contain_text("Ein Forum im Freien")
    up = first.get_by_role("button", name=re.compile(r"^Idee ‚Kaffee in jeder Pause‘"))
    expect(up).to_have_accessible_name(
        re.compile(r"^Idee ‚Kaffee in jeder Pause‘ Unterstützen, 0 Stimmen$")
    )
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_accessible_name(re.compile(r"Unterstützt, 1 Stimme$"))
    expect(first.locator("#announcer")).to_contain_text("Sie unterstützen diese Idee.")
    assert_axe_clean(first, "phone, ideas with a mark and an upvote")

    # The projector: the marked idea, big, at both sizes.
    api(
        live_server,
        "PUT",
        f"/events/{room.code}/rooms/{room.id}/screen",
        {"mode": "ideas"},
        room.token,
    )
    for width, height in ((1920, 1080), (1280, 720)):
        wall = browser_context(viewport={"width": width, "height": height}).new_page()
        wall.goto(f"{live_server.url}/e/{room.code}/screen?room={room.id}")
        expect(wall.locator("#screen-stage")).to_have_attribute("data-mode", "ideas", timeout=LIVE)
        expect(wall.locator(".screen-stage")).to_contain_text("Die markierten Ideen")
        expect(wall.locator(".screen-idea")).to_have_count(1)
        check_wall(wall, f"ideas, one marked, {width}×{height}")
        assert_axe_clean(wall, f"projector, ideas mode {width}×{height}")


def test_ten_long_marked_ideas_fit_the_projector(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = new_room(live_server)
    api(
        live_server,
        "PATCH",
        f"/events/{room.code}/rooms/{room.id}",
        {"ideas_open": True},
        room.token,
    )
    texts = [
        f"Idee {n}: " + "Beratung in leichter Sprache für alle Bedarfsgemeinschaften " * 4
        for n in range(10)
    ]
    room.others([{"type": "idea", "text": t[:280]} for t in texts])
    path = f"/events/{room.code}/rooms/{room.id}/ideas"
    for idea in api(live_server, "GET", path, None, room.token):
        body = {"state": "approved", "marked": True}
        api(live_server, "PATCH", f"/events/{room.code}/ideas/{idea['id']}", body, room.token)
    api(
        live_server,
        "PUT",
        f"/events/{room.code}/rooms/{room.id}/screen",
        {"mode": "ideas"},
        room.token,
    )
    for width, height in ((1920, 1080), (1280, 720)):
        wall = browser_context(viewport={"width": width, "height": height}).new_page()
        wall.goto(f"{live_server.url}/e/{room.code}/screen?room={room.id}")
        expect(wall.locator(".screen-idea")).to_have_count(10, timeout=LIVE)
        check_wall(wall, f"ten long marked ideas, {width}×{height}")


@pytest.mark.keyboard("ideas")
def test_the_idea_board_by_keyboard(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = new_room(live_server)
    mod = console(browser_context, room, LAPTOP)
    # The console: open the card and the board, keys only.
    mod.locator("body").focus()
    tab_to(mod, "#mod-ideas > summary")
    mod.keyboard.press("Enter")
    tab_to(mod, "#ideas-open")
    mod.keyboard.press("Enter")
    expect(mod.locator("#announcer")).to_contain_text("Die Ideensammlung ist geöffnet.")

    # The phone: the tab, the field, the send button, keys only.
    page = browser_context(**PHONE).new_page()
    page.goto(room.url)
    wait_connected(page)
    # The tabs: Tab reaches the chosen one, the arrow key the next (WAI-ARIA tabs).
    tab_to(page, "[role=tab][aria-selected=true]")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-qa")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, "#idea-text")
    page.keyboard.type("Mehr Pausen zwischen den Foren")
    page.keyboard.press("Tab")
    expect(page.locator("#idea-submit")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#announcer")).to_contain_text("wartet auf die Freigabe")

    # The console: approve and mark it, keys only.
    approve = "#mod-ideas button[value='approve']"
    expect(mod.locator(approve)).to_have_count(1, timeout=LIVE)
    tab_to(mod, approve)
    mod.keyboard.press("Enter")
    expect(mod.locator("#announcer")).to_contain_text("Idee freigegeben")
    tab_to(mod, "#mod-ideas button[value='mark']")
    mod.keyboard.press("Enter")
    expect(mod.locator("#announcer")).to_contain_text("Idee markiert")

    # The phone: upvote it with the space bar.
    button = "#ideas-list button.upvote"
    expect(page.locator(button)).to_have_count(1, timeout=LIVE)
    tab_to(page, button)
    page.keyboard.press("Space")
    expect(page.locator(button)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#ideas-list")).to_contain_text("Top-Idee")


def test_the_idea_board_in_english_passes_axe(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = new_room(live_server)
    base = f"/events/{room.code}"
    api(live_server, "PATCH", f"{base}/rooms/{room.id}", {"ideas_open": True}, room.token)
    room.others([{"type": "idea", "text": text} for text in OTHERS])
    listed = api(live_server, "GET", f"{base}/rooms/{room.id}/ideas", None, room.token)
    api(live_server, "PATCH", f"{base}/ideas/{listed[0]['id']}", {"state": "approved"}, room.token)
    body = {"state": "approved", "marked": True}
    api(live_server, "PATCH", f"{base}/ideas/{listed[1]['id']}", body, room.token)
    page = browser_context(**PHONE).new_page()
    page.goto(room.url + "&lang=en")
    wait_connected(page)
    tab(page, "Questions").click()
    expect(page.locator("#ideas-list")).to_contain_text("Top idea")
    up = page.get_by_role("button", name=re.compile(r"^Idea ‘"))
    expect(up.first).to_have_accessible_name(re.compile(r"Upvote, \d+ votes?$"))
    assert_axe_clean(page, "phone in English, idea board")
    mod = browser_context(viewport=LAPTOP).new_page()
    # The token link sets the cookie and leads on to the console; then the English console.
    mod.goto(f"{live_server.url}/e/{room.code}/moderate?token={room.token}")
    mod.goto(f"{live_server.url}/e/{room.code}/moderate?room={room.id}&lang=en")
    wait_connected(mod)
    mod.locator("#mod-ideas > summary").click()
    expect(mod.locator("#mod-ideas")).to_contain_text("1 of 10 ideas marked.")
    assert_axe_clean(mod, "console in English, idea card open")
    assert_one_screen(mod, "console in English, idea card open")
