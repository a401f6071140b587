"""Several workers, one /metrics: the directory where prometheus-client's multiprocess mode keeps
every worker's values (live/metrics.py reads them all on each scrape).

`live serve` prepares it before uvicorn starts the workers: the library picks its mode when it
is first imported, from PROMETHEUS_MULTIPROC_DIR, so the variable must be in the workers'
environment from their start. The directory is emptied first: files of an earlier run would
add their counts (and their dead workers' gauges) to this one's.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from live.settings import Settings

ENV = "PROMETHEUS_MULTIPROC_DIR"


def share_metrics(settings: Settings) -> Path | None:
    """Make the workers' metrics directory ready and name it in the environment the workers
    inherit; None when there is nothing to share (one worker, or metrics off). A temporary
    directory goes when `live serve` exits; LIVE_METRICS_DIR stays (emptied at each start)."""
    if not settings.metrics_shared:
        return None
    if settings.metrics_dir:
        directory = Path(settings.metrics_dir)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
    else:
        directory = Path(tempfile.mkdtemp(prefix="live-metrics-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
    os.environ[ENV] = str(directory)
    return directory
