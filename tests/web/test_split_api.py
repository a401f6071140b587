"""Taking a merge back through the public interface (issue 24, panel Q&A):
``POST …/questions/{id}/split``: the duplicate is back in the lists and on the sockets with its
own upvoters; the question it went into keeps its upvotes; refusals change nothing."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, join
from tests.web.test_api import assert_error
from tests.web.test_merge_api import merge, two_questions, upvote
from tests.web.test_questions_api import ask, patch, questions
from tests.web.test_sockets import receive, receive_until, ws_url

API = "/api/v1"


def split(client: TestClient, event: EventFixture, qid: str, **headers: str) -> Any:
    url = f"{API}/events/{event.code}/questions/{qid}/split"
    return client.post(url, headers=headers or event.auth)


def test_split_brings_the_duplicate_back_with_its_own_upvoters(
    client: TestClient, event: EventFixture
) -> None:
    a, b, _, author_b = two_questions(client, event)
    fans = [join(client, event) for _ in range(3)]
    for n, (fan, targets) in enumerate(zip(fans, ([a], [a, b], [b]), strict=True)):
        with client.websocket_connect(ws_url(event, fan)) as ws:
            receive(ws)
            for qid in targets:
                upvote(ws, f"up-{n}-{qid}", qid)
    assert merge(client, event, a, {"duplicate": b}).json()["upvotes"] == 3
    with client.websocket_connect(ws_url(event)) as viewer:
        receive(viewer)
        done = split(client, event, b)
        assert done.status_code == 200, done.text
        back = done.json()
        assert back["id"] == b and back["upvotes"] == 2  # its own two, as at the merge
        update = receive_until(
            viewer,
            lambda m: m["type"] == "questions" and b in {q["id"] for q in m["questions"]},
        )
        assert update["version"] > 0
    # The question it went into keeps all three: the store cannot tell which the merge brought.
    listed = {q["id"]: q["upvotes"] for q in questions(client, event)}
    assert listed == {a: 3, b: 2}
    # The duplicate's author finds their own question first again (their own come first).
    with client.websocket_connect(ws_url(event, author_b)) as phone:
        assert receive(phone)["questions"][0]["id"] == b
    # A repeat answers the same and changes nothing; it can be merged again.
    again = split(client, event, b)
    assert again.status_code == 200 and again.json() == back
    assert merge(client, event, a, {"duplicate": b}).status_code == 200


def test_a_duplicate_of_a_merged_question_is_split_off_second(
    client: TestClient, event: EventFixture
) -> None:
    a, b, _, _ = two_questions(client, event)
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        assert ask(ws, "c", "Und das Geld?")["type"] == "ack"
    c = next(
        q["id"] for q in questions(client, event, moderator=True) if q["text"] == "Und das Geld?"
    )
    assert patch(client, event, c, {"state": "approved"}).status_code == 200
    assert merge(client, event, b, {"duplicate": c}).status_code == 200
    assert merge(client, event, a, {"duplicate": b}).status_code == 200
    message = assert_error(split(client, event, c), 422, "split_target_merged")
    assert "Trennen Sie zuerst" in message
    assert [q["id"] for q in questions(client, event, moderator=True)] == [a]
    assert split(client, event, b).status_code == 200
    assert split(client, event, c).status_code == 200
    assert {q["id"] for q in questions(client, event, moderator=True)} == {a, b, c}


def test_split_refusals_change_nothing(client: TestClient, event: EventFixture) -> None:
    a, b, _, _ = two_questions(client, event)
    assert merge(client, event, a, {"duplicate": b}).status_code == 200
    assert_error(split(client, event, "no-such-question"), 404, "question_not_found")
    url = f"{API}/events/{event.code}/questions/{b}/split"
    assert_error(client.post(url), 401, "unauthorized")
    wrong = client.post(url, headers={"Authorization": "Bearer wrong"})
    assert_error(wrong, 403, "forbidden")
    assert [q["id"] for q in questions(client, event, moderator=True)] == [a]
    # A question that was never merged is answered as it is.
    never = split(client, event, a)
    assert never.status_code == 200 and never.json()["id"] == a
