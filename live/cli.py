"""The `live` command: `serve` runs the app with uvicorn (settings from the environment, flags
override), after the checks of `live check`; other subcommands live in their own modules and
register here. The CLI speaks English (operators' logs and terminals; the pages are German)."""

from __future__ import annotations

import argparse
import logging
import logging.config
import os
import sys
from collections.abc import Sequence

from live.backup import commands as backup_commands
from live.check import command as check_command
from live.check.findings import Level, Report, check
from live.loadtest import command as loadtest_command
from live.reach import is_loopback_url, phones_address
from live.settings import Settings

KEEP_ALIVE_SECONDS = 30


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="live", description="live: live audience interaction (polls, questions, applause)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web server")
    serve.set_defaults(handler=serve_main)
    check_command.add_parser(sub)
    loadtest_command.add_parser(sub)
    backup_commands.add_commands(sub)  # backup, restore, export, import
    for name in ("serve", "check"):
        server_flags(sub.choices[name])
    return parser


def server_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="listen address (LIVE_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="listen port (LIVE_PORT / PORT, default 8000)")
    parser.add_argument("--data-dir", help="directory for the SQLite database (LIVE_DATA_DIR)")
    parser.add_argument(
        "--workers", type=int, help="worker processes (LIVE_WORKERS / WEB_CONCURRENCY)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Flags are written back into the environment: with several workers, uvicorn starts fresh
    # processes that build their settings from the environment again.
    for name, flag in (
        ("LIVE_HOST", "host"),
        ("LIVE_PORT", "port"),
        ("LIVE_DATA_DIR", "data_dir"),
        ("LIVE_WORKERS", "workers"),
    ):
        value = getattr(args, flag, None)
        if value is not None:
            os.environ[name] = str(value)
    code: int = args.handler(args)
    return code


# The app warns of these itself when it starts, in every worker and however it is served
# (live/app.py warn_if_open): not twice.
LOGGED_BY_THE_APP = frozenset({"admin token"})


def say(settings: Settings | None, level: int, text: str, *, out: bool = False) -> None:
    """A line of `live serve`'s start: plain ("live: …") in the text format, else a log event
    in the configured format (LIVE_LOG_FORMAT), so that every line of a logfmt or JSON log
    parses."""
    if settings is None or settings.log_format == "text":
        print(f"live: {text}", file=sys.stdout if out else sys.stderr, flush=True)
    else:
        logging.getLogger("live.start").log(level, text)


def start_checks(report: Report) -> bool:
    """`live check`'s findings at start: warnings and errors told; False on any error."""
    for finding in report.findings:
        if finding.level is not Level.OK and finding.check not in LOGGED_BY_THE_APP:
            level = logging.ERROR if finding.level is Level.ERROR else logging.WARNING
            text = f"{finding.level.value}: {finding.check}: {finding.message}"
            say(report.settings, level, text)
    return not report.errors


def announce(settings: Settings) -> None:
    """The address phones must open (what the QR codes carry unless the page is opened by
    another one), on stdout: the line an operator looks for."""
    address = phones_address(settings)
    note = (
        " (this machine only: phones cannot reach it, see the warning)"
        if is_loopback_url(address)
        else ""
    )
    say(settings, logging.INFO, f"phones open {address}{note}", out=True)


def serve_main(args: argparse.Namespace) -> int:
    report = check(at_start=True)
    if report.settings is not None and report.settings.log_format != "text":
        from live import logs

        logging.config.dictConfig(logs.config(report.settings))
    if not start_checks(report) or report.settings is None:
        say(report.settings, logging.ERROR, "not started; `live check` shows every finding")
        return 2
    settings = report.settings
    announce(settings)

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
