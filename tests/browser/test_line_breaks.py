"""No line break between two letters on the phone and the moderator page, with the long German
compounds that broke mid-word before (issue 17: "Jugendberufsagenture|n"): user text carries
soft hyphens from the server (live/views/hyphenate.py), checked by tests/support/linebreaks.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, ContextFactory
from tests.support.linebreaks import mid_word_breaks
from tests.support.server import LiveServer
from tests.support.stage import request_json

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only

TITLE = "Fachtag Arbeitsmarktintegrationsmaßnahmen und Eingliederungsvereinbarungen"
ROOMS = ["Jugendberufsagenturen", "Gesundheitsorientierungsprogramm"]
POLL = "Gesundheitsorientierungsprogramm oder Arbeitsmarktintegrationsmaßnahmen: was zuerst?"
OPTIONS = [
    "Gesundheitsorientierungsprogramm",
    "Jugendberufsagenturen",
    "Arbeitsmarktintegrationsmaßnahmen",
    "Eingliederungsvereinbarungen",
]
QUESTION = (
    "Wie stellen die Jugendberufsagenturen sicher, dass Eingliederungsvereinbarungen mit dem "
    "Gesundheitsorientierungsprogramm und den Arbeitsmarktintegrationsmaßnahmen der "
    "Landkreisverwaltung abgestimmt sind, bevor Kooperationsvereinbarungen unterschrieben werden?"
)
NAME = "Maximiliane Müller-Lüdenscheidt, Kreisjugendamtsleitung"
ANSWER = (
    "Die Jugendberufsagenturen legen Eingliederungsvereinbarungen und das "
    "Gesundheitsorientierungsprogramm in einer gemeinsamen Fallbesprechungsrunde fest."
)


def fits_width(page: Page) -> bool:
    """Nothing sticks out sideways (clientWidth: a phone's window grows with wide content)."""
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def connected(page: Page) -> None:
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)


def test_long_german_words_never_break_mid_word(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    event = request_json(live_server, "POST", "/api/v1/events", {"title": TITLE, "rooms": ROOMS})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    poll = request_json(
        live_server,
        "POST",
        f"/api/v1/events/{code}/rooms/{room}/polls",
        {"question": POLL, "kind": "single", "options": OPTIONS, "visibility": "live"},
        token,
    )
    request_json(live_server, "POST", f"/api/v1/events/{code}/polls/{poll['id']}/open", token=token)

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    connected(phone)
    phone.get_by_role("tab", name="Fragen").click()  # the Q&A has its own tab
    phone.get_by_label("Ihre Frage").fill(QUESTION)
    phone.get_by_label("Name (freiwillig)").fill(NAME)
    phone.get_by_role("button", name="Frage senden").click()
    expect(phone.locator("#announcer")).to_contain_text("wartet auf die Freigabe")
    listed = request_json(
        live_server, "GET", f"/api/v1/events/{code}/rooms/{room}/questions", token=token
    )
    question = next(q for q in listed if q["text"] == QUESTION)
    request_json(
        live_server,
        "PATCH",
        f"/api/v1/events/{code}/questions/{question['id']}",
        {"state": "approved", "answer": ANSWER},
        token,
    )
    phone.get_by_role("tab", name="Abstimmung").click()
    phone.get_by_role("button", name=OPTIONS[1], exact=True).click()
    expect(phone.locator("#announcer")).to_contain_text("Ihre Stimme wurde gezählt.")
    expect(phone.locator(f"#results-{poll['id']} .bar-row")).to_have_count(len(OPTIONS))
    expect(phone.locator("#qa-list")).to_contain_text("Kooperationsvereinbarungen", timeout=LIVE)
    expect(phone.locator("#qa-mine")).to_contain_text("Fallbesprechungsrunde", timeout=LIVE)
    expect(phone.locator("#room-program")).to_contain_text(ROOMS[1])
    # Each tab shows its part of the page: check the poll's, then the questions'.
    for tab in ("Abstimmung", "Fragen"):
        phone.get_by_role("tab", name=tab).click()
        assert mid_word_breaks(phone) == [], tab
        # Nor does a long word stick out of its box: the phone never scrolls sideways.
        assert fits_width(phone), tab

    moderator = browser_context(viewport={"width": 1280, "height": 800}).new_page()
    moderator.goto(f"{live_server.url}/e/{code}/moderate?token={token}&room={room}")
    connected(moderator)
    expect(moderator.locator("#mod-live .bar-row")).to_have_count(len(OPTIONS))
    expect(moderator.locator("#mod-questions")).to_contain_text("Fallbesprechungsrunde")
    assert mid_word_breaks(moderator) == []
    moderator.get_by_role("link", name="Links und QR-Codes").click()  # the room links, too
    assert mid_word_breaks(moderator) == []
    assert fits_width(moderator)


def test_an_address_longer_than_the_phone_wraps_inside_its_box(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    # An address gets no soft hyphens (people copy it); overflow-wrap: break-word breaks it
    # as the last resort, so it stays inside its box instead of widening the page.
    url = "https://www.arbeitsagentur.de/vor-ort/jugendberufsagenturen/gesundheitsorientierung"
    event = request_json(live_server, "POST", "/api/v1/events", {"title": url, "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    poll = request_json(
        live_server,
        "POST",
        f"/api/v1/events/{code}/rooms/{room}/polls",
        {"question": f"Kennen Sie {url}?", "kind": "single", "options": [url, "nein"]},
        token,
    )
    poll = request_json(
        live_server, "POST", f"/api/v1/events/{code}/polls/{poll['id']}/open", token=token
    )
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    connected(phone)
    expect(phone.get_by_role("button", name=url)).to_be_visible()
    assert fits_width(phone)
    # It did have to wrap: the address is far wider than the phone on one line.
    assert phone.locator(".choice-text").first.evaluate("e => e.offsetHeight > 40")
