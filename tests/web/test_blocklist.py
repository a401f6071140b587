"""The blocklist (issue 24 item 6) over HTTP and the socket: the JSON API and the setup page edit
it; answers with a listed word stay out of the word cloud, questions with one wait for a
moderator even where questions need no approval."""

from __future__ import annotations

import html
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.domain.blocklist import MAX_ENTRY_LEN, MAX_OWN_ENTRIES, default_entries
from tests.web.conftest import EventFixture, create_poll, join
from tests.web.test_pages import assert_html, login
from tests.web.test_qa_queue import ask
from tests.web.test_sockets import receive, receive_until, reply_to, ws_url
from tests.web.test_sockets import vote as ws_vote
from tests.web.test_text_polls import api


def blocklist(client: TestClient, event: EventFixture) -> dict[str, Any]:
    response = api(client, event, "GET", "/blocklist")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def block(client: TestClient, event: EventFixture, entry: Any, blocked: Any = True) -> Any:
    return api(client, event, "POST", "/blocklist/entries", {"entry": entry, "blocked": blocked})


def no_approval(client: TestClient, event: EventFixture) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)
    response = client.post(
        f"/e/{event.code}/moderate/settings",
        data={"room": event.room, "names_allowed": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200


def answer_texts(client: TestClient, event: EventFixture, poll_id: str, *answers: str) -> None:
    for n, text in enumerate(answers):
        with client.websocket_connect(ws_url(event, join(client, event))) as ws:
            receive(ws)
            ws_vote(ws, poll_id, f"t{n}", text=text)
            assert receive_until(ws, reply_to(f"t{n}"))["type"] == "ack"


def test_a_new_event_has_the_default_list(client: TestClient, event: EventFixture) -> None:
    data = blocklist(client, event)
    assert data["default"] is True
    assert data["entries"] == [] and data["removed"] == []
    assert data["default_entries"] == [e.shown for e in default_entries()]
    assert data["limits"] == {"entries": MAX_OWN_ENTRIES, "entry_length": MAX_ENTRY_LEN}


def test_only_the_organiser_reads_and_edits_it(client: TestClient, event: EventFixture) -> None:
    assert api(client, event, "GET", "/blocklist", headers={}).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert api(client, event, "GET", "/blocklist", headers=wrong).status_code == 403
    response = api(client, event, "POST", "/blocklist/entries", {"entry": "Wort"}, headers=wrong)
    assert response.status_code == 403
    assert blocklist(client, event)["entries"] == []


def test_add_remove_and_switch_entries(client: TestClient, event: EventFixture) -> None:
    response = block(client, event, "Bürokratiemonster")
    assert response.status_code == 200, response.text
    assert response.json()["entries"] == ["Bürokratiemonster"]
    # A shipped entry taken off is switched off for this event; put back, it is on again.
    assert block(client, event, "hartzer", False).json()["removed"] == ["hartzer"]
    assert block(client, event, "Hartzer").json()["removed"] == []
    assert block(client, event, "Bürokratiemonster", False).json()["entries"] == []
    response = api(client, event, "PATCH", "/blocklist", {"default": False})
    assert response.status_code == 200 and response.json()["default"] is False


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"entry": ""}, 422, "empty_entry"),
        ({"entry": "x" * (MAX_ENTRY_LEN + 1)}, 422, "entry_too_long"),
        ({"entry": "zwei Wörter"}, 422, "invalid_entry"),
        ({"entry": 3}, 422, "empty_entry"),
        ({"entry": "Wort", "blocked": "ja"}, 422, "invalid_blocked"),
        ({"entry": "Wort", "other": 1}, 400, "invalid_body"),
        ({}, 400, "invalid_body"),
    ],
)
def test_bad_entries_change_nothing(
    client: TestClient, event: EventFixture, body: dict[str, Any], status: int, code: str
) -> None:
    response = api(client, event, "POST", "/blocklist/entries", body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert blocklist(client, event)["entries"] == []


def test_bad_patch_and_json(client: TestClient, event: EventFixture) -> None:
    for body in ({"default": "no"}, {"default": True, "x": 1}, {}):
        response = api(client, event, "PATCH", "/blocklist", body)
        assert 400 <= response.status_code < 500 and "error" in response.json()
    response = api(client, event, "POST", "/blocklist/entries", b"{not json")
    assert response.status_code == 400 and "error" in response.json()
    assert blocklist(client, event)["default"] is True


def test_too_many_entries(client: TestClient, event: EventFixture) -> None:
    letters = "abcdefghijklmnopqrstuvwxyz"
    for n in range(MAX_OWN_ENTRIES):
        word = "wort" + letters[n // 26 // 26] + letters[n // 26 % 26] + letters[n % 26]
        assert block(client, event, word).status_code == 200
    response = block(client, event, "Einwortzuviel")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "too_many_entries"
    assert len(blocklist(client, event)["entries"]) == MAX_OWN_ENTRIES


def test_answers_with_a_listed_word_stay_out_of_the_cloud(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event, kind="text", question="Was bremst?", options=[])
    answer_texts(
        client, event, poll["id"], "Zu viel Bürokratie", "Der Chef ist ein Idiot", "Bürokratie"
    )
    data = api(client, event, "GET", f"/polls/{poll['id']}").json()
    assert dict(data["results"]["words"]) == {"Bürokratie": 2}
    # A word of the event's own: the answers with it leave the cloud at once (and come back).
    block(client, event, "Bürokratie")
    data = api(client, event, "GET", f"/polls/{poll['id']}").json()
    assert data["results"]["words"] == []
    block(client, event, "Bürokratie", False)
    api(client, event, "PATCH", "/blocklist", {"default": False})
    data = api(client, event, "GET", f"/polls/{poll['id']}").json()
    assert dict(data["results"]["words"])["Idiot"] == 1


def test_the_moderators_see_the_held_answers(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, kind="text", question="Was bremst?", options=[])
    answer_texts(client, event, poll["id"], "So ein Scheiß", "Pausen")
    login(client, event)
    page = assert_html(client.get(f"/e/{event.code}/moderate"), 200)
    assert "1 Antwort von der Sperrliste zurückgehalten" in page
    assert "So ein Scheiß" in html.unescape(page)


def test_a_question_with_a_listed_word_waits_for_a_moderator(
    client: TestClient, event: EventFixture
) -> None:
    no_approval(client, event)
    clean, rude = ask(client, event, "Wann kommt die E-Akte?", "Warum ist der Chef ein Idiot?")
    response = client.get(f"/api/v1/events/{event.code}/rooms/{event.room}/questions")
    assert [q["id"] for q in response.json()] == [clean]
    states = {
        q["id"]: q["state"]
        for q in api(client, event, "GET", f"/rooms/{event.room}/questions").json()
    }
    assert states == {clean: "approved", rude: "pending"}
    login(client, event)
    page = html.unescape(assert_html(client.get(f"/e/{event.code}/moderate"), 200))
    assert "Zurückgehalten – enthält ein Wort der Sperrliste:" in page


def test_the_asker_is_told_it_is_checked(client: TestClient, event: EventFixture) -> None:
    no_approval(client, event)
    client.cookies.clear()
    client.get(f"/e/{event.code}", params={"room": event.room})
    response = client.post(
        f"/e/{event.code}/rooms/{event.room}/questions",
        data={"text": "Sind das alles Idioten?"},
        headers={"HX-Request": "true", "Origin": "http://testserver"},
    )
    assert response.status_code == 200, response.text
    assert "wird von der Moderation geprüft" in html.unescape(response.text)


def test_the_setup_page_edits_the_list(client: TestClient, event: EventFixture) -> None:
    login(client, event)
    page = assert_html(client.get(f"/e/{event.code}/setup"), 200)
    assert '<section id="blocklist"' in page and '<label for="bl-entry">' in page
    response = client.post(
        f"/e/{event.code}/setup/blocklist/entries",
        data={"entry": "Bürokratie*", "blocked": "1"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert blocklist(client, event)["entries"] == ["Bürokratie*"]
    page = assert_html(client.get(response.headers["location"]), 200)
    assert "Die Sperrliste ist gespeichert." in page
    # A bad word: the page again, with the message at the field, nothing stored.
    response = client.post(
        f"/e/{event.code}/setup/blocklist/entries", data={"entry": "zwei Wörter", "blocked": "1"}
    )
    assert response.status_code == 422
    assert 'id="bl-entry-error"' in response.text
    assert blocklist(client, event)["entries"] == ["Bürokratie*"]
    response = client.post(f"/e/{event.code}/setup/blocklist", data={}, follow_redirects=False)
    assert response.status_code == 303
    assert blocklist(client, event)["default"] is False
