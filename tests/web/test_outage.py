"""A store outage answers 503 everywhere: a German page for browsers, the JSON error shape for
the API, never a 500 (live/service/outage.py turns every store failure into one error)."""

from __future__ import annotations

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from live.web.routes import routes
from tests.web.conftest import EventFixture, close_store, create_poll

ORIGIN = {"Origin": "http://testserver"}
# Pages that need no store at all.
# The static files and the API's description (live/web/openapi.py) come from memory; what is
# stored, the accessibility statement and Leichte Sprache are text (a barrier report goes to
# the log).
WITHOUT_STORE = {
    "/",
    "/static/{path:path}",
    "/api/v1/openapi.json",
    "/datenschutz-hinweise",
    "/barrierefreiheit",
    "/leichte-sprache",
}
# Answers of their own during an outage: the health check says what is down; the metrics
# (off here: 404) are read from memory.
OWN_ANSWER = {"/healthz", "/metrics"}
# Valid input where a form is checked before the store is asked (bad input is a 422 first).
FORMS = {"/events": {"title": "Tagung"}}


def every_route() -> list[tuple[str, str]]:
    """(method, path template) for every HTTP route of the routes table."""
    found: list[tuple[str, str]] = []
    for route in routes():
        inner = route.routes if isinstance(route, Mount) and route.path == "/api/v1" else [route]
        prefix = route.path if isinstance(route, Mount) else ""
        for r in inner:
            if isinstance(r, Route):
                found += [(m, prefix + r.path) for m in sorted(r.methods or ()) if m != "HEAD"]
    return found


def fill(template: str, event: EventFixture, poll_id: str) -> str:
    # "{number:int}" (a room's short link) is a convertor, not a format field.
    return template.replace("{number:int}", "1").format(
        code=event.code,
        room_id=event.room,
        poll_id=poll_id,
        question_id="q-unknown",
        idea_id="i-unknown",
        item_id="i-unknown",
        action="open",
    )


@pytest.mark.parametrize("organiser", [True, False], ids=["organiser", "nobody"])
def test_every_route_answers_503_while_the_store_is_down(
    client: TestClient, event: EventFixture, organiser: bool
) -> None:
    poll = create_poll(client, event)
    if organiser:
        client.cookies.set(f"live_m_{event.code}", event.token)
    close_store(client)
    headers = {**ORIGIN, **(event.auth if organiser else {})}
    checked = 0
    for method, template in every_route():
        if template in WITHOUT_STORE | OWN_ANSWER:
            continue
        path = fill(template, event, poll["id"])
        api = path.startswith("/api/")
        response = client.request(
            method,
            path,
            headers=headers,
            json={"title": "Tagung"} if api and method != "GET" else None,
            data=None if api else FORMS.get(path),
            params={"code": event.code} if path == "/join" else None,
        )
        assert response.status_code == 503, (method, path, response.status_code, response.text)
        if api:
            assert response.json()["error"]["code"] == "unavailable", path
        else:
            assert "text/html" in response.headers["content-type"], path
            assert "nicht erreichbar" in response.text, path
        checked += 1
    assert checked > 50
    assert client.get("/").status_code == 200  # the start page needs no store
    assert client.get("/static/live.css").status_code == 200
    assert client.get("/barrierefreiheit").status_code == 200
    report = client.post("/barrierefreiheit", data={"text": "Kontrast"}, headers=ORIGIN)
    assert report.status_code == 200 and "Danke!" in report.text
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_join_by_code_answers_503_not_500(client: TestClient, event: EventFixture) -> None:
    close_store(client)
    response = client.get("/join", params={"code": event.code})
    assert response.status_code == 503
    assert "Der Dienst ist gerade nicht erreichbar." in response.text
