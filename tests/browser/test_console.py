"""The moderators' console (templates/moderate.html) at 1366×768, in headless Chromium.

- It is one screen: the page itself never scrolls at 1366×768 (its columns may), in an empty
  room and in a full one; at 320 px nothing scrolls sideways.
- A control being changed in the live panel survives any number of votes by others.
- The projector's thumbnail is the room's screen page, silent.
- axe finds nothing, of any impact, in every state of the console.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.test_phone_client import Room
from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, BrowserGuard, ContextFactory
from tests.support.server import LiveServer
from tests.support.stage import LONG_ASK, LONG_OPTIONS, LONG_QUESTION, api

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only
LAPTOP: ViewportSize = {"width": 1366, "height": 768}


def console(browser_context: ContextFactory, room: Room, viewport: ViewportSize = LAPTOP) -> Page:
    page = browser_context(viewport=viewport).new_page()
    page.goto(f"{room.server.url}/e/{room.code}/moderate?token={room.token}")
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)
    return page


def page_scroll(page: Page) -> dict[str, int]:
    return dict(
        page.evaluate(
            "() => ({width: document.documentElement.scrollWidth, "
            "height: document.documentElement.scrollHeight, "
            "innerWidth: innerWidth, innerHeight: innerHeight})"
        )
    )


def assert_one_screen(page: Page, context: str) -> None:
    size = page_scroll(page)
    assert size["height"] <= size["innerHeight"], f"{context}: the page scrolls: {size}"
    assert size["width"] <= size["innerWidth"], f"{context}: sideways: {size}"


def assert_axe_clean(page: Page, context: str) -> None:
    violations = run_axe(page)
    assert not violations, f"{context}:\n{format_violations(violations)}"


def new_room(server: LiveServer) -> Room:
    """A room of an event of its own, with the default of one open poll at a time."""
    event = api(server, "POST", "/events", {"title": "Fachtag Teilhabe", "rooms": ["Plenum"]})
    return Room(server, event["code"], event["moderator_token"], event["rooms"][0]["id"])


def ask(room: Room, texts: list[str]) -> None:
    room.others([{"type": "ask", "text": t} for t in texts])


def test_the_console_is_one_screen_at_1366_by_768_and_reflows_at_320_px(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = new_room(live_server)
    page = console(browser_context, room)
    assert_one_screen(page, "empty room")
    assert_axe_clean(page, "console, empty room")

    # A full room: twelve long options, prepared polls, many questions, one of 300 characters.
    poll = room.open_poll(question=LONG_QUESTION, kind="single", options=list(LONG_OPTIONS))
    for n in range(6):
        api(
            live_server,
            "POST",
            f"/events/{room.code}/rooms/{room.id}/polls",
            {"question": f"Vorbereitete Frage {n + 1}?", "kind": "single", "options": ["a", "b"]},
            room.token,
        )
    ask(room, [LONG_ASK, *[f"Frage Nummer {n} an das Podium?" for n in range(14)]])
    room.others([{"type": "vote", "poll_id": poll, "choices": [n % 12]} for n in range(12)])
    page.reload()
    expect(page.locator(f"#mod-results-{poll} .voters")).to_have_text("12 Stimmen", timeout=LIVE)
    # Fifteen waiting: ten on the first page, the pager to the rest (issue 21).
    expect(page.locator("#qa-pending-title")).to_contain_text("(15)", timeout=LIVE)
    expect(page.locator("#qa-pending-next")).to_have_text("Weitere Fragen")
    assert_one_screen(page, "full room")
    # The columns scroll inside instead, and each is reachable.
    for column in (".run-col", ".live-col .mod-live-panel", ".qa-col"):
        box = page.locator(column).bounding_box()
        assert box is not None and box["y"] + box["height"] <= LAPTOP["height"] + 1, column
    assert_axe_clean(page, "console, full room, poll open")

    # The poll closed: the panel shows it as the one that ran last, with its results.
    room.close_poll(poll)
    expect(page.locator("#mod-live h2")).to_have_text("Zuletzt beendet", timeout=LIVE)
    expect(page.locator(f"#mod-results-{poll} .voters")).to_have_text("12 Stimmen")
    assert_one_screen(page, "full room, poll closed")
    assert_axe_clean(page, "console, poll closed")

    # A tablet as a second screen: still one screen, the bar on two lines.
    tablet = console(browser_context, room, {"width": 1024, "height": 768})
    assert_one_screen(tablet, "tablet, full room")

    narrow = console(browser_context, room, {"width": 320, "height": 640})
    size = page_scroll(narrow)
    assert size["width"] <= 320, size  # the columns stack; the page scrolls down only
    assert_axe_clean(narrow, "console at 320 px")


def test_the_question_queue_keeps_most_of_its_column_beside_mood_and_pace(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    """Applause, mood and pace sit above the queue as a compact strip: with nothing to show
    each is one line, and with a mood distribution and pace reports they never take more than a
    third of the column (they scroll instead); the queue keeps most of the rest."""
    room = new_room(live_server)
    page = console(browser_context, room)
    meters, queue, column = (page.locator(s) for s in (".console-meters", ".qa-queue", ".qa-col"))
    for line in ("#mood-title", "#mod-pace-title"):
        heading = page.locator(line)
        said = heading.locator("xpath=following-sibling::p[1]")
        expect(said).to_be_visible()
        top, other = heading.bounding_box(), said.bounding_box()
        assert top is not None and other is not None
        assert abs(top["y"] - other["y"]) < top["height"], f"{line}: not on one line"

    ask(room, [f"Frage Nummer {n} an das Podium?" for n in range(8)])
    room.others([{"type": "mood", "value": 1 + n % 5} for n in range(10)])
    room.others([{"type": "pace", "value": v} for v in ("too_fast", "too_slow", "av_problem")])
    page.reload()
    expect(page.locator("#mood .voters")).to_contain_text("10 Personen", timeout=LIVE)
    expect(page.locator("#mod-pace .pace-counts")).to_be_visible(timeout=LIVE)
    assert_one_screen(page, "mood and pace shown")
    strip, rest, whole = meters.bounding_box(), queue.bounding_box(), column.bounding_box()
    assert strip is not None and rest is not None and whole is not None
    assert strip["height"] <= whole["height"] / 3 + 1, (strip, whole)
    assert rest["height"] >= whole["height"] / 2, (rest, whole)
    assert_axe_clean(page, "console, mood and pace shown")


def test_long_room_names_keep_the_bar_on_a_laptop_screen(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    """The room switch's select holds every room's name; a long one must not widen the bar
    past 1366 px (it pushed the language links off the screen)."""
    names = [
        "Plenum",
        "Forum 3: Digitalisierung der Leistungssachbearbeitung und der Kommunikation",
        "Forum 10: Kommunale Eingliederungsleistungen",
    ]
    event = api(live_server, "POST", "/events", {"title": "Fachtag", "rooms": names})
    room = Room(live_server, event["code"], event["moderator_token"], event["rooms"][0]["id"])
    page = console(browser_context, room)
    assert_one_screen(page, "long room names")
    expect(page.get_by_role("link", name="English")).to_be_in_viewport()


def test_a_setting_being_changed_survives_votes_by_others(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = new_room(live_server)
    poll = room.open_poll(question="Welche Themen?", kind="single", options=["A", "B", "C"])
    page = console(browser_context, room)
    page.locator(f"#live-{poll}-settings summary").click()
    select = page.get_by_label("Auf den Smartphones", exact=True)
    chosen = select.locator("option").nth(2).get_attribute("value")
    assert chosen is not None
    select.select_option(chosen)  # chosen, not applied
    select.focus()
    select.evaluate("(s) => { s.dataset.mark = 'untouched'; }")

    room.others([{"type": "vote", "poll_id": poll, "choices": [n % 3]} for n in range(20)])
    expect(page.locator(f"#mod-results-{poll} .voters")).to_have_text("20 Stimmen", timeout=LIVE)
    expect(select).to_have_value(chosen)
    expect(select).to_be_focused()
    expect(select).to_have_attribute("data-mark", "untouched")  # the same element
    expect(page.locator(f"#live-{poll}-settings")).to_have_attribute("open", "")


def test_the_projector_thumbnail_is_the_rooms_screen_and_silent(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    room = new_room(live_server)
    page = console(browser_context, room)
    frame = page.frame_locator(".screen-preview iframe")
    expect(frame.locator("#screen-stage")).to_have_attribute("data-mode", "join", timeout=LIVE)
    poll = room.open_poll(question="Kaffee oder Tee?", kind="single", options=["Kaffee", "Tee"])
    expect(frame.locator("#screen-stage")).to_have_attribute("data-mode", "poll", timeout=LIVE)
    expect(frame.locator("#screen-stage")).to_contain_text("Kaffee oder Tee?")
    # No sound and no operator's controls in the thumbnail; the frame is not a tab stop.
    inner = next(f for f in page.frames if "preview=1" in f.url)
    assert inner.evaluate("() => !document.querySelector('[data-operator]')")
    assert inner.evaluate("() => !document.querySelector('script[src*=applause]')")
    assert page.locator(".screen-preview iframe").get_attribute("tabindex") == "-1"
    assert poll


@pytest.mark.keyboard("next-poll")
def test_the_next_prepared_poll_opens_by_key_and_the_open_one_closes(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    browser_guard.allow_http_status(409)  # "nothing left" is a 409 with its message
    room = new_room(live_server)
    first = room.open_poll(question="Erste Runde?", kind="single", options=["ja", "nein"])
    prepared = api(
        live_server,
        "POST",
        f"/events/{room.code}/rooms/{room.id}/polls",
        {"question": "Zweite Runde?", "kind": "single", "options": ["ja", "nein"]},
        room.token,
    )["id"]
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{room.code}")
    expect(phone.locator("#poll-stage")).to_contain_text("Erste Runde?", timeout=LIVE)
    page = console(browser_context, room)
    expect(page.locator("#run-sheet-next-hint")).to_contain_text("Zweite Runde?")
    # The projector after the next step, as a still picture beside the button.
    after = page.frame_locator(".next-preview iframe").locator("#screen-stage")
    expect(after).to_contain_text("Zweite Runde?", timeout=LIVE)

    page.locator("body").click(position={"x": 700, "y": 5})  # the focus on the page, not a field
    page.keyboard.press("n")
    expect(page.locator("#announcer")).to_contain_text(
        "Abstimmung „Zweite Runde?“ geöffnet, „Erste Runde?“ geschlossen.", timeout=LIVE
    )
    expect(page.locator("#mod-live .live-question")).to_have_text("Zweite Runde?", timeout=LIVE)
    expect(page.locator(f"#run-poll-{prepared}")).to_have_attribute("aria-current", "true")
    expect(page.locator(f"#run-poll-{first} .badge").first).to_have_text("beendet")
    # The phones show the new poll only.
    expect(phone.locator("#poll-stage")).to_contain_text("Zweite Runde?", timeout=LIVE)
    expect(phone.locator("#poll-stage")).not_to_contain_text("Erste Runde?")
    expect(page.locator(".next-preview")).to_have_count(0)  # nothing prepared after it
    states = [
        api(live_server, "GET", f"/events/{room.code}/polls/{p}", None, room.token)["state"]
        for p in (first, prepared)
    ]
    assert states == ["closed", "open"]

    # By click, the focus stays on the button (its region was replaced by the answer).
    api(
        live_server,
        "POST",
        f"/events/{room.code}/rooms/{room.id}/polls",
        {"question": "Dritte Runde?", "kind": "single", "options": ["ja", "nein"]},
        room.token,
    )
    page.reload()
    page.get_by_role("button", name="Nächste Abstimmung").click()
    expect(page.locator("#mod-live .live-question")).to_have_text("Dritte Runde?", timeout=LIVE)
    expect(page.get_by_role("button", name="Nächste Abstimmung")).to_be_focused()
    expect(page.locator(".next-preview")).to_have_count(0)  # nothing comes after it

    # Nothing left: the key says so instead of doing nothing.
    page.keyboard.press("PageDown")
    expect(page.locator("#announcer")).to_contain_text(
        "Es gibt keine weitere vorbereitete Abstimmung.", timeout=LIVE
    )
    # Typing in a field never opens a poll.
    page.locator("#new-poll > summary").click()
    page.get_by_label("Frage", exact=True).press_sequentially("n")
    expect(page.get_by_label("Frage", exact=True)).to_have_value("n")


def test_an_empty_poll_form_is_announced_and_focused(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    browser_guard.allow_http_status(422)  # the form's error answer
    room = new_room(live_server)
    page = console(browser_context, room)
    page.locator("#new-poll > summary").click()
    page.get_by_role("button", name="Abstimmung anlegen").click()
    expect(page.locator("#announcer")).to_contain_text("Bitte geben Sie eine Frage ein.")
    expect(page.get_by_label("Frage", exact=True)).to_be_focused()
    expect(page.get_by_label("Frage", exact=True)).to_have_attribute("aria-invalid", "true")
