"""``?label=`` on GET …/questions (issue 24, panel Q&A): one label's questions, paged with the
same cursors as the whole list, and a label the event does not have refused with the error
shape like the list's other bad parameters."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import EventFixture
from tests.web.test_api import assert_error
from tests.web.test_labels_api import SPEAKERS, ask, set_labels
from tests.web.test_questions_api import patch, questions

API = "/api/v1"


def url(event: EventFixture) -> str:
    return f"{API}/events/{event.code}/rooms/{event.room}/questions"


def labelled(client: TestClient, event: EventFixture) -> dict[str, str | None]:
    """Six questions: three for "Podium", two for "Herr Lang", one without; all approved."""
    assert set_labels(client, event, SPEAKERS).status_code == 200
    plan = [
        ("P1?", "Podium"),
        ("L1?", "Herr Lang"),
        ("P2?", "Podium"),
        ("Ohne?", None),
        ("P3?", "Podium"),
        ("L2?", "Herr Lang"),
    ]
    for text, label in plan:
        extra = {} if label is None else {"label": label}
        assert ask(client, event, text, **extra)["type"] == "ack"
    for q in questions(client, event, moderator=True):
        if q["state"] == "pending":
            assert patch(client, event, q["id"], {"state": "approved"}).status_code == 200
    return dict(plan)


def test_the_filter_lists_one_labels_questions_in_the_lists_order(
    client: TestClient, event: EventFixture
) -> None:
    plan = labelled(client, event)
    everything = questions(client, event)
    response = client.get(url(event), params={"label": "Podium"})
    assert response.status_code == 200, response.text
    assert response.headers["X-Total-Count"] == "3"
    found = response.json()
    assert [q["text"] for q in found] == [q["text"] for q in everything if q["label"] == "Podium"]
    assert {q["text"] for q in found} == {t for t, label in plan.items() if label == "Podium"}
    # Surrounding spaces aside, the match is exact; a moderator's list filters the same way.
    spaced = client.get(url(event), params={"label": " Herr Lang "}, headers=event.auth)
    assert [q["text"] for q in spaced.json()] == ["L1?", "L2?"]


def test_paging_through_the_filter_keeps_the_filter(
    client: TestClient, event: EventFixture
) -> None:
    labelled(client, event)
    seen: list[dict[str, Any]] = []
    params: dict[str, Any] = {"label": "Podium", "limit": 1}
    while True:
        response = client.get(url(event), params=params)
        assert response.status_code == 200, response.text
        assert response.headers["X-Total-Count"] == "3"
        seen.extend(response.json())
        cursor = response.headers.get("X-Next-Cursor")
        if cursor is None:
            assert "Link" not in response.headers
            break
        # The next page's link carries the filter along.
        assert "label=Podium" in response.headers["Link"]
        params = {**params, "cursor": cursor}
    assert [q["text"] for q in seen] == ["P1?", "P2?", "P3?"]  # no upvotes: oldest first


def test_a_cursor_of_the_whole_list_stays_valid_with_the_filter(
    client: TestClient, event: EventFixture
) -> None:
    labelled(client, event)
    first = client.get(url(event), params={"limit": 2})  # P1?, L1?
    assert [q["text"] for q in first.json()] == ["P1?", "L1?"]
    cursor = first.headers["X-Next-Cursor"]
    rest = client.get(url(event), params={"label": "Podium", "cursor": cursor})
    assert rest.status_code == 200
    assert [q["text"] for q in rest.json()] == ["P2?", "P3?"]
    assert "X-Next-Cursor" not in rest.headers
    # And the filter's cursor works on the whole list.
    filtered = client.get(url(event), params={"label": "Podium", "limit": 1})
    after = client.get(url(event), params={"cursor": filtered.headers["X-Next-Cursor"]})
    assert [q["text"] for q in after.json()] == ["L1?", "P2?", "Ohne?", "P3?", "L2?"]


@pytest.mark.parametrize("label", ["Niemand", "podium", "", "   ", "Podium2"])
def test_a_label_the_event_does_not_have_is_a_400(
    client: TestClient, event: EventFixture, label: str
) -> None:
    labelled(client, event)
    response = client.get(url(event), params={"label": label})
    assert_error(response, 400, "invalid_label")
    assert "Kennzeichnung" in response.json()["error"]["message"]


def test_an_event_without_labels_refuses_every_label(
    client: TestClient, event: EventFixture
) -> None:
    assert ask(client, event, "Frage?")["type"] == "ack"
    assert_error(client.get(url(event), params={"label": "Podium"}), 400, "invalid_label")
    # A label taken off the event's list no longer filters, though questions still carry it.
    assert set_labels(client, event, ["Podium"]).status_code == 200
    (question,) = questions(client, event, moderator=True)
    assert patch(client, event, question["id"], {"label": "Podium"}).status_code == 200
    assert set_labels(client, event, []).status_code == 200
    response = client.get(url(event), params={"label": "Podium"}, headers=event.auth)
    assert_error(response, 400, "invalid_label")
