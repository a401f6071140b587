"""The organiser's setup page (live/web/pages_setup.py), the poll form's agenda choice and
templates, and the participant's room list (live/web/pages_program.py)."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.static_files import asset
from tests.support.program import program_today
from tests.web.conftest import EventFixture, create_event, create_poll
from tests.web.test_pages import assert_html, login

HX = {"HX-Request": "true"}


@pytest.fixture
def organiser(client: TestClient) -> EventFixture:
    event = create_event(client, rooms=["Plenum", "Forum 1"])
    login(client, event)
    return event


def post(client: TestClient, url: str, data: dict[str, str], **kwargs: Any) -> Any:
    return client.post(url, data=data, follow_redirects=False, **kwargs)


def field_errors(text: str) -> dict[str, str]:
    """id of the error paragraph -> its text."""
    return {
        m.group(1): html.unescape(m.group(2))
        for m in re.finditer(r'<p id="([^"]+)-error" class="field-error">([^<]*)</p>', text)
    }


def setup_json(client: TestClient, event: EventFixture) -> dict[str, Any]:
    response = client.get(f"/e/{event.code}/setup.json")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def item_data(event: EventFixture, **overrides: str) -> dict[str, str]:
    data = {
        "title": "Eröffnung",
        "room_id": event.room,
        "day": "2026-11-21",
        "start": "09:00",
        "end": "10:00",
        "speaker": "Dr. Maria Muster",
    }
    data.update(overrides)
    return data


def add_item(client: TestClient, event: EventFixture, **overrides: str) -> str:
    response = post(client, f"/e/{event.code}/setup/agenda", item_data(event, **overrides))
    assert response.status_code == 303, response.text
    match = re.search(r"#item-(.+)$", response.headers["location"])
    assert match
    return match.group(1)


# --- access --------------------------------------------------------------------------------


def test_setup_page_needs_the_organiser(client: TestClient) -> None:
    event = create_event(client)
    assert "Moderationsschlüssel" in assert_html(client.get(f"/e/{event.code}/setup"), 401)
    client.cookies.set(f"live_m_{event.code}", "wrong")
    assert_html(client.get(f"/e/{event.code}/setup"), 403)
    assert client.get(f"/e/{event.code}/setup.json").status_code == 403
    response = post(client, f"/e/{event.code}/setup/event", {"title": "Gekapert"})
    assert response.status_code == 403
    assert client.get(f"/api/v1/events/{event.code}").json()["title"] == "Tag der Jobcenter"


def test_setup_page_of_an_unknown_event(client: TestClient) -> None:
    assert_html(client.get("/e/ZZZZZZ/setup"), 404)


def test_setup_page_lists_everything(client: TestClient, organiser: EventFixture) -> None:
    text = assert_html(client.get(f"/e/{organiser.code}/setup"), 200)
    for part in ["Veranstaltung", "Räume", "Programm", "Import und Export", "Plenum", "Forum 1"]:
        assert part in text
    assert f'href="{asset("program.css")}"' in text
    assert f'href="/e/{organiser.code}/setup.json"' in text


def test_moderate_page_links_the_setup_page(client: TestClient, organiser: EventFixture) -> None:
    text = assert_html(client.get(f"/e/{organiser.code}/moderate?created=1"), 200)
    assert f'href="/e/{organiser.code}/setup"' in text


def test_form_post_from_a_foreign_origin_is_refused(
    client: TestClient, organiser: EventFixture
) -> None:
    response = post(
        client,
        f"/e/{organiser.code}/setup/event",
        {"title": "X"},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403
    assert setup_json(client, organiser)["title"] == "Tag der Jobcenter"


# --- title and days ------------------------------------------------------------------------


def test_save_title_and_days(client: TestClient, organiser: EventFixture) -> None:
    response = post(
        client,
        f"/e/{organiser.code}/setup/event",
        {"title": "Fachtag 2026", "starts_on": "2026-11-21", "ends_on": "2026-11-22"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{organiser.code}/setup?done=event#event"
    text = assert_html(client.get(response.headers["location"]), 200)
    assert "Titel und Tage sind gespeichert." in text
    data = setup_json(client, organiser)
    assert (data["title"], data["starts_on"], data["ends_on"]) == (
        "Fachtag 2026",
        "2026-11-21",
        "2026-11-22",
    )


def test_bad_days_show_german_errors_and_change_nothing(
    client: TestClient, organiser: EventFixture
) -> None:
    before = setup_json(client, organiser)
    response = post(
        client,
        f"/e/{organiser.code}/setup/event",
        {"title": "", "starts_on": "2026-11-22", "ends_on": "2026-11-21"},
    )
    text = assert_html(response, 422)
    assert field_errors(text) == {
        "ev-title": "Bitte geben Sie einen Titel ein.",
        "ev-ends_on": "Der letzte Tag darf nicht vor dem ersten liegen.",
    }
    assert (
        'id="ev-title" name="title" value="" maxlength="200" required aria-invalid="true"' in text
    )
    # What was typed stays in the form.
    assert 'value="2026-11-22"' in text
    assert setup_json(client, organiser) == before


# --- rooms ---------------------------------------------------------------------------------


def test_add_and_rename_rooms(client: TestClient, organiser: EventFixture) -> None:
    response = post(client, f"/e/{organiser.code}/setup/rooms", {"name": "Forum 2"})
    assert response.status_code == 303
    response = post(
        client, f"/e/{organiser.code}/setup/rooms/{organiser.room}", {"name": "Großer Saal"}
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"#room-{organiser.room}")
    rooms = client.get(f"/api/v1/events/{organiser.code}").json()["rooms"]
    assert [r["name"] for r in rooms] == ["Großer Saal", "Forum 1", "Forum 2"]


def test_bad_room_names(client: TestClient, organiser: EventFixture) -> None:
    text = assert_html(post(client, f"/e/{organiser.code}/setup/rooms", {"name": "forum 1"}), 422)
    assert field_errors(text) == {"room-new-name": "Jeder Raumname darf nur einmal vorkommen."}
    url = f"/e/{organiser.code}/setup/rooms/{organiser.room}"
    text = assert_html(post(client, url, {"name": " "}), 422)
    assert field_errors(text) == {
        f"rn-{organiser.room}-name": "Bitte geben Sie einen Raumnamen ein."
    }
    assert_html(post(client, f"/e/{organiser.code}/setup/rooms/nope", {"name": "X"}), 404)
    rooms = client.get(f"/api/v1/events/{organiser.code}").json()["rooms"]
    assert [r["name"] for r in rooms] == ["Plenum", "Forum 1"]


# --- agenda --------------------------------------------------------------------------------


def test_add_edit_delete_an_agenda_item(client: TestClient, organiser: EventFixture) -> None:
    item_id = add_item(client, organiser)
    text = assert_html(client.get(f"/e/{organiser.code}/setup?done=item_added"), 200)
    assert "Der Programmpunkt wurde angelegt." in text
    assert f'id="item-{item_id}"' in text
    assert "09:00–10:00" in text
    assert "Dr. Maria Muster" in text
    assert "Samstag, 21. November 2026" in text
    (item,) = setup_json(client, organiser)["agenda"]
    assert (item["starts_at"], item["ends_at"], item["room"]) == (
        "2026-11-21T09:00:00+01:00",
        "2026-11-21T10:00:00+01:00",
        "Plenum",
    )

    edit_url = f"/e/{organiser.code}/setup/agenda/{item_id}"
    form = assert_html(client.get(edit_url), 200)
    assert 'value="Eröffnung"' in form and 'value="09:00"' in form and 'value="2026-11-21"' in form
    forum = organiser.rooms[1]["id"]
    response = post(
        client, edit_url, item_data(organiser, room_id=forum, start="14:00", end="15:30")
    )
    assert response.status_code == 303
    (item,) = setup_json(client, organiser)["agenda"]
    assert (item["room"], item["starts_at"]) == ("Forum 1", "2026-11-21T14:00:00+01:00")

    assert post(client, f"{edit_url}/delete", {}).status_code == 303
    assert setup_json(client, organiser)["agenda"] == []
    assert_html(client.get(edit_url), 404)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": ""}, {"it-title": "Bitte geben Sie einen Titel ein."}),
        ({"title": "x" * 201}, {"it-title": "Der Titel darf höchstens 200 Zeichen lang sein."}),
        ({"end": "08:30"}, {"it-end": "Das Ende muss nach dem Beginn liegen."}),
        ({"room_id": "nope"}, {"it-room_id": "Bitte wählen Sie einen Raum."}),
        (
            {"day": "2026-11-25"},
            {
                "it-day": "Der Programmpunkt muss an einem Veranstaltungstag liegen "
                "(21.11.2026–22.11.2026)."
            },
        ),
        (
            {"start": "", "end": "25:00"},
            {
                "it-start": "Bitte geben Sie den Beginn an.",
                "it-end": "Bitte geben Sie eine gültige Uhrzeit an (HH:MM).",
            },
        ),
    ],
)
def test_bad_agenda_items_show_german_errors_and_change_nothing(
    client: TestClient,
    organiser: EventFixture,
    overrides: dict[str, str],
    expected: dict[str, str],
) -> None:
    post(
        client,
        f"/e/{organiser.code}/setup/event",
        {"title": "T", "starts_on": "2026-11-21", "ends_on": "2026-11-22"},
    )
    response = post(client, f"/e/{organiser.code}/setup/agenda", item_data(organiser, **overrides))
    text = assert_html(response, 422)
    assert field_errors(text) == expected
    assert setup_json(client, organiser)["agenda"] == []


def test_bad_edit_keeps_the_item(client: TestClient, organiser: EventFixture) -> None:
    item_id = add_item(client, organiser)
    before = setup_json(client, organiser)
    url = f"/e/{organiser.code}/setup/agenda/{item_id}"
    text = assert_html(post(client, url, item_data(organiser, end="08:00", title="Neu")), 422)
    assert field_errors(text) == {"ei-end": "Das Ende muss nach dem Beginn liegen."}
    assert 'value="Neu"' in text  # what was typed stays
    assert setup_json(client, organiser) == before


def test_hostile_text_is_escaped(client: TestClient, organiser: EventFixture) -> None:
    add_item(client, organiser, title="<script>alert(1)</script>", speaker='"><img src=x>')
    text = assert_html(client.get(f"/e/{organiser.code}/setup"), 200)
    assert "<script>alert(1)" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# --- prepared polls ------------------------------------------------------------------------


def test_poll_form_offers_agenda_items_and_templates(
    client: TestClient, organiser: EventFixture
) -> None:
    item_id = add_item(client, organiser)
    forum_item = add_item(client, organiser, title="Forum", room_id=organiser.rooms[1]["id"])
    url = f"/e/{organiser.code}/moderate?room={organiser.room}&template=tagung&agenda={item_id}"
    text = assert_html(client.get(url), 200)
    assert "Wie hat Ihnen die Tagung gefallen?</textarea>" in text
    assert "begeistert\nzufrieden" in text
    assert f'<option value="{item_id}" selected>' in text
    assert forum_item not in text  # only the room's own items
    # The template links keep the chosen item.
    assert f"template=mitnehmen&amp;agenda={item_id}#poll-form" in text


def test_create_poll_for_an_agenda_item_and_open_it_from_the_setup_page(
    client: TestClient, organiser: EventFixture
) -> None:
    item_id = add_item(client, organiser)
    response = post(
        client,
        f"/e/{organiser.code}/moderate/rooms/{organiser.room}/polls",
        {
            "question": "Wie hat Ihnen die Tagung gefallen?",
            "kind": "scale",
            "scale_min": "1",
            "scale_max": "5",
            "visibility": "after_vote",
            "agenda_item_id": item_id,
        },
    )
    assert response.status_code == 303
    text = assert_html(client.get(f"/e/{organiser.code}/setup"), 200)
    match = re.search(r'action="/e/[A-Z0-9]+/setup/polls/([^/]+)/open"', text)
    assert match, text
    poll_id = match.group(1)
    assert setup_json(client, organiser)["agenda"][0]["polls"][0]["kind"] == "scale"

    fragment = assert_html(
        client.post(f"/e/{organiser.code}/setup/polls/{poll_id}/open", headers=HX), 200
    )
    assert f'id="polls-{item_id}"' in fragment
    assert "offen" in fragment
    assert "ist geöffnet" in fragment  # the announcement
    poll = client.get(f"/api/v1/events/{organiser.code}/polls/{poll_id}").json()
    assert poll["state"] == "open"
    # No longer a draft: not in the setup file any more.
    assert setup_json(client, organiser)["agenda"][0]["polls"] == []


def test_open_without_javascript_redirects_back(
    client: TestClient, organiser: EventFixture
) -> None:
    poll = create_poll(client, organiser, open_it=False)
    response = post(client, f"/e/{organiser.code}/setup/polls/{poll['id']}/open", {})
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{organiser.code}/setup?done=poll_opened#prepared"


def test_poll_for_an_item_of_another_room_is_refused(
    client: TestClient, organiser: EventFixture
) -> None:
    item_id = add_item(client, organiser)
    forum = organiser.rooms[1]["id"]
    response = client.post(
        f"/e/{organiser.code}/moderate/rooms/{forum}/polls",
        data={"question": "Q?", "kind": "text", "visibility": "live", "agenda_item_id": item_id},
        headers=HX,
    )
    text = assert_html(response, 422)
    assert "Dieser Programmpunkt findet in einem anderen Raum statt." in text
    assert setup_json(client, organiser)["polls"] == []


# --- import and export ---------------------------------------------------------------------


def build_program(client: TestClient, event: EventFixture) -> None:
    post(
        client,
        f"/e/{event.code}/setup/event",
        {"title": "Fachtag", "starts_on": "2026-11-21", "ends_on": "2026-11-22"},
    )
    item_id = add_item(client, event)
    add_item(
        client,
        event,
        title="Forum: Digitalisierung",
        room_id=event.rooms[1]["id"],
        day="2026-11-22",
        start="13:30",
        end="15:00",
        speaker="",
    )
    base = f"/e/{event.code}/moderate/rooms/{event.room}/polls"
    post(
        client,
        base,
        {
            "question": "Wie sind Sie angereist?",
            "kind": "single",
            "options": "Bahn\nAuto\nRad",
            "visibility": "live",
            "agenda_item_id": item_id,
        },
    )
    post(client, base, {"question": "Was nehmen Sie mit?", "kind": "text", "visibility": "live"})


def test_setup_json_round_trip(client: TestClient, organiser: EventFixture) -> None:
    build_program(client, organiser)
    response = client.get(f"/e/{organiser.code}/setup.json")
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    exported = response.json()
    assert len(exported["agenda"]) == 2 and len(exported["polls"]) == 1

    fresh = create_event(client, title="Leer", rooms=["Plenum", "Forum 1"])
    login(client, fresh)
    response = client.post(
        f"/e/{fresh.code}/setup/import",
        files={"file": ("setup.json", response.content, "application/json")},
        data={"text": ""},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    text = assert_html(client.get(response.headers["location"]), 200)
    assert "Import abgeschlossen." in text
    assert "Programmpunkte: 2" in text
    assert setup_json(client, fresh) == exported

    # The same file pasted again changes nothing.
    response = post(client, f"/e/{fresh.code}/setup/import", {"text": json.dumps(exported)})
    assert response.status_code == 303
    text = assert_html(client.get(response.headers["location"]), 200)
    assert "Programmpunkte: 0, Abstimmungen: 0. Schon vorhanden" in text
    assert setup_json(client, fresh) == exported


def test_import_errors_are_listed_in_german_and_change_nothing(
    client: TestClient, organiser: EventFixture
) -> None:
    before = setup_json(client, organiser)
    doc = {
        "version": 1,
        "title": "Neu",
        "rooms": [{"name": "Forum 9"}],
        "agenda": [
            {
                "title": "X",
                "room": "Keller",
                "starts_at": "2026-11-21T10:00:00+01:00",
                "ends_at": "2026-11-21T09:00:00+01:00",
            }
        ],
    }
    response = post(client, f"/e/{organiser.code}/setup/import", {"text": json.dumps(doc)})
    text = html.unescape(assert_html(response, 422))
    assert "Die Einrichtungsdatei enthält Fehler (2). Es wurde nichts geändert." in text
    assert (
        "Programmpunkt 1, Feld „room“: Den Raum „Keller“ gibt es weder in der Datei noch in der "
        "Veranstaltung." in text
    )
    assert 'role="alert"' in text
    assert setup_json(client, organiser) == before


@pytest.mark.parametrize(
    ("data", "files", "message"),
    [
        ({"text": ""}, None, "Bitte wählen Sie eine Datei oder fügen Sie den Inhalt ein."),
        ({"text": "{kaputt"}, None, "Der Inhalt ist kein gültiges JSON."),
        ({"text": "[1, 2]"}, None, "Die Datei muss ein JSON-Objekt enthalten."),
        ({"text": ""}, {"file": ("s.json", b"\xff\xfe{", "application/json")}, "nicht UTF-8"),
        (
            {"text": "{}"},
            {"file": ("s.json", b"{}", "application/json")},
            "nicht beides",
        ),
    ],
)
def test_import_bad_input(
    client: TestClient,
    organiser: EventFixture,
    data: dict[str, str],
    files: dict[str, Any] | None,
    message: str,
) -> None:
    before = setup_json(client, organiser)
    response = client.post(
        f"/e/{organiser.code}/setup/import", data=data, files=files, follow_redirects=False
    )
    assert response.status_code in {400, 422}
    assert message in html.unescape(response.text)
    assert setup_json(client, organiser) == before


def test_import_too_large(client: TestClient, organiser: EventFixture) -> None:
    response = post(client, f"/e/{organiser.code}/setup/import", {"text": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413


# --- the participant's room list -----------------------------------------------------------


def test_participant_sees_now_and_next_per_room(client: TestClient) -> None:
    event = create_event(client, rooms=["Plenum", "Forum 1"])
    login(client, event)
    today = program_today()
    tomorrow = today + timedelta(days=1)
    post(
        client,
        f"/e/{event.code}/setup/event",
        {"title": "T", "starts_on": today.isoformat(), "ends_on": tomorrow.isoformat()},
    )
    add_item(
        client, event, title="Den ganzen Tag", day=today.isoformat(), start="00:00", end="23:59"
    )
    add_item(
        client,
        event,
        title="Morgen im Forum",
        room_id=event.rooms[1]["id"],
        day=tomorrow.isoformat(),
        start="09:30",
        end="10:30",
    )
    client.cookies.clear()  # a participant's phone
    text = assert_html(client.get(f"/e/{event.code}?room={event.room}"), 200)
    assert 'id="room-now"' in text
    assert "Den ganzen Tag" in text and "(bis 23:59)" in text
    section = text[text.index('id="room-program"') :]
    # Every room with what runs there, one link each; the reader's room marked.
    assert f'href="/e/{event.code}?room={event.room}" aria-current="page"' in section
    forum_link = f'href="/e/{event.code}?room={event.rooms[1]["id"]}"'
    assert forum_link + ">" in section
    assert "Morgen im Forum" in section
    assert 'hx-trigger="every 60s"' in section

    fragment = assert_html(client.get(f"/e/{event.code}/program?room={event.rooms[1]['id']}"), 200)
    assert fragment.startswith('<section id="room-program"')
    assert 'id="room-now" class="room-now-current" hx-swap-oob="true"' in fragment
    assert f'{forum_link} aria-current="page"' in fragment
    assert client.get(f"/e/{event.code}/program?room=nope").status_code == 404

    # The room choice page shows the same list, nothing marked.
    text = assert_html(client.get(f"/e/{event.code}"), 200)
    assert "Den ganzen Tag" in text and 'aria-current="page"' not in text.split("room-program")[1]


def test_one_room_event_has_no_room_list(client: TestClient) -> None:
    event = create_event(client)
    text = assert_html(client.get(f"/e/{event.code}?room={event.room}"), 200)
    assert 'id="room-now"' in text
    assert 'id="room-program"' not in text


def test_opening_a_loose_poll_keeps_the_other_rooms_drafts_listed(
    client: TestClient, organiser: EventFixture
) -> None:
    plenum = create_poll(client, organiser, open_it=False, question="Im Plenum?")
    create_poll(
        client, organiser, open_it=False, room=organiser.rooms[1]["id"], question="Im Forum?"
    )
    fragment = assert_html(
        client.post(f"/e/{organiser.code}/setup/polls/{plenum['id']}/open", headers=HX), 200
    )
    assert fragment.startswith('<div id="polls-loose"')
    assert "Im Forum?" in fragment and "Forum 1" in fragment
    assert "Im Plenum?" not in fragment.split('id="announcer"')[0]  # open now: not a draft


def test_the_agenda_item_stays_chosen_after_creating_a_poll(
    client: TestClient, organiser: EventFixture
) -> None:
    item_id = add_item(client, organiser)
    fragment = assert_html(
        client.post(
            f"/e/{organiser.code}/moderate/rooms/{organiser.room}/polls",
            data={
                "question": "Q?",
                "kind": "text",
                "visibility": "live",
                "agenda_item_id": item_id,
            },
            headers=HX,
        ),
        200,
    )
    assert f'<option value="{item_id}" selected>' in fragment
    assert (
        'id="pf-question" name="question" rows="2" maxlength="300" required></textarea>' in fragment
    )


def test_setup_page_in_english(client: TestClient, organiser: EventFixture) -> None:
    add_item(client, organiser)
    text = assert_html(client.get(f"/e/{organiser.code}/setup?lang=en"), 200)
    assert '<html lang="en">' in text
    assert "Saturday, November 21, 2026" in text


def test_poll_for_an_unknown_agenda_item_is_a_field_error(
    client: TestClient, organiser: EventFixture
) -> None:
    response = client.post(
        f"/e/{organiser.code}/moderate/rooms/{organiser.room}/polls",
        data={"question": "Q?", "kind": "text", "visibility": "live", "agenda_item_id": "weg"},
        headers=HX,
    )
    text = assert_html(response, 422)
    assert field_errors(text) == {"pf-agenda": "Diesen Programmpunkt gibt es nicht."}
