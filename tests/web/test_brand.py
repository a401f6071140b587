"""Branding per event (issue 17): the setup page's form, the JSON API, serving the logo and the
stylesheet, and where pages show them."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.domain.brand import MAX_LOGO_BYTES
from live.static_files import asset
from live.views.brand import brand_css
from tests.support.images import png, svg
from tests.web.conftest import EventFixture, create_event, run_in_app, services_of
from tests.web.test_pages import assert_html, login
from tests.web.test_setup_pages import field_errors

PURPLE = "#5a2d82"
HOSTILE_SVG = svg(
    '<script>alert(1)</script><rect width="40" height="20" fill="#5a2d82" onclick="alert(2)"/>'
    '<use href="https://evil.example/x.svg#a"/>',
    extra=' onload="alert(3)"',
)


@pytest.fixture
def organiser(client: TestClient) -> EventFixture:
    event = create_event(client, title="Landkreistag 2026", rooms=["Plenum", "Forum 1"])
    login(client, event)
    return event


def save_brand(
    client: TestClient,
    event: EventFixture,
    color: str = "",
    logo: bytes | None = None,
    filename: str = "logo.svg",
    content_type: str = "image/svg+xml",
    **kwargs: Any,
) -> Any:
    files = {"logo": (filename, logo, content_type)} if logo is not None else None
    if files is None:
        # Without a chosen file the browser still sends the (empty) file part.
        files = {"logo": ("", b"", "application/octet-stream")}
    return client.post(
        f"/e/{event.code}/setup/brand",
        data={"brand_color": color},
        files=files,
        follow_redirects=False,
        **kwargs,
    )


def brand_of(client: TestClient, event: EventFixture) -> dict[str, Any]:
    response = client.get(f"/api/v1/events/{event.code}")
    assert response.status_code == 200, response.text
    brand: dict[str, Any] = response.json()["brand"]
    return brand


def stylesheet_links(page: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)


# --- the setup page ------------------------------------------------------------------------


def test_the_setup_page_has_the_brand_form(client: TestClient, organiser: EventFixture) -> None:
    page = assert_html(client.get(f"/e/{organiser.code}/setup"), 200)
    section = page[page.index('<section id="brand"') :]
    section = section[: section.index("</section>")]
    assert "Erscheinungsbild" in section
    assert '<label for="br-color">Hauptfarbe (Hex-Wert)</label>' in section
    assert '<label for="br-picker">Farbe auswählen</label>' in section
    assert '<label for="br-logo">Logo (SVG oder PNG, höchstens 256 KB)</label>' in section
    assert 'accept="image/svg+xml,image/png"' in section
    assert 'enctype="multipart/form-data"' in section
    assert 'aria-describedby="br-color-hint"' in section
    assert "Noch kein Logo." in section
    assert "Logo entfernen" not in section  # nothing to remove yet
    assert '<a href="#brand">Erscheinungsbild</a>' in page
    # No colour yet: nothing but the app's stylesheets (and the logo styles).
    assert stylesheet_links(page) == [
        asset("live.css"),
        asset("program.css"),
        asset("brand.css"),
    ]


def test_save_a_colour_and_a_logo(client: TestClient, organiser: EventFixture) -> None:
    response = save_brand(client, organiser, " #5A2D82 ", svg())
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/e/{organiser.code}/setup?done=brand#brand"
    brand = brand_of(client, organiser)
    assert brand["color"] == PURPLE
    assert brand["logo"].startswith(f"/e/{organiser.code}/logo?v=")
    assert brand["stylesheet"] == f"/e/{organiser.code}/brand.css?v={brand_css(PURPLE)[1]}"
    page = assert_html(client.get(response.headers["location"]), 200)
    assert "Das Erscheinungsbild ist gespeichert." in page
    # The page itself now wears the colour, after all of its own stylesheets.
    assert stylesheet_links(page)[-1] == brand["stylesheet"]
    assert f'value="{PURPLE}"' in page  # the field and the picker
    assert f'<img id="brand-preview-logo" class="brand-logo" src="{brand["logo"]}"' in page
    assert "Logo entfernen" in page
    # Saving again without a file keeps the logo; an empty colour is the app's own again.
    assert save_brand(client, organiser, "").status_code == 303
    assert brand_of(client, organiser) == {
        "color": None,
        "logo": brand["logo"],
        "stylesheet": None,
    }


def test_a_post_without_the_colour_field_keeps_the_colour(
    client: TestClient, organiser: EventFixture
) -> None:
    assert save_brand(client, organiser, PURPLE).status_code == 303
    url = f"/e/{organiser.code}/setup/brand"
    only_logo = {"logo": ("l.png", png(), "image/png")}
    assert client.post(url, files=only_logo, follow_redirects=False).status_code == 303
    # A file in the colour's place is no colour either; two files are one too many.
    odd = {"brand_color": ("c.txt", b"#ffffff", "text/plain")}
    assert client.post(url, files=odd, follow_redirects=False).status_code == 303
    two = {**only_logo, **odd}
    assert client.post(url, files=two, follow_redirects=False).status_code == 400
    brand = brand_of(client, organiser)
    assert brand["color"] == PURPLE and brand["logo"] is not None


def test_remove_the_logo(client: TestClient, organiser: EventFixture) -> None:
    assert save_brand(client, organiser, PURPLE, png()).status_code == 303
    url = brand_of(client, organiser)["logo"]
    response = client.post(f"/e/{organiser.code}/setup/logo/delete", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{organiser.code}/setup?done=logo_removed#brand"
    assert brand_of(client, organiser) == {
        "color": PURPLE,
        "logo": None,
        "stylesheet": f"/e/{organiser.code}/brand.css?v={brand_css(PURPLE)[1]}",
    }
    assert client.get(url).status_code == 404
    page = assert_html(client.get(response.headers["location"]), 200)
    assert "Das Logo wurde entfernt." in page and "Logo entfernen" not in page


def _errors_and_nothing_changed(
    client: TestClient, organiser: EventFixture, response: Any, status: int
) -> dict[str, str]:
    page = assert_html(response, status)
    brand = brand_of(client, organiser)
    assert brand["color"] == "#1e6b34" and brand["logo"] is None
    return {k: v for k, v in field_errors(page).items() if k.startswith("br-")} | {"page": page}


@pytest.mark.parametrize(
    ("color", "logo", "status", "errors"),
    [
        (
            "#ffcc00",
            None,
            422,
            {
                "br-brand_color": "Diese Farbe ist zu hell: Kontrast 1,3 : 1, "
                "nötig sind mindestens 4,5 : 1."
            },
        ),
        (
            "blau",
            None,
            422,
            {
                "br-brand_color": "Bitte geben Sie die Farbe als Hex-Wert an, "
                "z. B. #0b5394 oder #05a."
            },
        ),
        ("", b"GIF89a....", 422, {"br-logo": "Das Logo muss eine SVG- oder PNG-Datei sein."}),
        (
            "",
            b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>",
            422,
            {"br-logo": "Die SVG-Datei lässt sich nicht lesen (kein gültiges XML)."},
        ),
        (
            "",
            png()[:-12],
            422,
            {"br-logo": "Die PNG-Datei ist beschädigt oder unvollständig."},
        ),
        (
            "",
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
            422,
            {
                "br-logo": "Die SVG-Datei enthält Entity-Deklarationen oder externe Verweise "
                "und wird deshalb nicht angenommen."
            },
        ),
        (
            "",
            b" " * (MAX_LOGO_BYTES + 1),
            413,
            {"br-logo": "Die Logodatei ist zu groß: erlaubt sind höchstens 256 KB."},
        ),
        (
            # Both wrong: both said, neither stored.
            "#777",
            png(5000, 10),
            422,
            {
                "br-brand_color": "Diese Farbe ist zu hell: Kontrast 4,0 : 1, "
                "nötig sind mindestens 4,5 : 1.",
                "br-logo": "Das Logo ist zu groß: höchstens 4096 × 4096 Pixel.",
            },
        ),
    ],
)
def test_bad_input_shows_german_errors_next_to_the_field_and_changes_nothing(
    client: TestClient,
    organiser: EventFixture,
    color: str,
    logo: bytes | None,
    status: int,
    errors: dict[str, str],
) -> None:
    assert save_brand(client, organiser, "#1e6b34").status_code == 303
    response = save_brand(client, organiser, color, logo)
    found = _errors_and_nothing_changed(client, organiser, response, status)
    page = found.pop("page")
    assert found == errors
    for name in errors:
        field_id = {"br-brand_color": "br-color", "br-logo": "br-logo"}[name]
        tag = re.search(rf'<input id="{field_id}"[^>]*>', page)
        assert tag is not None
        assert 'aria-invalid="true"' in tag.group(0)
        assert f"{name}-error" in tag.group(0)  # aria-describedby
    if "br-brand_color" in errors:
        assert f'value="{html.escape(color)}"' in page  # what was typed stays to correct it


def test_a_request_far_too_large_is_refused_with_the_logo_message(
    client: TestClient, organiser: EventFixture
) -> None:
    response = save_brand(client, organiser, PURPLE, b"x" * (4 * MAX_LOGO_BYTES))
    page = assert_html(response, 413)
    assert field_errors(page)["br-logo"] == (
        "Die Logodatei ist zu groß: erlaubt sind höchstens 256 KB."
    )
    assert brand_of(client, organiser)["color"] is None


def test_the_brand_form_needs_the_organiser_and_our_origin(client: TestClient) -> None:
    event = create_event(client)
    assert save_brand(client, event, PURPLE, png()).status_code == 401
    client.cookies.set(f"live_m_{event.code}", "wrong")
    assert save_brand(client, event, PURPLE, png()).status_code == 403
    response = client.post(f"/e/{event.code}/setup/logo/delete", follow_redirects=False)
    assert response.status_code == 403
    login(client, event)
    foreign = {"Origin": "https://evil.example"}
    assert save_brand(client, event, PURPLE, png(), headers=foreign).status_code == 403
    assert brand_of(client, event) == {"color": None, "logo": None, "stylesheet": None}


def test_the_brand_form_in_english(client: TestClient, organiser: EventFixture) -> None:
    response = client.post(
        f"/e/{organiser.code}/setup/brand?lang=en",
        data={"brand_color": "#ffffff"},
        files={"logo": ("a.gif", b"GIF89a", "image/gif")},
        follow_redirects=False,
    )
    errors = field_errors(assert_html(response, 422))
    assert errors["br-brand_color"] == (
        "This colour is too light: contrast 1.0:1, at least 4.5:1 is needed."
    )
    assert errors["br-logo"] == "The logo must be an SVG or PNG file."


# --- serving -------------------------------------------------------------------------------


def test_the_logo_is_served_with_its_type_and_caching(
    client: TestClient, organiser: EventFixture
) -> None:
    logo = png(30, 10)
    assert save_brand(client, organiser, "", logo, "logo.png", "image/png").status_code == 303
    url = brand_of(client, organiser)["logo"]
    version = url.rsplit("=", 1)[1]
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == logo
    assert response.headers["content-type"] == "image/png"
    assert response.headers["etag"] == f'"{version}"'
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"
    # Without the version (or an old one): the current file, revalidated each time.
    for stale in (f"/e/{organiser.code}/logo", f"/e/{organiser.code}/logo?v=old"):
        response = client.get(stale)
        assert response.content == logo
        assert response.headers["cache-control"] == "public, no-cache"
    again = client.get(f"/e/{organiser.code}/logo", headers={"If-None-Match": f'"{version}"'})
    assert again.status_code == 304 and again.content == b""
    # The code as typed, in any case, finds it too.
    assert client.get(f"/e/{organiser.code.lower()}/logo").content == logo


def test_an_svg_logo_is_served_sanitised_and_sandboxed(
    client: TestClient, organiser: EventFixture
) -> None:
    assert save_brand(client, organiser, "", HOSTILE_SVG).status_code == 303
    response = client.get(brand_of(client, organiser)["logo"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["content-security-policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    body = response.text
    assert '<rect width="40" height="20" fill="#5a2d82"/>' in body
    for word in ("script", "alert", "onload", "onclick", "evil"):
        assert word not in body


def test_the_stylesheet(client: TestClient, organiser: EventFixture) -> None:
    empty = client.get(f"/e/{organiser.code}/brand.css")
    assert empty.status_code == 200
    assert empty.headers["content-type"] == "text/css; charset=utf-8"
    assert empty.text == "/* This event uses the app's own colours. */\n"
    assert save_brand(client, organiser, PURPLE).status_code == 303
    url = brand_of(client, organiser)["stylesheet"]
    response = client.get(url)
    assert response.text == ":root {\n  --accent: #5a2d82;\n  --accent-soft: #e6e0ec;\n}\n"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["etag"] == f'"{url.rsplit("=", 1)[1]}"'
    stale = client.get(f"/e/{organiser.code}/brand.css?v={brand_css(None)[1]}")
    assert stale.text == response.text and stale.headers["cache-control"] == "public, no-cache"


def test_unknown_events_and_missing_logos_are_404(client: TestClient, event: EventFixture) -> None:
    assert client.get("/e/NOPE42/logo").status_code == 404
    assert client.get("/e/NOPE42/brand.css").status_code == 404
    assert client.get(f"/e/{event.code}/logo").status_code == 404
    response = client.get(f"/api/v1/events/{event.code}/logo")
    assert response.status_code == 405  # the API has PUT and DELETE only


# --- where it shows ------------------------------------------------------------------------


def test_every_event_page_links_the_colour_and_the_pages_show_the_logo(
    client: TestClient, organiser: EventFixture
) -> None:
    assert save_brand(client, organiser, PURPLE, png(), "l.png", "image/png").status_code == 303
    brand = brand_of(client, organiser)
    code, room = organiser.code, organiser.room
    logo_tag = f'<img class="brand-logo" src="{brand["logo"]}"'
    pages = {
        f"/e/{code}": 'alt="">',  # the room choice; the title stands next to it
        f"/e/{code}?room={room}": 'alt="">',
        f"/e/{code}/screen?room={room}": 'alt="Landkreistag 2026">',
        # In the overlay the logo is part of the lower third, next to the event's title.
        f"/e/{code}/overlay?room={room}&parts=lower-third": 'alt="">',
        f"/e/{code}/report": 'alt="">',
        f"/e/{code}/moderate": None,
        f"/e/{code}/control": None,
        f"/e/{code}/setup": None,
    }
    for url, alt in pages.items():
        page = assert_html(client.get(url), 200)
        links = stylesheet_links(page)
        assert links[-2:] == [asset("brand.css"), brand["stylesheet"]], url
        if alt is not None:
            assert f"{logo_tag} {alt}" in page, url
    # A page of no event links none of it.
    assert "brand" not in " ".join(stylesheet_links(assert_html(client.get("/"), 200)))


def test_pages_without_a_brand_link_no_colour(client: TestClient, event: EventFixture) -> None:
    page = assert_html(client.get(f"/e/{event.code}"), 200)
    assert "brand.css?v=" not in page
    assert "brand-logo" not in page


# --- the API -------------------------------------------------------------------------------


def test_api_patch_the_colour(client: TestClient, event: EventFixture) -> None:
    url = f"/api/v1/events/{event.code}"
    response = client.patch(url, json={"brand_color": "#5A2D82"}, headers=event.auth)
    assert response.status_code == 200, response.text
    assert response.json()["brand"]["color"] == PURPLE
    assert response.json()["code"] == event.code
    response = client.patch(url, json={"brand_color": None}, headers=event.auth)
    assert response.json()["brand"] == {"color": None, "logo": None, "stylesheet": None}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"brand_color": "#fff"}, 422, "low_contrast"),
        ({"brand_color": "purple"}, 422, "invalid_color"),
        ({"brand_color": 7}, 422, "invalid_color"),
        ({"brand_color": ["#000"]}, 422, "invalid_color"),
        ({"title": "Neu"}, 400, "invalid_body"),
        ({"brand_color": "#000", "colour": "#000"}, 400, "invalid_body"),
        ({}, 400, "invalid_body"),
        ("[1]", 400, "invalid_body"),
        ("{", 400, "invalid_json"),
    ],
)
def test_api_patch_bad_input(
    client: TestClient, event: EventFixture, body: Any, status: int, code: str
) -> None:
    url = f"/api/v1/events/{event.code}"
    client.patch(url, json={"brand_color": "#1e6b34"}, headers=event.auth)
    kwargs: dict[str, Any] = {"content": body} if isinstance(body, str) else {"json": body}
    response = client.patch(url, headers=event.auth, **kwargs)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert brand_of(client, event)["color"] == "#1e6b34"


def test_api_needs_the_organiser(client: TestClient, event: EventFixture) -> None:
    url = f"/api/v1/events/{event.code}"
    wrong = {"Authorization": "Bearer wrong"}
    assert client.patch(url, json={"brand_color": "#000"}).status_code == 401
    assert client.patch(url, json={"brand_color": "#000"}, headers=wrong).status_code == 403
    put = client.put(f"{url}/logo", content=png(), headers={"Content-Type": "image/png"})
    assert put.status_code == 401
    assert client.delete(f"{url}/logo", headers=wrong).status_code == 403
    assert brand_of(client, event) == {"color": None, "logo": None, "stylesheet": None}


def test_api_put_and_delete_the_logo(client: TestClient, event: EventFixture) -> None:
    url = f"/api/v1/events/{event.code}/logo"
    headers = {**event.auth, "Content-Type": "image/svg+xml"}
    response = client.put(url, content=HOSTILE_SVG, headers=headers)
    assert response.status_code == 200, response.text
    logo = response.json()["logo"]
    assert response.json() == {"color": None, "logo": logo, "stylesheet": None}
    assert "alert" not in client.get(logo).text
    # A PNG replaces it; a client that names no image type (curl's default) is fine too.
    data = png(8, 8)
    form_type = {**event.auth, "Content-Type": "application/x-www-form-urlencoded"}
    response = client.put(url, content=data, headers=form_type)
    assert response.status_code == 200, response.text
    assert client.get(response.json()["logo"]).content == data
    assert client.delete(url, headers=event.auth).status_code == 204
    assert client.delete(url, headers=event.auth).status_code == 204  # gone already: fine
    assert brand_of(client, event)["logo"] is None


@pytest.mark.parametrize(
    ("data", "content_type", "status", "code"),
    [
        (png(), "image/svg+xml", 422, "logo_type"),
        (svg(), "image/png", 422, "logo_type"),
        (b"GIF89a", "image/gif", 422, "logo_type"),
        (b"", "image/png", 422, "logo_empty"),
        (b"x" * (MAX_LOGO_BYTES + 1), "image/svg+xml", 413, "logo_too_large"),
        (png(10, 5000), "image/png", 422, "logo_dimensions"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>", "image/svg+xml", 422, "logo_invalid"),
    ],
)
def test_api_put_bad_logos(
    client: TestClient,
    event: EventFixture,
    data: bytes,
    content_type: str,
    status: int,
    code: str,
) -> None:
    url = f"/api/v1/events/{event.code}/logo"
    assert client.put(url, content=png(), headers={**event.auth, "Content-Type": "image/png"})
    before = brand_of(client, event)
    response = client.put(url, content=data, headers={**event.auth, "Content-Type": content_type})
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert brand_of(client, event) == before


def test_deleting_the_event_deletes_its_logo(client: TestClient, event: EventFixture) -> None:
    headers = {**event.auth, "Content-Type": "image/png"}
    response = client.put(f"/api/v1/events/{event.code}/logo", content=png(), headers=headers)
    logo = response.json()["logo"]
    assert client.delete(f"/api/v1/events/{event.code}", headers=event.auth).status_code == 204
    assert client.get(logo).status_code == 404
    store = services_of(client).store
    assert run_in_app(client, store.get_logo, event.code) is None
