"""Settings: one frozen object from the environment; every setting documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from live.settings import SETTINGS, Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_documented_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in text]
    assert not missing, f"README.md lacks {missing}"


def test_readme_starts_with_exactly_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = text.split("```")
    commands = blocks[1:4:2]
    assert all(b.startswith("sh\n") for b in commands)
    assert "live serve" in commands[0] and "tests/run" in commands[1]
    assert text.index("```") < text.index("##")  # before any other section


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.port == 8000 and settings.effective_hub_url == "memory://"
    assert not settings.shares_state
    assert settings.effective_store_url.startswith("sqlite:///")
    assert settings.workers == 1 and settings.tick_ms == 100


def test_redis_url_moves_store_and_hub_to_redis() -> None:
    for env in ({"LIVE_REDIS_URL": "redis://r:6379/0"}, {"REDIS_URL": "redis://r:6379/0"}):
        settings = Settings.from_env(env)
        assert settings.effective_store_url == "redis://r:6379/0"
        assert settings.effective_hub_url == "redis://r:6379/0"
        assert settings.shares_state
    both = Settings.from_env({"LIVE_REDIS_URL": "redis://a/0", "REDIS_URL": "redis://b/0"})
    assert both.redis_url == "redis://a/0"


def test_port_falls_back_to_platform_port_and_flags_validate() -> None:
    assert Settings.from_env({"PORT": "5000"}).port == 5000
    assert Settings.from_env({"PORT": "5000", "LIVE_PORT": "6000"}).port == 6000
    assert Settings.from_env({"WEB_CONCURRENCY": "3"}).workers == 3
    with pytest.raises(ValueError, match="LIVE_TICK_MS"):
        Settings.from_env({"LIVE_TICK_MS": "1000"})
    with pytest.raises(ValueError, match="LIVE_PORT"):
        Settings.from_env({"LIVE_PORT": "http"})


def test_more_than_one_worker_without_redis_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from live.cli import main

    # main() writes its flags into os.environ (for uvicorn's worker processes): restore after.
    monkeypatch.setenv("LIVE_WORKERS", "1")
    monkeypatch.delenv("LIVE_HUB_URL", raising=False)

    assert main(["serve", "--workers", "2"]) == 2
    assert "Redis" in capsys.readouterr().err


def test_join_budget_and_trusted_proxies() -> None:
    settings = Settings.from_env({})
    assert settings.join_per_minute == 300
    assert settings.forwarded_allow_ips == ("127.0.0.1", "::1")  # a proxy on this machine
    env = {"LIVE_JOIN_PER_MINUTE": "1000", "LIVE_FORWARDED_ALLOW_IPS": " 10.0.0.0/8, 192.0.2.7 "}
    settings = Settings.from_env(env)
    assert settings.join_per_minute == 1000
    assert settings.forwarded_allow_ips == ("10.0.0.0/8", "192.0.2.7")
    # uvicorn's own variable still counts when ours is unset; set but empty trusts nobody.
    assert Settings.from_env({"FORWARDED_ALLOW_IPS": "*"}).forwarded_allow_ips == ("*",)
    nobody = {"LIVE_FORWARDED_ALLOW_IPS": "", "FORWARDED_ALLOW_IPS": "*"}
    assert Settings.from_env(nobody).forwarded_allow_ips == ()
    for bad in ({"LIVE_JOIN_PER_MINUTE": "0"}, {"LIVE_JOIN_PER_MINUTE": "viele"}):
        with pytest.raises(ValueError, match="LIVE_JOIN_PER_MINUTE"):
            Settings.from_env(bad)
    with pytest.raises(ValueError, match="LIVE_FORWARDED_ALLOW_IPS"):
        Settings.from_env({"LIVE_FORWARDED_ALLOW_IPS": "proxy.example.org"})


def test_frame_ancestors_are_origins_checked_at_start_up() -> None:
    raw = "https://BBB.example.org/, https://*.example.net ,http://localhost:8080,https://bbb.example.org"
    assert Settings.from_env({"LIVE_FRAME_ANCESTORS": raw}).frame_ancestors == (
        "https://bbb.example.org",
        "https://*.example.net",
        "http://localhost:8080",
    )
    assert Settings.from_env({}).frame_ancestors == ()
    for bad in (
        "*",
        "https://*",
        "https://*.org",  # a whole top-level domain
        "https://a.*.example.org",
        "https://bbb.example.org/plugin",
        "https://bbb.example.org?x=1",
        "bbb.example.org",
        "'self'",
        "https://bbb.example.org:99999",
        "http://bbb.example.org",  # plain http only for this machine
    ):
        with pytest.raises(ValueError, match="LIVE_FRAME_ANCESTORS"):
            Settings.from_env({"LIVE_FRAME_ANCESTORS": bad})


@pytest.mark.parametrize("name", ["LIVE_IMPRINT_URL", "LIVE_PRIVACY_URL", "LIVE_DGS_VIDEO_URL"])
def test_footer_links_must_be_web_addresses(name: str) -> None:
    field = {
        "LIVE_IMPRINT_URL": "imprint_url",
        "LIVE_PRIVACY_URL": "privacy_url",
        "LIVE_DGS_VIDEO_URL": "dgs_video_url",
    }[name]
    assert getattr(Settings.from_env({}), field) == ""
    good = "https://amt.example.de/impressum?x=1"
    assert getattr(Settings.from_env({name: f" {good} "}), field) == good
    assert getattr(Settings.from_env({name: "http://intranet/seite"}), field)
    for bad in (
        "javascript:alert(1)",
        "amt.example.de/impressum",
        "ftp://amt.example.de/x",
        "https://",
        "https://[::1",
        'https://amt.example.de/"><script>',
        "mailto:info@amt.example.de",
    ):
        with pytest.raises(ValueError, match=f"{name} must be an http:// or https:// URL"):
            Settings.from_env({name: bad})


def test_accessibility_contact_is_an_address_or_a_web_page() -> None:
    def contact(raw: str) -> str:
        return Settings.from_env({"LIVE_ACCESSIBILITY_CONTACT": raw}).accessibility_contact

    assert contact("") == ""
    assert contact("barrierefrei@amt.example.de") == "barrierefrei@amt.example.de"
    assert contact("mailto:barrierefrei@amt.example.de") == "barrierefrei@amt.example.de"
    assert contact("https://amt.example.de/barriere-melden") == (
        "https://amt.example.de/barriere-melden"
    )
    for bad in ("barrierefrei", "a@b", "javascript:alert(1)", "a b@amt.example.de", "@amt.de"):
        with pytest.raises(ValueError, match="LIVE_ACCESSIBILITY_CONTACT must be"):
            contact(bad)
