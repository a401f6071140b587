"""The pages about access, in-process: the footer on every page (with and without the operator's
links), the accessibility statement rendered from the audit record, its barrier report form
(log line, German errors, budget, Origin) and Leichte Sprache (live/web/accessibility.py)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.domain import a11y_record
from live.domain.a11y_audit import KEYBOARD_FLOWS
from live.service.feedback import REPORTS_PER_ADDRESS
from tests.web.conftest import create_event, make_client, services_of

IMPRINT = "https://amt.example.de/impressum"
PRIVACY = "https://amt.example.de/datenschutz"
DGS = "https://amt.example.de/dgs-video"
ORIGIN = {"Origin": "http://testserver"}


def footer_links(html: str) -> dict[str, str]:
    """The footer's links, text → href."""
    match = re.search(r'<footer class="site-footer">(.*?)</footer>', html, re.S)
    if match is None:
        return {}
    return {text: href for href, text in re.findall(r'<a href="([^"]*)">([^<]*)</a>', match[1])}


def reports(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "live.feedback"]


def test_footer_without_the_operators_links(client: TestClient) -> None:
    event = create_event(client)
    for path in ("/", f"/e/{event.code}", "/barrierefreiheit", "/leichte-sprache"):
        links = footer_links(client.get(path).text)
        assert links == {
            "Was gespeichert wird": "/datenschutz-hinweise",
            "Barrierefreiheit": "/barrierefreiheit",
            "Leichte Sprache": "/leichte-sprache",
        }, path


def test_footer_with_the_operators_links_and_the_language_kept(tmp_path: Path) -> None:
    settings = {"imprint_url": IMPRINT, "privacy_url": PRIVACY, "dgs_video_url": DGS}
    with make_client(tmp_path, **settings) as client:
        event = create_event(client)
        moderate = f"/e/{event.code}/moderate?token={event.token}"
        for path in ("/", f"/e/{event.code}", moderate, "/barrierefreiheit", "/nirgends"):
            links = footer_links(client.get(path, params={"lang": "de"}).text)
            assert links == {
                "Impressum": IMPRINT,
                "Datenschutz": PRIVACY,
                "Was gespeichert wird": "/datenschutz-hinweise",
                "Barrierefreiheit": "/barrierefreiheit",
                "Leichte Sprache": "/leichte-sprache",
                "Gebärdensprache": DGS,
            }, path
        links = footer_links(client.get(f"/e/{event.code}?lang=en").text)
        assert links == {
            "Legal notice": IMPRINT,
            "Privacy": PRIVACY,
            "What is stored": "/datenschutz-hinweise?lang=en",
            "Accessibility": "/barrierefreiheit?lang=en",
            "Easy to read": "/leichte-sprache?lang=en",
            "Sign language": DGS,
        }
        # Not on the projector or the stream overlay.
        for view in ("screen", "overlay"):
            html = client.get(f"/e/{event.code}/{view}?room={event.room}").text
            assert "site-footer" not in html and IMPRINT not in html, view


def test_the_statement_is_written_from_the_record(client: TestClient) -> None:
    html = client.get("/barrierefreiheit?lang=de").text
    assert "<h1>Erklärung zur Barrierefreiheit</h1>" in html
    for heading in (
        "Stand der Vereinbarkeit mit den Anforderungen",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung",
        "Feedback und Kontakt",
        "Schlichtungsverfahren",
    ):
        assert f">{heading}</h2>" in html
    assert "teilweise vereinbar" in html and "WCAG 2.1 (AA), EN 301 549" in html
    assert f"axe-core {a11y_record.AXE_VERSION}" in html
    assert f"Geprüfte Seiten ({len(a11y_record.PAGES)})" in html
    for path in a11y_record.PAGES:
        assert f"<code>{path}</code>" in html
    flows = dict.fromkeys(flow for flow, _test in a11y_record.KEYBOARD_TESTS)
    assert f"Mit der Tastatur geprüfte Abläufe ({len(flows)})" in html
    for flow in flows:
        assert KEYBOARD_FLOWS[flow] in html
    reviewed = a11y_record.REVIEWED.split("-")
    assert f"{int(reviewed[2])}. " in html and reviewed[0] in html
    assert "Schlichtungsstelle nach § 16 BGG" in html and "schlichtungsstelle-bgg.de" in html
    # Without a sign-language video the statement says it is missing.
    assert "Kein Video in Gebärdensprache" in html
    english = client.get("/barrierefreiheit?lang=en").text
    assert "<h1>Accessibility statement</h1>" in english and "partially compliant" in english


def test_a_valid_report_lands_in_the_log_as_one_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    text = 'Der Knopf „Klatschen“ ist zu klein.\n\nZweiter Absatz mit "Zitat" \\'
    with caplog.at_level(logging.WARNING, logger="live"):
        response = client.post(
            "/barrierefreiheit",
            data={"text": text, "contact": "0151 2345678"},
            headers=ORIGIN,
            follow_redirects=False,
        )
    assert response.status_code == 303
    assert response.headers["location"] == "/barrierefreiheit?sent=1#feedback"
    [line] = reports(caplog)
    assert "\n" not in line
    assert "Der Knopf „Klatschen“ ist zu klein.\\n\\nZweiter Absatz" in line
    assert 'contact="0151 2345678"' in line
    page = client.get(response.headers["location"]).text
    assert 'role="status">Danke! Ihre Meldung ist angekommen.' in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Bitte beschreiben Sie die Barriere."),
        ("  \n\t ", "Bitte beschreiben Sie die Barriere."),
        ("x" * 2001, "Bitte fassen Sie sich kürzer: höchstens 2000 Zeichen (jetzt 2001)."),
    ],
)
def test_bad_reports_get_a_german_error_and_log_nothing(
    client: TestClient, caplog: pytest.LogCaptureFixture, text: str, message: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="live"):
        response = client.post(
            "/barrierefreiheit", data={"text": text, "contact": "ich@example.de"}, headers=ORIGIN
        )
    assert response.status_code == 422
    assert f'<p id="report-text-error" class="field-error">{message}</p>' in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'value="ich@example.de"' in response.text  # the form stays filled in
    assert reports(caplog) == []


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ODD_POSTS: list[tuple[dict[str, str], dict[str, Any]]] = [
    (FORM, {"content": b"\xff\xfe\x00text=%ZZ&&="}),
    ({"Content-Type": "multipart/form-data; boundary=x"}, {"content": b"nonsense"}),
    ({}, {"files": {"text": ("a.txt", b"datei")}}),
    ({}, {"data": {"contact": "y" * 201, "text": "ok"}}),
    (FORM, {"content": b"a=" + b"x" * 70_000}),
]


def test_odd_posts_never_fail_with_500(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="live"):
        for headers, body in ODD_POSTS:
            response = client.post("/barrierefreiheit", headers={**ORIGIN, **headers}, **body)
            assert 400 <= response.status_code < 500, (headers, response.status_code)
    assert reports(caplog) == []


def test_a_foreign_origin_is_refused(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="live"):
        response = client.post(
            "/barrierefreiheit", data={"text": "echt?"}, headers={"Origin": "https://evil.example"}
        )
    assert response.status_code == 403
    assert reports(caplog) == []


def test_a_flood_from_one_address_is_refused_for_a_while(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="live"):
        for i in range(REPORTS_PER_ADDRESS):
            response = client.post(
                "/barrierefreiheit", data={"text": f"Meldung {i}"}, headers=ORIGIN
            )
            assert response.status_code == 200  # the redirect, followed
        refused = client.post("/barrierefreiheit", data={"text": "noch eine"}, headers=ORIGIN)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "Von hier kamen gerade viele Meldungen." in refused.text
    assert ">noch eine</textarea>" in refused.text
    assert len(reports(caplog)) == REPORTS_PER_ADDRESS
    # Ten minutes later the address may report again.
    clock = services_of(client).clock
    later = clock.now()
    clock.now = lambda: later + timedelta(minutes=10, seconds=1)
    again = client.post("/barrierefreiheit", data={"text": "wieder"}, headers=ORIGIN)
    assert again.status_code == 200 and "Danke!" in again.text


def test_with_a_contact_the_statement_names_it_and_has_no_form(tmp_path: Path) -> None:
    for contact, href in (
        ("barrierefrei@amt.example.de", "mailto:barrierefrei@amt.example.de"),
        ("https://amt.example.de/melden", "https://amt.example.de/melden"),
    ):
        with make_client(tmp_path / contact[:5], accessibility_contact=contact) as client:
            html = client.get("/barrierefreiheit").text
            assert f'<a href="{href}">{contact}</a>' in html
            assert "<form" not in html
            response = client.post("/barrierefreiheit", data={"text": "x"}, headers=ORIGIN)
            assert response.status_code == 404


def test_easy_read_page_and_its_sign_language_link(tmp_path: Path) -> None:
    with make_client(tmp_path / "plain") as client:
        html = client.get("/leichte-sprache").text
        assert "<h1>Leichte Sprache</h1>" in html and "Sie bleiben anonym" in html
        assert "Gebärdensprache" not in html
        english = client.get("/leichte-sprache?lang=en").text
        assert "<h1>Easy to read</h1>" in english and "You stay anonymous" in english
    with make_client(tmp_path / "dgs", dgs_video_url=DGS) as client:
        html = client.get("/leichte-sprache").text
        assert f'<a class="button" href="{DGS}">Das Video in Gebärdensprache ansehen</a>' in html
        assert "Kein Video in Gebärdensprache" not in client.get("/barrierefreiheit").text


def test_in_the_side_panel_the_footer_links_open_a_tab_of_their_own(tmp_path: Path) -> None:
    with make_client(tmp_path, imprint_url=IMPRINT) as client:
        event = create_event(client)
        panel = client.get(f"/e/{event.code}?embed=1").text
        footer = panel[panel.index('<footer class="site-footer">') :]
        links = re.findall(r"<a [^>]*>", footer)
        assert len(links) == 4 and all('target="_blank" rel="noopener"' in a for a in links)
        assert f'href="{IMPRINT}"' in footer
        page = client.get(f"/e/{event.code}").text
        assert 'target="_blank"' not in page[page.index('<footer class="site-footer">') :]
