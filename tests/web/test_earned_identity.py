"""Identity is earned, and budgeted (issue 21): a page action without a participant cookie
makes no participant and counts nothing; new identities (the participant page's first load,
the API's join) are budgeted per client address; the client address comes from
X-Forwarded-For only when a trusted proxy sent it."""

from __future__ import annotations

from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import (
    EventFixture,
    create_event,
    create_poll,
    enter,
    make_client,
    run_in_app,
    services_of,
)

HX = {"HX-Request": "true"}
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
NOT_COUNTED = "Ihre Eingabe wurde nicht gezählt"
TOO_MANY = "Aus Ihrem Netz sind gerade sehr viele Teilnehmende auf einmal beigetreten."


def stop_the_clock(client: TestClient) -> list[datetime]:
    """The services' clock held at T0; the test steps it through the returned cell."""
    now = [T0]
    services_of(client).clock.now = lambda: now[0]
    return now


def participants(client: TestClient, event: EventFixture) -> int:
    count: int = run_in_app(client, services_of(client).store.participant_count, event.code)
    return count


def results(client: TestClient, event: EventFixture, poll_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/events/{event.code}/polls/{poll_id}", headers=event.auth)
    data: dict[str, Any] = response.json()["results"]
    return data


def questions(client: TestClient, event: EventFixture) -> list[dict[str, Any]]:
    url = f"/api/v1/events/{event.code}/rooms/{event.room}/questions"
    listed: list[dict[str, Any]] = client.get(url, headers=event.auth).json()
    return listed


def api_join(client: TestClient, code: str, headers: dict[str, str] | None = None) -> Any:
    return client.post(f"/api/v1/events/{code}/join", headers=headers or {})


# --- a page action without the cookie counts nothing --------------------------------------


def test_cookieless_stuffing_counts_nothing_and_makes_no_participant(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event)
    # One real phone asks a question (so there is one to upvote) and is the one participant.
    enter(client, event)
    asked = client.post(f"/e/{event.code}/rooms/{event.room}/questions", data={"text": "Wann?"})
    assert asked.status_code == 200
    qid = questions(client, event)[0]["id"]
    client.patch(
        f"/api/v1/events/{event.code}/questions/{qid}",
        json={"state": "approved"},
        headers=event.auth,
    )
    assert participants(client, event) == 1

    page = f"/e/{event.code}?room={event.room}&again=1"
    actions = [
        (f"/e/{event.code}/polls/{poll['id']}/vote", {"choice": "1"}),
        (f"/e/{event.code}/rooms/{event.room}/questions", {"text": "Gekaufte Frage?"}),
        (f"/e/{event.code}/questions/{qid}/upvote", {"up": "1"}),
        (f"/e/{event.code}/rooms/{event.room}/mood", {"value": "5"}),
    ]
    # A script without cookies, and one with a made-up cookie: each action 30 times, plain
    # form posts (sent to the page) and htmx posts (told to load the page).
    for cookie in (None, "erfunden"):
        client.cookies.clear()
        if cookie is not None:
            client.cookies.set(f"live_p_{event.code}", cookie)
        for path, data in actions:
            for _ in range(15):
                response = client.post(path, data=data, follow_redirects=False)
                assert response.status_code == 303, response.text
                assert response.headers["location"] == page
                assert "set-cookie" not in response.headers
                response = client.post(path, data=data, headers=HX, follow_redirects=False)
                assert response.status_code == 204
                assert response.headers["hx-redirect"] == page

    assert results(client, event, poll["id"])["counts"] == [0, 0, 0]
    assert results(client, event, poll["id"])["voters"] == 0
    assert [(q["text"], q["upvotes"]) for q in questions(client, event)] == [("Wann?", 0)]
    export = client.get(f"/api/v1/events/{event.code}/export.json", headers=event.auth).json()
    mood = next(m for m in export["mood"] if m["room_id"] == event.room)
    assert mood["counts"] == [0, 0, 0, 0, 0]
    # The report counts the one phone, as the store does.
    assert export["participation"]["participants"] == 1
    assert participants(client, event) == 1


def test_a_browser_gets_its_cookie_from_the_page_and_counts_once(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event)
    vote = f"/e/{event.code}/polls/{poll['id']}/vote"
    # The phone that lost its cookie: its vote sends it to the page, which says so and gives
    # it one; the vote sent again counts.
    response = client.post(vote, data={"choice": "1"})
    assert response.status_code == 200
    assert str(response.url).endswith("&again=1")
    assert NOT_COUNTED in response.text
    assert client.cookies.get(f"live_p_{event.code}")
    response = client.post(vote, data={"choice": "1"})
    assert response.status_code == 200
    assert NOT_COUNTED not in response.text
    assert results(client, event, poll["id"])["counts"] == [0, 1, 0]
    assert participants(client, event) == 1
    # The English page says it in English.
    page = client.get(f"/e/{event.code}?room={event.room}&again=1&lang=en").text
    assert NOT_COUNTED not in page and "was not counted" in page
    assert "again=1" not in page.split('lang="en"', 1)[1].split("lang-switch", 1)[-1][:400]


# --- the join budget ---------------------------------------------------------------------


@pytest.fixture
def budgeted(tmp_path: Path) -> Generator[TestClient]:
    with make_client(tmp_path) as c:  # the default budget: 300 a minute
        yield c


def test_the_301st_join_in_a_minute_is_refused_until_the_minute_is_over(
    budgeted: TestClient,
) -> None:
    client = budgeted
    now = stop_the_clock(client)
    event = create_event(client)
    for n in range(300):
        assert api_join(client, event.code).status_code == 201, n
    refused = api_join(client, event.code)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_joins"
    assert refused.headers["retry-after"] == "60"
    # The participant page makes identities too, from the same budget: a German page.
    page = client.get(f"/e/{event.code}?room={event.room}")
    assert page.status_code == 429
    assert TOO_MANY in page.text and '<html lang="de">' in page.text
    assert page.headers["retry-after"] == "60"
    assert f"live_p_{event.code}" not in page.headers.get("set-cookie", "")
    assert participants(client, event) == 300
    # In English on request.
    english = client.get(f"/e/{event.code}?room={event.room}&lang=en")
    assert english.status_code == 429 and "joined from your network" in english.text

    now[0] = T0 + timedelta(seconds=59)
    assert api_join(client, event.code).headers["retry-after"] == "1"
    now[0] = T0 + timedelta(seconds=60)
    assert api_join(client, event.code).status_code == 201
    assert enter(client, event)
    assert participants(client, event) == 302


def test_a_phone_that_has_its_cookie_is_never_refused(budgeted: TestClient) -> None:
    client = budgeted
    stop_the_clock(client)
    event = create_event(client)
    poll = create_poll(client, event)
    enter(client, event)
    phone_cookie = dict(client.cookies)
    client.cookies.clear()
    for _ in range(299):
        api_join(client, event.code)
    assert api_join(client, event.code).status_code == 429
    client.cookies.update(phone_cookie)
    assert client.get(f"/e/{event.code}?room={event.room}").status_code == 200
    response = client.post(f"/e/{event.code}/polls/{poll['id']}/vote", data={"choice": "0"})
    assert response.status_code == 200
    assert results(client, event, poll["id"])["counts"] == [1, 0, 0]


# --- the client address behind a proxy --------------------------------------------------------


def forwarded(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


@pytest.mark.parametrize(
    ("host", "trusted", "honoured"),
    [
        ("127.0.0.1", ("127.0.0.1", "::1"), True),  # the default: a proxy on this machine
        ("10.1.2.3", ("10.0.0.0/8",), True),  # a proxy network the operator named
        ("203.0.113.5", ("127.0.0.1", "::1"), False),  # anyone else cannot choose its address
        ("127.0.0.1", (), False),  # LIVE_FORWARDED_ALLOW_IPS="": nobody is trusted
    ],
)
def test_the_forwarded_address_counts_only_from_a_trusted_proxy(
    tmp_path: Path, host: str, trusted: tuple[str, ...], honoured: bool
) -> None:
    with make_client(tmp_path, host=host, join_per_minute=1, forwarded_allow_ips=trusted) as client:
        stop_the_clock(client)
        code = create_event(client).code
        assert api_join(client, code, forwarded("198.51.100.1")).status_code == 201
        # Another client behind the proxy has a budget of its own, if the header is believed.
        other = api_join(client, code, forwarded("198.51.100.2"))
        assert other.status_code == (201 if honoured else 429)
        # The same one again is refused either way.
        assert api_join(client, code, forwarded("198.51.100.1")).status_code == 429


def test_a_client_cannot_spoof_its_way_past_a_trusted_proxy(tmp_path: Path) -> None:
    """nginx appends the address it saw to what the client sent: the rightmost untrusted
    entry is the client, whatever it wrote in front."""
    with make_client(tmp_path, host="127.0.0.1", join_per_minute=1) as client:
        stop_the_clock(client)
        code = create_event(client).code
        assert api_join(client, code, forwarded("198.51.100.7")).status_code == 201
        spoofed = forwarded("192.0.2.1, 198.51.100.7")
        assert api_join(client, code, spoofed).status_code == 429


def test_live_serve_leaves_the_forwarded_header_to_the_app(
    live_server_factory: Any,
) -> None:
    """A real `live serve`: uvicorn's own proxy handling (which trusts 127.0.0.1 by default)
    is off, so with no proxy trusted the header changes nothing."""
    import json
    import urllib.error
    import urllib.request

    server = live_server_factory(env={"LIVE_JOIN_PER_MINUTE": "1", "LIVE_FORWARDED_ALLOW_IPS": ""})

    def post(path: str, headers: dict[str, str]) -> tuple[int, Any]:
        body = b'{"title": "Hinter dem Proxy"}'
        headers = {"Content-Type": "application/json", **headers}
        request = urllib.request.Request(
            server.url + path, data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    status, event = post("/api/v1/events", {})
    assert status == 201
    join = f"/api/v1/events/{event['code']}/join"
    assert post(join, forwarded("198.51.100.1"))[0] == 201
    status, body = post(join, forwarded("198.51.100.2"))
    assert status == 429 and body["error"]["code"] == "too_many_joins"
