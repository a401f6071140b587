"""The `store` fixture: every test in tests/store/test_contract.py runs once per backend.

To add a backend, add one entry to BACKENDS: a name (the test id) and a function that builds an
unopened Store for a test (it gets the test's tmp_path). The fixture opens it, yields it and
closes it. A backend that needs a server can `pytest.skip()` in its factory when none is
configured (e.g. no LIVE_TEST_REDIS_URL), and must hand out an empty store per test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from live.store import Store, open_store

StoreFactory = Callable[[Path], Store]

BACKENDS: dict[str, StoreFactory] = {
    # tmp_path is absolute, so this is sqlite:////tmp/...: the four-slash absolute form.
    "sqlite-file": lambda tmp_path: open_store(f"sqlite:///{tmp_path / 'live.db'}"),
    "sqlite-memory": lambda tmp_path: open_store("sqlite://:memory:"),
}


@pytest.fixture(params=list(BACKENDS))
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    backend = BACKENDS[request.param](tmp_path)
    await backend.open()
    try:
        yield backend
    finally:
        await backend.close()
