"""Issue 21, "visible and reversible": the projector's rotating join code (event option), the
poll option "only participants who joined before it opened", and what the console shows (the
voters per poll, the burst warning). The clock is stepped, never waited for."""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.domain import join_code
from live.domain.bursts import BURST_MIN_BALLOTS
from tests.web.conftest import (
    EventFixture,
    create_event,
    create_poll,
    join,
    make_client,
    run_in_app,
    services_of,
)
from tests.web.test_sockets import receive, receive_until, reply_to, ws_url

API = "/api/v1"
ORIGIN = {"Origin": "http://testserver"}
# The start of a minute: the join code's windows line up with it.
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def set_clock(client: TestClient, moment: datetime) -> None:
    services_of(client).clock.now = functools.partial(lambda at: at, moment)


def require_code(client: TestClient, event: EventFixture, required: bool = True) -> str | None:
    response = client.patch(
        f"{API}/events/{event.code}", json={"join_code_required": required}, headers=event.auth
    )
    assert response.status_code == 200, response.text
    assert response.json()["join_code_required"] is required
    stored = run_in_app(client, services_of(client).store.get_event, event.code)
    assert stored is not None
    return stored.join_code_secret


def code_at(secret: str, moment: datetime) -> str:
    return join_code.current_code(secret, moment)


def participants(client: TestClient, event: EventFixture) -> int:
    count: int = run_in_app(client, services_of(client).store.participant_count, event.code)
    return count


# --- the join code: the JSON API ------------------------------------------------------------


def test_the_api_join_needs_the_current_or_the_previous_code(
    client: TestClient, event: EventFixture
) -> None:
    set_clock(client, T0 + timedelta(seconds=20))
    secret = require_code(client, event)
    assert secret is not None
    assert client.get(f"{API}/events/{event.code}").json()["join_code_required"] is True
    url = f"{API}/events/{event.code}/join"

    missing = client.post(url)
    assert missing.status_code == 403
    assert missing.json()["error"]["code"] == "join_code_required"
    current = code_at(secret, T0)
    wrong = f"{(int(current) + 5000) % 10000:04d}"
    refused = client.post(url, json={"join_code": wrong})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "join_code_wrong"
    assert participants(client, event) == 0  # refusals create nobody

    assert client.post(url, json={"join_code": current}).status_code == 201
    # A minute on, the code shown before is still taken (someone was typing it) ...
    set_clock(client, T0 + timedelta(seconds=80))
    assert client.post(url, json={"join_code": current}).status_code == 201
    assert (
        client.post(url, json={"join_code": code_at(secret, T0 + timedelta(minutes=1))}).status_code
        == 201
    )
    # ... two minutes on it is stale.
    set_clock(client, T0 + timedelta(seconds=140))
    if current not in {code_at(secret, T0 + timedelta(minutes=m)) for m in (1, 2)}:
        stale = client.post(url, json={"join_code": current})
        assert stale.status_code == 403
        assert stale.json()["error"]["code"] == "join_code_wrong"
    assert participants(client, event) == 3


def test_without_the_option_the_api_join_needs_no_code(
    client: TestClient, event: EventFixture
) -> None:
    assert client.get(f"{API}/events/{event.code}").json()["join_code_required"] is False
    assert client.post(f"{API}/events/{event.code}/join").status_code == 201
    secret = require_code(client, event)
    assert require_code(client, event, False) is None
    assert secret is not None
    assert client.post(f"{API}/events/{event.code}/join").status_code == 201


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_the_event_option_takes_a_bool(
    client: TestClient, event: EventFixture, value: object
) -> None:
    response = client.patch(
        f"{API}/events/{event.code}",
        json={"join_code_required": value, "brand_color": "#123456"},
        headers=event.auth,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_join_code_required"
    # Nothing changed, not even the valid colour.
    assert client.get(f"{API}/events/{event.code}").json()["brand"]["color"] is None


def test_switching_the_code_on_again_makes_a_new_secret(
    client: TestClient, event: EventFixture
) -> None:
    first = require_code(client, event)
    assert require_code(client, event) == first  # on stays on
    require_code(client, event, False)
    assert require_code(client, event) not in (None, first)


# --- the join code: the participant page ----------------------------------------------------


def test_the_participant_page_asks_for_the_code_once(
    client: TestClient, event: EventFixture
) -> None:
    set_clock(client, T0)
    secret = require_code(client, event)
    assert secret is not None
    page = f"/e/{event.code}?room={event.room}"
    asked = client.get(page)
    assert asked.status_code == 200
    assert '<label for="join-code">Code von der Leinwand eingeben</label>' in asked.text
    assert f"live_p_{event.code}" not in asked.headers.get("set-cookie", "")
    current = code_at(secret, T0)
    wrong = f"{(int(current) + 5000) % 10000:04d}"
    refused = client.get(f"{page}&code={wrong}")
    assert refused.status_code == 403
    assert "Dieser Code stimmt nicht (mehr)" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert participants(client, event) == 0

    joined = client.get(f"{page}&code={current[:2]} {current[2:]}")
    assert joined.status_code == 200
    assert 'id="join-code"' not in joined.text
    assert client.cookies.get(f"live_p_{event.code}")
    # With the cookie, an hour later: never asked again.
    set_clock(client, T0 + timedelta(hours=1))
    again = client.get(page)
    assert again.status_code == 200 and 'id="join-code"' not in again.text
    assert participants(client, event) == 1


def test_the_short_link_of_the_qr_code_carries_the_code(
    client: TestClient, event: EventFixture
) -> None:
    response = client.get(f"/e/{event.code}/2?code=1234&lang=en", follow_redirects=False)
    assert response.headers["location"] == (
        f"/e/{event.code}?room={event.rooms[1]['id']}&lang=en&code=1234"
    )
    junk = client.get(f"/e/{event.code}/1?code=<x>", follow_redirects=False)
    assert "code" not in junk.headers["location"].split("?", 1)[1]


def test_a_page_action_without_a_cookie_needs_the_code_too(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event)
    require_code(client, event)
    response = client.post(
        f"/e/{event.code}/polls/{poll['id']}/vote",
        data={"choice": "0"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    # Counted nothing, made nobody: sent to the participant page, which asks for the code.
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert 'id="join-code"' in page.text
    assert participants(client, event) == 0
    assert client.get(f"{API}/events/{event.code}/polls/{poll['id']}").json()["results"][
        "counts"
    ] == [0, 0, 0]


# --- the join code: the projector -----------------------------------------------------------


def test_the_projector_shows_the_code_and_its_qr_carries_it(
    client: TestClient, event: EventFixture
) -> None:
    set_clock(client, T0)
    screen = f"/e/{event.code}/screen?room={event.room}"
    plain = client.get(screen).text
    assert "Zugangscode" not in plain
    assert f'/screen/join?room={event.room}" hx-trigger="every 5s"' in plain
    secret = require_code(client, event)
    assert secret is not None
    shown = client.get(screen).text
    current = code_at(secret, T0)
    assert f'<strong class="code access-code">{current}</strong>' in shown
    assert f"testserver/e/{event.code}/1?code={current}" in shown  # the QR code's URL
    # A minute later the refresh brings the next code, out of band, in all three places.
    set_clock(client, T0 + timedelta(minutes=1))
    refresh = client.get(f"/e/{event.code}/screen/join?room={event.room}")
    assert refresh.headers["cache-control"] == "no-store"
    nxt = code_at(secret, T0 + timedelta(minutes=1))
    assert refresh.text.count('hx-swap-oob="true"') == 3
    assert f'<span class="code access-code">{nxt}</span>' in refresh.text
    assert f"/1?code={nxt}" in refresh.text
    # The organiser's printable cards carry no code: it would be stale when scanned.
    client.cookies.set(f"live_m_{event.code}", event.token)
    assert "?code=" not in client.get(f"/e/{event.code}/links").text


def test_the_setup_page_switches_the_code(client: TestClient, event: EventFixture) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)
    page = client.get(f"/e/{event.code}/setup").text
    assert 'name="join_code_required"' in page
    response = client.post(
        f"/e/{event.code}/setup/join-code",
        data={"join_code_required": "1"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert client.get(f"{API}/events/{event.code}").json()["join_code_required"] is True
    after = client.get(response.headers["location"]).text
    assert "Neue Teilnehmende brauchen jetzt den Code von der Leinwand." in after
    assert re.search(r'id="join-code-required"[^>]* checked', after)
    client.post(f"/e/{event.code}/setup/join-code", data={}, headers=ORIGIN)
    assert client.get(f"{API}/events/{event.code}").json()["join_code_required"] is False


# --- only participants who joined before the poll opened ------------------------------------


def socket_vote(
    client: TestClient, event: EventFixture, token: str, poll_id: str
) -> dict[str, Any]:
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        ws.send_text(
            json.dumps({"type": "vote", "request_id": "v1", "poll_id": poll_id, "choices": [0]})
        )
        answer: dict[str, Any] = receive_until(ws, reply_to("v1"))
        return answer


@pytest.mark.parametrize("protected", [True, False])
def test_a_late_identity_counts_only_without_the_option(
    client: TestClient, event: EventFixture, protected: bool
) -> None:
    set_clock(client, T0)
    early = join(client, event)
    poll = create_poll(client, event, open_it=False, joined_before_only=protected)
    assert poll["joined_before_only"] is protected
    set_clock(client, T0 + timedelta(minutes=1))
    client.post(f"{API}/events/{event.code}/polls/{poll['id']}/open", headers=event.auth)
    set_clock(client, T0 + timedelta(minutes=2))
    late = join(client, event)
    assert socket_vote(client, event, early, poll["id"])["type"] == "ack"
    answer = socket_vote(client, event, late, poll["id"])
    counts = client.get(f"{API}/events/{event.code}/polls/{poll['id']}").json()["results"]
    if protected:
        assert answer["type"] == "error" and answer["code"] == "joined_after_opening"
        assert counts["counts"] == [1, 0, 0] and counts["voters"] == 1
    else:
        assert answer["type"] == "ack"
        assert counts["counts"] == [2, 0, 0] and counts["voters"] == 2


def test_the_page_says_why_a_late_vote_is_refused(client: TestClient, event: EventFixture) -> None:
    set_clock(client, T0)
    poll = create_poll(client, event, joined_before_only=True)
    set_clock(client, T0 + timedelta(minutes=2))
    client.get(f"/e/{event.code}?room={event.room}")  # joins, after the opening
    response = client.post(
        f"/e/{event.code}/polls/{poll['id']}/vote",
        data={"choice": "1"},
        headers={**ORIGIN, "HX-Request": "true"},
    )
    assert response.status_code == 403
    assert "nur Teilnehmende mitmachen, die vor ihrem Öffnen beigetreten sind" in response.text
    results = client.get(f"{API}/events/{event.code}/polls/{poll['id']}").json()["results"]
    assert results["voters"] == 0


def test_the_option_is_changed_with_patch_and_checked(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event)
    url = f"{API}/events/{event.code}/polls/{poll['id']}"
    bad = client.patch(url, json={"joined_before_only": "ja"}, headers=event.auth)
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_joined_before_only"
    done = client.patch(url, json={"joined_before_only": True}, headers=event.auth)
    assert done.status_code == 200 and done.json()["joined_before_only"] is True
    assert client.get(url).json()["joined_before_only"] is True


# --- the console ----------------------------------------------------------------------------


def test_the_console_shows_voters_the_option_and_the_burst_warning(
    client: TestClient, event: EventFixture
) -> None:
    set_clock(client, T0)
    regulars = [join(client, event) for _ in range(3)]
    poll = create_poll(client, event, open_it=False)
    set_clock(client, T0 + timedelta(minutes=1))
    client.post(f"{API}/events/{event.code}/polls/{poll['id']}/open", headers=event.auth)
    for token in regulars:
        socket_vote(client, event, token, poll["id"])
    client.cookies.set(f"live_m_{event.code}", event.token)
    console = f"/e/{event.code}/moderate?room={event.room}"
    calm = client.get(console).text
    assert "3 Personen haben abgestimmt" in calm
    assert "burst-warning" not in calm
    # A script: one new identity per ballot, all within a few seconds after the opening.
    for n in range(BURST_MIN_BALLOTS + 1):
        set_clock(client, T0 + timedelta(minutes=1, seconds=30, milliseconds=100 * n))
        token = join(client, event)
        socket_vote(client, event, token, poll["id"])
    stuffed = client.get(console).text
    voters = 3 + BURST_MIN_BALLOTS + 1
    assert f"{voters} Personen haben abgestimmt" in stuffed
    warning = re.search(r'<p class="burst-warning">(.*?)</p>', stuffed, re.S)
    assert warning is not None
    assert f"{BURST_MIN_BALLOTS + 1} Stimmen kommen" in warning.group(1)
    assert "Achtung:" in warning.group(1)
    # The run sheet says it too, and names the option once it is on.
    client.patch(
        f"{API}/events/{event.code}/polls/{poll['id']}",
        json={"joined_before_only": True},
        headers=event.auth,
    )
    sheet = client.get(f"/e/{event.code}/moderate/rooms/{event.room}/run-sheet").text
    assert f"{voters} Personen haben abgestimmt" in sheet
    assert "Achtung: viele neue Teilnehmende in Sekunden" in sheet
    assert "nur vor dem Öffnen Beigetretene" in sheet


def test_the_console_switches_the_option(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event)
    client.cookies.set(f"live_m_{event.code}", event.token)
    switch = f"/e/{event.code}/moderate/polls/{poll['id']}/joined-before"
    htmx = {**ORIGIN, "HX-Request": "true"}
    response = client.post(switch, data={"joined_before_only": "1"}, headers=htmx)
    assert response.status_code == 200
    assert "Wer abstimmen darf, wurde umgestellt." in response.text
    url = f"{API}/events/{event.code}/polls/{poll['id']}"
    assert client.get(url).json()["joined_before_only"] is True
    client.post(switch, data={}, headers=htmx)  # the box unticked: not sent
    assert client.get(url).json()["joined_before_only"] is False


def test_the_poll_form_creates_a_protected_poll(client: TestClient, event: EventFixture) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)
    page = client.get(f"/e/{event.code}/moderate?room={event.room}").text
    assert 'id="pf-joined-before"' in page
    form = {"question": "Wahl?", "kind": "single", "options": "A\nB", "visibility": "live"}
    response = client.post(
        f"/e/{event.code}/moderate/rooms/{event.room}/polls",
        data={**form, "joined_before_only": "1"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    polls = run_in_app(client, services_of(client).store.list_polls, event.room)
    assert [p.joined_before_only for p in polls] == [True]


# --- the report -----------------------------------------------------------------------------


def test_the_report_states_the_voters_and_the_protections(
    client: TestClient, event: EventFixture
) -> None:
    set_clock(client, T0)
    voters = [join(client, event) for _ in range(3)]
    first = create_poll(client, event, joined_before_only=True)
    for token in voters:
        socket_vote(client, event, token, first["id"])
    # A second poll in the other room: two of the same three vote (3 people overall).
    second = create_poll(client, event, room=event.rooms[1]["id"])
    with client.websocket_connect(ws_url(event, voters[0], event.rooms[1]["id"])) as ws:
        receive(ws)
        ws.send_text(
            json.dumps({"type": "vote", "request_id": "v", "poll_id": second["id"], "choices": [1]})
        )
        assert receive_until(ws, reply_to("v"))["type"] == "ack"
    join(client, event)  # joined, never voted
    client.cookies.set(f"live_m_{event.code}", event.token)
    html = client.get(f"/e/{event.code}/report").text
    figures = dict(re.findall(r"<div><dt>(.*?)</dt><dd>(.*?)</dd></div>", html))
    assert figures["Teilnehmende (beigetreten)"] == "4"
    assert figures["Abgestimmt (Personen, alle Abstimmungen)"] == "3"
    assert figures["Beitritt nur mit dem Code von der Leinwand"] == "nein"
    assert figures["Abstimmungen nur für vor dem Öffnen Beigetretene"] == "1 von 2"
    assert "3 Personen haben abgestimmt · nur Teilnehmende, die vor dem Öffnen beigetreten" in html
    require_code(client, event)
    markdown = client.get(f"/e/{event.code}/report.md").text
    assert "- Beitritt nur mit dem Code von der Leinwand: ja" in markdown
    assert "- Abgestimmt (Personen, alle Abstimmungen): 3" in markdown
    assert "1 Person hat abgestimmt" in markdown
    export = client.get(f"{API}/events/{event.code}/export.json", headers=event.auth).json()
    assert export["participation"]["voters"] == 3
    assert export["join_code_required"] is True
    assert [p["joined_before_only"] for p in export["polls"]] == [True, False]


def test_showing_the_code_form_is_free_and_wrong_codes_are_spent_from_the_join_budget(
    tmp_path: Path,
) -> None:
    """A phone that has no code yet only sees the form (nobody is made, nothing is spent); a
    wrong code is a join refused, and counts against the address's budget like one: so the four
    digits cannot be guessed faster than LIVE_JOIN_PER_MINUTE."""
    with make_client(tmp_path, join_per_minute=3) as client:
        set_clock(client, T0 + timedelta(seconds=20))
        event = create_event(client)
        secret = require_code(client, event)
        assert secret is not None
        url = f"{API}/events/{event.code}/join"
        for _ in range(5):
            assert client.post(url).json()["error"]["code"] == "join_code_required"
            assert 'id="join-code"' in client.get(f"/e/{event.code}?room={event.room}").text
        current = code_at(secret, T0)
        wrong = f"{(int(current) + 5000) % 10000:04d}"
        for _ in range(3):
            assert client.post(url, json={"join_code": wrong}).json()["error"]["code"] == (
                "join_code_wrong"
            )
        spent = client.post(url, json={"join_code": current})
        assert spent.status_code == 429
        assert spent.json()["error"]["code"] == "too_many_joins"
        assert participants(client, event) == 0
