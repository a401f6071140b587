"""Question labels on the pages (issue 24): the organiser's list on the console, asking with a
label on the phone, chips in every list, the moderator's label on the edit page, the
projector's filter; bad input gets a German page error and changes nothing."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, enter
from tests.web.test_qa_queue import ORIGIN, listed

API = "/api/v1"
HX = {"HX-Request": "true", "Origin": "http://testserver"}


def moderate(client: TestClient, event: EventFixture) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)


def save_labels(client: TestClient, event: EventFixture, text: str) -> object:
    return client.post(
        f"/e/{event.code}/moderate/labels?room={event.room}",
        data={"labels": text},
        headers=ORIGIN,
        follow_redirects=False,
    )


def test_labels_from_the_console_to_the_phone_and_the_projector(
    client: TestClient, event: EventFixture
) -> None:
    moderate(client, event)
    console = client.get(f"/e/{event.code}/moderate", params={"room": event.room})
    assert (
        "Kennzeichnungen für Fragen" in console.text and 'id="qa-label-filter"' not in console.text
    )
    saved = save_labels(client, event, "Frau Özdemir\n\nHerr Lang\n")
    assert saved.status_code == 303  # type: ignore[attr-defined]
    console = client.get(f"/e/{event.code}/moderate", params={"room": event.room})
    assert 'id="qa-label-filter"' in console.text and 'id="screen-label"' in console.text

    enter(client, event)
    phone = client.get(f"/e/{event.code}", params={"room": event.room})
    assert 'id="ask-label"' in phone.text and ">Herr Lang</option>" in phone.text
    asked = client.post(
        f"/e/{event.code}/rooms/{event.room}/questions",
        data={"text": "Wie sehen Sie das?", "label": "Herr Lang"},
        headers=HX,
    )
    assert asked.status_code == 200, asked.text
    (question,) = listed(client, event).values()
    assert question["label"] == "Herr Lang"
    # The chip: the words, with "Kennzeichnung:" for screen readers.
    console = client.get(f"/e/{event.code}/moderate", params={"room": event.room})
    assert re.search(r'class="badge label-chip">.*?Kennzeichnung:.*?Herr Lang</span>', console.text)
    assert 'data-label="Herr Lang"' in console.text

    # The moderator changes it on the edit page.
    edit = f"/e/{event.code}/moderate/questions/{question['id']}/edit"
    assert 'id="edit-label"' in client.get(edit).text
    changed = client.post(
        edit,
        data={"text": question["text"], "answer": "", "label": "Frau Özdemir"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    assert listed(client, event)[question["id"]]["label"] == "Frau Özdemir"

    # The projector's filter.
    client.patch(
        f"{API}/events/{event.code}/questions/{question['id']}",
        json={"state": "approved"},
        headers=event.auth,
    )
    chosen = client.post(
        f"/e/{event.code}/moderate/rooms/{event.room}/screen-label",
        data={"screen_label": "Herr Lang"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    screen = client.get(f"/e/{event.code}/screen", params={"room": event.room})
    assert "Wie sehen Sie das?" not in screen.text  # labelled Frau Özdemir now
    client.post(
        f"/e/{event.code}/moderate/rooms/{event.room}/screen-label",
        data={"screen_label": "Frau Özdemir"},
        headers=ORIGIN,
    )
    screen = client.get(f"/e/{event.code}/screen", params={"room": event.room})
    assert "Wie sehen Sie das?" in screen.text and "label-chip" in screen.text


def test_bad_labels_get_a_german_page_error_and_change_nothing(
    client: TestClient, event: EventFixture
) -> None:
    moderate(client, event)
    assert save_labels(client, event, "Podium").status_code == 303  # type: ignore[attr-defined]
    for text, words in [
        ("\n".join(f"Person {n}" for n in range(21)), "höchstens 20 Kennzeichnungen"),
        ("x" * 41, "höchstens 40 Zeichen"),
        ("Podium\npodium", "steht doppelt"),
    ]:
        refused = save_labels(client, event, text)
        assert refused.status_code == 422  # type: ignore[attr-defined]
        assert words in refused.text  # type: ignore[attr-defined]
    assert client.get(f"{API}/events/{event.code}").json()["question_labels"] == ["Podium"]
    refused = client.post(
        f"/e/{event.code}/moderate/rooms/{event.room}/screen-label",
        data={"screen_label": "Niemand"},
        headers=ORIGIN,
    )
    assert refused.status_code == 422 and "gibt es in dieser Veranstaltung nicht" in refused.text
    enter(client, event)
    asked = client.post(
        f"/e/{event.code}/rooms/{event.room}/questions",
        data={"text": "Frage?", "label": "Niemand"},
        headers=HX,
    )
    assert asked.status_code == 422 and "gibt es in dieser Veranstaltung nicht" in asked.text
    assert listed(client, event) == {}
