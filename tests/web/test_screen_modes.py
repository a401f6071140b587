"""Projector control: the moderators choose what a room's screen shows, the screen follows live."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.domain.models import AgendaItem
from live.views.hyphenate import SHY
from tests.web.conftest import EventFixture, create_poll, run_in_app, services_of
from tests.web.test_questions_api import patch
from tests.web.test_roles import ask_question

HX = {"HX-Request": "true"}


def login(client: TestClient, event: EventFixture) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)


def set_mode(
    client: TestClient, event: EventFixture, mode: str, poll: str | None = None, **kw: Any
) -> Any:
    data = {"mode": mode} | ({"poll": poll} if poll else {})
    return client.post(
        f"/e/{event.code}/moderate/rooms/{kw.get('room', event.room)}/screen",
        data=data,
        headers=kw.get("headers", HX),
        follow_redirects=False,
    )


def stage(client: TestClient, event: EventFixture) -> str:
    # Soft hyphens in user text (live/views/hyphenate.py) dropped: the text as read.
    page = client.get(f"/e/{event.code}/screen?room={event.room}").text.replace(SHY, "")
    start = page.index('<section id="screen-stage"')
    return page[start : page.index("</section>", start)]


def pressed(html: str) -> list[str]:
    return re.findall(r'id="screen-mode-(\w+)"[^>]*aria-pressed="true"', html)


@pytest.fixture
def stocked(client: TestClient, event: EventFixture) -> dict[str, str]:
    """A room with an open choice poll, an open text poll with answers, a highlighted question."""
    login(client, event)
    choice = create_poll(client, event, question="Wie war der Vortrag?", visibility="live")
    text = create_poll(
        client, event, question="Ein Wort zum Tag?", kind="text", options=[], visibility="live"
    )
    from tests.web.conftest import join
    from tests.web.test_sockets import receive, receive_until, reply_to, vote, ws_url

    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        vote(ws, text["id"], "w", text="Netzwerk")
        receive_until(ws, reply_to("w"))
    qid = ask_question(client, event, event.room, "Wann gibt es die Folien?")
    assert patch(client, event, qid, {"state": "approved"}).status_code == 200
    assert patch(client, event, qid, {"highlighted": True}).status_code == 200
    return {"choice": choice["id"], "text": text["id"], "question": qid}


@pytest.mark.parametrize(
    ("mode", "pick", "expect", "absent"),
    [
        ("auto", None, "Wann gibt es die Folien?", "Wie war der Vortrag?"),
        ("join", None, 'data-idle="true"', "Wann gibt es die Folien?"),
        ("poll", "choice", "Wie war der Vortrag?", "Wann gibt es die Folien?"),
        ("question", None, "Wann gibt es die Folien?", "Wie war der Vortrag?"),
        ("applause", None, 'data-mode="applause"', "Wann gibt es die Folien?"),
        ("words", "text", "Netzwerk", "Wann gibt es die Folien?"),
        ("slide", None, "/screen/now?room=", "Wann gibt es die Folien?"),
    ],
)
def test_each_mode_shows_its_thing(
    client: TestClient,
    event: EventFixture,
    stocked: dict[str, str],
    mode: str,
    pick: str | None,
    expect: str,
    absent: str,
) -> None:
    response = set_mode(client, event, mode, stocked[pick] if pick else None)
    assert response.status_code == 200, response.text
    assert pressed(response.text) == [mode]  # the moderators see the current choice
    shown = stage(client, event)
    assert f'data-mode="{"question" if mode == "auto" else mode}"' in shown
    assert expect in shown
    assert absent not in shown
    if mode == "slide":
        assert "Tag der Jobcenter" in shown and "Plenum" in shown
    if mode == "words":
        assert 'class="word-cloud word-cloud-wall"' in shown


def test_mode_buttons_carry_their_shortcuts(client: TestClient, event: EventFixture) -> None:
    login(client, event)
    page = client.get(f"/e/{event.code}/moderate").text
    for mode, key in {
        "auto": "0",
        "join": "J",
        "poll": "P",
        "question": "F",
        "applause": "A",
        "words": "W",
        "slide": "S",
    }.items():
        assert re.search(rf'id="screen-mode-{mode}"[^>]*aria-keyshortcuts="{key}"', page), mode
        assert f"<li><kbd>{key}</kbd>" in page  # the visible help list
    assert "data-shortcuts-toggle" in page
    # No poll opened yet: the poll and word-cloud buttons are off, with the reason.
    assert re.search(r'id="screen-mode-poll"[^>]*disabled', page)
    assert "Noch keine geöffnete Freitext-Abstimmung." in page
    assert pressed(page) == ["auto"]


def test_bad_choices_change_nothing(
    client: TestClient, event: EventFixture, stocked: dict[str, str]
) -> None:
    draft = create_poll(client, event, open_it=False, question="Entwurf?")
    other = create_poll(client, event, room=event.rooms[1]["id"])
    for mode, poll, status, message in [
        ("disco", None, 422, "Diese Anzeige für die Leinwand gibt es nicht."),
        ("words", stocked["choice"], 422, "Eine Wortwolke gibt es nur für Freitext-Abstimmungen."),
        ("poll", draft["id"], 409, "Diese Abstimmung ist noch nicht geöffnet."),
        ("poll", other["id"], 404, "Diese Abstimmung gibt es nicht."),
        ("poll", "nope", 404, "Diese Abstimmung gibt es nicht."),
    ]:
        response = set_mode(client, event, mode, poll)
        assert response.status_code == status, (mode, response.text)
        assert message in response.text
        assert 'id="mod-screen"' in response.text
        assert pressed(response.text) == ["auto"]
    # Without JavaScript: the error page, and still nothing changed.
    plain = set_mode(client, event, "disco", headers={})
    assert plain.status_code == 422 and "Diese Anzeige" in plain.text
    assert 'data-mode="question"' in stage(client, event)


def test_poll_mode_without_a_pick_uses_the_poll_on_the_screen(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    response = set_mode(client, event, "poll")
    assert response.status_code == 422
    assert "Bitte wählen Sie eine Abstimmung." in response.text
    create_poll(client, event, question="Auf dem Schirm?")  # opening points the screen at it
    assert set_mode(client, event, "poll").status_code == 200
    assert "Auf dem Schirm?" in stage(client, event)
    words = set_mode(client, event, "words")
    assert words.status_code == 422
    assert "Bitte wählen Sie eine Freitext-Abstimmung für die Wortwolke." in words.text


def test_without_javascript_the_form_redirects_back(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    response = set_mode(client, event, "slide", headers={})
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.code}/moderate?room={event.room}"
    assert 'data-mode="slide"' in stage(client, event)


def test_opening_a_poll_and_highlighting_take_the_screen_back(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    set_mode(client, event, "applause")
    poll = create_poll(client, event, question="Frisch geöffnet?")
    shown = stage(client, event)
    assert 'data-mode="poll"' in shown and "Frisch geöffnet?" in shown
    set_mode(client, event, "slide")
    qid = ask_question(client, event, event.room, "Auf die Leinwand?")
    patch(client, event, qid, {"state": "approved"})
    patch(client, event, qid, {"highlighted": True})
    shown = stage(client, event)
    assert 'data-mode="question"' in shown and "Auf die Leinwand?" in shown
    page = client.get(f"/e/{event.code}/moderate").text
    assert pressed(page) == ["question"]
    # Showing a poll from its card fixes the screen on that poll.
    client.post(f"/e/{event.code}/moderate/polls/{poll['id']}/screen", headers=HX)
    assert pressed(client.get(f"/e/{event.code}/moderate").text) == ["poll"]


def test_the_screen_and_the_other_moderators_follow_live(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    screen_url = f"/e/{event.code}/rooms/{event.room}/live?view=screen"
    mod_url = f"/e/{event.code}/rooms/{event.room}/live?view=moderate"
    with client.websocket_connect(screen_url) as screen, client.websocket_connect(mod_url) as mod:
        assert 'data-mode="join"' in screen.receive_text()
        for _ in range(20):  # the moderator view's first frames
            if 'id="mod-screen"' in mod.receive_text():
                break
        set_mode(client, event, "applause")
        for _ in range(10):
            frame = screen.receive_text()
            if 'id="screen-stage"' in frame:
                break
        assert 'data-mode="applause"' in frame
        for _ in range(10):
            frame = mod.receive_text()
            if 'id="mod-screen"' in frame:
                break
        assert pressed(frame) == ["applause"]


def test_slide_program_by_the_service_clock(client: TestClient, event: EventFixture) -> None:
    services = services_of(client)
    nine = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    services.clock.now = lambda: nine + timedelta(minutes=10)
    items = [
        AgendaItem("a1", event.code, event.room, "Begrüßung", nine, nine + timedelta(minutes=30)),
        AgendaItem(
            "a2",
            event.code,
            event.room,
            "Digitale Akte",
            nine + timedelta(minutes=45),
            nine + timedelta(hours=2),
            speaker="Dr. Weber",
        ),
        AgendaItem(
            "a3", event.code, event.rooms[1]["id"], "Anderswo", nine, nine + timedelta(hours=1)
        ),
    ]
    for item in items:
        run_in_app(client, services.store.add_agenda_item, item)
    url = f"/e/{event.code}/screen/now?room={event.room}"
    now = client.get(url).text.replace(SHY, "")
    assert "Begrüßung" in now and "09:00–09:30" in now
    assert "Danach: 09:45" in now and "Digitale Akte" in now
    assert "Anderswo" not in now
    services.clock.now = lambda: nine + timedelta(hours=1)
    later = client.get(url).text.replace(SHY, "")
    assert "Digitale Akte" in later and "Dr. Weber" in later and "Begrüßung" not in later
    services.clock.now = lambda: nine + timedelta(days=1)
    assert "slide-title" not in client.get(url).text  # the day is over: nothing runs
    assert client.get(f"/e/{event.code}/screen/now?room=nope").status_code == 404
    assert client.get(f"/e/{event.code}/screen/now?room={event.room}&lang=en").status_code == 200


# --- the JSON switch (PUT /api/v1/events/{code}/rooms/{room_id}/screen) ---------------------


def put_screen(client: TestClient, event: EventFixture, body: Any, **kw: Any) -> Any:
    return client.put(
        f"/api/v1/events/{event.code}/rooms/{kw.get('room', event.room)}/screen",
        json=body,
        headers=kw.get("headers", event.auth),
    )


def test_the_api_switches_the_projector_like_the_buttons(
    client: TestClient, event: EventFixture, stocked: dict[str, str]
) -> None:
    response = put_screen(client, event, {"mode": "words", "poll_id": stocked["text"]})
    assert response.status_code == 200, response.text
    assert response.json() == {"room_id": event.room, "mode": "words", "poll_id": stocked["text"]}
    assert "Netzwerk" in stage(client, event)
    response = put_screen(client, event, {"mode": "slide"})
    assert response.json()["mode"] == "slide"
    assert 'data-mode="slide"' in stage(client, event)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"mode": "disco"}, 422, "invalid_screen_mode"),
        ({"mode": 7}, 422, "invalid_screen_mode"),
        ({}, 422, "invalid_screen_mode"),
        ({"mode": "words", "poll_id": "choice"}, 422, "not_a_text_poll"),
        ({"mode": "poll", "poll_id": "nope"}, 404, "poll_not_found"),
        ([1, 2], 400, "invalid_body"),
    ],
)
def test_the_api_switch_refuses_bad_input_and_changes_nothing(
    client: TestClient,
    event: EventFixture,
    stocked: dict[str, str],
    body: Any,
    status: int,
    code: str,
) -> None:
    if isinstance(body, dict) and body.get("poll_id") == "choice":
        body = {**body, "poll_id": stocked["choice"]}
    before = stage(client, event)
    response = put_screen(client, event, body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert stage(client, event) == before


def test_the_api_switch_needs_the_rooms_moderator(
    client: TestClient, event: EventFixture, stocked: dict[str, str]
) -> None:
    assert put_screen(client, event, {"mode": "join"}, headers={}).status_code == 401
    wrong = {"Authorization": "Bearer wrong"}
    assert put_screen(client, event, {"mode": "join"}, headers=wrong).status_code == 403
    link = client.post(
        f"/api/v1/events/{event.code}/rooms/{event.rooms[1]['id']}/moderator-link",
        headers=event.auth,
    ).json()
    other = {"Authorization": f"Bearer {link['moderator_token']}"}
    assert put_screen(client, event, {"mode": "join"}, headers=other).status_code == 403
    ok = put_screen(client, event, {"mode": "join"}, headers=other, room=event.rooms[1]["id"])
    assert ok.status_code == 200


# --- each room's own join link -----------------------------------------------------------


def test_a_rooms_screen_shows_the_short_link_into_that_room(
    client: TestClient, event: EventFixture
) -> None:
    second = event.rooms[1]["id"]
    page = client.get(f"/e/{event.code}/screen?room={second}").text
    assert f"testserver/e/{event.code}/2" in page
    assert f'aria-label="QR-Code zum Mitmachen: http://testserver/e/{event.code}/2"' in page
    response = client.get(f"/e/{event.code}/2", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.code}?room={second}"
    english = client.get(f"/e/{event.code}/1?lang=en", follow_redirects=False)
    assert english.headers["location"] == f"/e/{event.code}?room={event.room}&lang=en"
    # Lower-case codes work as everywhere; a number beyond the rooms leads to the room list.
    lower = client.get(f"/e/{event.code.lower()}/1", follow_redirects=False)
    assert lower.headers["location"] == f"/e/{event.code}?room={event.room}"
    beyond = client.get(f"/e/{event.code}/9", follow_redirects=False)
    assert beyond.headers["location"] == f"/e/{event.code}"
    assert client.get("/e/NOSUCH/1").status_code == 404
    # The links page lists the short links: the organiser every room's, a room's moderator
    # their own, numbered as on the projector.
    login(client, event)
    page = client.get(f"/e/{event.code}/links").text
    assert f">http://testserver/e/{event.code}/1</textarea>" in page
    assert f">http://testserver/e/{event.code}/2</textarea>" in page
    link = client.post(
        f"/api/v1/events/{event.code}/rooms/{second}/moderator-link", headers=event.auth
    ).json()
    client.cookies.clear()
    client.get(link["links"]["moderate"])  # the link's key goes into this browser's cookie
    room_page = client.get(f"/e/{event.code}/links").text
    assert f">http://testserver/e/{event.code}/2</textarea>" in room_page
    assert f"http://testserver/e/{event.code}/1<" not in room_page


# --- results on the projector: live by default, apart from the phones' setting ----------------


def test_the_projector_shows_live_results_unless_the_moderator_hides_them_there(
    client: TestClient, event: EventFixture
) -> None:
    # The phones' default ("after the own vote") does not keep the results off the wall.
    poll = create_poll(client, event, question="Wie war der Vortrag?")
    assert poll["visibility"] == "after_vote" and poll["screen_results"] == "live"
    results = stage(client, event)
    assert 'class="screen-bars"' in results and "Abstimmung läuft" in results
    assert "Das Ergebnis erscheint" not in results
    # Hidden on the projector until the poll closes: the number of votes only.
    url = f"/api/v1/events/{event.code}/polls/{poll['id']}"
    assert client.patch(url, json={"screen_results": "after_close"}, headers=event.auth).is_success
    hidden = stage(client, event)
    assert 'class="screen-bars"' not in hidden
    assert "Das Ergebnis erscheint, wenn die Abstimmung beendet ist." in hidden
    assert "0 Stimmen" in hidden
    # Closed: the result is there, and says so.
    client.post(f"{url}/close", headers=event.auth)
    closed = stage(client, event)
    assert 'class="screen-bars"' in closed and "Abstimmung beendet" in closed
