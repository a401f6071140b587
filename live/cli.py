"""`live serve`: run the app with uvicorn. Settings come from the environment; flags override."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from live.backup import commands as backup_commands
from live.settings import Settings

KEEP_ALIVE_SECONDS = 30


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="live", description="live: live audience interaction (polls, questions, applause)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web server")
    serve.add_argument("--host", help="listen address (LIVE_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (LIVE_PORT / PORT, default 8000)")
    serve.add_argument("--data-dir", help="directory for the SQLite database (LIVE_DATA_DIR)")
    serve.add_argument(
        "--workers", type=int, help="worker processes (LIVE_WORKERS / WEB_CONCURRENCY)"
    )
    backup_commands.add_commands(sub)  # backup, restore, export, import
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command != "serve":
        return backup_commands.run(args)
    # Flags are written back into the environment: with several workers, uvicorn starts fresh
    # processes that build their settings from the environment again.
    for name, value in (
        ("LIVE_HOST", args.host),
        ("LIVE_PORT", args.port),
        ("LIVE_DATA_DIR", args.data_dir),
        ("LIVE_WORKERS", args.workers),
    ):
        if value is not None:
            os.environ[name] = str(value)
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        print(f"live: {exc}", file=sys.stderr)
        return 2
    if settings.workers > 1 and not settings.shares_state:
        print(
            "live: more than one worker needs Redis (set LIVE_REDIS_URL); the in-process hub and "
            "SQLite store serve exactly one process.",
            file=sys.stderr,
        )
        return 2

    import uvicorn

    from live import logs
    from live.metrics_workers import share_metrics
    from live.web.httpprotocol import HeaderDeadlineProtocol
    from live.web.wsprotocol import LiveWebSocketProtocol

    share_metrics(settings)  # several workers: their metrics meet in files, ready before they start
    uvicorn.run(
        "live.app:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        # LIVE_LOG_FORMAT, request ids, redaction (live/logs.py); uvicorn applies it in each worker.
        log_config=logs.config(settings),
        log_level=settings.log_level,
        access_log=settings.access_log,
        ws=LiveWebSocketProtocol,  # websockets-sansio plus the fan-out's direct frame writer
        # httptools plus a deadline for each request's headers (HEADER_TIMEOUT, 10 s): uvicorn
        # has no header read timeout of its own, and half-sent requests were held indefinitely.
        http=HeaderDeadlineProtocol,
        # An idle connection between requests is closed after this. Longer than the proxy's own
        # idle limit for its upstream connections (docs/deploy.md: keepalive_timeout 20s), so
        # the proxy never sends a request down a connection the app is just closing; short
        # enough that idle phones do not pile up when they connect directly. No
        # limit_concurrency: it counts every open WebSocket too and would refuse phones.
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        ws_max_size=65536,
        # Small frames, many sockets: compression costs CPU and memory per socket for little gain.
        ws_per_message_deflate=False,
        # The app reads X-Forwarded-* itself, from LIVE_FORWARDED_ALLOW_IPS only (live/app.py).
        proxy_headers=False,
        server_header=False,
        # A hall scanning the QR code at once: connections the workers have not accepted yet wait
        # in this queue. When it is full the kernel drops them, and the phones retry only after
        # 1, 3, 7, 15 s (uvicorn's default of 2048 overflowed in a 2,000-a-second ramp;
        # docs/benchmarks.md). Linux caps it at net.core.somaxconn.
        backlog=8192,
    )
    return 0
