"""Deleting an event: the organiser's page, the API, open sockets, the automatic deletion."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from live.board.memory import MemoryBoard
from live.domain.models import Event
from live.fanout.connection import CLOSE_GONE
from live.hub.memory import MemoryHub
from live.service import build_services
from live.service.clock import Clock
from live.store.sqlite import SQLiteStore
from live.web.runtime import runtime
from tests.web.conftest import EventFixture, create_event, create_poll, join
from tests.web.test_pages import login
from tests.web.test_sockets import receive, ws_url

ZONE = ZoneInfo("Europe/Berlin")
ORIGIN = {"Origin": "http://testserver"}


def test_delete_page_needs_the_organiser(client: TestClient, event: EventFixture) -> None:
    response = client.get(f"/e/{event.code}/delete")
    assert response.status_code == 401
    assert "Moderationsschlüssel" in response.text
    response = client.post(
        f"/e/{event.code}/delete", data={"confirm_code": event.code}, headers=ORIGIN
    )
    assert response.status_code == 401
    assert client.get(f"/api/v1/events/{event.code}").status_code == 200


def test_delete_page_asks_for_the_code(client: TestClient, event: EventFixture) -> None:
    login(client, event)
    page = client.get(f"/e/{event.code}/delete")
    assert page.status_code == 200
    assert "automatisch gelöscht" in page.text
    response = client.post(f"/e/{event.code}/delete", data={"confirm_code": "XYZ"}, headers=ORIGIN)
    assert response.status_code == 422
    assert "Code dieser Veranstaltung" in response.text
    assert client.get(f"/api/v1/events/{event.code}").status_code == 200


def test_delete_from_a_foreign_origin_is_refused(client: TestClient, event: EventFixture) -> None:
    login(client, event)
    response = client.post(
        f"/e/{event.code}/delete",
        data={"confirm_code": event.code},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403
    assert client.get(f"/api/v1/events/{event.code}").status_code == 200


def test_delete_page_deletes_everything(client: TestClient, event: EventFixture) -> None:
    other = create_event(client, title="Andere Tagung")
    poll = create_poll(client, event)
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        assert receive(ws)["type"] == "snapshot"
        ws.send_json({"type": "vote", "request_id": "r1", "poll_id": poll["id"], "choices": [0]})
        while receive(ws)["type"] != "ack":
            pass
    login(client, event)
    # Lower case and with spaces, as people type it.
    typed = " ".join(event.code.lower())
    response = client.post(
        f"/e/{event.code}/delete",
        data={"confirm_code": typed},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/?deleted=1")
    landing = client.get(response.headers["location"])
    assert "mit allen Daten gelöscht" in landing.text
    assert client.get(f"/api/v1/events/{event.code}").status_code == 404
    assert client.get(f"/e/{event.code}").status_code == 404
    assert client.get(f"/api/v1/events/{event.code}/polls/{poll['id']}").status_code == 404
    # The participant's token is gone with it.
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(ws_url(event, token)) as ws:
        ws.receive_text()
    # Another event is untouched.
    assert client.get(f"/api/v1/events/{other.code}").status_code == 200


def test_api_delete(client: TestClient, event: EventFixture) -> None:
    url = f"/api/v1/events/{event.code}"
    assert client.delete(url).status_code == 401
    wrong = client.delete(url, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "forbidden"
    assert client.delete(url, headers=event.auth).status_code == 204
    gone = client.delete(url, headers=event.auth)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "event_not_found"


def test_open_sockets_are_closed_for_good(client: TestClient, event: EventFixture) -> None:
    token = join(client, event)
    with (
        client.websocket_connect(ws_url(event)) as viewer,
        client.websocket_connect(ws_url(event, token)) as phone,
    ):
        assert receive(viewer)["type"] == "snapshot"
        assert receive(phone)["type"] == "snapshot"
        assert client.delete(f"/api/v1/events/{event.code}", headers=event.auth).status_code == 204
        for ws in (viewer, phone):
            with pytest.raises(WebSocketDisconnect) as closed:
                while True:
                    ws.receive_text()
            assert closed.value.code == CLOSE_GONE


def test_the_delete_page_names_the_automatic_deletion_day(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    days = runtime(client).settings.retention_days  # type: ignore[arg-type]
    created = datetime.now(UTC).date()  # an event without days ends the day it was created
    expected = date.fromordinal(created.toordinal() + days + 1)
    page = client.get(f"/e/{event.code}/delete?lang=de")
    assert format_date(expected, format="long", locale="de") in page.text


class Moment:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def test_purge_keeps_events_until_their_day(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "live.db")
    hub = MemoryHub()
    await store.open()
    await hub.open()
    clock = Moment(datetime(2026, 9, 1, 12, tzinfo=UTC))
    services = build_services(
        store, hub, MemoryBoard(), zone=ZONE, retention_days=30, clock=Clock(clock)
    )
    service, retention = services.events, services.retention
    try:
        ended = (await service.create_event("Vorbei", ["Plenum"])).event
        await store.update_event(
            ended.code, title=ended.title, starts_on=date(2026, 9, 30), ends_on=date(2026, 10, 1)
        )
        single_day = (await service.create_event("Eintägig", None)).event
        await store.update_event(
            single_day.code, title=single_day.title, starts_on=date(2026, 10, 5), ends_on=None
        )
        undated = (await service.create_event("Ohne Datum", None)).event  # created 2026-09-01
        later = (await service.create_event("Später", None)).event
        await store.update_event(
            later.code, title=later.title, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 2)
        )

        async def alive() -> set[str]:
            codes = (ended.code, single_day.code, undated.code, later.code)
            return {c for c in codes if await store.get_event(c) is not None}

        # 30 days after 2026-09-01 is 2026-10-01: still there that day (local time).
        clock.now = datetime(2026, 10, 1, 21, 59, tzinfo=UTC)  # 23:59 in Berlin
        assert await retention.purge_expired() == []
        clock.now = datetime(2026, 10, 1, 22, 0, tzinfo=UTC)  # midnight in Berlin
        assert await retention.purge_expired() == [undated.code]
        assert retention.deletion_day(undated) == date(2026, 10, 2)
        clock.now = datetime(2026, 11, 1, 12, tzinfo=UTC)
        assert await retention.purge_expired() == [ended.code]
        clock.now = datetime(2026, 11, 5, 12, tzinfo=UTC)
        assert await retention.purge_expired() == [single_day.code]
        assert await alive() == {later.code}
        # Running again (another worker) finds nothing more.
        assert await retention.purge_expired() == []
    finally:
        await hub.close()
        await store.close()


def test_deleted_event_is_refused_at_once_despite_the_handshake_cache(
    client: TestClient, event: EventFixture
) -> None:
    # A viewer socket fills the short-lived handshake cache with the event and the room.
    with client.websocket_connect(ws_url(event)) as ws:
        assert receive(ws)["type"] == "snapshot"
    assert client.delete(f"/api/v1/events/{event.code}", headers=event.auth).status_code == 204
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(ws_url(event)) as ws:
        ws.receive_text()


def test_event_record_last_day() -> None:
    created = datetime(2026, 3, 1, 8, tzinfo=UTC)
    base = Event("ABC", "T", created, "h")
    assert base.last_day == date(2026, 3, 1)
    assert Event("ABC", "T", created, "h", starts_on=date(2026, 4, 1)).last_day == date(2026, 4, 1)
    assert Event(
        "ABC", "T", created, "h", starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 2)
    ).last_day == date(2026, 4, 2)


def test_the_organiser_finds_the_event_pages_on_the_moderate_page(
    client: TestClient, event: EventFixture
) -> None:
    login(client, event)
    html = client.get(f"/e/{event.code}/moderate").text
    for path in ("control", "setup", "links", "report"):
        assert f'href="/e/{event.code}/{path}"' in html, path
    # Deleting is part of the setup, not of the console one moderates with.
    setup = client.get(f"/e/{event.code}/setup").text
    assert f'href="/e/{event.code}/delete"' in setup
