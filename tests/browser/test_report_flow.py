"""The conference report in headless Chromium: it renders with its charts, printing hides
every control and leaves a black-on-white document, and axe-core finds nothing serious."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from live.domain.models import AgendaItem
from live.store import open_store
from tests.support.axe import check_a11y
from tests.support.browser import ContextFactory
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser

BERLIN = ZoneInfo("Europe/Berlin")  # the server's default time zone (live.settings)
HOSTILE = '<img src=x onerror=alert(1)> "Frage"'


def api(
    server: LiveServer, path: str, body: Any = None, token: str | None = None, method: str = "POST"
) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def form(server: LiveServer, path: str, fields: dict[str, str]) -> None:
    """A form post from a new anonymous participant (a new identity each time, from the API's
    join: a post without a participant cookie counts nothing)."""
    code = path.split("/")[2]
    token = api(server, f"/api/v1/events/{code}/join")["participant_token"]
    data = urllib.parse.urlencode(fields).encode()
    headers = {"Cookie": f"live_p_{code}={token}"}
    request = urllib.request.Request(server.url + path, data=data, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200  # after the 303 back to the participant page
        assert "again" not in response.url  # counted, not sent to the page for a cookie


def in_store(server: LiveServer, work: Any) -> None:
    """Write straight into the server's SQLite file (the program has no API in this slice).
    In a thread: Playwright's sync API keeps an event loop registered on the main thread."""

    async def run() -> None:
        store = open_store(f"sqlite:///{server.data_dir / 'live.db'}")
        await store.open()
        try:
            await work(store)
        finally:
            await store.close()

    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(run())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    if errors:
        raise errors[0]


def prepare(server: LiveServer) -> tuple[str, str]:
    # Not in the last seconds before local midnight: the votes below would fall on the next day.
    local = datetime.now(BERLIN)
    to_midnight = (local.replace(hour=23, minute=59, second=59) - local).total_seconds()
    if to_midnight < 30:
        time.sleep(to_midnight + 2)
    event = api(server, "/api/v1/events", {"title": "Fachtag", "rooms": ["Plenum", "Forum 1"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    poll = api(
        server,
        f"/api/v1/events/{code}/rooms/{room}/polls",
        {"question": HOSTILE, "options": ["begeistert", "zufrieden", HOSTILE]},
        token,
    )
    api(server, f"/api/v1/events/{code}/polls/{poll['id']}/open", token=token)
    for choice in ("0", "1", "1", "2"):
        form(server, f"/e/{code}/polls/{poll['id']}/vote", {"choice": choice})
    form(server, f"/e/{code}/rooms/{room}/questions", {"text": "Wie geht es weiter?"})
    form(server, f"/e/{code}/rooms/{room}/mood", {"value": "4"})
    (question,) = api(
        server, f"/api/v1/events/{code}/rooms/{room}/questions", token=token, method="GET"
    )
    api(
        server,
        f"/api/v1/events/{code}/questions/{question['id']}",
        {"state": "answered", "answer": "Gemeinsam."},
        token,
        "PATCH",
    )
    now = datetime.now(UTC).replace(microsecond=0)
    # The report draws one pair of charts per local day: everything stays on the day of the
    # votes just cast (this test ran at 00:10 in Berlin once and found four charts).
    midnight = now.astimezone(BERLIN).replace(hour=0, minute=0, second=0).astimezone(UTC)

    async def program(store: Any) -> None:
        start = max(now - timedelta(minutes=30), midnight)
        await store.add_agenda_item(
            AgendaItem("i1", code, room, HOSTILE, start, start + timedelta(hours=1), "Dr. X")
        )
        await store.record_applause(room, [(max(now - timedelta(minutes=5), start), 0.7)])

    in_store(server, program)
    return code, token


def test_report_page_prints_clean_and_passes_axe(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    code, token = prepare(live_server)
    page = browser_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{live_server.url}/e/{code}/moderate?token={token}")
    page.get_by_role("link", name="Bericht").click()
    expect(page).to_have_url(f"{live_server.url}/e/{code}/report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fachtag")
    # The hostile poll question is text, in the heading and in the chart's label.
    expect(page.get_by_role("heading", level=4)).to_contain_text(HOSTILE)
    expect(page.locator("img")).to_have_count(0)
    chart = page.locator(".poll-chart svg[role=img]")
    expect(chart).to_have_attribute(
        "aria-label",
        f"{HOSTILE} – " + "Anteil der Stimmen in "
        "Prozent, in Klammern die Anzahl. 4 Personen haben abgestimmt."
        " 25\u00a0% begeistert, 50\u00a0% zufrieden, 25\u00a0% " + HOSTILE,
    )
    expect(page.locator(".timeline svg[role=img]")).to_have_count(2)
    expect(page.locator(".agenda-band").first).to_be_attached()
    expect(page.locator(".report-questions")).to_contain_text("Gemeinsam.")
    actions = page.locator("nav.report-actions")
    expect(actions).to_be_visible()
    check_a11y(page, context="report page (screen)")

    page.emulate_media(media="print")
    expect(actions).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".report-poll .report-actions")).to_be_hidden()
    colours = page.evaluate(
        "() => [getComputedStyle(document.body).backgroundColor,"
        " getComputedStyle(document.querySelector('.report-room')).color]"
    )
    assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    breaks = page.evaluate(
        "() => [...document.querySelectorAll('.report-room')]"
        ".map(e => getComputedStyle(e).breakBefore)"
    )
    assert breaks == ["page", "page"]
    assert page.pdf()[:4] == b"%PDF"
    check_a11y(page, context="report page (print)")

    # Downloads are linked from the page and answer with files.
    page.emulate_media(media="screen")
    with page.expect_download() as info:
        page.get_by_role("link", name="Markdown (.md)").click()
    assert info.value.suggested_filename == f"{code}-bericht-fachtag.md"
