"""GET/PUT /api/v1/events/{code}/setup (live/web/api_setup.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, create_event


def setup_doc() -> dict[str, Any]:
    return {
        "format": "live-setup",
        "version": 1,
        "title": "Tag der kommunalen Jobcenter",
        "starts_on": "2026-11-21",
        "ends_on": "2026-11-22",
        "timezone": "Europe/Berlin",
        "rooms": [{"name": "Plenum"}, {"name": "Fachforum 1"}, {"name": "Fachforum 2"}],
        "agenda": [
            {
                "title": "Eröffnung",
                "room": "Plenum",
                "starts_at": "2026-11-21T09:00:00+01:00",
                "ends_at": "2026-11-21T09:30:00+01:00",
                "speaker": "Dr. Maria Muster",
                "polls": [
                    {
                        "question": "Wie sind Sie angereist?",
                        "kind": "single",
                        "options": ["Bahn", "Auto", "Rad"],
                        "min": None,
                        "max": None,
                        "visibility": "live",
                        "screen_results": "live",
                        "max_answers": 1,
                    }
                ],
            },
            {
                "title": "Digitalisierung im Jobcenter",
                "room": "Fachforum 2",
                "starts_at": "2026-11-22T13:30:00+01:00",
                "ends_at": "2026-11-22T15:00:00+01:00",
                "speaker": None,
                "polls": [
                    {
                        "question": "Wie zufrieden waren Sie mit diesem Forum?",
                        "kind": "scale",
                        "options": [],
                        "min": 1,
                        "max": 5,
                        "visibility": "after_vote",
                        "screen_results": "after_close",
                        "max_answers": 1,
                    }
                ],
            },
        ],
        "polls": [
            {
                "room": "Plenum",
                "question": "Wie hat Ihnen die Tagung gefallen?",
                "kind": "single",
                "options": ["begeistert", "zufrieden", "geht so"],
                "min": None,
                "max": None,
                "visibility": "after_vote",
                "screen_results": "live",
                "max_answers": 1,
            }
        ],
    }


def url(event: EventFixture) -> str:
    return f"/api/v1/events/{event.code}/setup"


def test_put_then_get(client: TestClient, event: EventFixture) -> None:
    response = client.put(url(event), json=setup_doc(), headers=event.auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["added"] == {"rooms": 1, "agenda_items": 2, "polls": 3}
    assert body["kept"] == {"agenda_items": 0, "polls": 0}
    # The event had "Plenum" and "Fachforum 1" (tests/web/conftest.py): matched by name.
    assert body["setup"] == setup_doc()
    assert client.get(url(event), headers=event.auth).json() == setup_doc()
    # Again: nothing added.
    again = client.put(url(event), json=setup_doc(), headers=event.auth).json()
    assert again["added"] == {"rooms": 0, "agenda_items": 0, "polls": 0}
    assert again["kept"] == {"agenda_items": 2, "polls": 3}
    assert again["setup"] == setup_doc()


def test_round_trip_into_a_fresh_event(client: TestClient, event: EventFixture) -> None:
    client.put(url(event), json=setup_doc(), headers=event.auth)
    exported = client.get(url(event), headers=event.auth).json()
    fresh = create_event(client, title="Leer", rooms=["Plenum", "Fachforum 1", "Fachforum 2"])
    response = client.put(url(fresh), json=exported, headers=fresh.auth)
    assert response.status_code == 200
    assert client.get(url(fresh), headers=fresh.auth).json() == exported
    # The prepared polls are drafts in the right rooms, not visible to the public yet.
    rooms = {r["name"]: r["id"] for r in client.get(f"/api/v1/events/{fresh.code}").json()["rooms"]}
    assert set(rooms) == {"Plenum", "Fachforum 1", "Fachforum 2"}


@pytest.mark.parametrize("method", ["get", "put"])
def test_needs_the_organiser(client: TestClient, event: EventFixture, method: str) -> None:
    call = getattr(client, method)
    kwargs: dict[str, Any] = {"json": setup_doc()} if method == "put" else {}
    response = call(url(event), **kwargs)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"
    response = call(url(event), headers={"Authorization": "Bearer wrong"}, **kwargs)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert client.get(url(event), headers=event.auth).json()["agenda"] == []


def test_unknown_event(client: TestClient, event: EventFixture) -> None:
    response = client.get("/api/v1/events/ZZZZZZ/setup", headers=event.auth)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "event_not_found"


@pytest.mark.parametrize(
    ("body", "code"),
    [(b"", "invalid_json"), (b"{kaputt", "invalid_json"), (b"[1]", "invalid_body")],
)
def test_malformed_body_is_400(
    client: TestClient, event: EventFixture, body: bytes, code: str
) -> None:
    response = client.put(url(event), content=body, headers=event.auth)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


def test_invalid_setup_is_422_with_every_problem_and_changes_nothing(
    client: TestClient, event: EventFixture
) -> None:
    before = client.get(url(event), headers=event.auth).json()
    doc = setup_doc()
    doc["version"] = 2
    doc["agenda"][0]["ends_at"] = "2026-11-21T08:00:00+01:00"
    doc["agenda"][1]["polls"][0]["max"] = 99
    doc["polls"][0]["colour"] = "rot"
    response = client.put(url(event), json=doc, headers=event.auth)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_setup"
    assert error["message"] == "Die Einrichtungsdatei enthält Fehler (4). Es wurde nichts geändert."
    assert [(d["where"], d["code"]) for d in error["details"]] == [
        ("Datei", "unsupported_version"),
        ("Programmpunkt 1, Feld „ends_at“", "end_before_start"),
        ("Programmpunkt 2, Abstimmung 1", "invalid_scale"),
        ("Abstimmung 1", "unknown_field"),
    ]
    assert error["details"][1]["message"] == "Das Ende muss nach dem Beginn liegen."
    assert client.get(url(event), headers=event.auth).json() == before
    assert len(client.get(f"/api/v1/events/{event.code}").json()["rooms"]) == 2


def test_english_messages(client: TestClient, event: EventFixture) -> None:
    doc = copy.deepcopy(setup_doc())
    doc["title"] = ""
    response = client.put(url(event) + "?lang=en", json=doc, headers=event.auth)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["code"] == "empty_title"


def test_too_large(client: TestClient, event: EventFixture) -> None:
    response = client.put(url(event), content=b" " * (1024 * 1024 + 1), headers=event.auth)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
