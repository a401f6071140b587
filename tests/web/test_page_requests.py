"""The phone's page actions carry a request id (static/live.js sets it): a send the phone
retries after a lost answer is counted once. And the live poll stage is judged by its own
markup: votes change only the results regions inside it (live/views/regions.py)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from live.views.regions import participant_regions
from tests.web.conftest import EventFixture, create_poll, enter, run_in_app, services_of

HX = {"HX-Request": "true"}


def post(client: TestClient, path: str, data: Any) -> Any:
    return client.post(path, data=data, headers=HX, follow_redirects=False)


def results(client: TestClient, event: EventFixture, poll_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/events/{event.code}/polls/{poll_id}", headers=event.auth)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["results"]
    return data


def test_a_vote_sent_again_with_its_request_id_counts_once(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event, kind="multiple", options=["Bus", "Bahn", "Rad"])
    enter(client, event)
    path = f"/e/{event.code}/polls/{poll['id']}/vote"
    first = post(client, path, {"choices": ["0", "2"], "request_id": "tap-1"})
    assert first.status_code == 200
    assert "Ihre Stimme wurde gezählt." in first.text
    # The retry of the same tap is acknowledged like the first (the phone lost that answer)...
    again = post(client, path, {"choices": ["0", "2"], "request_id": "tap-1"})
    assert again.status_code == 200
    assert "Ihre Stimme wurde gezählt." in again.text
    assert results(client, event, poll["id"])["voters"] == 1
    # ... and a repeated id changes nothing, even with other content (it is the same request).
    post(client, path, {"choices": ["1"], "request_id": "tap-1"})
    assert results(client, event, poll["id"])["counts"] == [1, 0, 1]
    # A new tap is a new request.
    post(client, path, {"choices": ["1"], "request_id": "tap-2"})
    assert results(client, event, poll["id"])["counts"] == [0, 1, 0]


def test_a_bad_request_id_is_refused_in_german_and_counts_nothing(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event)
    enter(client, event)
    response = post(
        client, f"/e/{event.code}/polls/{poll['id']}/vote", {"choice": "0", "request_id": "x" * 101}
    )
    assert response.status_code == 422  # htmx swaps it in place, like a form error
    assert "Anfragekennung" in response.text
    assert results(client, event, poll["id"])["voters"] == 0


def test_a_question_sent_again_with_its_request_id_is_asked_once(
    client: TestClient, event: EventFixture
) -> None:
    enter(client, event)
    path = f"/e/{event.code}/rooms/{event.room}/questions"
    data = {"text": "Gibt es die Folien?", "request_id": "ask-1"}
    assert post(client, path, data).status_code == 200
    # Without the id this would be a second question, refused as too soon.
    again = post(client, path, data)
    assert again.status_code == 200
    assert "Danke!" in again.text
    listed = client.get(
        f"/api/v1/events/{event.code}/rooms/{event.room}/questions", headers=event.auth
    ).json()
    assert [q["text"] for q in listed] == ["Gibt es die Folien?"]


def test_an_upvote_sent_again_with_its_request_id_counts_once(
    client: TestClient, event: EventFixture
) -> None:
    enter(client, event)
    asked = post(client, f"/e/{event.code}/rooms/{event.room}/questions", {"text": "Wann?"})
    assert asked.status_code == 200
    listed = client.get(
        f"/api/v1/events/{event.code}/rooms/{event.room}/questions", headers=event.auth
    ).json()
    qid = listed[0]["id"]
    client.patch(
        f"/api/v1/events/{event.code}/questions/{qid}",
        json={"state": "approved"},
        headers=event.auth,
    )
    client.cookies.clear()  # another participant supports it
    enter(client, event)
    path = f"/e/{event.code}/questions/{qid}/upvote"
    assert post(client, path, {"up": "1", "request_id": "up-1"}).status_code == 200
    # The same request again, even if it now said "take back": the id decides.
    assert post(client, path, {"up": "0", "request_id": "up-1"}).status_code == 200
    listed = client.get(
        f"/api/v1/events/{event.code}/rooms/{event.room}/questions", headers=event.auth
    ).json()
    assert listed[0]["upvotes"] == 1


def test_votes_by_others_change_the_results_regions_not_the_stage(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(
        client, event, kind="multiple", options=["Bus", "Bahn", "Rad"], visibility="live"
    )
    svc = services_of(client)
    ev = run_in_app(client, svc.events.event, event.code)
    room = run_in_app(client, svc.events.room, ev, event.room)

    def regions() -> dict[str, Any]:
        state = run_in_app(client, svc.rooms.state, room)
        return {r.key: r for r in participant_regions("de", state, None)}

    before = regions()
    stage = before["poll-stage"]
    assert stage.children == (f"results-{poll['id']}",)
    # What is sent is the whole stage, results included; what is compared is its own markup.
    assert before[f"results-{poll['id']}"].body in stage.frame
    assert before[f"results-{poll['id']}"].body not in stage.body
    for n in range(3):
        client.cookies.clear()
        enter(client, event)
        response = post(client, f"/e/{event.code}/polls/{poll['id']}/vote", {"choices": [str(n)]})
        assert response.status_code == 200
    after = regions()
    assert after["poll-stage"].body == stage.body
    assert after[f"results-{poll['id']}"].body != before[f"results-{poll['id']}"].body
    assert "3 Stimmen" in after[f"results-{poll['id']}"].body
    # A poll opening beside it changes the stage itself.
    create_poll(client, event, question="Noch eine Frage?")
    assert regions()["poll-stage"].body != stage.body


def test_form_bodies_are_read_as_the_browser_encodes_them(
    client: TestClient, event: EventFixture
) -> None:
    """live/web/forms.py reads url-encoded bodies itself: percent-encoded UTF-8, "+" for space,
    repeated fields, and a refusal past 50 fields that counts nothing."""
    poll = create_poll(client, event, kind="text", options=[], max_answers=3)
    enter(client, event)
    path = f"/e/{event.code}/polls/{poll['id']}/vote"
    form = {"Content-Type": "application/x-www-form-urlencoded", **HX}
    body = "text=Gr%C3%BC%C3%9Fe+aus+K%C3%B6ln&text=Zug&text=&request_id=t-1"
    response = client.post(path, content=body, headers=form)
    assert response.status_code == 200, response.text
    # The word cloud counts words, stop words left out.
    assert dict(results(client, event, poll["id"])["words"]) == {"Grüße": 1, "Köln": 1, "Zug": 1}
    assert results(client, event, poll["id"])["voters"] == 1
    stuffed = "&".join(["text=mehr"] * 51)
    refused = client.post(path, content=stuffed + "&request_id=t-2", headers=form)
    assert refused.status_code == 400
    assert results(client, event, poll["id"])["voters"] == 1
