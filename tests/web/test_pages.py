"""The browser pages (server-rendered HTML + htmx actions), German by default."""

from __future__ import annotations

import html
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.views.hyphenate import SHY
from tests.support.catalogue import english as english_text
from tests.web.conftest import (
    EventFixture,
    allow_parallel_polls,
    create_event,
    create_poll,
    enter,
    make_client,
    services_of,
)

HX = {"HX-Request": "true"}
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<div hx-get="/evil" hx-trigger="load">x</div>',
    "\u202eevil txt.exe",
]
RAW_MARKERS = ["<script>alert(1)", "<img src=x", 'hx-get="/evil"', "\u202e"]


# --- helpers -------------------------------------------------------------------------------


def rows(tmp_path: Path, table: str) -> int:
    """Rows in a table of the app's SQLite file (read-only; the app runs in WAL mode)."""
    db = tmp_path / "data" / "live.db"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (count,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    finally:
        conn.close()
    return int(count)


def login(client: TestClient, event: EventFixture) -> None:
    client.cookies.delete(f"live_m_{event.code}")
    response = client.get(
        f"/e/{event.code}/moderate", params={"token": event.token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    assert client.cookies.get(f"live_m_{event.code}") == event.token


def api_poll(client: TestClient, event: EventFixture, poll_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/events/{event.code}/polls/{poll_id}", headers=event.auth)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def vote(
    client: TestClient,
    event: EventFixture,
    poll_id: str,
    data: Any,
    headers: dict[str, str] | None = None,
) -> Any:
    return client.post(
        f"/e/{event.code}/polls/{poll_id}/vote",
        data=data,
        headers=headers or {},
        follow_redirects=False,
    )


def assert_html(response: Any, status: int) -> str:
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    text: str = response.text
    assert "Traceback" not in text
    assert 'File "' not in text
    # As read: soft hyphens in user text (live/views/hyphenate.py) show only at a line end.
    return text.replace(SHY, "")


def text_of(page: str) -> str:
    """The page's visible text, tags dropped and entities decoded (for message checks)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def assert_security_headers(response: Any) -> None:
    csp = response.headers.get("content-security-policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives.get("script-src") == "script-src 'self'", csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives.get("default-src") == "default-src 'none'", csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers.get("x-content-type-options") == "nosniff"
    # Nothing leaks to other sites. same-origin rather than no-referrer: with no-referrer,
    # browsers send "Origin: null" on our own form posts and the Origin check would refuse them.
    assert response.headers.get("referrer-policy") in {"no-referrer", "same-origin"}


URL_ATTR = re.compile(
    r"""\b(?:src|href|action|ws-connect|hx-get|hx-post|hx-put|hx-delete|poster|srcset|formaction)"""
    r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
    re.IGNORECASE,
)


def foreign_urls(page: str) -> list[str]:
    """URLs in src/href/action-like attributes that point anywhere but this app."""
    found = []
    for match in URL_ATTR.finditer(page):
        url = html.unescape(next(g for g in match.groups() if g is not None)).strip()
        lowered = url.lower()
        if lowered.startswith("//") or re.match(r"^[a-z][a-z0-9+.-]*:", lowered):
            if lowered.startswith("http://testserver/") or lowered == "http://testserver":
                continue
            if lowered.startswith("data:") and "src" not in match.group(0).lower()[:4]:
                continue
            if lowered in {"data:,"}:
                continue
            found.append(url)
    # url(...) in inline styles would be a request too.
    found += re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", page, re.IGNORECASE)
    return found


def assert_no_raw_hostile(page: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in page, f"raw {marker!r} in the {where} page"


# --- landing -------------------------------------------------------------------------------


def test_landing_is_german(client: TestClient) -> None:
    response = client.get("/")
    page = assert_html(response, 200)
    assert '<html lang="de">' in page
    assert "Teilnehmen" in page
    assert "Code der Veranstaltung" in page
    assert "Veranstaltung anlegen" in page
    assert 'name="admin_token"' not in page  # no admin token configured
    assert_security_headers(response)
    # German even when the browser prefers English.
    page = assert_html(client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}), 200)
    assert '<html lang="de">' in page


def test_landing_in_english(client: TestClient) -> None:
    response = client.get("/?lang=en")
    page = assert_html(response, 200)
    assert '<html lang="en">' in page
    assert "Code der Veranstaltung" not in page
    for msgid in ("Teilnehmen", "Code der Veranstaltung"):
        english = english_text(msgid)
        if english is not None:
            assert html.escape(english, quote=False) in page, english
    assert "live_lang=en" in response.headers.get("set-cookie", "")
    assert_security_headers(response)
    # The cookie keeps the choice on the next page without ?lang.
    assert '<html lang="en">' in client.get("/").text
    assert '<html lang="de">' in client.get("/?lang=de").text


def test_error_pages_in_english(client: TestClient, event: EventFixture) -> None:
    checks = [
        ("/e/ZZZZZZ?lang=en", 404, "Diese Veranstaltung gibt es nicht."),
        (
            "/join?code=ZZZZZZ&lang=en",
            404,
            "Zu diesem Code gibt es keine Veranstaltung. Bitte prüfen Sie die Eingabe.",
        ),
    ]
    for url, status, msgid in checks:
        page = assert_html(client.get(url), status)
        assert '<html lang="en">' in page
        assert msgid not in page
        english = english_text(msgid)
        if english is not None:
            assert html.escape(english, quote=False) in page
    poll = create_poll(client, event)
    enter(client, event)
    client.cookies.set("live_lang", "en")
    fragment = assert_html(vote(client, event, poll["id"], {"choice": "0"}, HX), 200)
    assert "Ihre Stimme wurde gezählt." not in fragment
    english = english_text("Ihre Stimme wurde gezählt.")
    if english is not None:
        assert english in fragment


def test_security_headers_on_every_kind_of_response(client: TestClient) -> None:
    event = create_event(client)
    for url in (
        "/",
        f"/e/{event.code}",
        f"/e/{event.code}/screen",
        f"/e/{event.code}/moderate",
        "/e/ZZZZZZ",
        "/nope",
        "/healthz",
        "/api/v1/events/ZZZZZZ",
    ):
        response = client.get(url)
        assert response.status_code < 500, url
        assert_security_headers(response)


# --- creating an event by form -------------------------------------------------------------


def test_create_event_by_form(client: TestClient, tmp_path: Path) -> None:
    response = client.post(
        "/events",
        data={"title": "Tag der Jobcenter", "rooms": "Plenum\n\nFachforum 1\n  \nFachforum 2"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/e/([A-Z0-9]{6})/start", response.headers["location"])
    assert match, response.headers["location"]
    code = match.group(1)
    cookie = response.headers.get("set-cookie", "")
    assert f"live_m_{code}=" in cookie
    assert "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    event = client.get(f"/api/v1/events/{code}").json()
    assert event["title"] == "Tag der Jobcenter"
    assert [r["name"] for r in event["rooms"]] == ["Plenum", "Fachforum 1", "Fachforum 2"]

    page = assert_html(client.get(response.headers["location"]), 200)
    assert "Ihre Veranstaltung ist angelegt" in page  # the start page (tests/web/test_links.py)
    page = assert_html(client.get(f"/e/{code}/links"), 200)
    assert f"{code[:3]} {code[3:]}" in page  # the code, as displayed
    assert f">http://testserver/e/{code}</textarea>" in page  # participant link
    assert re.search(r'<svg [^>]*class="qr"', page)
    for room in ("Plenum", "Fachforum 1", "Fachforum 2"):
        assert room in page
    assert rows(tmp_path, "events") == 1


def test_create_event_without_rooms_gets_one(client: TestClient) -> None:
    response = client.post(
        "/events", data={"title": "Fachtag", "rooms": ""}, follow_redirects=False
    )
    assert response.status_code == 303
    code = response.headers["location"].split("/")[2]
    assert len(client.get(f"/api/v1/events/{code}").json()["rooms"]) == 1


def test_create_event_with_empty_title_shows_the_error(client: TestClient, tmp_path: Path) -> None:
    response = client.post(
        "/events", data={"title": "   ", "rooms": "Plenum\nForum"}, follow_redirects=False
    )
    page = assert_html(response, 422)
    assert "Bitte geben Sie einen Titel ein." in page
    assert 'aria-invalid="true"' in page
    assert "Plenum\nForum" in page  # what was typed stays in the form
    assert "live_m_" not in response.headers.get("set-cookie", "")
    assert rows(tmp_path, "events") == 0


def test_create_event_with_duplicate_rooms_shows_the_error(
    client: TestClient, tmp_path: Path
) -> None:
    response = client.post(
        "/events", data={"title": "T", "rooms": "Plenum\nplenum"}, follow_redirects=False
    )
    page = assert_html(response, 422)
    assert "Jeder Raumname darf nur einmal vorkommen." in page
    assert rows(tmp_path, "events") == 0


def test_create_event_form_needs_the_admin_token(tmp_path: Path) -> None:
    with make_client(tmp_path, admin_token="s3cret") as client:
        page = assert_html(client.get("/"), 200)
        assert 'name="admin_token"' in page
        for data in ({"title": "T"}, {"title": "T", "admin_token": "falsch"}):
            response = client.post("/events", data=data, follow_redirects=False)
            page = assert_html(response, 403)
            assert "Der Zugangsschlüssel stimmt nicht." in page
            assert 'name="admin_token"' in page
            assert "s3cret" not in page
            assert rows(tmp_path, "events") == 0
        response = client.post(
            "/events", data={"title": "T", "admin_token": "s3cret"}, follow_redirects=False
        )
        assert response.status_code == 303
        assert rows(tmp_path, "events") == 1


def test_create_event_from_a_foreign_origin_is_refused(client: TestClient, tmp_path: Path) -> None:
    response = client.post(
        "/events",
        data={"title": "CSRF", "rooms": "Plenum"},
        headers={"Origin": "http://evil.example"},
        follow_redirects=False,
    )
    assert_html(response, 403)
    assert rows(tmp_path, "events") == 0


def test_create_event_form_too_large(client: TestClient, tmp_path: Path) -> None:
    response = client.post(
        "/events", data={"title": "T", "rooms": "R\n" * 50_000}, follow_redirects=False
    )
    assert_html(response, 413)
    assert rows(tmp_path, "events") == 0


# --- joining by code -----------------------------------------------------------------------


def test_join_by_code(client: TestClient, event: EventFixture) -> None:
    for typed in (event.code, event.code.lower(), f"{event.code[:3]} {event.code[3:]}".lower()):
        response = client.get("/join", params={"code": typed}, follow_redirects=False)
        assert response.status_code == 303, typed
        assert response.headers["location"] == f"/e/{event.code}"


@pytest.mark.parametrize("typed", ["ZZZZZZ", "abc", "", "<script>", "ÄÖÜ123", "0O1IL5"])
def test_join_with_an_unknown_code(client: TestClient, typed: str) -> None:
    response = client.get("/join", params={"code": typed}, follow_redirects=False)
    page = assert_html(response, 404)
    assert '<html lang="de">' in page
    assert "Zu diesem Code gibt es keine Veranstaltung" in page
    assert 'id="join-code"' in page  # the form again, to try once more
    assert "<script>" not in page.split("</head>", 1)[1]


# --- not found -----------------------------------------------------------------------------


def test_unknown_event_page_is_a_german_404(client: TestClient) -> None:
    for url in ("/e/ZZZZZZ", "/e/ZZZZZZ/screen", "/e/ZZZZZZ/moderate", "/e/x%00y"):
        page = assert_html(client.get(url), 404)
        assert '<html lang="de">' in page
        assert "Diese Veranstaltung gibt es nicht." in page
        assert "Nicht gefunden" in page
        assert "{" not in text_of(page).replace("{}", "")  # not JSON


def test_unknown_room_is_404(client: TestClient, event: EventFixture) -> None:
    for url in (
        f"/e/{event.code}/screen?room=unknown",
        f"/e/{event.code}?room=unknown",
    ):
        page = assert_html(client.get(url), 404)
        assert "Diesen Raum gibt es nicht." in page
    login(client, event)
    page = assert_html(client.get(f"/e/{event.code}/moderate?room=unknown"), 404)
    assert "Diesen Raum gibt es nicht." in page


def test_unknown_page_is_html_404(client: TestClient) -> None:
    page = assert_html(client.get("/nope"), 404)
    assert "Diese Seite gibt es nicht." in page


def test_wrong_method_on_a_page_is_html_405(client: TestClient) -> None:
    page = assert_html(client.post("/"), 405)
    assert "Diese Methode ist hier nicht erlaubt." in page


# --- participant ---------------------------------------------------------------------------


def test_room_picker_with_several_rooms(client: TestClient, event: EventFixture) -> None:
    page = assert_html(client.get(f"/e/{event.code}"), 200)
    assert "Raum wählen" in page
    for room in event.rooms:
        assert f'href="/e/{event.code}?room={room["id"]}"' in page
        assert room["name"] in page


def test_lower_case_event_url_redirects(client: TestClient, event: EventFixture) -> None:
    response = client.get(f"/e/{event.code.lower()}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.code}"


def test_single_room_event_goes_straight_to_the_room(client: TestClient) -> None:
    event = create_event(client)
    page = assert_html(client.get(f"/e/{event.code}"), 200)
    assert "Raum wählen" not in page
    assert "Gerade läuft keine Abstimmung." in page


def test_participant_page_shows_the_open_poll(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event)
    draft = create_poll(client, event, open_it=False, question="Geheimer Entwurf?")
    response = client.get(f"/e/{event.code}", params={"room": event.room})
    page = assert_html(response, 200)
    assert "Wie gefällt Ihnen die Tagung?" in page
    assert draft["question"] not in page
    buttons = re.findall(r'<button type="submit" class="choice" name="choice" value="(\d+)"', page)
    assert buttons == ["0", "1", "2"]
    for option in ("gut", "mittel", "schlecht"):
        assert f'<span class="choice-text">{option}</span>' in page
    assert f'action="/e/{event.code}/polls/{poll["id"]}/vote"' in page
    cookie = response.headers.get("set-cookie", "")
    assert f"live_p_{event.code}=" in cookie
    assert "httponly" in cookie.lower()
    # The other room does not show this room's poll.
    other = assert_html(client.get(f"/e/{event.code}", params={"room": event.rooms[1]["id"]}), 200)
    assert "Wie gefällt Ihnen die Tagung?" not in other


def test_participant_cookie_is_reused(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event)
    url = f"/e/{event.code}?room={event.room}"
    first = client.get(url)
    assert f"live_p_{event.code}=" in first.headers.get("set-cookie", "")
    token = client.cookies.get(f"live_p_{event.code}")
    assert token
    second = client.get(url)
    assert "live_p_" not in second.headers.get("set-cookie", "")
    page = second.text
    assert 'aria-pressed="true"' not in page

    response = vote(client, event, poll["id"], {"choice": "1"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.code}?room={event.room}"
    assert "live_p_" not in response.headers.get("set-cookie", "")
    assert client.cookies.get(f"live_p_{event.code}") == token

    page = assert_html(client.get(url), 200)
    assert re.search(rf'id="poll-{poll["id"]}-opt-1" aria-pressed="true"', page)
    assert re.search(rf'id="poll-{poll["id"]}-opt-0" aria-pressed="false"', page)
    assert "Ihre Stimme ist gezählt." in page
    # Another browser (no cookie) is another participant and has not voted.
    client.cookies.delete(f"live_p_{event.code}")
    page = assert_html(client.get(url), 200)
    assert 'aria-pressed="true"' not in page
    assert api_poll(client, event, poll["id"])["results"]["voters"] == 1


# --- voting by form ------------------------------------------------------------------------


def test_vote_without_javascript_redirects_back(client: TestClient, event: EventFixture) -> None:
    enter(client, event)
    poll = create_poll(client, event)
    response = vote(client, event, poll["id"], {"choice": "1"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.code}?room={event.room}"
    results = api_poll(client, event, poll["id"])["results"]
    assert results["counts"] == [0, 1, 0]
    assert results["voters"] == 1


def test_vote_with_htmx_answers_the_stage(client: TestClient, event: EventFixture) -> None:
    enter(client, event)
    poll = create_poll(client, event)
    response = vote(client, event, poll["id"], {"choice": "0"}, HX)
    fragment = assert_html(response, 200)
    assert 'id="poll-stage"' in fragment
    assert 'id="announcer" hx-swap-oob="innerHTML"' in fragment
    assert "Ihre Stimme wurde gezählt." in fragment
    assert re.search(rf'id="poll-{poll["id"]}-opt-0" aria-pressed="true"', fragment)
    assert "<html" not in fragment
    # Voting again changes the vote; it is still one voter.
    fragment = assert_html(vote(client, event, poll["id"], {"choice": "2"}, HX), 200)
    assert re.search(rf'id="poll-{poll["id"]}-opt-2" aria-pressed="true"', fragment)
    assert re.search(rf'id="poll-{poll["id"]}-opt-0" aria-pressed="false"', fragment)
    results = api_poll(client, event, poll["id"])["results"]
    assert results["counts"] == [0, 0, 1]
    assert results["voters"] == 1


def test_votes_of_every_kind_by_form(client: TestClient, event: EventFixture) -> None:
    enter(client, event)
    multi = create_poll(client, event, kind="multiple", options=["Bus", "Bahn", "Rad"])
    response = vote(client, event, multi["id"], {"choices": ["0", "2"]})
    assert response.status_code == 303
    assert api_poll(client, event, multi["id"])["results"]["counts"] == [1, 0, 1]
    scale = create_poll(client, event, kind="scale", options=[], min=1, max=5)
    assert vote(client, event, scale["id"], {"value": "4"}).status_code == 303
    results = api_poll(client, event, scale["id"])["results"]
    assert results["counts"] == [0, 0, 0, 1, 0]
    assert results["average"] == 4
    text = create_poll(client, event, kind="text", options=[])
    assert vote(client, event, text["id"], {"text": "Bürokratie abbauen"}).status_code == 303
    words = dict(api_poll(client, event, text["id"])["results"]["words"])
    assert words == {"Bürokratie": 1, "abbauen": 1}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"choice": "7"}, "Diese Antwort gibt es nicht."),
        ({"choice": "-1"}, "Diese Antwort gibt es nicht."),
        ({"choice": "abc"}, "Diese Antwort gibt es nicht."),
        ({"choice": "1.0"}, "Diese Antwort gibt es nicht."),
        ({"choice": ""}, "Diese Antwort gibt es nicht."),
        ({}, "Diese Antwort gibt es nicht."),
        ({"choice": "9" * 50}, "Diese Antwort gibt es nicht."),
    ],
)
def test_bad_choice_is_422(
    client: TestClient, event: EventFixture, tmp_path: Path, data: dict[str, str], message: str
) -> None:
    enter(client, event)
    poll = create_poll(client, event)
    page = assert_html(vote(client, event, poll["id"], data), 422)
    assert message in page
    assert '<html lang="de">' in page
    fragment = assert_html(vote(client, event, poll["id"], data, HX), 422)
    assert message in fragment
    assert "Ihre Stimme wurde gezählt." not in fragment
    assert api_poll(client, event, poll["id"])["results"]["voters"] == 0
    assert rows(tmp_path, "votes") == 0


def test_bad_scale_and_text_votes_are_422(
    client: TestClient, event: EventFixture, tmp_path: Path
) -> None:
    enter(client, event)
    scale = create_poll(client, event, kind="scale", options=[], min=1, max=5)
    for value in ("0", "6", "x", ""):
        page = assert_html(vote(client, event, scale["id"], {"value": value}), 422)
        assert "Bitte wählen Sie einen Wert von 1 bis 5." in page
    text = create_poll(client, event, kind="text", options=[])
    for answer in ("", "   ", "\u202e"):
        page = assert_html(vote(client, event, text["id"], {"text": answer}), 422)
        assert "Bitte geben Sie eine Antwort ein." in page
    page = assert_html(vote(client, event, text["id"], {"text": "x" * 201}), 422)
    assert "höchstens 200 Zeichen" in page
    assert rows(tmp_path, "votes") == 0


def test_vote_on_a_closed_poll_is_409(
    client: TestClient, event: EventFixture, tmp_path: Path
) -> None:
    enter(client, event)
    poll = create_poll(client, event)
    client.post(f"/api/v1/events/{event.code}/polls/{poll['id']}/close", headers=event.auth)
    page = assert_html(vote(client, event, poll["id"], {"choice": "0"}), 409)
    assert "Diese Abstimmung ist bereits beendet." in page
    fragment = assert_html(vote(client, event, poll["id"], {"choice": "0"}, HX), 409)
    assert "beendet" in fragment
    assert rows(tmp_path, "votes") == 0


def test_vote_on_a_draft_or_unknown_poll_is_404(
    client: TestClient, event: EventFixture, tmp_path: Path
) -> None:
    draft = create_poll(client, event, open_it=False)
    for poll_id in (draft["id"], "unknown"):
        page = assert_html(vote(client, event, poll_id, {"choice": "0"}), 404)
        assert "Diese Abstimmung gibt es nicht." in page
    other = create_event(client, title="Andere")
    page = assert_html(
        client.post(
            f"/e/{other.code}/polls/{create_poll(client, event)['id']}/vote",
            data={"choice": "0"},
            follow_redirects=False,
        ),
        404,
    )
    assert "Diese Abstimmung gibt es nicht." in page
    assert rows(tmp_path, "votes") == 0


def test_vote_from_a_foreign_origin_is_refused(
    client: TestClient, event: EventFixture, tmp_path: Path
) -> None:
    enter(client, event)
    poll = create_poll(client, event)
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {**HX, "Origin": "http://evil.example"},
    ):
        response = vote(client, event, poll["id"], {"choice": "0"}, headers)
        page = assert_html(response, 403)
        assert "Diese Anfrage kommt nicht von dieser Seite." in page
    assert api_poll(client, event, poll["id"])["results"]["voters"] == 0
    assert rows(tmp_path, "votes") == 0
    # Our own origin is fine.
    response = vote(client, event, poll["id"], {"choice": "0"}, {"Origin": "http://testserver"})
    assert response.status_code == 303
    assert api_poll(client, event, poll["id"])["results"]["voters"] == 1


def test_oversized_vote_is_413(client: TestClient, event: EventFixture, tmp_path: Path) -> None:
    enter(client, event)
    poll = create_poll(client, event, kind="text", options=[])
    assert_html(vote(client, event, poll["id"], {"text": "x" * 100_000}), 413)
    assert rows(tmp_path, "votes") == 0


# --- moderator -----------------------------------------------------------------------------


def test_moderate_without_cookie_shows_the_login(client: TestClient, event: EventFixture) -> None:
    page = assert_html(client.get(f"/e/{event.code}/moderate"), 401)
    assert "Für diese Aktion ist ein Moderationszugang nötig." in page
    assert f'action="/e/{event.code}/moderate"' in page
    assert 'name="token"' in page
    assert 'type="password"' in page
    assert event.token not in page


def test_moderate_with_a_wrong_token(client: TestClient, event: EventFixture) -> None:
    response = client.get(
        f"/e/{event.code}/moderate", params={"token": "falsch"}, follow_redirects=False
    )
    page = assert_html(response, 403)
    assert "Der Moderationszugang ist ungültig." in page
    assert "live_m_" not in response.headers.get("set-cookie", "")
    # A wrong cookie is refused the same way.
    client.cookies.set(f"live_m_{event.code}", "falsch")
    page = assert_html(client.get(f"/e/{event.code}/moderate"), 403)
    assert "Der Moderationszugang ist ungültig." in page
    assert 'name="token"' in page


def test_moderator_token_of_another_event_is_refused(
    client: TestClient, event: EventFixture
) -> None:
    other = create_event(client, title="Andere")
    response = client.get(
        f"/e/{event.code}/moderate", params={"token": other.token}, follow_redirects=False
    )
    assert_html(response, 403)


def test_moderate_login_by_link(client: TestClient, event: EventFixture) -> None:
    response = client.get(
        f"/e/{event.code}/moderate", params={"token": event.token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.code}/moderate"
    assert event.token not in response.headers["location"]
    cookie = response.headers.get("set-cookie", "")
    assert f"live_m_{event.code}={event.token}" in cookie
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    page = assert_html(client.get(response.headers["location"]), 200)
    assert "Tag der Jobcenter" in page
    assert "Neue Abstimmung" in page
    assert 'id="mod-polls"' in page
    # With a room: the room is kept, the token still dropped.
    response = client.get(
        f"/e/{event.code}/moderate",
        params={"token": event.token, "room": event.rooms[1]["id"]},
        follow_redirects=False,
    )
    assert response.headers["location"] == f"/e/{event.code}/moderate?room={event.rooms[1]['id']}"
    page = assert_html(client.get(response.headers["location"]), 200)
    assert f"Ablauf in {event.rooms[1]['name']}" in page


def test_create_poll_by_form_with_htmx(
    client: TestClient, event: EventFixture, tmp_path: Path
) -> None:
    login(client, event)
    response = client.post(
        f"/e/{event.code}/moderate/rooms/{event.room}/polls",
        data={
            "question": "Wie reisen Sie an?",
            "kind": "single",
            "options": "Bus\r\nBahn\r\n\r\nRad\n",
            "visibility": "live",
            "open_now": "1",
        },
        headers=HX,
        follow_redirects=False,
    )
    fragment = assert_html(response, 200)
    region = fragment.split('id="mod-polls"', 1)
    assert len(region) == 2, fragment
    assert "Wie reisen Sie an?" in region[1]
    assert "Die Abstimmung wurde angelegt." in fragment
    assert 'id="poll-form"' in fragment  # a fresh form
    assert 'hx-swap-oob="true"' in fragment
    assert rows(tmp_path, "polls") == 1
    poll = assert_poll_in_room(client, event, "Wie reisen Sie an?")
    assert poll["state"] == "open"
    assert poll["options"] == ["Bus", "Bahn", "Rad"]
    assert poll["visibility"] == "live"


def assert_poll_in_room(client: TestClient, event: EventFixture, question: str) -> dict[str, Any]:
    store = services_of(client).store
    assert client.portal is not None
    polls = client.portal.call(store.list_polls, event.room)
    matching = [p for p in polls if p.question == question]
    assert len(matching) == 1, polls
    return api_poll(client, event, matching[0].id)


def test_create_poll_by_form_without_javascript(client: TestClient, event: EventFixture) -> None:
    login(client, event)
    response = client.post(
        f"/e/{event.code}/moderate/rooms/{event.room}/polls",
        data={
            "question": "Wie zufrieden?",
            "kind": "scale",
            "scale_min": "0",
            "scale_max": "10",
            "visibility": "after_vote",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.code}/moderate?room={event.room}"
    poll = assert_poll_in_room(client, event, "Wie zufrieden?")
    assert poll["state"] == "draft"
    assert poll["options"] == [str(i) for i in range(11)]
    page = assert_html(client.get(response.headers["location"]), 200)
    assert "Wie zufrieden?" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"question": "", "kind": "single", "options": "a\nb"},
            "pf-question",
            "Bitte geben Sie eine Frage ein.",
        ),
        ({"question": "Q?", "kind": "single", "options": "nur eine"}, "pf-options", "mindestens 2"),
        ({"question": "Q?", "kind": "single", "options": "Ja\nja"}, "pf-options", "nur einmal"),
        (
            {"question": "Q?", "kind": "scale", "scale_min": "5", "scale_max": "1"},
            None,
            "Die Skala muss",
        ),
        (
            {"question": "Q?", "kind": "rank", "options": "a\nb"},
            None,
            "Diese Art von Abstimmung gibt es nicht.",
        ),
    ],
    ids=["empty-question", "one-option", "duplicate", "scale", "kind"],
)
def test_create_poll_by_form_with_errors(
    client: TestClient,
    event: EventFixture,
    tmp_path: Path,
    data: dict[str, str],
    field: str | None,
    message: str,
) -> None:
    login(client, event)
    url = f"/e/{event.code}/moderate/rooms/{event.room}/polls"
    data = {"visibility": "after_vote", **data}
    fragment = assert_html(client.post(url, data=data, headers=HX), 422)
    assert message in fragment
    assert 'id="poll-form"' in fragment
    assert "<html" not in fragment
    if field is not None:
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', fragment), fragment
        assert f'id="{field}-error"' in fragment
        # The error text sits right next to its field.
        after = fragment.split(f'id="{field}"', 1)[1]
        assert after.index(message) < after.index("<label")
    assert html.escape(data["question"], quote=False) in fragment  # typed text kept
    page = assert_html(client.post(url, data=data, follow_redirects=False), 422)
    assert message in page
    assert rows(tmp_path, "polls") == 0


def test_create_poll_by_form_needs_the_moderator(
    client: TestClient, event: EventFixture, tmp_path: Path
) -> None:
    url = f"/e/{event.code}/moderate/rooms/{event.room}/polls"
    data = {"question": "Q?", "kind": "text", "visibility": "live"}
    assert_html(client.post(url, data=data, headers=HX), 401)
    client.cookies.set(f"live_m_{event.code}", "falsch")
    assert_html(client.post(url, data=data, headers=HX), 403)
    login(client, event)
    response = client.post(url, data=data, headers={**HX, "Origin": "http://evil.example"})
    assert_html(response, 403)
    assert rows(tmp_path, "polls") == 0


def test_poll_actions(client: TestClient, event: EventFixture) -> None:
    login(client, event)
    poll = create_poll(client, event, open_it=False)
    base = f"/e/{event.code}/moderate/polls/{poll['id']}"

    fragment = assert_html(client.post(f"{base}/open", headers=HX), 200)
    assert "Abstimmung „Wie gefällt Ihnen die Tagung?“ geöffnet." in fragment
    assert 'id="mod-polls"' in fragment
    assert api_poll(client, event, poll["id"])["state"] == "open"

    fragment = assert_html(client.post(f"{base}/screen", headers=HX), 200)
    assert "Die Leinwand zeigt jetzt diese Abstimmung." in fragment
    screen = assert_html(client.get(f"/e/{event.code}/screen?room={event.room}"), 200)
    assert "Wie gefällt Ihnen die Tagung?" in screen

    fragment = assert_html(
        client.post(f"{base}/visibility", data={"visibility": "after_close"}, headers=HX), 200
    )
    assert "Die Ergebnisse auf den Smartphones wurden umgestellt." in fragment
    assert api_poll(client, event, poll["id"])["visibility"] == "after_close"
    fragment = assert_html(
        client.post(f"{base}/visibility", data={"visibility": "sometimes"}, headers=HX), 422
    )
    assert "Diese Einstellung für die Ergebnisse gibt es nicht." in fragment
    assert api_poll(client, event, poll["id"])["visibility"] == "after_close"
    # The projector's results are a setting of their own: the phones' one left them live.
    assert api_poll(client, event, poll["id"])["screen_results"] == "live"
    fragment = assert_html(
        client.post(f"{base}/screen-results", data={"screen_results": "after_close"}, headers=HX),
        200,
    )
    assert "Die Ergebnisse auf der Leinwand wurden umgestellt." in fragment
    selected = r'<option value="after_close" selected>erst nach dem Schließen zeigen'
    assert re.search(selected, fragment)
    assert api_poll(client, event, poll["id"])["screen_results"] == "after_close"
    fragment = assert_html(
        client.post(f"{base}/screen-results", data={"screen_results": "live!"}, headers=HX), 422
    )
    assert "Diese Einstellung für die Ergebnisse auf der Leinwand gibt es nicht." in fragment
    assert api_poll(client, event, poll["id"])["screen_results"] == "after_close"

    fragment = assert_html(client.post(f"{base}/close", headers=HX), 200)
    assert "Die Abstimmung ist beendet." in fragment
    assert api_poll(client, event, poll["id"])["state"] == "closed"

    response = client.post(
        f"/e/{event.code}/moderate/rooms/{event.room}/screen", headers=HX, follow_redirects=False
    )
    assert "Die Leinwand zeigt jetzt den Beitrittscode." in assert_html(response, 200)
    screen = assert_html(client.get(f"/e/{event.code}/screen?room={event.room}"), 200)
    assert "Wie gefällt Ihnen die Tagung?" not in screen

    # Without JavaScript: a redirect back to the room.
    response = client.post(f"{base}/open", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.code}/moderate?room={event.room}"
    assert api_poll(client, event, poll["id"])["state"] == "open"


def test_poll_action_errors(client: TestClient, event: EventFixture) -> None:
    login(client, event)
    poll = create_poll(client, event, open_it=False)
    base = f"/e/{event.code}/moderate/polls/{poll['id']}"
    assert_html(client.post(f"{base}/delete", headers=HX), 404)
    assert_html(client.post(f"{base}/explode"), 404)
    page = assert_html(client.post(f"/e/{event.code}/moderate/polls/unknown/open"), 404)
    assert "Diese Abstimmung gibt es nicht." in page
    fragment = assert_html(client.post(f"{base}/close", headers=HX), 409)
    assert "Diese Abstimmung ist noch nicht geöffnet." in fragment
    assert_html(client.post(f"{base}/close", follow_redirects=False), 409)
    assert_html(client.post(f"{base}/screen", follow_redirects=False), 409)
    assert api_poll(client, event, poll["id"])["state"] == "draft"
    # Not the moderator: nothing happens.
    client.cookies.delete(f"live_m_{event.code}")
    assert_html(client.post(f"{base}/open", headers=HX), 401)
    login(client, event)
    assert_html(client.post(f"{base}/open", headers={"Origin": "http://evil.example"}), 403)
    assert api_poll(client, event, poll["id"])["state"] == "draft"


def test_add_room_by_form(client: TestClient, event: EventFixture) -> None:
    login(client, event)
    response = client.post(
        f"/e/{event.code}/moderate/rooms", data={"name": "Fachforum 13"}, follow_redirects=False
    )
    assert response.status_code == 303
    rooms = client.get(f"/api/v1/events/{event.code}").json()["rooms"]
    assert [r["name"] for r in rooms] == ["Plenum", "Fachforum 1", "Fachforum 13"]
    assert response.headers["location"] == f"/e/{event.code}/moderate?room={rooms[2]['id']}"
    page = assert_html(client.get(response.headers["location"]), 200)
    assert "Ablauf in Fachforum 13" in page

    page = assert_html(
        client.post(f"/e/{event.code}/moderate/rooms", data={"name": " "}, follow_redirects=False),
        422,
    )
    assert "Bitte geben Sie einen Raumnamen ein." in page
    client.cookies.delete(f"live_m_{event.code}")
    assert_html(client.post(f"/e/{event.code}/moderate/rooms", data={"name": "X"}), 401)
    assert len(client.get(f"/api/v1/events/{event.code}").json()["rooms"]) == 3


# --- hostile text --------------------------------------------------------------------------


def test_hostile_text_is_escaped_everywhere(client: TestClient, tmp_path: Path) -> None:
    event = create_event(client, title=HOSTILE[0], rooms=[HOSTILE[1], HOSTILE[2]])
    allow_parallel_polls(client, event)  # both polls stay open for the votes below
    choice = create_poll(client, event, question=HOSTILE[0], options=HOSTILE, visibility="live")
    text = create_poll(
        client, event, question=HOSTILE[1], kind="text", options=[], visibility="live"
    )
    create_poll(client, event, open_it=False, question=HOSTILE[2], options=["a", HOSTILE[3]])
    # Text answers from several participants, through the form.
    for answer in [*HOSTILE, "Bürokratie Bürokratie"]:
        client.cookies.delete(f"live_p_{event.code}")
        enter(client, event)
        assert vote(client, event, text["id"], {"text": answer}).status_code == 303
    assert vote(client, event, choice["id"], {"choice": "1"}).status_code == 303
    words = dict(api_poll(client, event, text["id"])["results"]["words"])
    assert words["Bürokratie"] == 2
    login(client, event)
    base = f"/e/{event.code}/moderate/polls"

    participant = assert_html(client.get(f"/e/{event.code}?room={event.room}"), 200)
    assert_no_raw_hostile(participant, "participant")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in participant
    assert "&lt;img src=x onerror=alert(1)&gt;" in participant
    assert "&lt;div hx-get=&#34;/evil&#34;" in participant
    assert '<figure class="word-cloud word-cloud-phone" hx-disable' in participant

    assert client.post(f"{base}/{text['id']}/screen", headers=HX).status_code == 200
    screen = assert_html(client.get(f"/e/{event.code}/screen?room={event.room}"), 200)
    assert_no_raw_hostile(screen, "screen")
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in screen
    assert '<figure class="word-cloud word-cloud-wall" hx-disable' in screen
    assert "Bürokratie" in screen

    assert client.post(f"{base}/{choice['id']}/screen", headers=HX).status_code == 200
    screen = assert_html(client.get(f"/e/{event.code}/screen?room={event.room}"), 200)
    assert_no_raw_hostile(screen, "screen")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in screen
    assert "hx-disable" in screen

    moderator = assert_html(client.get(f"/e/{event.code}/moderate?room={event.room}"), 200)
    assert_no_raw_hostile(moderator, "moderator")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in moderator
    assert '<figure class="word-cloud word-cloud-wall" hx-disable' in moderator

    for region in (
        client.post(f"{base}/{choice['id']}/close", headers=HX),
        vote(client, event, text["id"], {"text": HOSTILE[2]}, HX),
        client.post(
            f"/e/{event.code}/moderate/rooms/{event.room}/polls",
            data={
                "question": HOSTILE[0],
                "kind": "single",
                "options": "\n".join(HOSTILE),
                "visibility": "live",
            },
            headers=HX,
        ),
        client.post(
            f"/e/{event.code}/moderate/rooms/{event.room}/polls",
            data={
                "question": HOSTILE[2],
                "kind": "single",
                "options": HOSTILE[1],
                "visibility": "live",
            },
            headers=HX,
        ),
    ):
        assert region.status_code in (200, 422), region.text
        assert_no_raw_hostile(region.text, "htmx fragment")
    assert rows(tmp_path, "polls") == 4  # the valid form poll was created, the other refused

    picker = assert_html(client.get(f"/e/{event.code}"), 200)
    assert_no_raw_hostile(picker, "room picker")
    assert "&lt;div hx-get=&#34;/evil&#34;" in picker


def test_hostile_text_in_forms_is_escaped(client: TestClient, tmp_path: Path) -> None:
    response = client.post(
        "/events", data={"title": "", "rooms": "\n".join(HOSTILE)}, follow_redirects=False
    )
    page = assert_html(response, 422)
    body = page.split("</head>", 1)[1]
    # What the person typed comes back for correction (bidi controls included: it is their own
    # text in a textarea), but never as markup.
    assert_no_raw_hostile(body.replace("\u202e", ""), "landing")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    response = client.get("/join", params={"code": HOSTILE[1]})
    assert_no_raw_hostile(assert_html(response, 404), "join error")
    assert rows(tmp_path, "events") == 0


# --- privacy -------------------------------------------------------------------------------


def test_foreign_urls_helper_finds_them() -> None:
    assert foreign_urls('<script src="https://cdn.example/x.js"></script>') == [
        "https://cdn.example/x.js"
    ]
    assert foreign_urls("<link href=//fonts.example/css>") == ["//fonts.example/css"]
    assert foreign_urls('<a href="/e/ABC">x</a><img src="data:,">') == []


def test_pages_load_nothing_from_third_parties(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event, visibility="live")
    vote(client, event, poll["id"], {"choice": "0"})
    pages: dict[str, str] = {
        "landing": client.get("/").text,
        "join error": client.get("/join?code=ZZZZZZ").text,
        "room picker": client.get(f"/e/{event.code}").text,
        "participant": client.get(f"/e/{event.code}?room={event.room}").text,
        "error": client.get("/e/ZZZZZZ").text,
        "moderator login": client.get(f"/e/{event.code}/moderate").text,
    }
    login(client, event)
    client.post(f"/e/{event.code}/moderate/polls/{poll['id']}/screen", headers=HX)
    pages["screen"] = client.get(f"/e/{event.code}/screen?room={event.room}").text
    pages["moderator"] = client.get(f"/e/{event.code}/moderate").text
    pages["links"] = client.get(f"/e/{event.code}/links").text
    for name, page in pages.items():
        assert "<html" in page, name
        assert foreign_urls(page) == [], name
    # The links page links to this app only (absolute links use the request's host).
    assert "http://testserver/e/" in pages["links"]
    # Stylesheets and scripts come from /static.
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', pages["landing"]):
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", response.text), asset


def test_create_poll_form_shows_a_visibility_error(
    client: TestClient, event: EventFixture, tmp_path: Path
) -> None:
    login(client, event)
    data = {"question": "Q?", "kind": "text", "visibility": "immer"}
    fragment = assert_html(
        client.post(f"/e/{event.code}/moderate/rooms/{event.room}/polls", data=data, headers=HX),
        422,
    )
    message = "Diese Einstellung für die Ergebnisse gibt es nicht."
    assert message in fragment
    assert re.search(r'id="pf-visibility"[^>]*aria-invalid="true"', fragment)
    assert rows(tmp_path, "polls") == 0


def test_moderator_token_never_reaches_public_pages(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event)
    login(client, event)  # the browser now holds the moderator cookie as well
    client.post(f"/e/{event.code}/moderate/polls/{poll['id']}/screen", headers=HX)
    for url in (
        f"/e/{event.code}",
        f"/e/{event.code}?room={event.room}",
        f"/e/{event.code}/screen?room={event.room}",
        "/e/ZZZZZZ",
    ):
        assert event.token not in client.get(url).text, url
    fragment = vote(client, event, poll["id"], {"choice": "0"}, HX).text
    assert event.token not in fragment


def test_login_redirect_keeps_the_room_encoded(client: TestClient, event: EventFixture) -> None:
    response = client.get(
        f"/e/{event.code}/moderate",
        params={"token": event.token, "room": "x&token=abc"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location == f"/e/{event.code}/moderate?room=x%26token%3Dabc"
    assert "token=" not in location.split("?", 1)[1].replace("%26token%3D", "")


# --- no 500 for hostile form posts -------------------------------------------------------

FORM = {"content-type": "application/x-www-form-urlencoded"}
HOSTILE_FORMS: list[dict[str, Any]] = [
    {"files": {"choice": ("a.txt", b"1", "text/plain")}},
    {"data": {"choice": "1", "text": "x"}, "files": {"f": ("a.txt", b"1", "text/plain")}},
    {"content": b"&".join(b"f%d=1" % i for i in range(2000)), "headers": FORM},
    {"content": b"choice=%ff%fe&text=%ed%a0%80&question=%ff&name=%c0", "headers": FORM},
    {"content": b"\xff\xfe=\xff&title=\xff", "headers": FORM},
    {"content": b"text=%00%00&name=%00&title=%00&question=%00&options=%00", "headers": FORM},
    {"content": b"text=%E2%80%AE&name=%E2%80%AE&title=%E2%80%AE", "headers": FORM},
    {"content": b"choice=1&choice=2&choices=x&choices=99&value=1e9&value=-0", "headers": FORM},
    {
        "content": b"kind=scale&question=Q&scale_min=99999999999999999999&scale_max=-1",
        "headers": FORM,
    },
    {"content": b"=&==&&&%", "headers": FORM},
    {"content": b"--x\r\nbroken", "headers": {"content-type": "multipart/form-data; boundary=x"}},
    {"content": b"--x\r\nbroken", "headers": {"content-type": "multipart/form-data"}},
    {"content": b'{"choice": 1}', "headers": {"content-type": "application/json"}},
    {"content": b"", "headers": {}},
    {"content": b"a=1", "headers": {**FORM, "content-length": "abc"}},
]


@pytest.mark.parametrize("kwargs", HOSTILE_FORMS, ids=lambda k: repr(k)[:50])
def test_no_500_for_hostile_form_posts(
    client: TestClient, event: EventFixture, kwargs: dict[str, Any]
) -> None:
    login(client, event)
    single = create_poll(client, event)
    text = create_poll(client, event, kind="text", options=[])
    urls = [
        "/events",
        f"/e/{event.code}/polls/{single['id']}/vote",
        f"/e/{event.code}/polls/{text['id']}/vote",
        f"/e/{event.code}/moderate/rooms",
        f"/e/{event.code}/moderate/rooms/{event.room}/polls",
        f"/e/{event.code}/moderate/polls/{single['id']}/visibility",
        f"/e/{event.code}/moderate/rooms/{event.room}/screen",
    ]
    for url in urls:
        for extra in ({}, HX):
            headers = {**kwargs.get("headers", {}), **extra}
            response = client.post(url, follow_redirects=False, **{**kwargs, "headers": headers})
            assert response.status_code < 500, (url, response.text[:500])
            assert "Traceback" not in response.text
    assert client.get(f"/e/{event.code}?room={event.room}").status_code == 200


def test_chunked_form_without_length_is_capped(
    client: TestClient, event: EventFixture, tmp_path: Path
) -> None:
    """No Content-Length (chunked upload): the size cap must still apply."""

    def chunks(prefix: bytes) -> Any:
        yield prefix
        for _ in range(20):
            yield b"x" * 10_000

    form = {"content-type": "application/x-www-form-urlencoded"}
    response = client.post(
        "/events", content=chunks(b"title=T&rooms="), headers=form, follow_redirects=False
    )
    assert response.request.headers.get("content-length") is None
    assert_html(response, 413)
    poll = create_poll(client, event, kind="text", options=[])
    enter(client, event)
    response = client.post(
        f"/e/{event.code}/polls/{poll['id']}/vote",
        content=chunks(b"text="),
        headers=form,
        follow_redirects=False,
    )
    assert_html(response, 413)
    assert rows(tmp_path, "events") == 1
    assert rows(tmp_path, "votes") == 0
    # A small chunked form is fine.
    response = client.post(
        f"/e/{event.code}/polls/{poll['id']}/vote",
        content=iter([b"text=Hallo", b"%20Welt"]),
        headers=form,
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert rows(tmp_path, "votes") == 1


def test_a_failed_moderator_poll_action_is_announced_as_an_error(
    client: TestClient, event: EventFixture
) -> None:
    from tests.web.conftest import create_poll

    draft = create_poll(client, event, open_it=False)
    client.cookies.set(f"live_m_{event.code}", event.token)
    response = client.post(
        f"/e/{event.code}/moderate/polls/{draft['id']}/close", headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    assert "toast-error" in response.text and "noch nicht geöffnet" in response.text
    opened = client.post(
        f"/e/{event.code}/moderate/polls/{draft['id']}/open", headers={"HX-Request": "true"}
    )
    assert opened.status_code == 200 and "toast-error" not in opened.text
