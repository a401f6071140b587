"""The `store` fixture: every test in tests/store/test_contract.py runs once per backend.

To add a backend, add one entry to BACKENDS: a name (the test id) and a function that builds an
unopened Store for a test. It gets the test's `request` (to ask for other fixtures, e.g. a
server) and its tmp_path. The fixture opens it, yields it and closes it. Each test must get an
empty store. A backend whose server cannot start fails its tests; it does not skip them.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from live.store import Store, open_store
from live.store.redis import RedisStore
from live.store.sqlite import SQLiteStore
from tests.support.redis import RedisServer

StoreFactory = Callable[[pytest.FixtureRequest, Path], Store]


def redis_store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """On the session's throwaway redis-server (tests/conftest.py), under a key prefix of its
    own: tests stay isolated without flushing anything."""
    server: RedisServer = request.getfixturevalue("redis_server")
    return RedisStore.from_url(server.url, prefix=f"test-{uuid.uuid4().hex[:12]}")


BACKENDS: dict[str, StoreFactory] = {
    # tmp_path is absolute, so this is sqlite:////tmp/...: the four-slash absolute form.
    "sqlite-file": lambda request, tmp_path: open_store(f"sqlite:///{tmp_path / 'live.db'}"),
    "sqlite-memory": lambda request, tmp_path: open_store("sqlite://:memory:"),
    "redis": redis_store,
}


@pytest.fixture(params=list(BACKENDS))
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    backend = BACKENDS[request.param](request, tmp_path)
    await backend.open()
    try:
        yield backend
    finally:
        await backend.close()


@pytest.fixture
async def file_store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    """A SQLite store on a file, for the SQLite-specific tests (test_sqlite*.py)."""
    store = SQLiteStore.from_url(f"sqlite:///{tmp_path / 'live.db'}")
    await store.open()
    try:
        yield store
    finally:
        await store.close()
