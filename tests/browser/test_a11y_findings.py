"""Issue 23, item 7: the accessibility findings left over, each checked where a person meets it,
in headless Chromium: the heading order of the moderator's and organiser's pages (axe's
best-practice rule heading-order, outside the WCAG tags the other tests run), an h1 on the
projector's neutral slide and on the stream overlay, German text typed by people marked
lang="de" on English pages (also in what the socket pushes), a wrong join code named in the
page title, and mood labels of at least 14 px on a 320-px phone."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from itertools import pairwise
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import format_violations, run_axe_rules
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, BrowserGuard, ContextFactory
from tests.support.program import BERLIN, program_today
from tests.support.server import LiveServer
from tests.support.stage import api

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS
LAPTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 768}}


def connected(page: Page) -> None:
    page.wait_for_function("() => document.body.dataset.connection === 'open'", timeout=LIVE)


def no_violations(page: Page, context: str, *rules: str) -> None:
    violations = run_axe_rules(page, *rules)
    assert not violations, f"axe {', '.join(rules)}, {context}:\n{format_violations(violations)}"


def headings(page: Page) -> list[int]:
    """The levels of the headings a screen reader lists, in document order."""
    levels: list[int] = page.evaluate(
        """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
             .filter((h) => h.getClientRects().length > 0 || h.closest('.visually-hidden'))
             .map((h) => Number(h.tagName[1]))"""
    )
    return levels


def assert_no_skipped_level(levels: list[int], context: str) -> None:
    assert levels and levels[0] == 1, f"{context}: starts with h{levels[:1]}"
    for before, after in pairwise(levels):
        assert after <= before + 1, f"{context}: h{before} → h{after} in {levels}"


def _event(server: LiveServer, rooms: list[str]) -> tuple[str, str, list[dict[str, str]]]:
    event = api(server, "POST", "/events", {"title": "Fachtag Jobcenter", "rooms": rooms})
    return event["code"], event["moderator_token"], event["rooms"]


def _open_poll(server: LiveServer, code: str, token: str, room: str, question: str) -> str:
    body = {"question": question, "kind": "single", "options": ["Mehr Austausch", "Weniger"]}
    poll = api(server, "POST", f"/events/{code}/rooms/{room}/polls", body, token)
    api(server, "POST", f"/events/{code}/polls/{poll['id']}/open", None, token)
    return str(poll["id"])


# --- (1) heading order --------------------------------------------------------------------


def test_heading_order_on_the_moderators_and_organisers_pages(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code, token, rooms = _event(live_server, ["Plenum", "Forum 1"])
    _open_poll(live_server, code, token, rooms[0]["id"], "Wie gefällt Ihnen der Fachtag?")
    base = f"{live_server.url}/e/{code}"
    page = browser_context(**LAPTOP).new_page()
    page.goto(f"{base}/moderate?token={token}")  # the organiser's cookie
    connected(page)
    pages = {
        "moderation": f"{base}/moderate",
        "links": f"{base}/links",
        "start": f"{base}/start",
        "links (English)": f"{base}/links?lang=en",
    }
    for name, url in pages.items():
        page.goto(url)
        no_violations(page, name, "heading-order", "page-has-heading-one")
        assert_no_skipped_level(headings(page), name)
    # The links section after a room moderator's link was made (its fragment swapped in).
    page.goto(f"{base}/links")
    page.locator("#room-links button").first.click()
    expect(page.locator("#room-links .fresh-link")).to_be_visible()
    no_violations(page, "links with a fresh room link", "heading-order")
    assert_no_skipped_level(headings(page), "links with a fresh room link")
    # Without JavaScript the new link gets a page of its own: its h1, then the section's h2.
    plain = browser_context(**LAPTOP, java_script_enabled=False).new_page()
    plain.goto(f"{base}/moderate?token={token}")
    plain.goto(f"{base}/links")
    plain.locator("#room-links button").first.click()
    expect(plain.get_by_role("heading", level=1)).to_contain_text("Moderationslink für")
    assert_no_skipped_level(headings(plain), "a room link's own page (no JavaScript)")


# --- (2) an h1 on the neutral slide and the overlay ----------------------------------------


def test_an_h1_on_the_neutral_slide_and_on_the_overlay(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code, token, rooms = _event(live_server, ["Plenum"])
    room = rooms[0]["id"]
    api(live_server, "PUT", f"/events/{code}/rooms/{room}/screen", {"mode": "slide"}, token)
    wall = browser_context(viewport={"width": 1920, "height": 1080}).new_page()
    wall.goto(f"{live_server.url}/e/{code}/screen?room={room}")
    expect(wall.locator("#screen-stage")).to_have_attribute("data-mode", "slide")
    # The header's h1 is hidden with the header while the slide shows: the slide has its own,
    # one a screen reader finds (a hidden one it would not).
    h1 = wall.get_by_role("heading", level=1)
    expect(h1).to_have_count(1)
    expect(h1).to_have_text("Plenum")
    expect(h1).to_be_visible()
    no_violations(wall, "neutral slide", "page-has-heading-one", "heading-order")
    # Any other mode: the header's h1, one again.
    api(live_server, "PUT", f"/events/{code}/rooms/{room}/screen", {"mode": "join"}, token)
    expect(wall.locator("#screen-stage")).to_have_attribute("data-mode", "join")
    expect(h1).to_have_count(1)
    expect(h1).to_contain_text("Fachtag Jobcenter")

    overlay = browser_context(viewport={"width": 1920, "height": 1080}).new_page()
    overlay.goto(f"{live_server.url}/e/{code}/overlay?room={room}&sound=off")
    h1 = overlay.get_by_role("heading", level=1)
    expect(h1).to_have_count(1)
    expect(h1).to_contain_text("Plenum")
    no_violations(overlay, "overlay", "page-has-heading-one", "heading-order")


# --- (3) German user content marked on English pages ---------------------------------------


def lang_of(page: Page, selector: str) -> list[str]:
    """The language of each element matching ``selector``: of its first text (the nearest
    lang attribute above it)."""
    langs: list[str] = page.eval_on_selector_all(
        selector,
        """(els) => els.map((el) => {
             // the language of the element's first words, as a screen reader meets them
             const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
             let node = walk.nextNode();
             while (node && !node.textContent.trim()) node = walk.nextNode();
             return (node ? node.parentElement : el).closest("[lang]").getAttribute("lang");
           })""",
    )
    assert langs, f"nothing matches {selector}"
    return langs


def test_german_text_people_typed_is_marked_on_english_pages(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code, token, rooms = _event(live_server, ["Plenum", "Forum Arbeitsvermittlung"])
    room = rooms[0]["id"]
    today = program_today()
    start = datetime.combine(today, time(0, 0), BERLIN)
    setup = {
        "version": 1,
        "title": "Fachtag Jobcenter",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=1)).isoformat(),
        "rooms": [{"name": "Plenum"}, {"name": "Forum Arbeitsvermittlung"}],
        "agenda": [
            {
                "title": "Zukunft der Arbeitsvermittlung",
                "room": "Plenum",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=23, minutes=59)).isoformat(),
            }
        ],
    }
    api(live_server, "PUT", f"/events/{code}/setup", setup, token)
    _open_poll(live_server, code, token, room, "Wie finden Sie die Mittagspause?")

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}&lang=en")
    connected(phone)
    assert phone.evaluate("() => document.documentElement.lang") == "en"
    # The interface is English ...
    assert lang_of(phone, "#tab-polls .tab-label") == ["en"]
    # ... what people typed is German: event, room, agenda item, poll, options, rooms list.
    assert lang_of(phone, ".event-title") == ["de"]
    assert lang_of(phone, ".event-head h1") == ["de"]
    assert lang_of(phone, "#room-now strong") == ["de"]
    assert lang_of(phone, ".poll-question") == ["de"]
    assert set(lang_of(phone, "#poll-stage .choice-text")) == {"de"}
    assert set(lang_of(phone, ".room-now-name")) == {"de"}
    # A question someone asks, as the socket pushes it into the public list.
    phone.get_by_role("tab", name="Questions").click()
    phone.get_by_label("Your question").fill("Gibt es die Folien zum Nachlesen?")
    phone.get_by_role("button", name="Send question").click()
    # Stored once the phone shows it as its own (the click does not wait for the answer).
    expect(phone.locator("#qa-mine")).to_contain_text("Gibt es die Folien", timeout=LIVE)
    questions = api(live_server, "GET", f"/events/{code}/rooms/{room}/questions", None, token)
    api(
        live_server,
        "PATCH",
        f"/events/{code}/questions/{questions[0]['id']}",
        {"state": "approved"},
        token,
    )
    public = phone.locator("#qa-list .question-text")
    expect(public).to_contain_text("Gibt es die Folien", timeout=LIVE)
    assert lang_of(phone, "#qa-list .question-text") == ["de"]
    # A poll opened later arrives by the socket too.
    _open_poll(live_server, code, token, room, "Sollen wir nächstes Jahr wiederkommen?")
    expect(phone.locator("#poll-stage")).to_contain_text("nächstes Jahr", timeout=LIVE)
    assert set(lang_of(phone, ".poll-question")) == {"de"}

    # The projector in English: its poll question and title, pushed and rendered.
    wall = browser_context(viewport={"width": 1280, "height": 720}).new_page()
    api(live_server, "PUT", f"/events/{code}/rooms/{room}/screen", {"mode": "poll"}, token)
    wall.goto(f"{live_server.url}/e/{code}/screen?room={room}&lang=en")
    expect(wall.locator(".screen-question")).to_contain_text("nächstes Jahr", timeout=LIVE)
    assert lang_of(wall, ".screen-question") == ["de"]
    assert lang_of(wall, ".screen-event") == ["de"]

    # German pages need no marks: the page is German already.
    phone.goto(f"{live_server.url}/e/{code}?room={room}&lang=de")
    assert phone.evaluate("() => document.documentElement.lang") == "de"
    assert phone.locator("main [lang='de']").count() == 0


# --- (4) a wrong join code in the title -----------------------------------------------------


def test_a_wrong_join_code_says_so_in_the_page_title(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    browser_guard.allow_console_error(r"status of 403 .*code=12")  # the wrong code's answer
    code, token, rooms = _event(live_server, ["Plenum"])
    api(live_server, "PATCH", f"/events/{code}", {"join_code_required": True}, token)
    for lang, error_word, label in (
        ("de", "Fehler", "Code von der Leinwand eingeben"),
        ("en", "Error", "Enter the code shown on the screen"),
    ):
        phone = browser_context(**PHONE).new_page()
        phone.goto(f"{live_server.url}/e/{code}?room={rooms[0]['id']}&lang={lang}")
        assert not phone.title().startswith(error_word), phone.title()
        field = phone.get_by_label(label)
        field.fill("12")
        field.press("Enter")
        expect(phone.locator("#join-code-error")).to_be_visible()
        expect(phone).to_have_title(re.compile(rf"^{error_word}: .*Fachtag Jobcenter$"))


# --- (5) mood labels on a 320-px phone ------------------------------------------------------


@pytest.mark.parametrize("width", [320, 360, 390])
def test_mood_labels_are_readable_on_narrow_phones(
    live_server: LiveServer, browser_context: ContextFactory, width: int
) -> None:
    code, _token, rooms = _event(live_server, ["Plenum"])
    phone = browser_context(**{**PHONE, "viewport": {"width": width, "height": 700}}).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={rooms[0]['id']}")
    phone.get_by_role("tab", name="Applaus & Stimmung").click()
    words = phone.locator("#mood-form .mood-word")
    expect(words).to_have_count(5)
    sizes = words.evaluate_all(
        "(els) => els.map((el) => parseFloat(getComputedStyle(el).fontSize))"
    )
    assert min(sizes) >= 14, sizes
    # Each label inside its button, never broken inside a word or running over the border.
    over = phone.evaluate(
        """() => [...document.querySelectorAll('#mood-form .mood-choice')]
             .filter((b) => b.scrollWidth > b.clientWidth).map((b) => b.textContent.trim())"""
    )
    assert over == [], over
