"""Splitting a merged duplicate off again on the question's edit page (issue 24): the list of
its duplicates, the redirect to the console, and the German refusal that changes nothing."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.web.conftest import EventFixture
from tests.web.test_merge_page import edit_url
from tests.web.test_qa_queue import ORIGIN, ask, listed, moderator

__all__ = ["moderator"]  # the fixture


def merge(client: TestClient, event: EventFixture, target: str, source: str) -> None:
    done = client.post(
        edit_url(event, source, "merge"),
        data={"into": target},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def test_the_edit_page_lists_the_duplicates_and_splits_one_off(
    moderator: TestClient, event: EventFixture
) -> None:
    a, b, c = ask(moderator, event, "Wann kommt das Geld?", "Geld <bald>?", "Und das Geld?")
    merge(moderator, event, a, b)
    merge(moderator, event, a, c)
    page = moderator.get(edit_url(event, a))
    assert page.status_code == 200
    assert "Zusammengeführte Fragen" in page.text
    assert f'action="/e/{event.code}/moderate/questions/{b}/split"' in page.text
    assert "„Geld &lt;bald&gt;?“" in page.text  # the asker's text, escaped
    assert page.text.count(">Wieder trennen</button>") == 2
    # A question without duplicates has no such list.
    assert "Zusammengeführte Fragen" not in moderator.get(edit_url(event, b)).text
    done = moderator.post(edit_url(event, b, "split"), headers=ORIGIN, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/e/{event.code}/moderate?room={event.room}#mod-q-{b}"
    assert set(listed(moderator, event)) == {a, b}
    again = moderator.get(edit_url(event, a)).text
    assert f"/questions/{b}/split" not in again and f"/questions/{c}/split" in again
    # A repeat (the page of before, sent twice) changes nothing and goes back the same way.
    repeat = moderator.post(edit_url(event, b, "split"), headers=ORIGIN, follow_redirects=False)
    assert repeat.status_code == 303
    assert set(listed(moderator, event)) == {a, b}


def test_a_refused_split_shows_a_german_error_and_changes_nothing(
    moderator: TestClient, event: EventFixture
) -> None:
    a, b, c = ask(moderator, event, "Wann kommt das Geld?", "Geld?", "Und das Geld?")
    merge(moderator, event, b, c)  # c went into b, then b into a
    merge(moderator, event, a, b)
    page = moderator.post(edit_url(event, c, "split"), headers=ORIGIN)
    assert page.status_code == 422, page.text
    assert "Trennen Sie zuerst diese wieder ab." in page.text and 'role="alert"' in page.text
    assert list(listed(moderator, event)) == [a]
    missing = moderator.post(edit_url(event, "no-such-question", "split"), headers=ORIGIN)
    assert missing.status_code == 404
    # Without the moderator's cookie nothing happens either.
    moderator.cookies.clear()
    refused = moderator.post(edit_url(event, b, "split"), headers=ORIGIN, follow_redirects=False)
    assert refused.status_code in (303, 401, 403)
    assert len(listed(moderator, event)) == 1
