"""`live check` against real parts: a throwaway redis-server with and without persistence, data
directories that cannot be written, and the other settings; each finding one line."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from redis import Redis

from live.cli import main
from tests.support.redis import RedisServer

TOKEN = "a-long-random-admin-token-for-tests"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only what a test sets: nothing from the developer's shell. The flags' variables are set
    here too, so that what main() writes into os.environ for them is undone afterwards."""
    for name in list(os.environ):
        if name.startswith("LIVE_") or name in ("PORT", "WEB_CONCURRENCY", "REDIS_URL"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("LIVE_HOST", "127.0.0.1")
    monkeypatch.setenv("LIVE_PORT", "8000")
    monkeypatch.setenv("LIVE_WORKERS", "1")
    monkeypatch.setenv("LIVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LIVE_ADMIN_TOKEN", TOKEN)


def run_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["check", *args])
    return code, capsys.readouterr().out.splitlines()


def line(lines: list[str], check: str) -> str:
    found = [text for text in lines if text.split("  ", 1)[-1].lstrip().startswith(check)]
    assert found, f"no line for {check!r} in:\n" + "\n".join(lines)
    return " ".join(found)


def test_a_redis_without_persistence_is_refused(
    redis_factory: Callable[..., RedisServer],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    redis = redis_factory(aof=False)
    monkeypatch.setenv("LIVE_REDIS_URL", redis.url)
    code, lines = run_check(capsys)
    assert code == 1
    refusal = [text for text in lines if text.startswith("error")]
    assert len(refusal) == 1 and f"redis 127.0.0.1:{redis.port}" in refusal[0]
    assert 'appendonly no, save ""' in refusal[0]
    assert "appendonly yes" in refusal[0]  # what to change
    assert lines[-1].startswith("1 error(s)")


def test_a_redis_with_aof_passes(
    redis_factory: Callable[..., RedisServer],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    redis = redis_factory()
    monkeypatch.setenv("LIVE_REDIS_URL", redis.url)
    code, lines = run_check(capsys)
    assert code == 0, "\n".join(lines)
    found = line(lines, f"redis 127.0.0.1:{redis.port}")
    assert "AOF on, appendfsync everysec" in found
    assert "error" not in found and "warning" not in found


def test_snapshots_only_and_lazy_fsync_and_eviction_warn(
    redis_factory: Callable[..., RedisServer],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    redis = redis_factory(aof=False)
    with Redis.from_url(redis.url) as admin:
        admin.config_set("save", "3600 1")
    monkeypatch.setenv("LIVE_REDIS_URL", redis.url)
    code, lines = run_check(capsys)
    assert code == 0  # it keeps something: a warning, not a refusal
    assert "warning" in line(lines, "redis") and "only RDB snapshots" in line(lines, "redis")

    with Redis.from_url(redis.url) as admin:
        admin.config_set("appendonly", "yes")
        admin.config_set("appendfsync", "no")
        admin.config_set("maxmemory-policy", "allkeys-lru")
    code, lines = run_check(capsys)
    found = line(lines, "redis")
    assert "appendfsync no" in found and "maxmemory-policy allkeys-lru" in found
    assert code == 0


def test_an_unreachable_redis_is_an_error(
    redis_factory: Callable[..., RedisServer],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    redis = redis_factory()
    redis.stop()
    monkeypatch.setenv("LIVE_REDIS_URL", redis.url)
    code, lines = run_check(capsys)
    assert code == 1
    assert "not reachable" in line(lines, "redis")


def test_a_data_dir_that_cannot_be_written_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file where a directory should be: unwritable even for root (mode bits are not).
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    code, lines = run_check(capsys, "--data-dir", str(blocker / "data"))
    assert code == 1
    found = line(lines, "data dir")
    assert found.startswith("error") and str(blocker) in found

    code, lines = run_check(capsys, "--data-dir", str(tmp_path / "fresh" / "data"))
    assert code == 0
    assert "does not exist yet" in line(lines, "data dir")
    assert not (tmp_path / "fresh").exists()  # checking made nothing


def test_settings_that_do_not_parse_are_one_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LIVE_TICK_MS", "fast")
    code, lines = run_check(capsys)
    assert code == 1
    assert line(lines, "settings").startswith("error")
    assert "LIVE_TICK_MS" in line(lines, "settings")


@pytest.mark.parametrize(
    ("env", "level", "text"),
    [
        ({"LIVE_PUBLIC_URL": "https://live.example.org/app"}, "error", "base only"),
        ({"LIVE_PUBLIC_URL": "ftp://live.example.org"}, "error", "http(s)://host"),
        (
            {"LIVE_PUBLIC_URL": "http://live.example.org", "LIVE_SECURE_COOKIES": "1"},
            "error",
            "only over https",
        ),
        ({"LIVE_PUBLIC_URL": "http://live.example.org"}, "warning", "plain http"),
        ({"LIVE_PUBLIC_URL": "https://live.example.org"}, "warning", "LIVE_SECURE_COOKIES"),
        (
            {"LIVE_PUBLIC_URL": "https://live.example.org", "LIVE_SECURE_COOKIES": "1"},
            "ok",
            "https://live.example.org",
        ),
    ],
)
def test_the_public_url(
    env: dict[str, str],
    level: str,
    text: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, lines = run_check(capsys)
    found = line(lines, "public URL")
    assert found.startswith(level) and text in found
    assert code == (1 if level == "error" else 0)


def test_the_other_checks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LIVE_ADMIN_TOKEN", "")
    monkeypatch.setenv("LIVE_FORWARDED_ALLOW_IPS", "0.0.0.0/0")
    code, lines = run_check(capsys, "--workers", "2", "--host", "0.0.0.0", "--phones", "10000000")
    assert code == 1
    assert line(lines, "workers").startswith("error") and "need Redis" in line(lines, "workers")
    assert line(lines, "admin token").startswith("warning")
    assert line(lines, "proxies").startswith("warning")
    files = line(lines, "open files")
    assert files.startswith("warning") and "LimitNOFILE" in files

    monkeypatch.setenv("LIVE_ADMIN_TOKEN", "short")
    code, lines = run_check(capsys, "--workers", "1", "--host", "127.0.0.1")
    assert "short" in line(lines, "admin token")
    # The default bind answers this machine only: phones cannot open its address.
    phones = line(lines, "phones")
    assert phones.startswith("warning") and "--host 0.0.0.0" in phones


@pytest.mark.parametrize(
    ("env", "level", "text"),
    [
        ({}, "ok", "no other site may frame"),
        ({"LIVE_FRAME_ANCESTORS": "https://bbb.example.org"}, "warning", "LIVE_SECURE_COOKIES"),
        (
            {"LIVE_FRAME_ANCESTORS": "https://bbb.example.org", "LIVE_SECURE_COOKIES": "1"},
            "ok",
            "https://bbb.example.org",
        ),
    ],
)
def test_framing(
    env: dict[str, str],
    level: str,
    text: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, lines = run_check(capsys)
    found = line(lines, "framing")
    assert found.startswith(level) and text in found
    assert code == 0
