"""live/reach.py: which addresses phones cannot open, and the address `live serve` names."""

from __future__ import annotations

import pytest

from live.reach import is_loopback_host, phones_address, unreachable_hint
from live.settings import Settings


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("app.localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("live.example.org", False),
        ("localhost.example.org", False),
        ("", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_the_address_phones_open() -> None:
    assert phones_address(Settings()) == "http://127.0.0.1:8000"
    assert phones_address(Settings(host="::1", port=9000)) == "http://[::1]:9000"
    assert phones_address(Settings(host="192.168.1.5")) == "http://192.168.1.5:8000"
    public = Settings(host="0.0.0.0", public_url="https://live.example.org")
    assert phones_address(public) == "https://live.example.org"


@pytest.mark.parametrize(
    ("settings", "base", "hint"),
    [
        (Settings(), "http://127.0.0.1:8000", "bind"),
        (Settings(), "http://localhost:8000", "bind"),
        (Settings(host="0.0.0.0"), "http://localhost:8000", "page"),
        (Settings(host="0.0.0.0"), "http://192.168.1.5:8000", None),
        (Settings(public_url="http://localhost"), "http://localhost", "public"),
        (Settings(public_url="https://live.example.org"), "https://live.example.org", None),
    ],
)
def test_why_phones_cannot_reach(settings: Settings, base: str, hint: str | None) -> None:
    assert unreachable_hint(settings, base) == hint
