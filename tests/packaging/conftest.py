"""The built and installed wheel, shared by this folder's tests: building and installing take
15 to 30 s, so they happen once per session (per xdist worker)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.installed_wheel import Installed, build_and_install


@pytest.fixture(scope="session")
def installed() -> Iterator[Installed]:
    # Not pytest's tmp_path: that lies in a folder only root may enter, and test_container.py
    # runs the installed app as an unprivileged user. Readable by all, writable by root only.
    base = Path(tempfile.mkdtemp(prefix="live-wheel-"))
    try:
        base.chmod(0o755)
        yield build_and_install(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)
