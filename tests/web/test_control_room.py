"""The organiser's control room: every room's presence, open poll, pending questions, applause and
projector at a glance, re-read by the page every couple of seconds."""

from __future__ import annotations

import json
import re

from starlette.testclient import TestClient

from live.static_files import asset
from live.views.hyphenate import SHY
from tests.web.conftest import EventFixture, create_poll, join
from tests.web.test_roles import ask_question, room_link
from tests.web.test_sockets import receive, receive_until, reply_to, vote, ws_url


def card(html: str, room_id: str) -> str:
    start = html.index(f'id="control-{room_id}"')
    return re.sub(r"\s+", " ", html[start : html.index("</li>", start)])


def text(html: str) -> str:
    """The visible text, tags and soft hyphens dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(SHY, "")


def test_control_room_is_the_organisers(client: TestClient, event: EventFixture) -> None:
    for url in (f"/e/{event.code}/control", f"/e/{event.code}/control/rooms"):
        assert client.get(url).status_code == 401
        token = room_link(client, event, event.room)
        client.cookies.set(f"live_r_{event.code}_{event.room}", token)
        assert client.get(url).status_code == 401  # a room link is not enough
        client.cookies.clear()
        client.cookies.set(f"live_m_{event.code}", "falsch")
        assert client.get(url).status_code == 403
        client.cookies.set(f"live_m_{event.code}", event.token)
        assert client.get(url).status_code == 200
        client.cookies.clear()


def test_control_room_shows_every_room(client: TestClient, event: EventFixture) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)
    forum = event.rooms[1]["id"]
    poll = create_poll(client, event, question="Wie war der Vormittag?")
    ask_question(client, event, forum, "Erste Frage?")
    ask_question(client, event, forum, "Zweite Frage?")
    page = client.get(f"/e/{event.code}/control")
    assert page.status_code == 200
    assert "Leitstand" in page.text
    assert f'href="{asset("control.css")}"' in page.text
    # The fragment the page re-reads every 2 s (htmx polling: correct with several workers).
    assert f'hx-get="/e/{event.code}/control/rooms"' in page.text
    assert 'hx-trigger="every 2s"' in page.text
    plenum, forum_card = card(page.text, event.room), card(page.text, forum)
    assert "Wie war der Vormittag? – 0 Stimmen" in text(plenum)
    assert "Abstimmungsergebnis – Wie war der Vormittag? (automatisch)" in text(plenum)
    assert f'href="/e/{event.code}/moderate?room={event.room}"' in plenum
    assert f'href="/e/{event.code}/screen?room={event.room}"' in plenum
    assert re.search(r'class="control-pending">0<', plenum)
    assert re.search(r'class="control-pending">2<', forum_card)
    assert "keine" in forum_card  # no open poll there
    assert "Beitrittscode und QR-Code (automatisch)" in text(forum_card)
    assert re.search(r'id="total-pending">2<', page.text)

    # A vote, presence and applause show up on the next read.
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        vote(ws, poll["id"], "v", choices=[0])
        receive_until(ws, reply_to("v"))
        ws.send_text(json.dumps({"type": "applause", "grade": 5}))
        receive_until(ws, lambda m: m["type"] == "applause" and m["clappers"] == 1)
        fragment = client.get(f"/e/{event.code}/control/rooms").text
    assert fragment.startswith('<div id="control-rooms"')
    plenum = card(fragment, event.room)
    assert "Wie war der Vormittag? – 1 Stimme" in text(plenum)
    assert re.search(r'class="control-present">1<', plenum)
    # Applause in words (not by colour alone): one of one present claps at full strength.
    assert "tosend" in plenum and "1 Person klatscht" in text(plenum)
    assert "control-meter level-5" in plenum
    # The total is the rooms' sum (the two who asked in the forum are still counted there
    # for a few seconds: presence fades after the board's PRESENCE_TTL).
    per_room = [int(n) for n in re.findall(r'class="control-present">(\d+)<', fragment)]
    assert re.search(rf'id="total-present">{sum(per_room)}<', fragment) and sum(per_room) >= 1


def test_control_room_names_a_fixed_projector_mode(client: TestClient, event: EventFixture) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)
    client.post(
        f"/e/{event.code}/moderate/rooms/{event.room}/screen",
        data={"mode": "applause"},
        headers={"HX-Request": "true"},
    )
    fragment = client.get(f"/e/{event.code}/control/rooms").text
    assert "Applaus-Anzeige" in text(card(fragment, event.room))
    assert "(automatisch)" not in text(card(fragment, event.room))
