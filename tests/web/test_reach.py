"""The warning that phones cannot reach the address the links and QR codes carry: on the
moderator's console and the projector's join panel, in words with the fix, not on the
participant page, and not when LIVE_PUBLIC_URL names a reachable address."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from live.app import create_app
from live.settings import Settings
from tests.web.conftest import create_event

WARNING = "Achtung: Telefone erreichen diese Adresse nicht."


def client_at(tmp_path: Path, address: str, **settings: Any) -> TestClient:
    """The app opened in a browser by ``address`` (the Host header its links are built from)."""
    app = create_app(replace(Settings(data_dir=tmp_path / "data", tick_ms=10), **settings))
    return TestClient(app, base_url=address)


def pages(client: TestClient) -> dict[str, str]:
    event = create_event(client)
    console = client.get(f"/e/{event.code}/moderate?token={event.token}")
    screen = client.get(f"/e/{event.code}/screen?room={event.room}")
    phone = client.get(f"/e/{event.code}")
    for answer in (console, screen, phone):
        assert answer.status_code == 200
    return {"console": console.text, "screen": screen.text, "phone": phone.text}


def notice(html: str) -> str:
    """The warning's text (tags stripped), or "" when the page has none."""
    found = re.search(r'<div class="reach-warning" role="status">(.*?)</div>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip() if found else ""


def test_a_loopback_server_warns_on_the_console_and_the_projector(tmp_path: Path) -> None:
    with client_at(tmp_path, "http://127.0.0.1:8000") as client:
        shown = pages(client)
    for name in ("console", "screen"):
        text = notice(shown[name])
        assert text.startswith(WARNING), name
        assert "127.0.0.1:8000" in text and "live serve --host 0.0.0.0" in text, name
        assert "LIVE_PUBLIC_URL" in text, name
    # The projector says it in its join panel, beside the address the hall would scan.
    panel = shown["screen"].split('class="join-panel"', 1)[1].split("</aside>", 1)[0]
    assert WARNING in panel
    # A phone that shows the page has reached the server: no warning there.
    assert notice(shown["phone"]) == "" and WARNING not in shown["phone"]


def test_no_warning_with_a_public_url(tmp_path: Path) -> None:
    with client_at(
        tmp_path, "http://127.0.0.1:8000", public_url="https://live.example.org"
    ) as client:
        shown = pages(client)
    for name, html in shown.items():
        assert WARNING not in html, name
    assert "live.example.org/e/" in shown["screen"]


def test_no_warning_when_opened_by_a_network_address(tmp_path: Path) -> None:
    with client_at(tmp_path, "http://192.168.10.20:8000", host="0.0.0.0") as client:
        shown = pages(client)
    for name, html in shown.items():
        assert WARNING not in html, name


def test_listening_everywhere_but_opened_by_localhost(tmp_path: Path) -> None:
    """Bound to 0.0.0.0 without LIVE_PUBLIC_URL, the links follow the Host header: opened by
    localhost, the projector's QR code would carry localhost. Its fix is another one."""
    with client_at(tmp_path, "http://localhost:8000", host="0.0.0.0") as client:
        shown = pages(client)
    text = notice(shown["screen"])
    assert text.startswith(WARNING)
    assert "localhost:8000" in text and "Adresse des Rechners im Netz" in text
    assert "--host 0.0.0.0" not in text  # it listens on the network already


def test_a_public_url_naming_this_machine(tmp_path: Path) -> None:
    with client_at(tmp_path, "http://10.0.0.5:8000", public_url="http://localhost:8000") as client:
        shown = pages(client)
    assert "LIVE_PUBLIC_URL (localhost:8000) nennt diesen Rechner" in notice(shown["console"])


def test_in_english(tmp_path: Path) -> None:
    with client_at(tmp_path, "http://127.0.0.1:8000") as client:
        event = create_event(client)
        client.get(f"/e/{event.code}/moderate?token={event.token}")
        console = client.get(f"/e/{event.code}/moderate?lang=en").text
    text = notice(console)
    assert text.startswith("Warning: phones cannot reach this address.")
    assert "The server answers this computer only (127.0.0.1:8000)" in text
