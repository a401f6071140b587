"""The fan-out's tests run on a loop whose clock only the test moves (tests/support/virtual_time):
ticks, pauses and stall limits are loop time, so no outcome depends on the machine's speed or
load."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from tests.support.virtual_time import VirtualTimeLoop


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, type[VirtualTimeLoop]]:
    return {"virtual_time": VirtualTimeLoop}
