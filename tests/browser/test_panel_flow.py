"""Panel Q&A end to end in headless Chromium (issue 24): the organiser makes labels on the
console, a phone asks with one, the moderator filters the console's list and the projector by
keyboard; two duplicates are merged and phone and projector show the summed upvotes. axe on
every new state."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import check_a11y
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, PROJECTOR, BrowserGuard, ContextFactory
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only


def call(server: LiveServer, method: str, path: str, body: Any = None, token: str = "") -> Any:
    request = urllib.request.Request(
        server.url + "/api/v1" + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def connected(page: Page) -> None:
    expect(page.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)


def ask(page: Page, server: LiveServer, code: str, text: str, label: str | None = None) -> None:
    page.goto(f"{server.url}/e/{code}")
    connected(page)
    page.get_by_role("tab", name="Fragen").click()
    page.get_by_label("Ihre Frage").fill(text)
    if label is not None:
        page.get_by_label("An wen oder zu welchem Thema? (freiwillig)").select_option(label)
    page.get_by_role("button", name="Frage senden").click()
    expect(page.locator("#qa-mine")).to_contain_text(text)


@pytest.mark.keyboard("question-labels")
def test_labels_by_keyboard_on_console_phone_and_projector(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    event = call(live_server, "POST", "/events", {"title": "Podium", "rooms": ["Saal"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    moderator = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    moderator.goto(f"{live_server.url}/e/{code}/moderate?token={token}")
    connected(moderator)

    # The organiser opens the (closed) list, types the labels and saves them, keyboard only.
    moderator.locator(".qa-labels-edit > summary").focus()
    moderator.keyboard.press("Enter")
    moderator.keyboard.press("Tab")
    expect(
        moderator.get_by_label("Eine pro Zeile, höchstens 20 (z. B. die Namen der Podiumsgäste)")
    ).to_be_focused()
    moderator.keyboard.type("Frau Özdemir\nHerr Lang")
    moderator.keyboard.press("Tab")
    expect(moderator.locator("#labels-save")).to_be_focused()
    moderator.keyboard.press("Enter")
    expect(moderator.locator("#qa-label-filter")).to_be_visible()
    connected(moderator)
    check_a11y(moderator, context="console with question labels")

    phone = browser_context(**PHONE).new_page()
    ask(phone, live_server, code, "Wie sehen Sie die Weiterbildung?", "Herr Lang")
    check_a11y(phone, context="phone asking with a label")
    other = browser_context(**PHONE).new_page()
    ask(other, live_server, code, "Und die Kinderbetreuung?", "Frau Özdemir")
    queue = moderator.locator("#mod-questions")
    expect(queue).to_contain_text("Kinderbetreuung", timeout=LIVE)
    expect(queue.locator(".label-chip", has_text="Herr Lang")).to_be_visible()

    # The console's list by label, by keyboard: the other question is hidden, pushes included.
    moderator.locator("#qa-label-filter").focus()
    moderator.keyboard.press("ArrowDown")  # "Frau Özdemir"
    expect(moderator.locator("#qa-label-filter")).to_have_value("Frau Özdemir")
    expect(queue.locator(".qa-row", has_text="Weiterbildung")).to_be_hidden()
    expect(queue.locator(".qa-row", has_text="Kinderbetreuung")).to_be_visible()
    expect(moderator.locator("#qa-label-filter-status")).to_have_text("Angezeigte Fragen: 1")
    for question in call(live_server, "GET", f"/events/{code}/rooms/{room}/questions", None, token):
        call(
            live_server,
            "PATCH",
            f"/events/{code}/questions/{question['id']}",
            {"state": "approved"},
            token,
        )
    expect(queue.locator(".qa-row[data-state=approved]", has_text="Weiterbildung")).to_have_count(
        1, timeout=LIVE
    )
    expect(queue.locator(".qa-row", has_text="Weiterbildung")).to_be_hidden()
    check_a11y(moderator, context="console filtered by a label")

    # The projector by label: choose with the arrow keys, Tab to the button, Enter.
    screen = browser_context(**PROJECTOR).new_page()
    screen.goto(f"{live_server.url}/e/{code}/screen?room={room}")
    connected(screen)
    expect(screen.locator("#screen-stage")).to_contain_text("Kinderbetreuung", timeout=LIVE)
    moderator.locator("#screen-label").focus()
    moderator.keyboard.press("ArrowDown")
    moderator.keyboard.press("ArrowDown")  # "Herr Lang"
    expect(moderator.locator("#screen-label")).to_have_value("Herr Lang")
    moderator.keyboard.press("Tab")
    moderator.keyboard.press("Enter")
    expect(screen.locator("#screen-stage")).not_to_contain_text("Kinderbetreuung", timeout=LIVE)
    expect(screen.locator("#screen-stage")).to_contain_text("Weiterbildung")
    expect(screen.locator("#screen-stage .label-chip").first).to_contain_text("Herr Lang")
    check_a11y(screen, context="projector filtered by a label")

    # The same states in English: the labels stay German user text (lang="de").
    moderator.goto(f"{live_server.url}/e/{code}/moderate?lang=en")
    connected(moderator)
    expect(moderator.get_by_label("Projector shows questions")).to_have_value("Herr Lang")
    check_a11y(moderator, context="console with labels, English")
    phone.goto(f"{live_server.url}/e/{code}?lang=en")
    connected(phone)
    phone.get_by_role("tab", name="Questions").click()
    expect(phone.get_by_label("For whom or on which topic? (optional)")).to_be_visible()
    check_a11y(phone, context="phone asking with a label, English")


def test_merged_duplicates_show_the_summed_upvotes(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    event = call(live_server, "POST", "/events", {"title": "Podium", "rooms": ["Saal"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    first, second = browser_context(**PHONE).new_page(), browser_context(**PHONE).new_page()
    ask(first, live_server, code, "Wann kommt das neue Förderprogramm?")
    ask(second, live_server, code, "Wann startet das Förderprogramm?")
    listed = call(live_server, "GET", f"/events/{code}/rooms/{room}/questions", None, token)
    ids = {q["text"]: q["id"] for q in listed}
    for qid in ids.values():
        call(live_server, "PATCH", f"/events/{code}/questions/{qid}", {"state": "approved"}, token)
    # The first phone upvotes both, the second its duplicate's original: 2 + 1, one counted once.
    for page, texts in ((first, list(ids)), (second, ["Wann kommt das neue Förderprogramm?"])):
        for text in texts:
            item = page.locator("#qa-list li", has_text=text)
            expect(item).to_be_visible(timeout=LIVE)
            item.locator(".upvote").click()
            expect(item.locator(".upvote")).to_have_attribute("aria-pressed", "true")
    screen = browser_context(**PROJECTOR).new_page()
    screen.goto(f"{live_server.url}/e/{code}/screen?room={room}")
    connected(screen)

    moderator = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    moderator.goto(f"{live_server.url}/e/{code}/moderate?token={token}")
    connected(moderator)
    duplicate = ids["Wann startet das Förderprogramm?"]
    moderator.goto(f"{live_server.url}/e/{code}/moderate/questions/{duplicate}/edit")
    check_a11y(moderator, context="edit page with the merge form")
    moderator.goto(f"{live_server.url}/e/{code}/moderate/questions/{duplicate}/edit?lang=en")
    check_a11y(moderator, context="edit page with the merge form, English")
    moderator.goto(f"{live_server.url}/e/{code}/moderate/questions/{duplicate}/edit?lang=de")
    moderator.get_by_label("Zusammenführen mit").select_option(
        ids["Wann kommt das neue Förderprogramm?"]
    )
    moderator.get_by_role("button", name="Zusammenführen", exact=True).click()
    connected(moderator)
    expect(moderator.locator("#mod-questions")).not_to_contain_text("Wann startet")

    # Both phones: the duplicate is gone, the original counts 2 (the first phone once).
    for page in (first, second):
        expect(page.locator("#qa-list")).not_to_contain_text("Wann startet", timeout=LIVE)
        original = page.locator("#qa-list li", has_text="Wann kommt das neue Förderprogramm?")
        expect(original.locator(".upvote-count")).to_have_text("2", timeout=LIVE)
    # The duplicate's author keeps it among their own questions.
    expect(second.locator("#qa-mine")).to_contain_text(
        "Wann kommt das neue Förderprogramm?", timeout=LIVE
    )
    check_a11y(second, context="phone after a merge")
    expect(screen.locator("#screen-stage")).to_contain_text("2 Unterstützungen", timeout=LIVE)
    expect(screen.locator("#screen-stage")).not_to_contain_text("Wann startet")


def test_a_merge_is_split_off_again_on_the_edit_page(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    event = call(live_server, "POST", "/events", {"title": "Podium", "rooms": ["Saal"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    first, second = browser_context(**PHONE).new_page(), browser_context(**PHONE).new_page()
    ask(first, live_server, code, "Wann kommt das neue Förderprogramm?")
    ask(second, live_server, code, "Wann startet das Förderprogramm?")
    listed = call(live_server, "GET", f"/events/{code}/rooms/{room}/questions", None, token)
    ids = {q["text"]: q["id"] for q in listed}
    for qid in ids.values():
        call(live_server, "PATCH", f"/events/{code}/questions/{qid}", {"state": "approved"}, token)
    original, duplicate = (
        ids["Wann kommt das neue Förderprogramm?"],
        ids["Wann startet das Förderprogramm?"],
    )
    item = first.locator("#qa-list li", has_text="Wann startet das Förderprogramm?")
    expect(item).to_be_visible(timeout=LIVE)
    item.locator(".upvote").click()
    expect(item.locator(".upvote")).to_have_attribute("aria-pressed", "true")
    call(
        live_server,
        "POST",
        f"/events/{code}/questions/{original}/merge",
        {"duplicate": duplicate},
        token,
    )
    expect(first.locator("#qa-list")).not_to_contain_text("Wann startet", timeout=LIVE)

    moderator = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    moderator.goto(f"{live_server.url}/e/{code}/moderate?token={token}")
    connected(moderator)
    moderator.goto(f"{live_server.url}/e/{code}/moderate/questions/{original}/edit")
    split = moderator.get_by_role("button", name="Wieder trennen")
    expect(split).to_be_visible()
    check_a11y(moderator, context="edit page with a merged duplicate to split off")
    moderator.goto(f"{live_server.url}/e/{code}/moderate/questions/{original}/edit?lang=en")
    check_a11y(moderator, context="edit page with a merged duplicate to split off, English")
    moderator.goto(f"{live_server.url}/e/{code}/moderate/questions/{original}/edit?lang=de")
    # By keyboard: the button is a real one in a form.
    moderator.get_by_role("button", name="Wieder trennen").focus()
    moderator.keyboard.press("Enter")
    connected(moderator)
    expect(moderator.locator("#mod-questions")).to_contain_text("Wann startet", timeout=LIVE)

    # The phones: the duplicate is back with its own upvote, the original keeps its count.
    back = first.locator("#qa-list li", has_text="Wann startet das Förderprogramm?")
    expect(back.locator(".upvote-count")).to_have_text("1", timeout=LIVE)
    expect(back.locator(".upvote")).to_have_attribute("aria-pressed", "true")
    expect(second.locator("#qa-mine")).to_contain_text("Wann startet", timeout=LIVE)
    check_a11y(first, context="phone after a merge was split off again")
