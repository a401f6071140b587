"""In-process app fixtures: `with TestClient(app)` runs the lifespan on one event loop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
from starlette.testclient import TestClient

from live.app import create_app
from live.service import Services
from live.settings import Settings
from live.web.runtime import Runtime

T = TypeVar("T")


def services_of(client: TestClient) -> Services:
    """The app's use cases, for a test that sets the clock or closes the store."""
    return runtime_of(client.app).services


def run_in_app(client: TestClient, call: Callable[..., Awaitable[T]], *args: object) -> T:
    """Await ``call`` on the app's event loop (the store's, hub's, …)."""
    assert client.portal is not None, "the client's lifespan has not started"
    return client.portal.call(call, *args)


def close_store(client: TestClient) -> None:
    """A store outage: the store refuses every call from now on."""
    run_in_app(client, services_of(client).store.close)


def runtime_of(app: object) -> Runtime:
    runtime = getattr(getattr(app, "state", None), "live", None)
    assert isinstance(runtime, Runtime), "the app's lifespan has not run"
    return runtime


def make_client(tmp_path: Path, *, host: str = "testclient", **overrides: Any) -> TestClient:
    """An app with these settings, its client connecting from ``host`` (127.0.0.1: like a
    proxy on the same machine, trusted by default to name the client in X-Forwarded-For)."""
    settings = replace(Settings(data_dir=tmp_path / "data", tick_ms=10), **overrides)
    return TestClient(create_app(settings), base_url="http://testserver", client=(host, 40000))


@pytest.fixture
def client(tmp_path: Path) -> Generator[TestClient]:
    with make_client(tmp_path) as c:
        yield c


@dataclass
class EventFixture:
    code: str
    token: str
    rooms: list[dict[str, str]]

    @property
    def room(self) -> str:
        return self.rooms[0]["id"]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def create_event(
    client: TestClient, title: str = "Tag der Jobcenter", rooms: list[str] | None = None
) -> EventFixture:
    body: dict[str, Any] = {"title": title}
    if rooms is not None:
        body["rooms"] = rooms
    response = client.post("/api/v1/events", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    return EventFixture(data["code"], data["moderator_token"], data["rooms"])


def create_poll(
    client: TestClient,
    event: EventFixture,
    *,
    open_it: bool = True,
    room: str | None = None,
    **body: Any,
) -> dict[str, Any]:
    payload = {
        "question": "Wie gefällt Ihnen die Tagung?",
        "kind": "single",
        "options": ["gut", "mittel", "schlecht"],
    }
    payload.update(body)
    response = client.post(
        f"/api/v1/events/{event.code}/rooms/{room or event.room}/polls",
        json=payload,
        headers=event.auth,
    )
    assert response.status_code == 201, response.text
    poll: dict[str, Any] = response.json()
    if open_it:
        response = client.post(
            f"/api/v1/events/{event.code}/polls/{poll['id']}/open", headers=event.auth
        )
        assert response.status_code == 200, response.text
        poll = response.json()
    return poll


def allow_parallel_polls(client: TestClient, event: EventFixture, room: str | None = None) -> None:
    """Let the room keep several polls open at once (by default opening one closes the room's
    open poll), for tests about several open polls."""
    response = client.patch(
        f"/api/v1/events/{event.code}/rooms/{room or event.room}",
        json={"parallel_polls": True},
        headers=event.auth,
    )
    assert response.status_code == 200, response.text


def join(client: TestClient, event: EventFixture) -> str:
    response = client.post(f"/api/v1/events/{event.code}/join")
    assert response.status_code == 201, response.text
    token: str = response.json()["participant_token"]
    return token


def enter(client: TestClient, event: EventFixture, room: str | None = None) -> str:
    """What a phone does before any action: load the participant page, which sets the
    participant cookie (a page action without it counts nothing). Returns the cookie's token."""
    response = client.get(f"/e/{event.code}", params={"room": room or event.room})
    assert response.status_code == 200, response.text
    token = client.cookies.get(f"live_p_{event.code}")
    assert token
    return token


@pytest.fixture
def event(client: TestClient) -> EventFixture:
    return create_event(client, rooms=["Plenum", "Fachforum 1"])


MakeEvent = Callable[..., EventFixture]
