"""The event program end to end in headless Chromium: the organiser builds a small program on
the setup page, prepares a poll for an agenda item and opens it with one click; a participant
sees what runs now in each room and switches rooms with one tap. axe-core on every new view."""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.axe import check_a11y
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE, BrowserGuard, ContextFactory
from tests.support.program import BERLIN, program_today
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser

LIVE = DEFAULT_TIMEOUT_MS  # an update without reload: bounds a hang only


def api(server: LiveServer, method: str, path: str, body: object, token: str = "") -> Any:
    request = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_organiser_builds_a_program_and_opens_a_prepared_poll(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    today = program_today()
    organiser = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    organiser.goto(live_server.url + "/")
    organiser.get_by_label("Titel").fill("Fachtag der Jobcenter")
    organiser.get_by_label("Räume (einer pro Zeile)").fill("Plenum\nFachforum 1")
    organiser.get_by_role("button", name="Anlegen").click()
    expect(organiser.get_by_role("heading", name="Ihre Veranstaltung ist angelegt")).to_be_visible()
    code = re.search(r"/e/([A-Z0-9]{6})/start", organiser.url).group(1)  # type: ignore[union-attr]

    # From the page shown after creating: one link to the setup page.
    organiser.get_by_role("link", name="Programm und Räume einrichten").click()
    expect(organiser.get_by_role("heading", name="Fachtag der Jobcenter", level=1)).to_be_visible()
    check_a11y(organiser, context="setup page, empty")

    # Days: a wrong order is refused in German next to the field, nothing saved.
    browser_guard.allow_http_status(422)
    organiser.get_by_label("Erster Tag").fill((today + timedelta(days=1)).isoformat())
    organiser.get_by_label("Letzter Tag").fill(today.isoformat())
    organiser.get_by_role("button", name="Speichern", exact=True).click()
    expect(organiser.locator("#ev-ends_on-error")).to_have_text(
        "Der letzte Tag darf nicht vor dem ersten liegen."
    )
    check_a11y(organiser, context="setup page with a form error")
    organiser.get_by_label("Erster Tag").fill(today.isoformat())
    organiser.get_by_label("Letzter Tag").fill((today + timedelta(days=1)).isoformat())
    organiser.get_by_role("button", name="Speichern", exact=True).click()
    expect(organiser.locator(".notice")).to_have_text("Titel und Tage sind gespeichert.")

    # A third room, renamed.
    organiser.get_by_label("Neuer Raum").fill("Fachforum 3")
    organiser.get_by_role("button", name="Raum hinzufügen").click()
    organiser.get_by_label("Name von Raum 3").fill("Fachforum 2")
    organiser.get_by_role("button", name=re.compile(r"^Umbenennen\W+Fachforum 3$")).click()
    expect(organiser.locator(".notice")).to_have_text("Der Raum wurde umbenannt.")

    # An agenda item in the plenary, running all day today (so it runs "now").
    form = organiser.locator(".agenda-form")
    form.get_by_label("Titel").fill("Eröffnung und Grußworte")
    form.get_by_label("Raum").select_option(label="Plenum")
    form.get_by_label("Tag").fill(today.isoformat())
    form.get_by_label("Beginn").fill("00:00")
    form.get_by_label("Ende").fill("23:59")
    form.get_by_label("Referentin oder Referent (optional)").fill("Dr. Maria Muster")
    form.get_by_role("button", name="Programmpunkt anlegen").click()
    item = organiser.locator(".agenda-item", has_text="Eröffnung und Grußworte")
    expect(item).to_contain_text("00:00–23:59")
    expect(item).to_contain_text("Plenum")
    expect(item).to_contain_text("Dr. Maria Muster")
    check_a11y(organiser, context="setup page with a program")

    # The item's edit page: a wrong end is refused next to the field, a right one saved.
    item.get_by_role("link", name=re.compile("^Bearbeiten")).click()
    organiser.get_by_label("Ende").fill("00:00")
    organiser.get_by_role("button", name="Speichern", exact=True).click()
    expect(organiser.locator("#ei-end-error")).to_have_text("Das Ende muss nach dem Beginn liegen.")
    check_a11y(organiser, context="agenda item edit page with an error")
    organiser.get_by_label("Ende").fill("23:59")
    organiser.get_by_role("button", name="Speichern", exact=True).click()
    expect(organiser.locator(".notice")).to_have_text("Der Programmpunkt wurde gespeichert.")

    # A broken setup file: every error listed, nothing changed.
    organiser.get_by_label("… oder Inhalt einfügen").fill(
        '{"version": 1, "title": "", "rooms": [{"name": "Plenum", "farbe": "rot"}]}'
    )
    organiser.get_by_role("button", name="Importieren").click()
    errors = organiser.locator("#import-errors")
    expect(errors).to_contain_text("Die Einrichtungsdatei enthält Fehler (2).")
    expect(errors).to_contain_text("Datei, Feld „title“: Bitte geben Sie einen Titel ein.")
    expect(errors).to_contain_text("Raum 1: Unbekanntes Feld „farbe“.")
    check_a11y(organiser, context="setup page with import errors")
    expect(organiser.get_by_role("heading", name="Fachtag der Jobcenter", level=1)).to_be_visible()
    item = organiser.locator(".agenda-item", has_text="Eröffnung und Grußworte")

    # Prepare a poll for it from a template on the moderation page.
    item.get_by_role("link", name="Abstimmung vorbereiten").click()
    expect(organiser.locator("#pf-agenda")).to_have_value(
        re.compile(r".+")
    )  # the item is preselected
    organiser.get_by_text("Vorlage verwenden").click()
    organiser.get_by_role("link", name="Wie hat Ihnen die Tagung gefallen?").first.click()
    expect(organiser.get_by_label("Frage", exact=True)).to_have_value(
        "Wie hat Ihnen die Tagung gefallen?"
    )
    expect(organiser.get_by_label("Antwortmöglichkeiten (eine pro Zeile)")).to_have_value(
        re.compile("^begeistert\nzufrieden")
    )
    expect(organiser.locator("#pf-agenda option:checked")).to_contain_text(
        "Eröffnung und Grußworte"
    )
    check_a11y(organiser, context="moderation page with a poll template")
    organiser.get_by_role("button", name="Abstimmung anlegen").click()
    expect(organiser.locator("#mod-polls")).to_contain_text("Wie hat Ihnen die Tagung gefallen?")

    # A phone in the plenary: no poll yet.
    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}")
    phone.get_by_role("link", name=re.compile("^Plenum")).click()
    expect(phone.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)
    expect(phone.locator("#poll-stage")).not_to_contain_text("Wie hat Ihnen")

    # Back on the setup page the item lists its prepared poll; one click opens it.
    organiser.goto(f"{live_server.url}/e/{code}/setup")
    item = organiser.locator(".agenda-item", has_text="Eröffnung und Grußworte")
    expect(item.locator(".prepared-poll")).to_contain_text("Entwurf")
    item.get_by_role("button", name=re.compile("^Öffnen")).click()
    expect(item.locator(".prepared-poll")).to_contain_text("offen")
    expect(organiser.locator("#announcer")).to_contain_text("ist geöffnet")
    expect(phone.locator("#poll-stage")).to_contain_text(
        "Wie hat Ihnen die Tagung gefallen?", timeout=LIVE
    )
    check_a11y(organiser, context="setup page with an opened poll")


def test_participant_sees_now_per_room_and_switches_in_one_tap(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    today = program_today()
    event = api(
        live_server,
        "POST",
        "/api/v1/events",
        {"title": "Fachtag", "rooms": ["Plenum", "Fachforum 1", "Fachforum 2"]},
    )
    code, token = event["code"], event["moderator_token"]
    tomorrow = today + timedelta(days=1)

    def at(day: date, clock: str) -> str:
        return datetime.combine(day, time.fromisoformat(clock), BERLIN).isoformat()

    setup = {
        "version": 1,
        "title": "Fachtag",
        "starts_on": today.isoformat(),
        "ends_on": tomorrow.isoformat(),
        "rooms": [{"name": "Plenum"}, {"name": "Fachforum 1"}, {"name": "Fachforum 2"}],
        "agenda": [
            {
                "title": "Zukunft der Arbeitsvermittlung",
                "room": "Plenum",
                "starts_at": at(today, "00:00"),
                "ends_at": at(today, "23:59"),
                "speaker": "Dr. Maria Muster",
            },
            {
                "title": "Digitale Akte in der Praxis",
                "room": "Fachforum 1",
                "starts_at": at(today, "00:00"),
                "ends_at": at(today, "23:59"),
            },
            {
                "title": "Abschlussrunde",
                "room": "Plenum",
                "starts_at": at(tomorrow, "15:00"),
                "ends_at": at(tomorrow, "16:00"),
            },
        ],
    }
    api(live_server, "PUT", f"/api/v1/events/{code}/setup", setup, token)
    rooms = {r["name"]: r["id"] for r in event["rooms"]}

    phone = browser_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/{code}?room={rooms['Plenum']}")
    expect(phone.get_by_role("heading", name="Plenum", level=1)).to_be_visible()
    expect(phone.locator("#room-now")).to_contain_text("Jetzt: Zukunft der Arbeitsvermittlung")
    expect(phone.locator("#room-now")).to_contain_text("Dr. Maria Muster")
    expect(phone.locator("#room-now")).to_contain_text("Danach:")
    program = phone.locator("#room-program")
    expect(program.get_by_role("link")).to_have_count(3)
    forum = program.get_by_role("link", name=re.compile("^Fachforum 1"))
    expect(forum).to_contain_text("Jetzt: Digitale Akte in der Praxis")
    expect(program.get_by_role("link", name=re.compile("^Fachforum 2"))).to_contain_text(
        "Gerade kein Programmpunkt"
    )
    expect(program.locator("[aria-current=page]")).to_contain_text("Plenum")
    check_a11y(phone, context="participant page with the room list")

    # "Raum wechseln" jumps to the list; one tap on a room switches.
    phone.get_by_role("link", name="Raum wechseln").click()
    forum.tap()
    expect(phone.get_by_role("heading", name="Fachforum 1", level=1)).to_be_visible()
    assert f"room={rooms['Fachforum 1']}" in phone.url
    expect(phone.locator("#room-now")).to_contain_text("Jetzt: Digitale Akte in der Praxis")
    expect(phone.locator("#room-program [aria-current=page]")).to_contain_text("Fachforum 1")
    expect(phone.locator(".connection").first).to_have_attribute("data-state", "open", timeout=LIVE)
    check_a11y(phone, context="participant page after switching rooms")

    # The room choice page (no room yet) shows the same list.
    phone.goto(f"{live_server.url}/e/{code}")
    expect(phone.locator("#room-program")).to_contain_text("Zukunft der Arbeitsvermittlung")
    check_a11y(phone, context="room choice with the program")
