"""Run the `live` command line as an operator would: a subprocess of this checkout, with only
the LIVE_* settings the test gives (the developer's shell never leaks in)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.support.server import REPO_ROOT


def live(
    *args: str | Path, env: Mapping[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIVE_") and k != "REDIS_URL"}
    return subprocess.run(
        [sys.executable, "-m", "live", *map(str, args)],
        cwd=REPO_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def sqlite_env(data_dir: Path) -> dict[str, str]:
    return {"LIVE_DATA_DIR": str(data_dir)}
