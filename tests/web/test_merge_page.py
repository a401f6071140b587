"""Merging a duplicate on the question's edit page (issue 24): the choice of questions, the
redirect to the console, and German errors at the field that change nothing."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, create_event
from tests.web.test_qa_queue import ORIGIN, ask, listed, moderator

__all__ = ["moderator"]  # the fixture


def edit_url(event: EventFixture, qid: str, what: str = "edit") -> str:
    return f"/e/{event.code}/moderate/questions/{qid}/{what}"


def test_the_edit_page_offers_the_other_questions(
    moderator: TestClient, event: EventFixture
) -> None:
    a, b = ask(moderator, event, "Wann kommt <das> Geld?", "Geld?")
    page = moderator.get(edit_url(event, b))
    assert page.status_code == 200
    assert "Doppelte Frage zusammenführen" in page.text
    assert (
        f'<option value="{a}">Wann kommt &lt;das&gt; Geld? (0 Unterstützungen)</option>'
        in page.text
    )
    assert f'<option value="{b}">' not in page.text  # not into itself


def test_merging_on_the_page_goes_back_to_the_console(
    moderator: TestClient, event: EventFixture
) -> None:
    a, b = ask(moderator, event, "Wann kommt das Geld?", "Geld?")
    done = moderator.post(
        edit_url(event, b, "merge"), data={"into": a}, headers=ORIGIN, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/e/{event.code}/moderate?room={event.room}#mod-q-{a}"
    assert list(listed(moderator, event)) == [a]


def test_refused_merges_show_a_german_error_and_change_nothing(
    moderator: TestClient, event: EventFixture
) -> None:
    a, b = ask(moderator, event, "Wann kommt das Geld?", "Geld?")
    for into, words in [
        ("", "Bitte wählen Sie die Frage"),
        (b, "nicht mit sich selbst"),
        ("no-such-question", "Diese Frage gibt es nicht."),
    ]:
        page = moderator.post(edit_url(event, b, "merge"), data={"into": into}, headers=ORIGIN)
        assert page.status_code in (404, 422), page.text
        assert words in page.text and 'aria-invalid="true"' in page.text
    assert set(listed(moderator, event)) == {a, b}


def test_merging_across_rooms_is_refused_on_the_page(client: TestClient) -> None:
    event = create_event(client, rooms=["Saal", "Forum"])
    client.cookies.set(f"live_m_{event.code}", event.token)
    (a,) = ask(client, event, "Im Saal?")
    other = EventFixture(event.code, event.token, event.rooms[1:])
    (x,) = ask(client, other, "Im Forum?")
    page = client.post(edit_url(event, x, "merge"), data={"into": a}, headers=ORIGIN)
    assert page.status_code == 422 and "Nur Fragen desselben Raums" in page.text


def test_the_report_names_the_duplicates_under_the_merged_question(
    moderator: TestClient, event: EventFixture
) -> None:
    a, b, c = ask(moderator, event, "Wann kommt das Geld?", "Geld?", "Und das Geld?")
    for qid in (a, b, c):
        moderator.post(f"/e/{event.code}/moderate/questions/{qid}/approve", headers=ORIGIN)
    for target, source in ((b, c), (a, b)):  # a chain: c went into b, b into a
        merged = moderator.post(
            edit_url(event, source, "merge"), data={"into": target}, headers=ORIGIN
        )
        assert merged.status_code == 200  # followed the redirect to the console
    report = moderator.get(f"/e/{event.code}/report")
    assert report.status_code == 200
    assert "Zusammengeführt mit: „Geld?“, „Und das Geld?“" in report.text
    markdown = moderator.get(f"/e/{event.code}/report.md")
    assert "Zusammengeführt mit: „Geld?“, „Und das Geld?“" in markdown.text


def test_the_report_names_each_questions_label(moderator: TestClient, event: EventFixture) -> None:
    api = "/api/v1"
    moderator.patch(
        f"{api}/events/{event.code}", json={"question_labels": ["Herr Lang"]}, headers=event.auth
    )
    (qid,) = ask(moderator, event, "Was ändert sich?")
    body = {"state": "approved", "label": "Herr Lang"}
    assert (
        moderator.patch(
            f"{api}/events/{event.code}/questions/{qid}", json=body, headers=event.auth
        ).json()["label"]
        == "Herr Lang"
    )
    assert "Kennzeichnung: Herr Lang" in moderator.get(f"/e/{event.code}/report").text
    assert "Kennzeichnung: Herr Lang" in moderator.get(f"/e/{event.code}/report.md").text
