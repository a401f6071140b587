"""The conference report over HTTP: who may see it, the formats, and that a poll and a question
with its answer appear in every one of them."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.domain.models import AgendaItem
from live.static_files import asset
from tests.web.conftest import EventFixture, create_event, create_poll, enter, services_of
from tests.web.test_pages import login

API = "/api/v1"
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
HOSTILE = "<img src=x onerror=alert(1)> *x* =1+1"
PAGES = [
    "/e/{code}/report",
    "/e/{code}/report.md",
    "/e/{code}/report/questions.csv",
    "/e/{code}/report/export.json",
    "/e/{code}/report/polls/{poll}.csv",
]


def as_participant(client: TestClient, event: EventFixture, url: str, data: dict[str, str]) -> None:
    """A form post from a new anonymous participant (fresh cookie from the page)."""
    client.cookies.delete(f"live_p_{event.code}")
    enter(client, event)
    response = client.post(url, data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert "again" not in response.headers["location"]  # counted, not sent to the page


def call(client: TestClient, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a store coroutine on the app's event loop (setup the pages of other slices do)."""
    store = services_of(client).store
    return client.portal.call(lambda: getattr(store, fn)(*args, **kwargs))  # type: ignore[union-attr]


@pytest.fixture
def conference(client: TestClient) -> dict[str, Any]:
    """An event with a program, a poll with votes, an answered, a pending and a hidden question,
    applause and moods in the plenary, and a quiet forum."""
    event = create_event(client, title="Fachtag Ä", rooms=["Plenum", "Fachforum 1"])
    call(
        client,
        "update_event",
        event.code,
        title="Fachtag Ä",
        starts_on=date(2026, 11, 21),
        ends_on=None,
    )
    talk = AgendaItem(
        "talk1", event.code, event.room, "Eröffnung", T0, T0 + timedelta(hours=1), "Dr. Meier"
    )
    call(client, "add_agenda_item", talk)
    poll = create_poll(
        client,
        event,
        question="Wie gefällt Ihnen die Tagung?",
        options=["begeistert", "zufrieden", "enttäuscht"],
    )
    for choice in ("0", "1", "1"):
        as_participant(
            client, event, f"/e/{event.code}/polls/{poll['id']}/vote", {"choice": choice}
        )
    ask = f"/e/{event.code}/rooms/{event.room}/questions"
    for text in ("Wie geht es mit der Digitalisierung weiter?", "Noch offen?", "Geheim?"):
        as_participant(client, event, ask, {"text": text, "name": "Anna"})
    listed = client.get(
        f"{API}/events/{event.code}/rooms/{event.room}/questions", headers=event.auth
    ).json()
    by_text = {q["text"]: q["id"] for q in listed}
    first = by_text["Wie geht es mit der Digitalisierung weiter?"]
    answered = client.patch(
        f"{API}/events/{event.code}/questions/{first}",
        json={"state": "answered", "answer": "Schritt für Schritt.\nMit allen."},
        headers=event.auth,
    )
    assert answered.status_code == 200, answered.text
    client.patch(
        f"{API}/events/{event.code}/questions/{by_text['Geheim?']}",
        json={"state": "hidden"},
        headers=event.auth,
    )
    call(client, "record_applause", event.room, [(T0 + timedelta(minutes=12), 0.9)])
    as_participant(client, event, f"/e/{event.code}/rooms/{event.room}/mood", {"value": "4"})
    login(client, event)
    return {"event": event, "poll": poll, "question": by_text}


def test_report_needs_the_organiser(client: TestClient, conference: dict[str, Any]) -> None:
    event: EventFixture = conference["event"]
    urls = [u.format(code=event.code, poll=conference["poll"]["id"]) for u in PAGES]
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.cookies.delete(f"live_m_{event.code}")
    client.cookies.set(f"live_m_{event.code}", "wrong")
    for url in urls:
        assert client.get(url).status_code == 403, url
    client.cookies.delete(f"live_m_{event.code}")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 401, url
        assert "Traceback" not in response.text
    for url in PAGES:
        assert client.get(url.format(code="ZZZZZZ", poll="x")).status_code == 404


def test_unknown_poll_is_404(client: TestClient, conference: dict[str, Any]) -> None:
    event: EventFixture = conference["event"]
    assert client.get(f"/e/{event.code}/report/polls/nope.csv").status_code == 404
    other = create_event(client)
    foreign = create_poll(client, other)
    assert client.get(f"/e/{event.code}/report/polls/{foreign['id']}.csv").status_code == 404


def test_export_api_needs_the_bearer_token(client: TestClient, conference: dict[str, Any]) -> None:
    event: EventFixture = conference["event"]
    url = f"{API}/events/{event.code}/export.json"
    missing = client.get(url)  # the page cookie does not count for the API
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "unauthorized"
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.get(url, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "forbidden"
    unknown = client.get(f"{API}/events/ZZZZZZ/export.json", headers=event.auth)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "event_not_found"


def test_html_report(client: TestClient, conference: dict[str, Any]) -> None:
    event: EventFixture = conference["event"]
    response = client.get(f"/e/{event.code}/report")
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    html = response.text
    assert f'<link rel="stylesheet" href="{asset("report.css")}">' in html
    assert "Wie gefällt Ihnen die Tagung?" in html
    assert "33\u00a0% begeistert, 67\u00a0% zufrieden, 0\u00a0% enttäuscht" in html
    assert "Wie geht es mit der Digitalisierung weiter?" in html
    assert "Schritt für Schritt.\nMit allen." in html
    assert "Noch offen?" not in html and "Geheim?" not in html
    assert "Eröffnung" in html and "Dr. Meier" in html
    assert "0,90 (tosend) um 10:12" in html  # peak applause of the item, Berlin time
    assert "Samstag, 21. November 2026" in html
    assert html.count('role="img"') >= 3  # poll chart, applause and mood charts
    for link in (
        f"/e/{event.code}/report.md",
        f"/e/{event.code}/report/questions.csv",
        f"/e/{event.code}/report/export.json",
        f"/e/{event.code}/report/polls/{conference['poll']['id']}.csv",
    ):
        assert f'href="{link}"' in html


def test_html_report_in_english(client: TestClient, conference: dict[str, Any]) -> None:
    event: EventFixture = conference["event"]
    html = client.get(f"/e/{event.code}/report?lang=en").text
    assert '<html lang="en">' in html
    assert "33% begeistert" in html and "0.90" in html and "10:12\u202fAM" in html
    assert f'href="/e/{event.code}/report.md?lang=en"' in html


def test_markdown_report(client: TestClient, conference: dict[str, Any]) -> None:
    event: EventFixture = conference["event"]
    response = client.get(f"/e/{event.code}/report.md")
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{event.code}-bericht-fachtag-ae.md"'
    )
    text = response.text
    assert text.startswith("# Bericht: Fachtag Ä")
    assert "Ergebnis: 33\u00a0% begeistert, 67\u00a0% zufrieden, 0\u00a0% enttäuscht" in text
    assert "**Wie geht es mit der Digitalisierung weiter?** – Anna, 0 Stimmen, Beantwortet" in text
    assert "   > Schritt für Schritt.\n   > Mit allen." in text
    assert "Geheim?" not in text


def parse_csv(response: Any) -> list[list[str]]:
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_poll_csv(client: TestClient, conference: dict[str, Any]) -> None:
    event: EventFixture = conference["event"]
    response = client.get(f"/e/{event.code}/report/polls/{conference['poll']['id']}.csv")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{event.code}-abstimmung-wie-gefaellt-ihnen-die-tagung.csv"'
    )
    assert parse_csv(response) == [
        ["Antwort", "Stimmen", "Prozent"],
        ["begeistert", "1", "33"],
        ["zufrieden", "2", "67"],
        ["enttäuscht", "0", "0"],
    ]


def test_questions_csv(client: TestClient, conference: dict[str, Any]) -> None:
    event: EventFixture = conference["event"]
    response = client.get(f"/e/{event.code}/report/questions.csv")
    assert "filename=" in response.headers["content-disposition"]
    rows = parse_csv(response)
    assert rows[0] == [
        "Raum",
        "Frage",
        "Name",
        "Stimmen",
        "Status",
        "Antwort",
        "Gestellt am",
        "Kennzeichnung",
    ]
    assert rows[1][:6] == [
        "Plenum",
        "Wie geht es mit der Digitalisierung weiter?",
        "Anna",
        "0",
        "Beantwortet",
        "Schritt für Schritt.\nMit allen.",
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows[1][6])
    assert len(rows) == 2


def test_export_matches_the_contract_shapes(client: TestClient, conference: dict[str, Any]) -> None:
    event: EventFixture = conference["event"]
    response = client.get(f"{API}/events/{event.code}/export.json", headers=event.auth)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    public = client.get(f"{API}/events/{event.code}").json()
    keys = ("code", "title", "rooms", "brand", "join_code_required", "question_labels")
    assert {k: data[k] for k in keys} == public
    poll = client.get(
        f"{API}/events/{event.code}/polls/{conference['poll']['id']}", headers=event.auth
    ).json()
    # Results, not ballots: the records of `live export` (ballots, authors and upvoters under
    # pseudonyms) would link one person's votes and questions; the download leaves them out.
    assert data["polls"] == [{**poll, "agenda_item_id": None}]
    assert not {"participants", "screens", "logo"} & set(data)
    questions = client.get(
        f"{API}/events/{event.code}/rooms/{event.room}/questions", headers=event.auth
    ).json()
    assert sorted(data["questions"], key=lambda q: q["id"]) == sorted(
        questions, key=lambda q: q["id"]
    )  # every state: the export is the organiser's own data
    assert data["agenda"][0]["title"] == "Eröffnung"
    assert data["agenda"][0]["starts_at"] == "2026-11-21T09:00:00Z"
    plenary, forum = data["applause"]
    assert plenary == {"room_id": event.room, "levels": [["2026-11-21T09:12:00Z", 0.9]]}
    assert forum == {"room_id": event.rooms[1]["id"], "levels": []}
    assert data["mood"][0]["counts"] == [0, 0, 0, 1, 0]
    assert data["mood"][0]["average"] == 4.0 and len(data["mood"][0]["course"]) == 1
    part = data["participation"]
    assert part["participants"] >= 7  # 3 voters, 3 askers, 1 mood
    assert part["active"] == 7
    assert part["rooms"][0] == {
        "room_id": event.room,
        "voters": 3,
        "askers": 3,
        "mood_givers": 1,
        "active": 7,
    }
    assert data["starts_on"] == "2026-11-21" and data["timezone"] == "Europe/Berlin"
    # The page download is the same document.
    download = client.get(f"/e/{event.code}/report/export.json")
    assert download.headers["content-disposition"].startswith("attachment; filename=")
    page_data = json.loads(download.content)
    assert {k: v for k, v in page_data.items() if k != "exported_at"} == {
        k: v for k, v in data.items() if k != "exported_at"
    }


def test_user_text_is_escaped_in_every_format(client: TestClient) -> None:
    event = create_event(client, title=HOSTILE)
    poll = create_poll(client, event, question=HOSTILE, options=[HOSTILE, "b"])
    as_participant(client, event, f"/e/{event.code}/polls/{poll['id']}/vote", {"choice": "0"})
    login(client, event)
    html = client.get(f"/e/{event.code}/report").text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    text = client.get(f"/e/{event.code}/report.md").text
    assert re.search(r"(?<!\\)<img", text) is None
    assert "\\<img src=x onerror=alert(1)\\> \\*x\\* =1+1" in text
    rows = parse_csv(client.get(f"/e/{event.code}/report/polls/{poll['id']}.csv"))
    assert rows[1][0] == HOSTILE  # starts with "<": no formula, kept as it is
    assert (
        "<img"
        not in client.get(f"/e/{event.code}/report/polls/{poll['id']}.csv").headers[
            "content-disposition"
        ]
    )


def test_moderate_page_links_the_report(client: TestClient, event: EventFixture) -> None:
    login(client, event)
    html = client.get(f"/e/{event.code}/moderate").text
    assert f'href="/e/{event.code}/report"' in html


def test_empty_event_report(client: TestClient, event: EventFixture) -> None:
    login(client, event)
    html = client.get(f"/e/{event.code}/report").text
    assert "Keine veröffentlichten Fragen." in html
    assert client.get(f"/e/{event.code}/report.md").status_code == 200
    rows = parse_csv(client.get(f"/e/{event.code}/report/questions.csv"))
    assert len(rows) == 1
