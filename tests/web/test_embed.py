"""The participant page's side-panel view (?embed=1, live/web/embed.py), in process: the page
without the site header, and the flag kept by every link the page renders and every redirect a
person can meet inside the panel (the room's short link, a form post's 303, the HX-Redirect of a
page action without a cookie, a link from a pushed region known only by the Referer)."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from live.views.templating import environment
from tests.web.conftest import EventFixture, create_poll, enter

HX = {"HX-Request": "true"}
ORIGIN = {"Origin": "http://testserver"}


def embed_page(client: TestClient, event: EventFixture, **params: str) -> str:
    response = client.get(f"/e/{event.code}", params={"room": event.room, "embed": "1", **params})
    assert response.status_code == 200, response.text
    return response.text


def from_panel(event: EventFixture, room: str | None = None) -> dict[str, str]:
    """The headers of a request made from the side panel (its page as the Referer)."""
    referer = f"http://testserver/e/{event.code}?room={room or event.room}&embed=1"
    return {**ORIGIN, "Referer": referer}


def test_the_embed_view_has_no_site_header_and_keeps_the_flag_in_its_links(
    client: TestClient, event: EventFixture
) -> None:
    html = embed_page(client, event)
    assert 'class="site-header"' not in html
    assert re.search(r'<body class="[^"]*\bembed\b', html)
    # A way to change the language stays, below the page, and keeps the panel.
    lang_links = re.findall(r'<a href="([^"]+)" hreflang="(?:de|en)"', html)
    assert len(lang_links) == 2 and all("embed=1" in url for url in lang_links), lang_links
    # The room list, sorting the questions, the room list's refresh: all keep it.
    room_links = re.findall(rf'href="(/e/{event.code}\?room=[^"]+)"', html)
    assert room_links and all("embed=1" in url for url in room_links), room_links
    assert re.search(r'hx-get="[^"]*/program\?[^"]*embed=1', html)
    # The full page is unchanged.
    full = client.get(f"/e/{event.code}", params={"room": event.room}).text
    assert 'class="site-header"' in full
    assert "embed=1" not in full


def test_redirects_inside_the_panel_keep_it(client: TestClient, event: EventFixture) -> None:
    # The room's short link (/e/CODE/1) from a panel's configuration.
    short = client.get(f"/e/{event.code}/1", params={"embed": "1"}, follow_redirects=False)
    assert short.status_code == 303
    assert short.headers["location"] == f"/e/{event.code}?room={event.room}&embed=1"
    # Lower case typed: the normalised address keeps it.
    lower = client.get(f"/e/{event.code.lower()}", params={"embed": "1"}, follow_redirects=False)
    assert lower.status_code == 303 and "embed=1" in lower.headers["location"]

    poll = create_poll(client, event)
    enter(client, event)
    # A vote without JavaScript: the form (a region shared by every reader) has no flag; the
    # Referer tells where it came from, and the 303 goes back there.
    vote = client.post(
        f"/e/{event.code}/polls/{poll['id']}/vote",
        data={"choice": "0"},
        headers=from_panel(event),
        follow_redirects=False,
    )
    assert vote.status_code == 303
    assert vote.headers["location"] == f"/e/{event.code}?room={event.room}&embed=1"
    # The same from the full page: back to the full page.
    full = client.post(
        f"/e/{event.code}/polls/{poll['id']}/vote",
        data={"choice": "1"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert full.headers["location"] == f"/e/{event.code}?room={event.room}"

    # A page action from a browser without the cookie: htmx loads the page anew (HX-Redirect),
    # a plain post is sent there (303); both to the panel.
    client.cookies.clear()
    for headers in ({**from_panel(event), **HX}, from_panel(event)):
        answer = client.post(
            f"/e/{event.code}/polls/{poll['id']}/vote",
            data={"choice": "0"},
            headers=headers,
            follow_redirects=False,
        )
        target = answer.headers.get("hx-redirect") or answer.headers["location"]
        assert target == f"/e/{event.code}?room={event.room}&again=1&embed=1", target


def test_a_link_without_the_flag_from_the_panel_leads_back_into_it(
    client: TestClient, event: EventFixture
) -> None:
    """Links in pushed regions (the questions' pages) cannot carry the flag: the page they lead
    to sends the browser to its own address with it, so the links from there carry it on."""
    url = f"/e/{event.code}?room={event.room}&sort=newest"
    answer = client.get(url, headers=from_panel(event), follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{url}&embed=1"
    # A Referer from another site, or from a page that is not the participant page, is no panel.
    for referer in (
        f"http://elsewhere.example/e/{event.code}?embed=1",
        f"http://testserver/e/{event.code}/moderate?embed=0",
    ):
        other = client.get(url, headers={"Referer": referer}, follow_redirects=False)
        assert other.status_code == 200
        assert 'class="site-header"' in other.text


def test_the_join_code_form_keeps_the_flag(client: TestClient, event: EventFixture) -> None:
    client.patch(
        f"/api/v1/events/{event.code}", json={"join_code_required": True}, headers=event.auth
    )
    html = embed_page(client, event)
    assert 'name="code"' in html
    assert '<input type="hidden" name="embed" value="1">' in html
    assert 'class="site-header"' not in html


def test_text_people_typed_is_german_on_other_language_pages() -> None:
    """The one filter every template shows typed text with (live/views/templating.py)."""
    german = environment("de").filters["user"]("Mittagspause <länger>?")
    english = environment("en").filters["user"]("Mittagspause <länger>?")
    assert "lang=" not in german and "&lt;länger&gt;" in german
    assert english.startswith('<span lang="de">') and english.endswith("</span>")
    assert "&lt;länger&gt;" in english  # escaped as before
    # Hyphenated as the German word it is, on the English page as well.
    word = "Arbeitsvermittlung"
    on_en = str(environment("en").filters["user"](word))
    on_de = str(environment("de").filters["user"](word))
    assert "\u00ad" in on_de and on_en == f'<span lang="de">{on_de}</span>'


def test_an_error_page_in_the_panel_leads_back_into_it(
    client: TestClient, event: EventFixture
) -> None:
    poll = create_poll(client, event)
    enter(client, event)
    client.post(f"/api/v1/events/{event.code}/polls/{poll['id']}/close", headers=event.auth)
    late = client.post(
        f"/e/{event.code}/polls/{poll['id']}/vote",
        data={"choice": "0"},
        headers=from_panel(event),
        follow_redirects=False,
    )
    assert late.status_code == 409
    assert 'class="site-header"' not in late.text
    assert f'href="/e/{event.code}?room={event.room}&amp;embed=1">Zurück</a>' in late.text
    # From the full page: the start page, as before.
    full = client.post(
        f"/e/{event.code}/polls/{poll['id']}/vote", data={"choice": "0"}, headers=ORIGIN
    )
    assert full.status_code == 409
    assert 'class="site-header"' in full.text and 'href="/">' in full.text
