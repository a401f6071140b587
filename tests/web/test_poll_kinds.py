"""Issue 24's poll kinds over the JSON interface: ranking and points polls created over REST,
voted over the socket (ack, errors in the contract's shape, nothing counted twice), results
with "points" and "first"; scale polls with end labels."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, create_poll, join
from tests.web.test_pages import HX, api_poll, assert_html, login, vote
from tests.web.test_sockets import receive, receive_until, reply_to, ws_url
from tests.web.test_sockets import vote as ws_vote
from tests.web.test_text_polls import api, error_code

TOPICS = ["Personal", "Digitalisierung", "Sprache", "Wohnen"]


def results_of(client: TestClient, event: EventFixture, poll_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/events/{event.code}/polls/{poll_id}")
    assert response.status_code == 200, response.text
    results: dict[str, Any] = response.json()["results"]
    return results


def send(ws: Any, poll_id: str, request_id: str, **fields: Any) -> dict[str, Any]:
    ws_vote(ws, poll_id, request_id, **fields)
    reply: dict[str, Any] = receive_until(ws, reply_to(request_id))
    return reply


def test_a_ranking_poll_over_rest_and_socket(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, kind="ranking", options=TOPICS, max_ranked=3)
    assert (poll["kind"], poll["max_ranked"], poll["options"]) == ("ranking", 3, TOPICS)
    assert "budget" not in poll
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        assert send(ws, poll["id"], "a", ranking=[1, 0, 2])["type"] == "ack"
        # Too many places, a place twice, the wrong field: errors, nothing changes.
        for request_id, fields in [
            ("b", {"ranking": [0, 1, 2, 3]}),
            ("c", {"ranking": [1, 1]}),
            ("d", {"choices": [0]}),
        ]:
            reply = send(ws, poll["id"], request_id, **fields)
            assert (reply["type"], reply["code"]) == ("error", "invalid_ranking")
        # A repeated request id is acknowledged again and not counted twice.
        assert send(ws, poll["id"], "a", ranking=[3, 2, 1])["type"] == "ack"
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        assert send(ws, poll["id"], "e", ranking=[1])["type"] == "ack"
    results = results_of(client, event, poll["id"])
    # Four options: places are worth 3, 2, 1; the unranked option 0.
    assert results["points"] == [2, 6, 1, 0]
    assert results["first"] == [0, 2, 0, 0]
    assert results["counts"] == [1, 2, 1, 0]
    assert results["voters"] == 2
    assert sum(results["percents"]) == 100


def test_a_points_poll_refuses_more_than_the_budget(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event, kind="points", options=TOPICS[:3])
    assert poll["budget"] == 100 and "max_ranked" not in poll
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        reply = send(ws, poll["id"], "a", points=[60, 50, 0])
        assert (reply["type"], reply["code"]) == ("error", "over_budget")
        assert "110" in reply["message"]
        assert results_of(client, event, poll["id"])["voters"] == 0
        assert send(ws, poll["id"], "b", points=[60, 40, 0])["type"] == "ack"
        # Changed: the new ballot replaces the old one.
        assert send(ws, poll["id"], "c", points=[0, 10, 90])["type"] == "ack"
    results = results_of(client, event, poll["id"])
    assert (results["points"], results["counts"], results["voters"]) == ([0, 10, 90], [0, 1, 1], 1)
    assert "first" not in results


def test_bad_settings_of_the_new_kinds_get_the_error_shape(
    client: TestClient, event: EventFixture
) -> None:
    path = f"/rooms/{event.room}/polls"
    base = {"question": "Was ist wichtig?", "options": TOPICS}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"kind": "ranking", "max_ranked": 5}, "invalid_max_ranked"),
        ({"kind": "ranking", "max_ranked": "2"}, "invalid_max_ranked"),
        ({"kind": "points", "budget": 0}, "invalid_budget"),
        ({"kind": "points", "budget": 100.5}, "invalid_budget"),
        ({"kind": "scale", "max_label": "x" * 41}, "invalid_scale_label"),
    ]
    for extra, code in cases:
        assert error_code(api(client, event, "POST", path, {**base, **extra})) == code


def test_scale_end_labels_over_rest(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(
        client,
        event,
        kind="scale",
        options=[],
        min=1,
        max=5,
        min_label="trifft nicht zu",
        max_label="trifft voll zu",
    )
    assert (poll["min_label"], poll["max_label"]) == ("trifft nicht zu", "trifft voll zu")
    plain = create_poll(client, event, kind="scale", options=[])
    assert (plain["min_label"], plain["max_label"]) == (None, None)


# --- pages: the console's form, the phone's ballots, the projector -----------------------------


def test_the_console_creates_ranking_points_and_labelled_scale_polls(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    url = f"/e/{event.code}/moderate/rooms/{event.room}/polls"
    forms = [
        {"kind": "ranking", "options": "\n".join(TOPICS), "max_ranked": "2"},
        {"kind": "points", "options": "\n".join(TOPICS), "budget": "10"},
        {"kind": "scale", "scale_min": "1", "scale_max": "5", "scale_min_label": "trifft nicht zu"},
    ]
    for form in forms:
        data = {"question": f"Frage {form['kind']}?", "visibility": "live", **form}
        response = client.post(url, data=data, headers=HX, follow_redirects=False)
        assert_html(response, 200)
    polls = {p["kind"]: p for p in api(client, event, "GET", "/export.json").json()["polls"]}
    assert polls["ranking"]["max_ranked"] == 2
    assert polls["points"]["budget"] == 10
    assert (polls["scale"]["min_label"], polls["scale"]["max_label"]) == ("trifft nicht zu", None)
    # A budget out of range: the German message next to its field, nothing created.
    data = {"question": "Zu viel?", "kind": "points", "options": "a\nb", "budget": "5000"}
    response = client.post(url, data=data, headers=HX, follow_redirects=False)
    assert response.status_code == 422
    assert 'id="pf-budget-error"' in response.text
    assert "1 bis 1000 Punkte" in response.text


def test_a_phone_ranks_by_form_and_each_move_without_javascript_is_saved(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event, kind="ranking", options=TOPICS[:3], visibility="live")
    page = client.get(f"/e/{event.code}?room={event.room}")
    html = assert_html(page, 200)
    assert 'class="ranking"' in html and "Reihenfolge senden" in html
    assert html.count('name="ranking"') == 3
    # Without JavaScript: "nach oben" on the third option posts the order shown plus the move.
    form = {"ranking": ["0", "1", "2"], "move": "2:up"}
    response = vote(client, event, poll["id"], form)
    assert response.status_code == 303
    results = api_poll(client, event, poll["id"])["results"]
    assert results["points"] == [2, 0, 1]
    # The page now shows that order: Personal, Sprache, Digitalisierung.
    html = client.get(f"/e/{event.code}?room={event.room}").text
    assert html.index('data-option="2"') < html.index('data-option="1"')
    # With htmx, sent as shown: the stage comes back with the announcement.
    response = vote(client, event, poll["id"], {"ranking": ["1", "0", "2"]}, headers=HX)
    assert "Ihre Reihenfolge wurde gespeichert." in assert_html(response, 200)
    assert api_poll(client, event, poll["id"])["results"]["points"] == [1, 2, 0]
    # A tampered order is refused with a German message and changes nothing.
    response = vote(client, event, poll["id"], {"ranking": ["1", "1", "x"]}, headers=HX)
    assert response.status_code == 422
    assert api_poll(client, event, poll["id"])["results"]["points"] == [1, 2, 0]


def test_a_phone_spreads_points_and_gets_a_clear_error_over_budget(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event, kind="points", options=TOPICS[:3], budget=10)
    html = assert_html(client.get(f"/e/{event.code}?room={event.room}"), 200)
    assert "Noch 10 von 10 Punkten übrig." in html
    response = vote(client, event, poll["id"], {"points": ["6", "5", ""]}, headers=HX)
    assert response.status_code == 422
    assert "Sie haben 11 Punkte verteilt, erlaubt sind höchstens 10." in response.text
    response = vote(client, event, poll["id"], {"points": ["6", "", "4"]}, headers=HX)
    body = assert_html(response, 200)
    assert "Noch 0 von 10 Punkten übrig." in body
    assert api_poll(client, event, poll["id"])["results"]["points"] == [6, 0, 4]


def test_the_projector_shows_the_order_with_points_and_scale_labels(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event, kind="ranking", options=TOPICS[:3])
    client.get(f"/e/{event.code}?room={event.room}")  # the participant's cookie
    assert vote(client, event, poll["id"], {"ranking": ["2", "0", "1"]}).status_code == 303
    html = assert_html(client.get(f"/e/{event.code}/screen?room={event.room}"), 200)
    results = html.split('id="screen-results"', 1)[1]
    assert results.index("Sprache") < results.index("Personal") < results.index("Digitalisierung")
    assert "2 Punkte" in results and "1-mal auf Platz 1" in results
    create_poll(
        client,
        event,
        kind="scale",
        options=[],
        min_label="trifft nicht zu",
        max_label="trifft voll zu",
    )
    phone = client.get(f"/e/{event.code}?room={event.room}").text
    assert "1 = trifft nicht zu" in phone and "5 = trifft voll zu" in phone
    screen = client.get(f"/e/{event.code}/screen?room={event.room}").text
    assert "1 = trifft nicht zu" in screen


def test_the_overlay_and_the_console_show_points_in_order(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event, kind="points", options=TOPICS[:3], budget=10)
    client.get(f"/e/{event.code}?room={event.room}")  # the participant's cookie
    assert vote(client, event, poll["id"], {"points": ["1", "0", "9"]}).status_code == 303
    overlay = client.get(f"/e/{event.code}/overlay?room={event.room}&parts=results").text
    overlay = overlay.replace("\u00ad", "")  # soft hyphens in option texts
    results = overlay.split('id="overlay-results"', 1)[1]
    assert results.index("Platz 1:") < results.index("Sprache") < results.index("Personal")
    assert "9 Punkte" in results
    login(client, event)
    console = client.get(f"/e/{event.code}/moderate?room={event.room}").text
    assert "Platz 1:" in console and "9 Punkte" in console
