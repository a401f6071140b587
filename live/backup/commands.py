"""The command line of backup, restore, export and import (registered in live/cli.py).

Exit codes: 0 done; 1 refused or failed (the message says why; nothing was changed); 2 the
configuration is wrong (as for `live serve`). The store is the one `live serve` would open:
the same settings (LIVE_DATA_DIR, LIVE_STORE_URL, LIVE_REDIS_URL), `--data-dir` as for serve.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from live.backup import sqlite_files
from live.backup.importer import ImportRefused, import_event
from live.domain.transfer import TransferError, read_transfer
from live.ids import Ids
from live.settings import Settings
from live.store import StoreError, open_store


class Refused(Exception):
    """Exit code 1 with this message."""


class BadSettings(Exception):
    """Exit code 2 with this message."""


def add_commands(sub: Any) -> None:
    """Add the four subcommands to live/cli.py's subparsers: each is handled by ``run``, which
    calls the command's own ``run``."""

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        parser.set_defaults(handler=run)
        parser.add_argument(
            "--data-dir", help="directory of the SQLite database (LIVE_DATA_DIR, as for serve)"
        )
        return parser

    backup = command("backup", "copy the SQLite database consistently, also while serving")
    backup.add_argument("file", type=Path, help="where the copy goes (FILE.tmp first)")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    backup.set_defaults(run=_backup)

    restore = command("restore", "put a backup in place of the SQLite database (server stopped)")
    restore.add_argument("file", type=Path, help="a file made by `live backup`")
    restore.set_defaults(run=_restore)

    export = command("export", "write one event as JSON, complete enough to import it elsewhere")
    export.add_argument("code", help="the event's code")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    export.set_defaults(run=_export)

    imp = command("import", "create an event from a file made by `live export`")
    imp.add_argument("file", type=Path, help="the export (JSON)")
    imp.add_argument(
        "--new-code", action="store_true", help="import under a new code (and new ids)"
    )
    imp.set_defaults(run=_import)


def run(args: argparse.Namespace) -> int:
    name = f"live {args.command}"
    try:
        args.run(args)
    except BadSettings as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 2
    except (Refused, sqlite_files.BackupError, StoreError, ImportRefused, OSError) as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 1
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        raise BadSettings(str(exc)) from None
    if args.data_dir is not None:
        settings = replace(settings, data_dir=Path(args.data_dir))
    return settings


def _database(settings: Settings) -> Path:
    """The SQLite file `live serve` would open; BadSettings for any other store."""
    from live.store.sqlite import SQLiteStore

    url = settings.effective_store_url
    if not url.startswith("sqlite"):
        raise BadSettings(
            "the store is not SQLite (LIVE_REDIS_URL / LIVE_STORE_URL): back up Redis's own "
            "files, or move events with live export / live import (docs/deploy.md)"
        )
    path = SQLiteStore.from_url(url).path
    if path is None:
        raise BadSettings("the store is an in-memory SQLite database: nothing to back up")
    return path


def _backup(args: argparse.Namespace) -> None:
    db = _database(_settings(args))
    summary = sqlite_files.backup(db, args.file, force=args.force)
    print(f"backed up {db} to {args.file}: {summary.describe()}")


def _restore(args: argparse.Namespace) -> None:
    db = _database(_settings(args))
    done = sqlite_files.restore(args.file, db)
    print(f"restored {args.file} to {db}: {done.summary.describe()}")
    if done.previous is not None:
        print(f"the database that was there is kept as {done.previous}")
    print("start the server again; an older schema is migrated when it starts")


def _export(args: argparse.Namespace) -> None:
    settings = _settings(args)

    async def read() -> dict[str, Any]:
        store = open_store(settings.effective_store_url)
        await store.open()
        try:
            event = await store.get_event(args.code)
            if event is None:
                raise Refused(f"no event with the code {args.code!r}")
            from live.report.export import export_event

            return await export_event(store, event, datetime.now(UTC), settings.timezone)
        finally:
            await store.close()

    doc = asyncio.run(read())
    body = orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"
    if args.output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    tmp = args.output.with_name(args.output.name + ".tmp")
    tmp.write_bytes(body)
    os.replace(tmp, args.output)
    polls = len(doc["polls"])
    print(
        f"exported {args.code} to {args.output}: {len(doc['rooms'])} rooms, {polls} polls, "
        f"{len(doc['questions'])} questions, {len(doc['participants'])} participants",
        file=sys.stderr,
    )


def _import(args: argparse.Namespace) -> None:
    settings = _settings(args)
    raw = args.file.read_bytes()
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Refused(f"{args.file} is not valid JSON (cut short?): {exc}") from None
    try:
        transfer = read_transfer(doc)
    except TransferError as exc:
        raise Refused(f"{args.file}: {_english(exc)}") from None

    async def write() -> Any:
        store = open_store(settings.effective_store_url)
        await store.open()
        try:
            return await import_event(store, transfer, Ids(), new_code=args.new_code)
        finally:
            await store.close()

    done = asyncio.run(write())
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    print(
        f"imported event {done.code}: {done.rooms} rooms, {done.polls} polls, "
        f"{done.ballots} ballots, {done.questions} questions, {done.participants} participants"
    )
    print(
        f"moderator link (shown once): {base}/e/{done.code}/moderate?token={done.moderator_token}"
    )
    print("room links were not carried over; create new ones on the moderator page if needed")


def _english(exc: TransferError) -> str:
    """The domain speaks German msgids; the command line speaks to the operator in English."""
    if isinstance(exc.what, str):
        return str(exc)
    from live.i18n import translate

    what = translate("en", exc.what.message, dict(exc.what.params))
    return f"{exc.where}: {what}" if exc.where else what
