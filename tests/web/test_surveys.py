"""Self-paced surveys (issue 24, item 4) through the pages and the JSON interface: created from
the template or from questions, opened and closed together with their questions, answered step
by step on the phone (with and without htmx), never counted twice, kept apart from the room's
ordinary polls; bad input changes nothing."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, create_poll, enter
from tests.web.test_sockets import receive, receive_until, ws_url

HX = {"HX-Request": "true"}

QUESTIONS = [
    {"question": "Wie war es?", "kind": "scale", "min": 1, "max": 5, "min_label": "schlecht"},
    {"question": "Welcher Raum?", "kind": "single", "options": ["Plenum", "Forum"]},
    {"question": "Was fehlte?", "kind": "text"},
]


def api_create(client: TestClient, event: EventFixture, body: Any) -> Any:
    return client.post(
        f"/api/v1/events/{event.code}/rooms/{event.room}/surveys", json=body, headers=event.auth
    )


def make_survey(client: TestClient, event: EventFixture, *, open_it: bool = True) -> Any:
    answer = api_create(client, event, {"title": "Abschluss", "questions": QUESTIONS})
    assert answer.status_code == 201, answer.text
    survey = answer.json()
    if open_it:
        url = f"/api/v1/events/{event.code}/surveys/{survey['id']}/open"
        survey = client.post(url, headers=event.auth).json()
    return survey


def survey_of(client: TestClient, event: EventFixture, survey_id: str) -> Any:
    url = f"/api/v1/events/{event.code}/surveys/{survey_id}"
    return client.get(url, headers=event.auth).json()


def step_form(html: str) -> dict[str, str]:
    """The hidden fields of the step's form."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def test_the_template_makes_five_german_questions(client: TestClient, event: EventFixture) -> None:
    answer = api_create(client, event, {"template": "abschlussevaluation"})
    assert answer.status_code == 201, answer.text
    survey = answer.json()
    assert survey["title"] == "Abschlussevaluation" and survey["state"] == "draft"
    kinds = [q["kind"] for q in survey["questions"]]
    assert kinds == ["scale", "scale", "single", "multiple", "text"]
    assert survey["questions"][1]["min_label"] == "trifft nicht zu"
    assert all(q["survey_id"] == survey["id"] for q in survey["questions"])
    english = client.post(
        f"/api/v1/events/{event.code}/rooms/{event.room}/surveys?lang=en",
        json={"template": "abschlussevaluation"},
        headers=event.auth,
    ).json()
    assert english["title"] == "Final evaluation"


def test_opening_and_closing_moves_every_question_and_leaves_ordinary_polls_alone(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event, open_it=True)
    survey = make_survey(client, event)
    assert survey["state"] == "open"
    assert {q["state"] for q in survey["questions"]} == {"open"}
    # The room's one open poll stays open beside the survey, and opening another poll does
    # not close the survey's questions.
    assert client.get(f"/api/v1/events/{event.code}/polls/{poll['id']}").json()["state"] == "open"
    other = create_poll(client, event, open_it=True)
    assert other["state"] == "open"
    assert {q["state"] for q in survey_of(client, event, survey["id"])["questions"]} == {"open"}
    # A survey's question is not opened or closed on its own.
    question = survey["questions"][0]["id"]
    refused = client.post(f"/api/v1/events/{event.code}/polls/{question}/close", headers=event.auth)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "poll_in_survey"
    closed = client.post(
        f"/api/v1/events/{event.code}/surveys/{survey['id']}/close", headers=event.auth
    ).json()
    assert closed["state"] == "closed" and {q["state"] for q in closed["questions"]} == {"closed"}


def test_survey_questions_are_not_ordinary_polls_on_the_phone_or_the_socket(
    client: TestClient, event: EventFixture
) -> None:
    survey = make_survey(client, event)
    enter(client, event)
    phone = client.get(f"/e/{event.code}?room={event.room}").text
    assert f'id="survey-card-{survey["id"]}"' in phone and "Umfrage:" in phone
    assert "Wie war es?" not in phone  # the questions are on the survey page only
    with client.websocket_connect(ws_url(event)) as ws:
        snapshot = receive(ws)
    assert snapshot["polls"] == []


def test_a_participant_answers_goes_back_changes_and_is_counted_once(
    client: TestClient, event: EventFixture
) -> None:
    survey = make_survey(client, event)
    enter(client, event)
    url = f"/e/{event.code}/survey/{survey['id']}"
    first = client.get(url)
    assert first.status_code == 200
    assert (
        "Frage 1 von 3" in first.text
        and '<progress id="survey-progress-bar" max="3" value="0"' in first.text
    )
    hidden = step_form(first.text)
    # Question 1 (without htmx: a redirect to question 2), sent twice with the same request id.
    for _ in range(2):
        sent = client.post(url, data={**hidden, "value": "4", "go": "next"}, follow_redirects=False)
        assert sent.status_code == 303 and sent.headers["location"].endswith("?step=2")
    second = client.get(url + "?step=2").text
    assert "Frage 2 von 3" in second and 'value="1"' in second
    # Back without an answer: nothing sent, question 1 again with its answer ticked.
    back = client.post(url, data={**step_form(second), "go": "back"}, headers=HX)
    assert "Frage 1 von 3" in back.text and 'value="4" id=' in back.text
    assert re.search(r'value="4" id="[^"]+" checked', back.text)
    # Changed with htmx: the next step and the announcement come back.
    changed = client.post(
        url, data={**step_form(back.text), "value": "2", "go": "next"}, headers=HX
    )
    assert changed.status_code == 200 and "Ihre Antwort ist gespeichert." in changed.text
    data = survey_of(client, event, survey["id"])
    scale = data["questions"][0]["results"]
    assert scale["voters"] == 1 and scale["counts"] == [0, 1, 0, 0, 0]
    assert (data["started"], data["finished"]) == (1, 0)
    # The last two, then the end.
    step2 = client.post(
        url, data={**step_form(changed.text), "choice": "1", "go": "next"}, headers=HX
    )
    done = client.post(
        url, data={**step_form(step2.text), "text": "Mehr Pausen", "go": "next"}, headers=HX
    )
    assert "Danke – Sie können Ihre Antworten ändern, bis die Umfrage endet." in done.text
    data = survey_of(client, event, survey["id"])
    assert (data["started"], data["finished"]) == (1, 1)


def test_a_closed_survey_takes_no_more_answers(client: TestClient, event: EventFixture) -> None:
    survey = make_survey(client, event)
    enter(client, event)
    url = f"/e/{event.code}/survey/{survey['id']}"
    hidden = step_form(client.get(url).text)
    client.post(f"/api/v1/events/{event.code}/surveys/{survey['id']}/close", headers=event.auth)
    refused = client.post(url, data={**hidden, "value": "3", "go": "next"}, headers=HX)
    assert refused.status_code == 409 and "bereits beendet" in refused.text
    assert survey_of(client, event, survey["id"])["questions"][0]["results"]["voters"] == 0


def test_a_draft_survey_is_not_found_by_participants(
    client: TestClient, event: EventFixture
) -> None:
    survey = make_survey(client, event, open_it=False)
    enter(client, event)
    assert client.get(f"/e/{event.code}/survey/{survey['id']}").status_code == 404
    assert client.get(f"/api/v1/events/{event.code}/surveys/{survey['id']}").status_code == 404
    assert client.get(f"/api/v1/events/{event.code}/rooms/{event.room}/surveys").json() == []


def test_bad_input_gets_the_json_error_and_changes_nothing(
    client: TestClient, event: EventFixture
) -> None:
    cases = [
        ({"title": "", "questions": QUESTIONS}, "empty_title"),
        ({"title": "X", "questions": []}, "no_questions"),
        ({"title": "X", "questions": [{"question": "R?", "kind": "ranking"}]}, "invalid_kind"),
        ({"title": "X", "questions": [{"question": "", "kind": "text"}]}, "empty_question"),
        ({"title": "X", "questions": "nein"}, "no_questions"),
        ({"template": "gibt-es-nicht"}, "unknown_template"),
    ]
    for body, code in cases:
        answer = api_create(client, event, body)
        assert answer.status_code in (400, 404, 422), (body, answer.text)
        assert answer.json()["error"]["code"] == code
    url = f"/api/v1/events/{event.code}/rooms/{event.room}/surveys"
    assert client.get(url, headers=event.auth).json() == []
    survey = make_survey(client, event, open_it=False)
    patch = f"/api/v1/events/{event.code}/surveys/{survey['id']}"
    for body in ({"state": "paused"}, {"colour": "rot"}, {}):
        answer = client.patch(patch, json=body, headers=event.auth)
        assert answer.status_code in (400, 422) and "error" in answer.json()
    assert survey_of(client, event, survey["id"])["state"] == "draft"
    no_token = client.post(f"/api/v1/events/{event.code}/surveys/{survey['id']}/open")
    assert no_token.status_code == 401


def test_the_console_creates_opens_and_counts(client: TestClient, event: EventFixture) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)
    page = client.get(f"/e/{event.code}/moderate?room={event.room}").text
    assert 'id="mod-surveys"' in page
    made = client.post(
        f"/e/{event.code}/moderate/rooms/{event.room}/surveys",
        data={"template": "abschlussevaluation"},
        headers=HX,
    )
    assert made.status_code == 200 and "Umfrage angelegt: Abschlussevaluation" in made.text
    survey_id = re.search(r'id="mod-survey-([^"]+)"', made.text)
    assert survey_id
    opened = client.post(f"/e/{event.code}/moderate/surveys/{survey_id[1]}/open", headers=HX)
    assert "Umfrage geöffnet: Abschlussevaluation" in opened.text
    assert "0 begonnen, 0 fertig" in opened.text


def test_the_report_has_a_section_per_survey(client: TestClient, event: EventFixture) -> None:
    survey = make_survey(client, event)
    enter(client, event)
    url = f"/e/{event.code}/survey/{survey['id']}"
    hidden = step_form(client.get(url).text)
    client.post(url, data={**hidden, "value": "5", "go": "next"}, follow_redirects=False)
    client.cookies.set(f"live_m_{event.code}", event.token)
    html = client.get(f"/e/{event.code}/report").text
    assert f'id="survey-{survey["id"]}"' in html and "Umfrage: Abschluss" in html
    assert "1 Person hat begonnen" in html and "0 haben alle Fragen beantwortet" in html
    assert "Frage 1: Wie war es?" in html
    # The question's CSV link works like a poll's.
    first = survey["questions"][0]["id"]
    assert client.get(f"/e/{event.code}/report/polls/{first}.csv").status_code == 200
    markdown = client.get(f"/e/{event.code}/report.md").text
    assert "### Umfrage: Abschluss" in markdown and "#### 1. Wie war es?" in markdown
    exported = client.get(f"/api/v1/events/{event.code}/export.json", headers=event.auth).json()
    assert [s["id"] for s in exported["surveys"]] == [survey["id"]]
    assert first not in {p["id"] for p in exported["polls"]}


def test_a_socket_answers_a_survey_question_with_the_ordinary_vote(
    client: TestClient, event: EventFixture
) -> None:
    survey = make_survey(client, event)
    token = client.post(f"/api/v1/events/{event.code}/join").json()["participant_token"]
    question = survey["questions"][1]["id"]  # single choice
    vote = {"type": "vote", "request_id": "r1", "poll_id": question, "choices": [1]}
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        for _ in range(2):  # the same request id twice: acknowledged twice, counted once
            ws.send_json(vote)
            assert receive_until(ws, lambda m: m["type"] in ("ack", "error"))["type"] == "ack"
        ws.send_json({**vote, "request_id": "r2", "choices": [7]})
        refused = receive_until(ws, lambda m: m["type"] in ("ack", "error"))
        assert refused["type"] == "error" and refused["code"] == "invalid_choice"
    results = survey_of(client, event, survey["id"])["questions"][1]["results"]
    assert results["counts"] == [0, 1] and results["voters"] == 1


def test_the_neutral_slide_shows_how_many_took_part(
    client: TestClient, event: EventFixture
) -> None:
    survey = make_survey(client, event)
    client.put(
        f"/api/v1/events/{event.code}/rooms/{event.room}/screen",
        json={"mode": "slide"},
        headers=event.auth,
    )
    enter(client, event)
    url = f"/e/{event.code}/survey/{survey['id']}"
    client.post(url, data={**step_form(client.get(url).text), "value": "3", "go": "next"})
    wall = client.get(f"/e/{event.code}/screen?room={event.room}").text
    assert 'class="slide-survey"' in wall and "1 hat teilgenommen" in wall


def test_the_setup_page_prepares_a_survey_per_room(client: TestClient, event: EventFixture) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)
    other = event.rooms[1]["id"]
    done = client.post(
        f"/e/{event.code}/setup/rooms/{other}/surveys",
        data={"template": "abschlussevaluation"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].endswith(f"#room-{other}")
    page = client.get(done.headers["location"]).text
    assert "Die Umfrage ist angelegt." in page and "(5 Fragen, Entwurf)" in page
    listed = client.get(
        f"/api/v1/events/{event.code}/rooms/{other}/surveys", headers=event.auth
    ).json()
    assert [s["state"] for s in listed] == ["draft"]
    bad = client.post(f"/e/{event.code}/setup/rooms/{other}/surveys", data={"template": "x"})
    assert bad.status_code == 422 and "Diese Vorlage gibt es nicht." in bad.text
