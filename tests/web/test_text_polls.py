"""Issue 17's poll settings over HTTP and the socket: the projector's results setting, up to
three answers per open-text poll, and words and answers moderators hide from the word cloud."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.domain.models import Ballot
from tests.web.conftest import (
    EventFixture,
    create_event,
    create_poll,
    enter,
    join,
    run_in_app,
)
from tests.web.conftest import services_of as services
from tests.web.test_pages import HX, api_poll, assert_html, login, rows, vote
from tests.web.test_sockets import receive, receive_until, reply_to, ws_url
from tests.web.test_sockets import vote as ws_vote

TEXTS = [
    ["Zu viel Bürokratie", "Fachkräftemangel"],
    ["zu viel bürokratie"],
    ["Digitalisierung", "Bürokratie abbauen", "Fachkräftemangel"],
]


def api(
    client: TestClient, event: EventFixture, method: str, path: str, body: Any = None, **kw: Any
) -> Any:
    headers = kw.pop("headers", event.auth)
    content = body if isinstance(body, bytes) else None
    return client.request(
        method,
        f"/api/v1/events/{event.code}{path}",
        json=None if content is not None else body,
        content=content,
        headers=headers,
    )


def error_code(response: Any) -> str:
    """The error's code; a malformed body is 400, a value the rules refuse 422."""
    code: str = response.json()["error"]["code"]
    status = 400 if code in ("invalid_json", "invalid_body") else 422
    assert response.status_code == status, response.text
    return code


def text_poll_with_answers(client: TestClient, event: EventFixture) -> dict[str, Any]:
    """An open text poll (three answers per person) and three participants' answers, sent
    over the socket as "texts"."""
    poll = create_poll(client, event, kind="text", options=[], max_answers=3)
    for n, texts in enumerate(TEXTS):
        with client.websocket_connect(ws_url(event, join(client, event))) as ws:
            receive(ws)
            ws_vote(ws, poll["id"], f"t{n}", texts=texts)
            assert receive_until(ws, reply_to(f"t{n}"))["type"] == "ack"
    return poll


def words_of(poll: dict[str, Any]) -> dict[str, int]:
    return dict(poll["results"]["words"])


# --- the projector's results setting -------------------------------------------------------


def test_new_polls_show_results_live_on_the_projector(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event, open_it=False, visibility="after_vote")
    assert (poll["visibility"], poll["screen_results"], poll["max_answers"]) == (
        "after_vote",
        "live",
        1,
    )
    other = create_poll(client, event, open_it=False, screen_results="after_close")
    assert other["screen_results"] == "after_close"


def test_patch_poll_changes_the_results_settings(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event)
    path = f"/polls/{poll['id']}"
    changed = api(client, event, "PATCH", path, {"screen_results": "after_close"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["screen_results"], changed.json()["visibility"]) == (
        "after_close",
        "after_vote",
    )
    both = api(client, event, "PATCH", path, {"visibility": "live", "screen_results": "live"})
    assert (both.json()["visibility"], both.json()["screen_results"]) == ("live", "live")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"screen_results": "after_vote"}, "invalid_screen_results"),
        ({"screen_results": None}, "invalid_screen_results"),
        ({"screen_results": ["live"]}, "invalid_screen_results"),
        # One bad value: the good one is not stored either.
        ({"visibility": "after_close", "screen_results": "nie"}, "invalid_screen_results"),
        ({"visibility": "sometimes", "screen_results": "after_close"}, "invalid_visibility"),
        ({}, "invalid_body"),
        ({"state": "open"}, "invalid_body"),
        ({"screen_results": "live", "question": "Anders?"}, "invalid_body"),
        (b"[1, 2]", "invalid_body"),
        (b"{nope", "invalid_json"),
    ],
)
def test_patch_poll_refuses_bad_input_and_changes_nothing(
    client: TestClient, event: EventFixture, body: Any, code: str
) -> None:
    poll = create_poll(client, event)
    response = api(client, event, "PATCH", f"/polls/{poll['id']}", body)
    assert error_code(response) == code
    after = api_poll(client, event, poll["id"])
    assert (after["visibility"], after["screen_results"]) == ("after_vote", "live")


def test_patch_poll_needs_a_moderator(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event)
    path = f"/polls/{poll['id']}"
    body = {"screen_results": "after_close"}
    assert api(client, event, "PATCH", path, body, headers={}).status_code == 401
    wrong = {"Authorization": "Bearer falsch"}
    assert api(client, event, "PATCH", path, body, headers=wrong).status_code == 403
    participant = {"Authorization": f"Bearer {join(client, event)}"}
    assert api(client, event, "PATCH", path, body, headers=participant).status_code == 403
    assert api(client, event, "PATCH", "/polls/nope", body).status_code == 404
    assert api_poll(client, event, poll["id"])["screen_results"] == "live"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"screen_results": "sometimes"}, "invalid_screen_results"),
        ({"kind": "text", "max_answers": 0}, "invalid_max_answers"),
        ({"kind": "text", "max_answers": 4}, "invalid_max_answers"),
        ({"kind": "text", "max_answers": "2"}, "invalid_max_answers"),
        ({"kind": "text", "max_answers": True}, "invalid_max_answers"),
    ],
)
def test_create_poll_refuses_bad_settings(
    client: TestClient, event: EventFixture, tmp_path: Path, body: dict[str, Any], code: str
) -> None:
    payload = {"question": "Q?", "options": ["a", "b"], **body}
    response = api(client, event, "POST", f"/rooms/{event.room}/polls", payload)
    assert error_code(response) == code
    assert rows(tmp_path, "polls") == 0


def test_max_answers_only_for_text_polls(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, max_answers=3)  # a single choice: ignored
    assert poll["max_answers"] == 1
    text = create_poll(client, event, kind="text", options=[], max_answers=2)
    assert text["max_answers"] == 2


# --- several answers per person ------------------------------------------------------------


def test_texts_over_the_socket_count_every_answer_once_per_person(
    client: TestClient, event: EventFixture
) -> None:
    poll = text_poll_with_answers(client, event)
    got = api_poll(client, event, poll["id"])
    assert got["results"]["voters"] == 3
    words = words_of(got)
    assert words["Bürokratie"] == 3 and words["Fachkräftemangel"] == 2
    # "text" still works and replaces the whole ballot.
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        ws_vote(ws, poll["id"], "a", texts=["Kaffee", "Pausen"])
        assert receive_until(ws, reply_to("a"))["type"] == "ack"
        ws_vote(ws, poll["id"], "b", text="Kaffee")
        assert receive_until(ws, reply_to("b"))["type"] == "ack"
    words = words_of(api_poll(client, event, poll["id"]))
    assert words["Kaffee"] == 1 and "Pausen" not in words


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"texts": ["a", "b", "c", "d"]}, "too_many_answers"),
        ({"texts": []}, "empty_text"),
        ({"texts": ["", "  "]}, "empty_text"),
        ({"texts": "Kaffee"}, "invalid_text"),
        ({"texts": ["Kaffee", 5]}, "invalid_text"),
        ({"texts": {"0": "Kaffee"}}, "invalid_text"),
        ({"text": "Kaffee", "texts": ["Tee"]}, "invalid_text"),
        ({"texts": ["x" * 201]}, "text_too_long"),
    ],
)
def test_bad_texts_over_the_socket_are_errors_and_store_nothing(
    client: TestClient, event: EventFixture, tmp_path: Path, fields: dict[str, Any], code: str
) -> None:
    poll = create_poll(client, event, kind="text", options=[], max_answers=3)
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        ws_vote(ws, poll["id"], "bad", **fields)
        reply = receive_until(ws, reply_to("bad"))
        assert (reply["type"], reply["code"]) == ("error", code)
        # The socket lives on: a good vote after a bad one is taken.
        ws_vote(ws, poll["id"], "good", texts=["Kaffee"])
        assert receive_until(ws, reply_to("good"))["type"] == "ack"
    assert rows(tmp_path, "votes") == 1


def test_the_phone_form_has_a_field_per_answer(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, kind="text", options=[], max_answers=3)
    page = assert_html(client.get(f"/e/{event.code}?room={event.room}"), 200)
    for n, field_id in enumerate(("text", "text-2", "text-3"), start=1):
        assert re.search(rf'<label for="poll-{poll["id"]}-{field_id}">Antwort {n}\b', page)
        assert f'id="poll-{poll["id"]}-{field_id}"' in page
    assert page.count(f'name="text" id="poll-{poll["id"]}-text') == 3
    assert "bis zu 3 kurze Antworten" in page
    # Empty extra fields are fine; the answers replace each other as one ballot.
    assert vote(client, event, poll["id"], {"text": ["Kaffee", "", "Pausen"]}).status_code == 303
    assert words_of(api_poll(client, event, poll["id"])) == {"Kaffee": 1, "Pausen": 1}
    fragment = assert_html(vote(client, event, poll["id"], {"text": ["Tee", ""]}, HX), 200)
    assert "Ihre Antworten sind gespeichert." in fragment
    assert words_of(api_poll(client, event, poll["id"])) == {"Tee": 1}
    ballots = run_in_app(client, services(client).store.ballots, [poll["id"]])
    assert list(ballots[poll["id"]].values()) == [Ballot(texts=("Tee",))]


def test_the_phone_form_refuses_more_answers_than_allowed(
    client: TestClient, event: EventFixture, tmp_path: Path
) -> None:
    poll = create_poll(client, event, kind="text", options=[], max_answers=2)
    enter(client, event)
    page = assert_html(vote(client, event, poll["id"], {"text": ["a1", "b2", "c3"]}), 422)
    assert "Sie können höchstens 2 Antworten senden." in page
    page = assert_html(vote(client, event, poll["id"], {"text": ["", ""]}), 422)
    assert "Bitte geben Sie eine Antwort ein." in page
    assert rows(tmp_path, "votes") == 0
    # A poll with one answer keeps its single field.
    single = create_poll(client, event, kind="text", options=[], question="Ein Wort?")
    page = assert_html(client.get(f"/e/{event.code}?room={event.room}"), 200)
    assert f'<label for="poll-{single["id"]}-text">Ihre Antwort</label>' in page
    assert f'id="poll-{single["id"]}-text-2"' not in page


# --- hiding words and answers: API ---------------------------------------------------------


def test_hide_and_show_a_word(client: TestClient, event: EventFixture) -> None:
    poll = text_poll_with_answers(client, event)
    path = f"/polls/{poll['id']}/hidden-words"
    hidden = api(client, event, "POST", path, {"word": "BÜROKRATIE"})
    assert hidden.status_code == 200, hidden.text
    body = hidden.json()
    assert "Bürokratie" not in words_of(body) and "BÜROKRATIE" not in words_of(body)
    assert body["hidden"] == {"words": ["BÜROKRATIE"], "answers": []}
    # Everyone's results leave it out; only moderators learn what was hidden.
    public = client.get(f"/api/v1/events/{event.code}/polls/{poll['id']}")
    assert "Bürokratie" not in words_of(public.json()) and "hidden" not in public.json()
    shown = api(client, event, "POST", path, {"word": "bürokratie", "hidden": False})
    assert words_of(shown.json())["Bürokratie"] == 3
    assert shown.json()["hidden"] == {"words": [], "answers": []}


def test_hide_an_answer(client: TestClient, event: EventFixture) -> None:
    poll = text_poll_with_answers(client, event)
    path = f"/polls/{poll['id']}/hidden-answers"
    body = api(client, event, "POST", path, {"answer": " zu VIEL  Bürokratie"}).json()
    # Both spellings of the answer go; "Bürokratie abbauen" still counts.
    assert words_of(body)["Bürokratie"] == 1
    assert body["hidden"] == {"words": [], "answers": ["zu VIEL Bürokratie"]}
    assert body["results"]["voters"] == 3


@pytest.mark.parametrize(
    ("list_name", "body", "code"),
    [
        ("hidden-words", {"word": "zwei Wörter"}, "invalid_word"),
        ("hidden-words", {"word": "Bürokratie!"}, "invalid_word"),
        ("hidden-words", {"word": ""}, "empty_entry"),
        ("hidden-words", {"word": 5}, "empty_entry"),
        ("hidden-words", {"word": None}, "empty_entry"),
        ("hidden-words", {"word": "x" * 201}, "entry_too_long"),
        ("hidden-words", {}, "invalid_body"),
        ("hidden-words", {"answer": "Bürokratie"}, "invalid_body"),
        ("hidden-words", {"word": "Bürokratie", "hidden": "yes"}, "invalid_body"),
        ("hidden-words", {"word": "Bürokratie", "hidden": None}, "invalid_body"),
        ("hidden-words", {"word": "Bürokratie", "extra": 1}, "invalid_body"),
        ("hidden-answers", {"word": "Bürokratie"}, "invalid_body"),
        ("hidden-answers", {"answer": ["a"]}, "empty_entry"),
        ("hidden-answers", b"[]", "invalid_body"),
        ("hidden-answers", b"nope", "invalid_json"),
    ],
)
def test_hiding_refuses_bad_input_and_changes_nothing(
    client: TestClient, event: EventFixture, list_name: str, body: Any, code: str
) -> None:
    poll = create_poll(client, event, kind="text", options=[])
    response = api(client, event, "POST", f"/polls/{poll['id']}/{list_name}", body)
    assert error_code(response) == code
    assert api_poll(client, event, poll["id"])["hidden"] == {"words": [], "answers": []}


def test_hiding_needs_a_text_poll_and_a_moderator(client: TestClient, event: EventFixture) -> None:
    choice = create_poll(client, event)
    response = api(client, event, "POST", f"/polls/{choice['id']}/hidden-words", {"word": "gut"})
    assert error_code(response) == "not_a_text_poll"
    text = create_poll(client, event, kind="text", options=[])
    path = f"/polls/{text['id']}/hidden-words"
    assert api(client, event, "POST", path, {"word": "x1"}, headers={}).status_code == 401
    participant = {"Authorization": f"Bearer {join(client, event)}"}
    assert api(client, event, "POST", path, {"word": "x1"}, headers=participant).status_code == 403
    other = create_event(client)
    assert api(client, other, "POST", path, {"word": "x1"}).status_code in (403, 404)
    assert api(client, event, "POST", "/polls/nope/hidden-words", {"word": "x1"}).status_code == 404
    assert api_poll(client, event, text["id"])["hidden"] == {"words": [], "answers": []}


def test_the_socket_and_the_export_carry_the_new_fields(
    client: TestClient, event: EventFixture
) -> None:
    poll = text_poll_with_answers(client, event)
    api(client, event, "POST", f"/polls/{poll['id']}/hidden-words", {"word": "Digitalisierung"})
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        (shown,) = [p for p in receive(ws)["polls"] if p["id"] == poll["id"]]
    assert (shown["max_answers"], shown["screen_results"]) == (3, "live")
    assert "hidden" not in shown and "Digitalisierung" not in words_of(shown)
    with client.websocket_connect(ws_url(event, event.token)) as ws:
        (moderated,) = [p for p in receive(ws)["polls"] if p["id"] == poll["id"]]
    assert moderated["hidden"] == {"words": ["Digitalisierung"], "answers": []}
    export = api(client, event, "GET", "/export.json").json()
    (exported,) = [p for p in export["polls"] if p["id"] == poll["id"]]
    assert exported["hidden"] == moderated["hidden"] and exported["max_answers"] == 3


# --- the moderator page --------------------------------------------------------------------


def test_the_poll_form_offers_the_new_settings(client: TestClient, event: EventFixture) -> None:
    login(client, event)
    page = assert_html(client.get(f"/e/{event.code}/moderate"), 200)
    assert '<label for="pf-visibility">Ergebnisse auf den Smartphones der Teilnehmenden' in page
    assert "<legend>Ergebnisse auf der Leinwand</legend>" in page
    assert re.search(r'id="pf-screen-live" name="screen_results" value="live" checked>', page)
    assert re.search(r'<label [^>]*for="pf-screen-after_close">.*erst nach dem Schließen', page)
    assert '<label for="pf-max-answers">Antworten pro Person</label>' in page
    base = f"/e/{event.code}/moderate/rooms/{event.room}/polls"
    form = {
        "question": "Was nehmen Sie mit?",
        "kind": "text",
        "options": "",
        "visibility": "live",
        "screen_results": "after_close",
        "max_answers": "3",
        "open_now": "1",  # the console's live panel shows an open poll's settings
    }
    fragment = assert_html(client.post(base, data=form, headers=HX), 200)
    assert "bis zu 3 Antworten pro Person" in fragment
    assert re.search(r'<option value="after_close" selected>erst nach dem Schließen', fragment)
    data = run_in_app(client, services(client).store.list_polls, event.room)
    assert [(p.screen_results, p.max_answers) for p in data] == [("after_close", 3)]
    fragment = assert_html(client.post(base, data={**form, "max_answers": "7"}, headers=HX), 422)
    assert re.search(r'id="pf-max-answers"[^>]*aria-invalid="true"', fragment)
    assert "Pro Person sind 1 bis 3 Antworten möglich." in fragment


def moderator_fragment(client: TestClient, event: EventFixture) -> str:
    """The live panel as the console shows it (the open poll, else the one closed last)."""
    page = assert_html(client.get(f"/e/{event.code}/moderate"), 200)
    start = page.index('<section id="mod-live"')
    return page[start : page.index("</section>", start)]


def hide_buttons(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<button type="submit" id="(cloud-[^"]+)" aria-label="([^"]+)"', html)


def test_moderators_hide_and_show_words_and_answers_on_the_page(
    client: TestClient, event: EventFixture
) -> None:
    poll = text_poll_with_answers(client, event)
    login(client, event)
    html = moderator_fragment(client, event)
    buttons = hide_buttons(html)
    labels = [label for _, label in buttons]
    assert "„Bürokratie“ aus der Wortwolke ausblenden" in labels
    assert "Antwort „Zu viel Bürokratie“ aus der Wortwolke ausblenden" in labels
    # Every control has an accessible name and an id of its own.
    assert len(set(labels)) == len(labels) and len({i for i, _ in buttons}) == len(buttons)
    assert "verschiedene Antworten" in html

    base = f"/e/{event.code}/moderate/polls/{poll['id']}"
    (word_id,) = [i for i, label in buttons if label.startswith("„Bürokratie“")]
    fragment = assert_html(
        client.post(f"{base}/hide", data={"kind": "word", "entry": "Bürokratie"}, headers=HX), 200
    )
    assert "„Bürokratie“ ist aus der Wortwolke ausgeblendet." in fragment
    after = dict((label, i) for i, label in hide_buttons(fragment))
    # The same id now shows it again (the focus stays on the entry).
    assert after["„Bürokratie“ wieder zeigen"] == word_id
    assert "„Bürokratie“ aus der Wortwolke ausblenden" not in after
    assert "Bürokratie" not in words_of(api_poll(client, event, poll["id"]))

    fragment = assert_html(
        client.post(
            f"{base}/hide", data={"kind": "answer", "entry": "Fachkräftemangel"}, headers=HX
        ),
        200,
    )
    assert "Antwort „Fachkräftemangel“ wieder zeigen" in dict(
        (label, i) for i, label in hide_buttons(fragment)
    )
    assert "Fachkräftemangel" not in words_of(api_poll(client, event, poll["id"]))

    # Back, without JavaScript: a redirect to the page.
    response = client.post(
        f"{base}/show", data={"kind": "word", "entry": "Bürokratie"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert words_of(api_poll(client, event, poll["id"]))["Bürokratie"] == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "word", "entry": "zwei Wörter"}, "Bitte geben Sie ein einzelnes Wort an."),
        ({"kind": "word", "entry": ""}, "Bitte geben Sie an, was ausgeblendet werden soll."),
        ({"kind": "satz", "entry": "x"}, "Ausblenden lassen sich Wörter und Antworten."),
        ({}, "Ausblenden lassen sich Wörter und Antworten."),
    ],
)
def test_hiding_on_the_page_refuses_bad_input(
    client: TestClient, event: EventFixture, data: dict[str, str], message: str
) -> None:
    poll = create_poll(client, event, kind="text", options=[])
    login(client, event)
    base = f"/e/{event.code}/moderate/polls/{poll['id']}"
    fragment = assert_html(client.post(f"{base}/hide", data=data, headers=HX), 422)
    assert message in fragment
    page = assert_html(client.post(f"{base}/hide", data=data), 422)
    assert message in page
    assert api_poll(client, event, poll["id"])["hidden"] == {"words": [], "answers": []}


def test_hidden_words_leave_the_phones_and_the_projector(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event, kind="text", options=[], visibility="live")
    enter(client, event)
    assert vote(client, event, poll["id"], {"text": "Quatschwort Zusammenarbeit"}).status_code
    phone = f"/e/{event.code}?room={event.room}"
    screen = f"/e/{event.code}/screen?room={event.room}"
    assert "Quatschwort" in client.get(phone).text and "Quatschwort" in client.get(screen).text
    api(client, event, "POST", f"/polls/{poll['id']}/hidden-words", {"word": "quatschwort"})
    for url in (phone, screen):
        html = client.get(url).text
        assert "Quatschwort" not in html and "Zusammenarbeit" in html, url
    text = json.dumps(api_poll(client, event, poll["id"])["results"])
    assert "Quatschwort" not in text
