"""Issue 24's poll kinds in real headless Chromium, on a phone-sized page: ranking by keyboard
alone (up/down buttons, announcements, focus kept), sent and shown on the projector in order
with points; points with the budget's counter, the error over budget and the success; scale
end labels. axe on every new state, in German and English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import check_a11y
from tests.support.browser import (
    DEFAULT_TIMEOUT_MS,
    PHONE,
    PROJECTOR,
    BrowserGuard,
    ContextFactory,
)
from tests.support.server import LiveServer
from tests.support.voting import call

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS
TOPICS = ["Personal", "Digitalisierung", "Sprache", "Wohnen"]


def event_with_poll(server: LiveServer, **poll: Any) -> tuple[str, str, str, str]:
    """An event with one room and one open poll; (code, moderator token, room id, poll id)."""
    event = call(server, "POST", "/api/v1/events", {"title": "Fachtag", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    created = call(
        server,
        "POST",
        f"/api/v1/events/{code}/rooms/{room}/polls",
        {"question": "Was ist Ihnen am wichtigsten?", "visibility": "live", **poll},
        token,
    )
    call(server, "POST", f"/api/v1/events/{code}/polls/{created['id']}/open", {}, token)
    return code, token, room, created["id"]


def wait_connected(page: Page) -> None:
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)


def order_on(page: Page) -> list[str]:
    return [
        t.replace("\u00ad", "") for t in page.locator(".rank-item .rank-text").all_inner_texts()
    ]


@pytest.mark.keyboard("ranking")
def test_keyboard_only_ranking_on_a_phone_reaches_the_projector(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code, _, room, poll_id = event_with_poll(live_server, kind="ranking", options=TOPICS)
    screen = browser_context(**PROJECTOR).new_page()
    screen.goto(f"{live_server.url}/e/{code}/screen?room={room}")
    wait_connected(screen)

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    wait_connected(phone)
    expect(phone.locator(".ranking")).to_be_visible()
    check_a11y(phone, context="phone, ranking poll open")
    assert order_on(phone) == TOPICS

    # Keyboard only: Tab to "Nach unten: Personal", then Enter three times, then
    # Shift+Tab to reach "Nach oben: Sprache" and press Space.
    down = phone.get_by_role("button", name="Nach unten: Personal")
    down.focus()
    status = phone.locator(f"#poll-{poll_id}-rank-status")
    phone.keyboard.press("Enter")
    expect(status).to_have_text("„Personal“ ist jetzt auf Platz 2 von 4.")
    # The focus stays on the pressed button, which moved with its item.
    expect(down).to_be_focused()
    phone.keyboard.press("Enter")
    phone.keyboard.press("Enter")
    expect(status).to_have_text("„Personal“ ist jetzt auf Platz 4 von 4.")
    assert order_on(phone) == ["Digitalisierung", "Sprache", "Wohnen", "Personal"]
    # At the end: said, and the order stays.
    phone.keyboard.press("Enter")
    expect(status).to_have_text("„Personal“ ist schon auf dem letzten Platz.")
    up = phone.get_by_role("button", name="Nach oben: Sprache")
    up.focus()
    phone.keyboard.press("Space")
    expect(status).to_have_text("„Sprache“ ist jetzt auf Platz 1 von 4.")
    assert order_on(phone) == ["Sprache", "Digitalisierung", "Wohnen", "Personal"]
    # Nothing was sent yet: the moves happen on the phone only.
    poll = call(live_server, "GET", f"/api/v1/events/{code}/polls/{poll_id}")
    assert poll["results"]["voters"] == 0
    check_a11y(phone, context="phone, ranking reordered")

    send = phone.get_by_role("button", name="Reihenfolge senden")
    send.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("#announcer")).to_contain_text("Ihre Reihenfolge wurde gespeichert.")
    poll = call(live_server, "GET", f"/api/v1/events/{code}/polls/{poll_id}")
    # Sprache 3, Digitalisierung 2, Wohnen 1, Personal 0.
    assert poll["results"]["points"] == [0, 2, 3, 1]
    assert poll["results"]["first"] == [0, 0, 1, 0]
    # The page keeps the order it sent.
    assert order_on(phone) == ["Sprache", "Digitalisierung", "Wohnen", "Personal"]

    # The projector shows the order with points, without a reload.
    bars = screen.locator("#screen-results .screen-bar")
    expect(bars.first).to_contain_text("Sprache", timeout=LIVE)
    expect(bars.first).to_contain_text("3 Punkte")
    expect(bars.nth(3)).to_contain_text("Personal")
    labels = [t.replace("\u00ad", "") for t in bars.locator(".bar-label").all_inner_texts()]
    assert [re.sub(r"^\d+\.\s*★?\s*|\s*\(vorn\)$", "", t) for t in labels] == [
        "Sprache",
        "Digitalisierung",
        "Wohnen",
        "Personal",
    ]
    check_a11y(screen, context="projector, ranking results")


def test_points_with_the_budget_counter_error_and_success(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    browser_guard.allow_console_error(r"status of 422")  # the refused send, on purpose
    code, _, room, poll_id = event_with_poll(
        live_server, kind="points", options=TOPICS[:3], budget=10
    )
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    wait_connected(phone)
    left = phone.locator(f"#poll-{poll_id}-left")
    expect(left).to_have_text("Noch 10 von 10 Punkten übrig.")
    check_a11y(phone, context="phone, points poll open")

    phone.get_by_label("Personal").fill("6")
    phone.get_by_label("Digitalisierung").fill("5")
    expect(left).to_have_text("1 Punkte zu viel: Es sind höchstens 10 erlaubt.")
    # The polite status repeats it once typing pauses.
    expect(phone.locator(f"#poll-{poll_id}-left-status")).to_have_text(
        "1 Punkte zu viel: Es sind höchstens 10 erlaubt."
    )
    check_a11y(phone, context="phone, points over budget")
    phone.get_by_role("button", name="Punkte senden").click()
    expect(phone.locator("#announcer")).to_contain_text(
        "Sie haben 11 Punkte verteilt, erlaubt sind höchstens 10."
    )
    assert (
        call(live_server, "GET", f"/api/v1/events/{code}/polls/{poll_id}")["results"]["voters"] == 0
    )

    phone.get_by_label("Digitalisierung").fill("4")
    expect(left).to_have_text("Noch 0 von 10 Punkten übrig.")
    phone.get_by_role("button", name="Punkte senden").click()
    expect(phone.locator("#announcer")).to_contain_text("Ihre Stimme wurde gezählt.")
    results = call(live_server, "GET", f"/api/v1/events/{code}/polls/{poll_id}")["results"]
    assert results["points"] == [6, 4, 0]
    # The phone's results: most points first, in words.
    expect(phone.locator(f"#results-{poll_id} .bar-row").first).to_contain_text("6 Punkte")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_scale_end_labels_are_visible_on_phone_and_projector(
    live_server: LiveServer, browser_context: ContextFactory, lang: str
) -> None:
    code, _, room, _ = event_with_poll(
        live_server,
        kind="scale",
        min_label="trifft nicht zu",
        max_label="trifft voll zu",
    )
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}&lang={lang}")
    wait_connected(phone)
    expect(phone.locator(".scale-legend")).to_contain_text("1 = trifft nicht zu")
    expect(phone.locator(".scale-legend")).to_contain_text("5 = trifft voll zu")
    # The labels are part of the buttons' names for screen readers.
    expect(phone.get_by_role("button", name="1 (trifft nicht zu)")).to_be_visible()
    check_a11y(phone, context=f"phone, labelled scale ({lang})")
    screen = browser_context(**PROJECTOR).new_page()
    screen.goto(f"{live_server.url}/e/{code}/screen?room={room}&lang={lang}")
    wait_connected(screen)
    expect(screen.locator(".scale-ends")).to_contain_text("trifft voll zu")
    check_a11y(screen, context=f"projector, labelled scale ({lang})")


def test_ranking_and_points_pages_pass_axe_in_english(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code, token, room, _ = event_with_poll(
        live_server, kind="ranking", options=TOPICS, max_ranked=2
    )
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}&lang=en")
    wait_connected(phone)
    expect(phone.get_by_role("button", name="Send order")).to_be_visible()
    # Places past max_ranked are marked as not counted.
    expect(phone.locator(".rank-uncounted")).to_have_count(2)
    check_a11y(phone, context="phone, ranking poll (en)")
    # A points poll opens (and closes the ranking): the phone follows without a reload.
    points = call(
        live_server,
        "POST",
        f"/api/v1/events/{code}/rooms/{room}/polls",
        {"question": "Budget?", "kind": "points", "options": TOPICS, "visibility": "live"},
        token,
    )
    call(live_server, "POST", f"/api/v1/events/{code}/polls/{points['id']}/open", {}, token)
    expect(phone.get_by_role("button", name="Send points")).to_be_visible(timeout=LIVE)
    expect(phone.locator(f"#poll-{points['id']}-left")).to_have_text("100 of 100 points left.")
    check_a11y(phone, context="phone, points poll (en)")


def test_the_console_prepares_a_ranking_poll_with_its_own_fields(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    event = call(live_server, "POST", "/api/v1/events", {"title": "Fachtag", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    console = browser_context(viewport={"width": 1366, "height": 900}).new_page()
    console.goto(f"{live_server.url}/e/{code}/moderate?token={token}&room={room}")
    wait_connected(console)
    if console.locator("#new-poll[open]").count() == 0:
        console.locator("#new-poll > summary").click()
    console.get_by_label("Frage", exact=True).fill("Welches Thema zuerst?")
    budget = console.get_by_label("Punkte pro Person")
    places = console.get_by_label("Plätze, die zählen (optional)")
    expect(places).to_be_hidden()
    console.get_by_label("Rangfolge").check()
    # Only the ranking's own setting shows; the points budget stays out of the way.
    expect(places).to_be_visible()
    expect(budget).to_be_hidden()
    console.get_by_label("Antwortmöglichkeiten (eine pro Zeile)").fill("\n".join(TOPICS))
    places.fill("2")
    check_a11y(console, context="console, new ranking poll")
    console.get_by_label("Sofort öffnen").check()
    console.get_by_role("button", name="Abstimmung anlegen").click()
    expect(console.locator("#mod-polls")).to_contain_text("Welches Thema zuerst?")
    polls = call(live_server, "GET", f"/api/v1/events/{code}/export.json", token=token)["polls"]
    assert [(p["kind"], p["max_ranked"], p["state"]) for p in polls] == [("ranking", 2, "open")]
    check_a11y(console, context="console, ranking poll open")


def test_dragging_an_option_reorders_as_an_enhancement(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code, _, room, poll_id = event_with_poll(live_server, kind="ranking", options=TOPICS)
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    wait_connected(phone)
    source = phone.locator(".rank-item", has_text="Wohnen").locator(".rank-text")
    target = phone.locator(".rank-item", has_text="Personal").locator(".rank-text")
    box, top = source.bounding_box(), target.bounding_box()
    assert box and top
    phone.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
    phone.mouse.down()
    for step in range(1, 11):  # through the rows in between, up to the first one's top half
        y = box["y"] + (top["y"] + 4 - box["y"]) * step / 10
        phone.mouse.move(box["x"] + 10, y)
    phone.mouse.up()
    assert order_on(phone) == ["Wohnen", "Personal", "Digitalisierung", "Sprache"]
    expect(phone.locator(f"#poll-{poll_id}-rank-status")).to_have_text(
        "„Wohnen“ ist jetzt auf Platz 1 von 4."
    )
    expect(phone.locator(".rank-item").first.locator(".rank-place")).to_have_text("1.")


def test_an_unsent_order_survives_a_push_of_the_stage(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code, token, room, poll_id = event_with_poll(live_server, kind="ranking", options=TOPICS)
    call(
        live_server, "PATCH", f"/api/v1/events/{code}/rooms/{room}", {"parallel_polls": True}, token
    )
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={room}")
    wait_connected(phone)
    phone.get_by_role("button", name="Nach oben: Wohnen").click()
    moved = ["Personal", "Digitalisierung", "Wohnen", "Sprache"]
    assert order_on(phone) == moved
    # A second poll opens beside it: the stage is pushed anew, the order stays as moved.
    other = call(
        live_server,
        "POST",
        f"/api/v1/events/{code}/rooms/{room}/polls",
        {"question": "Kaffee?", "options": ["Ja", "Nein"]},
        token,
    )
    call(live_server, "POST", f"/api/v1/events/{code}/polls/{other['id']}/open", {}, token)
    expect(phone.locator("#poll-stage")).to_contain_text("Kaffee?", timeout=LIVE)
    assert order_on(phone) == moved
    expect(phone.locator(f"#poll-{poll_id}-ranking .rank-place").nth(2)).to_have_text("3.")
