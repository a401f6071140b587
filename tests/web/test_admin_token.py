"""LIVE_ADMIN_TOKEN (issue 21, point 4): wrong guesses are throttled per client address on the
API and the start page alike, and an instance without it says so in its start-up log."""

from __future__ import annotations

import logging
from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import make_client, services_of

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
TOO_MANY = "Zu viele falsche Zugangsschlüssel."


@pytest.fixture
def guarded(tmp_path: Path) -> Generator[tuple[TestClient, list[datetime]]]:
    with make_client(tmp_path, host="127.0.0.1", admin_token="s3cret-Tok3n") as client:
        now = [T0]
        services_of(client).clock.now = lambda: now[0]
        yield client, now


def api_create(client: TestClient, token: str | None, who: str = "198.51.100.1") -> Any:
    headers: dict[str, Any] = {"X-Forwarded-For": who}
    if token is not None:  # as bytes: a guess may be any UTF-8
        headers["Authorization"] = f"Bearer {token}".encode()
    return client.post("/api/v1/events", json={"title": "T"}, headers=headers)


def form_create(client: TestClient, token: str, who: str = "198.51.100.1") -> Any:
    data = {"title": "T", "admin_token": token}
    return client.post(
        "/events", data=data, headers={"X-Forwarded-For": who}, follow_redirects=False
    )


def test_wrong_admin_tokens_are_throttled_per_address(
    guarded: tuple[TestClient, list[datetime]],
) -> None:
    client, now = guarded  # behind a proxy: X-Forwarded-For names who guesses
    # No token offered is no guess: it is not counted.
    for _ in range(20):
        assert api_create(client, None).status_code == 401
    # Ten wrong guesses a minute: of other lengths, non-ASCII, one character off.
    for n in range(10):
        guess = ["falsch", "s3cret-Tok3", "s3cret-Tok3m", "ß" * 40][n % 4]
        refused = api_create(client, guess)
        assert refused.status_code == 403, n
        assert refused.json()["error"]["code"] == "forbidden"
    # The eleventh attempt is refused before it is checked, the right token too: otherwise
    # the answers would still tell the guesser when it was right.
    for token in ("noch-falsch", "s3cret-Tok3n"):
        throttled = api_create(client, token)
        assert throttled.status_code == 429
        assert throttled.json()["error"]["code"] == "too_many_attempts"
        assert throttled.headers["retry-after"] == "60"
    # The start page's form shares the budget: a German page, the message by the field.
    page = form_create(client, "s3cret-Tok3n")
    assert page.status_code == 429
    assert TOO_MANY in page.text and 'name="admin_token"' in page.text
    assert page.headers["retry-after"] == "60"
    # Another address is not held up by the guesser.
    assert api_create(client, "s3cret-Tok3n", who="198.51.100.2").status_code == 201
    # After the minute the organiser gets in.
    now[0] = T0 + timedelta(seconds=60)
    assert api_create(client, "s3cret-Tok3n").status_code == 201


def test_wrong_tokens_in_the_form_are_throttled_too(
    guarded: tuple[TestClient, list[datetime]],
) -> None:
    client, now = guarded
    for n in range(10):
        page = form_create(client, f"rate-{n}")
        assert page.status_code == 403
        assert "Der Zugangsschlüssel stimmt nicht." in page.text
    assert form_create(client, "s3cret-Tok3n").status_code == 429
    english = client.post(
        "/events?lang=en",
        data={"title": "T", "admin_token": "x"},
        headers={"X-Forwarded-For": "198.51.100.1"},
    )
    assert english.status_code == 429 and "Too many wrong access keys" in english.text
    now[0] = T0 + timedelta(seconds=61)
    response = form_create(client, "s3cret-Tok3n")
    assert response.status_code == 303
    assert response.headers["location"].endswith("/start")


def test_start_up_warns_when_anyone_may_create_events(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="live"), make_client(tmp_path / "open"):
        pass
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("LIVE_ADMIN_TOKEN is not set" in r.getMessage() for r in warnings)
    caplog.clear()
    guarded = make_client(tmp_path / "guarded", admin_token="s3cret-Tok3n")
    with caplog.at_level(logging.WARNING, logger="live"), guarded:
        pass
    assert not [r for r in caplog.records if "LIVE_ADMIN_TOKEN" in r.getMessage()]
