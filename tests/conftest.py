"""Fixtures shared by every test directory. Area-specific fixtures live in tests/<area>/conftest.py.

- `live_server`: one running app process (`python -m live serve`, LIVE_TICK_MS=50).
- `live_server_factory`: start more / differently configured servers in one test.

On a failing test, the output of every server it started is attached to the report.
For annotations: `from tests.support.server import LiveServer, LiveServerFactory, free_port`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from pathlib import Path

import pytest

from tests.support.redis import RedisServer
from tests.support.server import LiveServer, LiveServerFactory

_SERVERS = pytest.StashKey[list[LiveServer]]()


@pytest.fixture
def live_server_factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Generator[LiveServerFactory]:
    """`live_server_factory(env={...}, data_dir=None, port=None, start=True) -> LiveServer`.

    Each call makes a fresh data dir (unless given) and a free port; extra `env` entries are
    added to the server's environment (LIVE_* from the outer environment are never inherited).
    All servers are stopped at teardown (SIGTERM, SIGKILL after 10 s).
    """
    servers: list[LiveServer] = []
    request.node.stash[_SERVERS] = servers

    def make(
        *,
        env: Mapping[str, str] | None = None,
        data_dir: Path | None = None,
        port: int | None = None,
        start: bool = True,
    ) -> LiveServer:
        base = tmp_path_factory.mktemp("live-server")
        server = LiveServer(
            data_dir=data_dir if data_dir is not None else base / "data",
            log_path=base / "server.log",
            port=port,
            env=env,
        )
        servers.append(server)
        if start:
            server.start()
        return server

    yield make
    errors: list[str] = []
    for server in servers:
        try:
            server.stop()
        except Exception as exc:  # keep stopping the others
            errors.append(f"{server!r}: {exc!r}")
    if errors:
        pytest.fail("could not stop live server(s): " + "; ".join(errors))


@pytest.fixture
def live_server(live_server_factory: LiveServerFactory) -> LiveServer:
    """A running app on 127.0.0.1:<free port> with an empty data dir.

    `.url`, `.ws_url`, `.port`, `.data_dir`, `.stop()`, `.start()` (same port and data dir).
    """
    return live_server_factory()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        for server in item.stash.get(_SERVERS, []):
            report.sections.append((f"live server {server.url} output", server.log_text()))
    return report


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Generator[RedisServer]:
    """One throwaway redis-server for the session (tests flush its db 0 themselves, never the
    machine's shared server). Fails, not skips, when it cannot start."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Generator[Callable[..., RedisServer]]:
    """Own redis-servers for tests that stop, kill or restart them (fault tests), or that need
    another configuration (``make(aof=False)``: one without persistence)."""
    servers: list[RedisServer] = []

    def make(*, aof: bool = True) -> RedisServer:
        server = RedisServer(tmp_path_factory.mktemp("redis-own"), aof=aof)
        servers.append(server)
        server.start()
        return server

    yield make
    for server in servers:
        server.stop()
