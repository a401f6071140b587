"""The start page after creating an event and the links page (live/web/links.py): the moderator
link cannot be lost, and only those holding a key see the event's links."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from starlette.testclient import TestClient

from live.static_files import asset
from tests.web.conftest import EventFixture, create_event
from tests.web.test_pages import assert_html, text_of
from tests.web.test_roles import as_room_moderator, room_link
from tests.web.test_wire import scripts_of

HX = {"HX-Request": "true"}


def create_by_form(client: TestClient, rooms: str = "Plenum\nFachforum 1") -> str:
    """An event made through the start page's form; its code. The client keeps the cookie."""
    response = client.post(
        "/events", data={"title": "Tag der Jobcenter", "rooms": rooms}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/e/([A-Z0-9]{6})/start", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def field_value(page: str, field_id: str) -> str:
    """The value of the read-only link field ``field_id`` (ours: a text area; the room links
    fragment's: an input), entities decoded."""
    match = re.search(rf'<textarea id="{field_id}"[^>]*>([^<]*)</textarea>', page) or re.search(
        rf'<input id="{field_id}"[^>]* value="([^"]*)"', page
    )
    assert match, field_id
    return html.unescape(match.group(1))


@pytest.fixture
def organiser(client: TestClient) -> EventFixture:
    event = create_event(client, rooms=["Plenum", "Fachforum 1", "Fachforum 2"])
    client.cookies.set(f"live_m_{event.code}", event.token)
    return event


# --- the start page --------------------------------------------------------------------------


def test_creating_an_event_leads_to_its_start_page_with_the_moderator_link(
    client: TestClient,
) -> None:
    response = client.post(
        "/events", data={"title": "Tag der Jobcenter", "rooms": "Plenum"}, follow_redirects=False
    )
    location = response.headers["location"]
    assert "created" not in location and "token" not in location  # nothing secret, nothing odd
    code = create_by_form(client)
    response = client.get(f"/e/{code}/start")
    page = assert_html(response, 200)
    assert response.headers["cache-control"] == "no-store"  # a secret: no copy in any cache
    token = client.cookies.get(f"live_m_{code}")
    link = f"http://testserver/e/{code}/moderate?token={token}"
    assert field_value(page, "moderator-link") == link
    assert "<title>Ihre Veranstaltung ist angelegt – Tag der Jobcenter</title>" in page
    assert 'data-copy="moderator-link"' in page and "Link kopieren" in page
    assert 'data-copied="Link kopiert"' in page and "Strg+C" in page
    assert 'role="status"' in page
    assert re.search(r'<svg role="img" aria-label="QR-Code des Moderationslinks: [^"]+" ', page)
    assert "Wer diesen Link hat, kann die Veranstaltung steuern." in page
    for target, label in (
        ("setup", "Programm und Räume einrichten"),
        ("moderate", "Zur Moderation"),
        ("links", "Links und QR-Codes"),
    ):
        assert re.search(rf'href="/e/{code}/{target}"[^>]*>{label}</a>', page), target
    # The only script is the copy button's; its stylesheet beside the site's.
    assert scripts_of(page) == {"copy.js"}
    assert f'href="{asset("links.css")}"' in page


def test_the_mail_link_carries_the_moderator_link_and_no_address(client: TestClient) -> None:
    code = create_by_form(client)
    page = assert_html(client.get(f"/e/{code}/start"), 200)
    match = re.search(r'<a class="button" href="(mailto:[^"]+)" id="moderator-link-mail">', page)
    assert match
    mail = urlsplit(html.unescape(match.group(1)))
    assert mail.scheme == "mailto" and mail.path == ""  # the organiser types their address
    # RFC 6068: percent-encoded (no "+" for spaces), line breaks as CRLF.
    assert "+" not in mail.query
    fields = {k: unquote(v) for k, v in (part.split("=", 1) for part in mail.query.split("&"))}
    assert fields["subject"] == "Moderationslink für „Tag der Jobcenter“"
    link = field_value(page, "moderator-link")
    assert f"\r\n{link}\r\n" in fields["body"]
    assert "Veranstaltung steuern" in fields["body"]


def test_the_start_page_works_again_in_the_same_browser_and_in_english(
    client: TestClient,
) -> None:
    code = create_by_form(client)
    first = field_value(assert_html(client.get(f"/e/{code}/start"), 200), "moderator-link")
    again = assert_html(client.get(f"/e/{code}/start?lang=en"), 200)
    assert field_value(again, "moderator-link") == first
    assert '<html lang="en">' in again
    for text in ("Your event has been created", "Copy link", "Email the link to me", "Ctrl+C"):
        assert text in again, text
    assert "Ihre Veranstaltung" not in again


def test_the_moderator_link_logs_in_a_fresh_browser(client: TestClient) -> None:
    code = create_by_form(client)
    link = field_value(assert_html(client.get(f"/e/{code}/start"), 200), "moderator-link")
    client.cookies.clear()  # another browser: nothing but the link
    assert_html(client.get(f"/e/{code}/moderate"), 401)
    path = link.removeprefix("http://testserver")
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{code}/moderate"
    page = assert_html(client.get(response.headers["location"]), 200)
    assert 'id="mod-token"' not in page  # the moderation, not the login form
    # ...and from now on the start page opens in this browser too.
    assert field_value(assert_html(client.get(f"/e/{code}/start"), 200), "moderator-link") == link


@pytest.mark.parametrize("page_name", ["start", "links"])
def test_without_the_key_the_pages_show_the_login_form(
    client: TestClient, organiser: EventFixture, page_name: str
) -> None:
    url = f"/e/{organiser.code}/{page_name}"
    client.cookies.clear()
    page = assert_html(client.get(url), 401)
    assert 'id="mod-token"' in page and organiser.token not in page
    assert "Für diese Aktion ist ein Moderationszugang nötig." in page
    client.cookies.set(f"live_m_{organiser.code}", "falsch")
    page = assert_html(client.get(url), 403)
    assert 'id="mod-token"' in page and "Der Moderationszugang ist ungültig." in page


def test_a_room_moderator_gets_the_login_form_on_the_start_page(
    client: TestClient, organiser: EventFixture
) -> None:
    forum = organiser.rooms[1]["id"]
    as_room_moderator(client, organiser, forum, room_link(client, organiser, forum))
    page = assert_html(client.get(f"/e/{organiser.code}/start"), 401)
    assert 'id="mod-token"' in page and "moderate?token" not in page


def test_the_pages_of_an_unknown_event_are_404_and_another_spelling_redirects(
    client: TestClient, organiser: EventFixture
) -> None:
    for name in ("start", "links"):
        assert_html(client.get(f"/e/ZZZZZZ/{name}"), 404)
        response = client.get(f"/e/{organiser.code.lower()}/{name}", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/e/{organiser.code}/{name}"


# --- the links page --------------------------------------------------------------------------


def test_the_organiser_sees_every_link_with_a_copy_button(
    client: TestClient, organiser: EventFixture
) -> None:
    code = organiser.code
    response = client.get(f"/e/{code}/links")
    page = assert_html(response, 200)
    assert response.headers["cache-control"] == "no-store"
    assert "<title>Links und QR-Codes – Tag der Jobcenter</title>" in page
    assert f"{code[:3]} {code[3:]}" in page  # the code, as displayed
    assert field_value(page, "participant-link") == f"http://testserver/e/{code}"
    for number, room in enumerate(organiser.rooms, start=1):
        room_id = room["id"]
        assert field_value(page, f"join-link-{room_id}") == f"http://testserver/e/{code}/{number}"
        screen = f"http://testserver/e/{code}/screen?room={room_id}"
        assert field_value(page, f"screen-link-{room_id}") == screen
        assert f"<figcaption>testserver/e/{code}/{number}</figcaption>" in page
    assert field_value(page, "moderator-link") == (
        f"http://testserver/e/{code}/moderate?token={organiser.token}"
    )
    # A QR code for the event and one per room; a copy button (named with its link) per field.
    assert len(re.findall(r'<svg role="img"[^>]* class="qr"', page)) == 1 + 3
    fields = re.findall(r'<textarea id="([^"]+)" class="link-field"', page)
    assert len(fields) == 1 + 2 * 3 + 1
    for field_id in fields:
        assert f'data-copy="{field_id}"' in page, field_id
    assert 'Link kopieren<span class="visually-hidden"> (Leinwand (Beamer) in Plenum)' in page
    # The organiser's room links, to make, renew and revoke in place (htmx).
    assert 'id="room-links"' in page and "noch kein Link" in page
    scripts = scripts_of(page)
    assert {"copy.js", "live.js", "vendor/htmx-2.0.11.min.js"} <= scripts
    assert "vendor/htmx-ext-ws-2.0.4.js" not in scripts and "control.js" not in scripts
    assert f'href="{asset("links.css")}"' in page


def test_a_room_link_made_on_the_links_page_comes_with_a_copy_button(
    client: TestClient, organiser: EventFixture
) -> None:
    forum = organiser.rooms[1]["id"]
    response = client.post(f"/e/{organiser.code}/moderate/rooms/{forum}/link", headers=HX)
    assert response.status_code == 200
    assert f'data-copy="room-link-url-{forum}"' in response.text
    link = field_value(response.text, f"room-link-url-{forum}")
    token = parse_qs(urlsplit(link).query)["token"][0]
    page = assert_html(client.get(f"/e/{organiser.code}/links"), 200)
    assert "Link vergeben" in page and token not in page  # shown once


def test_a_room_moderator_sees_only_their_rooms_links(
    client: TestClient, organiser: EventFixture
) -> None:
    code = organiser.code
    forum, other = organiser.rooms[1]["id"], organiser.rooms[2]["id"]
    token = room_link(client, organiser, forum)
    as_room_moderator(client, organiser, forum, token)
    page = assert_html(client.get(f"/e/{code}/links"), 200)
    assert field_value(page, f"join-link-{forum}") == f"http://testserver/e/{code}/2"
    screen = f"http://testserver/e/{code}/screen?room={forum}"
    assert field_value(page, f"screen-link-{forum}") == screen
    assert other not in page and organiser.rooms[0]["id"] not in page
    assert "Fachforum 2" not in page and "Plenum" not in text_of(page)
    # No secret of the event's: not the organiser's key, no room links, not even their own.
    assert organiser.token not in page and token not in page
    assert 'id="moderator-link"' not in page and 'id="room-links"' not in page
    assert 'id="participant-link"' not in page
    assert f'href="/e/{code}/moderate?room={forum}"' in page
