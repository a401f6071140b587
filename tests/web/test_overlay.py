"""The stream overlay (GET /e/{code}/overlay) and the moderators' overlay-link builder: which
markup each choice of parts gives, that the overlay has no control at all, its live regions,
and the framing headers that let the builder preview it."""

from __future__ import annotations

import html
import itertools
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.domain.models import AgendaItem
from live.static_files import asset
from live.views.hyphenate import SHY
from live.views.overlay import PARTS
from tests.web.conftest import EventFixture, create_poll, join, run_in_app, services_of
from tests.web.test_questions_api import patch
from tests.web.test_sockets import receive, receive_until, reply_to, vote, ws_url

ALL_PARTS = [combo for n in range(1, len(PARTS) + 1) for combo in itertools.combinations(PARTS, n)]
# What the overlay must never contain: it is a picture in a video, nobody can operate it.
CONTROLS = re.compile(
    r"<(button|input|select|textarea|details|summary)\b|<a\s[^>]*href|tabindex=|contenteditable",
    re.IGNORECASE,
)


def overlay(client: TestClient, event: EventFixture, query: str = "") -> str:
    response = client.get(f"/e/{event.code}/overlay?room={event.room}&{query}")
    assert response.status_code == 200, response.text[:2000]
    # As read: soft hyphens in user text (live/views/hyphenate.py) show only at a line end.
    return response.text.replace(SHY, "")


def element(page: str, element_id: str) -> str:
    """The start tag of the element with that id ("" when there is none)."""
    match = re.search(rf'<[a-z]+ id="{element_id}"[^>]*>', page) or re.search(
        rf'<[a-z]+ [^>]*id="{element_id}"[^>]*>', page
    )
    return match.group(0) if match else ""


def ask(client: TestClient, event: EventFixture, text: str, name: str | None = None) -> str:
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        message = {"type": "ask", "request_id": "q", "text": text}
        if name:
            message["name"] = name
        ws.send_text(json.dumps(message))
        assert receive_until(ws, reply_to("q"))["type"] == "ack"
    listed = client.get(
        f"/api/v1/events/{event.code}/rooms/{event.room}/questions", headers=event.auth
    ).json()
    qid: str = next(q["id"] for q in listed if q["text"] == text)
    assert patch(client, event, qid, {"state": "approved"}).status_code == 200
    return qid


def cast(client: TestClient, event: EventFixture, poll_id: str, **ballot: Any) -> None:
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        vote(ws, poll_id, "v", **ballot)
        assert receive_until(ws, reply_to("v"))["type"] == "ack"


def show_on_screen(client: TestClient, event: EventFixture, mode: str, poll: str = "") -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)
    response = client.post(
        f"/e/{event.code}/moderate/rooms/{event.room}/screen",
        data={"mode": mode} | ({"poll": poll} if poll else {}),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.text


# --- no controls, only the chosen parts -----------------------------------------------------


@pytest.mark.parametrize("parts", ALL_PARTS, ids=lambda p: "+".join(p))
def test_every_choice_of_parts_has_its_containers_and_no_control(
    client: TestClient, event: EventFixture, parts: tuple[str, ...]
) -> None:
    page = overlay(client, event, f"parts={','.join(parts)}")
    main = page[page.index("<main") : page.index("</main>")]
    assert not CONTROLS.search(page), CONTROLS.search(page)
    assert "Live verbunden" not in page and 'class="connection"' not in page
    assert "Zum Inhalt springen" not in page  # no skip link: nothing to skip to
    assert bool(element(main, "overlay-results")) == ("results" in parts)
    assert bool(element(main, "overlay-question")) == ("question" in parts)
    assert bool(element(main, "overlay-lower-third")) == ("lower-third" in parts)
    # The applause region is always there (the sound needs it); its plate only when chosen.
    assert element(main, "applause")
    applause_plate = re.search(r'<div class="overlay-panel overlay-applause"[^>]*>', main)
    assert applause_plate is not None
    assert ("hidden" in applause_plate.group(0)) == ("applause" not in parts)
    # The socket is asked for exactly these parts.
    socket = html.unescape(re.search(r'ws-connect="([^"]*)"', page).group(1))  # type: ignore[union-attr]
    assert socket.endswith("&parts=" + ",".join(p for p in PARTS if p in parts))


def test_the_default_is_the_applause_meter_with_sound_bottom_left(
    client: TestClient, event: EventFixture
) -> None:
    page = overlay(client, event)
    tag = re.search(r'<div class="overlay"[^>]*>', page).group(0)  # type: ignore[union-attr]
    assert 'data-position="bottom-left"' in tag
    assert "data-applause-autostart" in tag and "data-applause-silent" not in tag
    assert "view=overlay" in tag and "parts=applause" in tag
    assert 'id="applause-level"' in page and "data-applause-meter" in page
    assert "overlay-results" not in page and "overlay-question" not in page
    assert f'<link rel="stylesheet" href="{asset("overlay.css")}">' in page


def test_sound_off_starts_no_audio_and_position_is_taken(
    client: TestClient, event: EventFixture
) -> None:
    page = overlay(client, event, "sound=off&position=top-right")
    tag = re.search(r'<div class="overlay"[^>]*>', page).group(0)  # type: ignore[union-attr]
    assert "data-applause-silent" in tag and "data-applause-autostart" not in tag
    assert 'data-position="top-right"' in tag


@pytest.mark.parametrize(
    "query",
    [
        "parts=%3Cscript%3E&sound=%22&position=%3Cb%3E",
        "parts=&sound=&position=",
        "parts=results&parts=nonsense&position=middle&sound=maybe",
        "parts=" + "x" * 5000,
    ],
)
def test_nonsense_in_the_url_gives_the_defaults_never_an_error(
    client: TestClient, event: EventFixture, query: str
) -> None:
    page = overlay(client, event, query)
    assert "<script>" not in page and "<b>" not in page
    assert 'data-position="bottom-left"' in page


# --- the parts' content -----------------------------------------------------------------------


def test_results_show_the_poll_on_the_projector_and_follow_it(
    client: TestClient, event: EventFixture
) -> None:
    # Nothing on the projector: the results plate is there, empty and hidden.
    assert "hidden" in element(overlay(client, event, "parts=results"), "overlay-results")
    options = [f"Möglichkeit Nummer {i} mit etwas längerem Text" for i in range(1, 13)]
    poll = create_poll(client, event, question="Welche Themen?", options=options, visibility="live")
    cast(client, event, poll["id"], choices=[2])
    page = overlay(client, event, "parts=results")
    assert "hidden" not in element(page, "overlay-results")
    assert "Welche Themen?" in page
    assert page.count('class="bar-row"') == 12
    assert "100\u00a0%" in page and "1 Stimme" in page
    # The word cloud, when the projector shows one.
    text = create_poll(
        client, event, question="Ein Wort?", kind="text", options=[], visibility="live"
    )
    cast(client, event, text["id"], text="Netzwerk")
    show_on_screen(client, event, "words", text["id"])
    page = overlay(client, event, "parts=results")
    assert 'class="word-cloud' in page and "Netzwerk" in page and "Welche Themen?" not in page
    # The projector on the join code: no results on the overlay either.
    show_on_screen(client, event, "join")
    assert "hidden" in element(overlay(client, event, "parts=results"), "overlay-results")


def test_question_shows_the_highlighted_one_with_its_name(
    client: TestClient, event: EventFixture
) -> None:
    assert "hidden" in element(overlay(client, event, "parts=question"), "overlay-question")
    long_text = ("Wie wollen Sie die Zusammenarbeit der Jobcenter mit den Arbeitgebern " * 5)[:300]
    qid = ask(client, event, long_text, name="Renate Köhler")
    assert "hidden" in element(overlay(client, event, "parts=question"), "overlay-question")
    assert patch(client, event, qid, {"highlighted": True}).status_code == 200
    page = overlay(client, event, "parts=question")
    tag = element(page, "overlay-question")
    assert "hidden" not in tag and "very-long" in tag
    assert long_text in html.unescape(page) and "Renate Köhler" in page
    # Without a name: "Anonym".
    other = ask(client, event, "Gibt es Kaffee?")
    assert patch(client, event, other, {"highlighted": True}).status_code == 200
    page = overlay(client, event, "parts=question")
    assert "Gibt es Kaffee?" in page and "Anonym" in page and "Renate" not in page


def test_the_lower_third_follows_the_agenda_by_the_service_clock(
    client: TestClient, event: EventFixture
) -> None:
    services = services_of(client)
    nine = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    services.clock.now = lambda: nine + timedelta(minutes=10)
    run_in_app(
        client,
        services.store.add_agenda_item,
        AgendaItem(
            "a1",
            event.code,
            event.room,
            "Digitale Akte im Alltag",
            nine,
            nine + timedelta(hours=1),
            speaker="Dr. Weber",
        ),
    )
    page = overlay(client, event, "parts=lower-third")
    lower = page[page.index('id="overlay-lower-third"') :]
    assert 'hx-get="/e/' in element(page, "overlay-lower-third")
    for text in ("Digitale Akte im Alltag", "Dr. Weber", "Tag der Jobcenter", "Plenum"):
        assert text in lower
    # After the slot: the event and the room only; the page's refresh asks overlay/now.
    services.clock.now = lambda: nine + timedelta(hours=2)
    now = client.get(f"/e/{event.code}/overlay/now?room={event.room}")
    assert now.status_code == 200
    read = now.text.replace(SHY, "")
    assert "Digitale Akte" not in read
    assert "Tag der Jobcenter" in read and "Plenum" in read
    assert client.get(f"/e/{event.code}/overlay/now?room=nope").status_code == 404


# --- live regions -------------------------------------------------------------------------------


def frames_until(ws: Any, wanted: set[str], limit: int = 30) -> dict[str, str]:
    """Region frames by root id, until every id in ``wanted`` has come."""
    seen: dict[str, str] = {}
    for _ in range(limit):
        frame = ws.receive_text()
        match = re.match(r'\s*<[a-z]+ id="([^"]+)"', frame) or re.search(r'id="([^"]+)"', frame)
        assert match, frame[:200]
        seen[match.group(1)] = frame
        if wanted <= seen.keys():
            return seen
    raise AssertionError(f"only {sorted(seen)} of {sorted(wanted)}")


def test_the_socket_sends_only_the_chosen_parts(client: TestClient, event: EventFixture) -> None:
    """Overlays with other parts in one room, at the same time: each gets its own regions (one
    render per choice of parts, never another overlay's)."""
    poll = create_poll(client, event, question="Kaffee oder Tee?", options=["Kaffee", "Tee"])
    base = f"/e/{event.code}/rooms/{event.room}/live?view=overlay"
    with (
        client.websocket_connect(base) as default,
        client.websocket_connect(base + "&parts=results,question") as both,
    ):
        first = default.receive_text()
        assert 'id="applause"' in first and "overlay-" not in first
        seen = frames_until(both, {"overlay-results", "overlay-question", "applause"})
        assert len(seen) == 3
        # A vote changes the results: only the overlay showing them hears of it.
        cast(client, event, poll["id"], choices=[0])
        for _ in range(30):
            if "1 Stimme" in both.receive_text():
                break
        else:
            raise AssertionError("no results update")
        # Then applause: the default overlay's next frame is the meter, nothing before it.
        with client.websocket_connect(ws_url(event, join(client, event))) as clapper:
            receive(clapper)
            clapper.send_text(json.dumps({"type": "applause", "grade": 5}))
            frame = default.receive_text()
        assert 'id="applause"' in frame and "overlay-" not in frame and "Kaffee" not in frame


def test_results_and_question_update_live(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, question="Kaffee oder Tee?", options=["Kaffee", "Tee"])
    url = f"/e/{event.code}/rooms/{event.room}/live?view=overlay&parts=results,question"
    with client.websocket_connect(url) as ws:
        frames_until(ws, {"overlay-results", "overlay-question", "applause"})
        cast(client, event, poll["id"], choices=[1])
        for _ in range(30):
            frame = ws.receive_text()
            if 'id="overlay-results"' in frame and "1 Stimme" in frame:
                break
        else:
            raise AssertionError("no results update")
        qid = ask(client, event, "Wo ist der Ausgang?", name="Ali")
        assert patch(client, event, qid, {"highlighted": True}).status_code == 200
        for _ in range(30):
            frame = ws.receive_text()
            if 'id="overlay-question"' in frame and "Wo ist der Ausgang?" in frame:
                break
        else:
            raise AssertionError("no question update")
        assert "Ali" in frame


# --- framing -------------------------------------------------------------------------------------


def csp_of(response: Any) -> dict[str, str]:
    csp = response.headers["content-security-policy"]
    return {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}


def test_only_the_overlay_may_be_framed_and_only_by_our_own_pages(
    client: TestClient, event: EventFixture
) -> None:
    response = client.get(f"/e/{event.code}/overlay?room={event.room}")
    csp = csp_of(response)
    assert csp["frame-ancestors"] == "frame-ancestors 'self'"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert csp["script-src"] == "script-src 'self'" and csp["default-src"] == "default-src 'none'"
    assert "frame-src" not in csp  # it frames nothing itself
    for path in (
        f"/e/{event.code}/screen",
        f"/e/{event.code}",
        "/",
        f"/e/{event.code}/overlay/now",
    ):
        other = client.get(path)
        assert csp_of(other)["frame-ancestors"] == "frame-ancestors 'none'", path
        assert other.headers["x-frame-options"] == "DENY", path
    # The moderation page frames the preview (its own origin only) and is itself not framed.
    client.cookies.set(f"live_m_{event.code}", event.token)
    moderate = client.get(f"/e/{event.code}/moderate")
    assert csp_of(moderate)["frame-src"] == "frame-src 'self'"
    assert csp_of(moderate)["frame-ancestors"] == "frame-ancestors 'none'"
    assert moderate.headers["x-frame-options"] == "DENY"


# --- the builder ----------------------------------------------------------------------------------


def builder(page: str) -> str:
    start = page.index('<details class="overlay-builder"')
    return page[start : page.index("</details>", start)]


def field_value(page: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|iframe) id="{field_id}"[^>]*?(?:value|src)="([^"]*)"', page)
    assert match, field_id
    return html.unescape(match.group(1))


def test_the_builder_makes_the_link_and_the_silent_preview(
    client: TestClient, event: EventFixture
) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)
    page = builder(client.get(f"/e/{event.code}/links").text)
    assert " open" not in page.split(">")[0]
    assert 'method="get"' in page and 'data-copy="overlay-url"' in page
    assert field_value(page, "overlay-url") == (
        f"http://testserver/e/{event.code}/overlay?room={event.room}"
        "&parts=applause&sound=on&position=bottom-left"
    )
    assert 'id="overlay-preview"' in page and ' src="' not in page  # closed: no overlay loaded
    for part in PARTS:
        assert f'id="overlay-part-{part}"' in page and f'for="overlay-part-{part}"' in page

    # The form sent without JavaScript: the page shows that choice, link and preview.
    query = "parts=results&parts=lower-third&sound=on&position=bottom"
    page = builder(client.get(f"/e/{event.code}/links?room={event.room}&{query}").text)
    assert page.split(">")[0].endswith(" open")
    url = field_value(page, "overlay-url")
    assert url.endswith("&parts=results,lower-third&sound=on&position=bottom")
    preview = field_value(page, "overlay-preview")
    assert preview == (
        f"/e/{event.code}/overlay?room={event.room}"
        "&parts=results,lower-third&sound=off&position=bottom"
    )
    assert re.search(r'id="overlay-part-results"[^>]* checked', page)
    assert not re.search(r'id="overlay-part-applause"[^>]* checked', page)
    assert re.search(r'<option value="bottom" selected', page)
    assert re.search(r'id="overlay-sound-on"[^>]* checked', page)
    # The preview's URL is the overlay's, and it answers.
    assert client.get(preview).status_code == 200
    # Nonsense in the links page's query: the builder's defaults, the page as ever.
    page = builder(client.get(f"/e/{event.code}/links?parts=%3Cx%3E&position=up").text)
    assert field_value(page, "overlay-url").endswith(
        "&parts=applause&sound=on&position=bottom-left"
    )
