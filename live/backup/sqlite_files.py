"""`live backup` and `live restore`: copies of the SQLite database, taken and put back safely.

Backup uses SQLite's online backup API in one step: one read transaction of the source, so the
copy is the database as of one commit, and in WAL mode the server's writers go on meanwhile
(nothing waits for the copy, and the copy does not restart when they commit). Every write the
server acknowledged before the backup began is in it. The copy is written to ``FILE.tmp``,
switched to a rollback journal (one self-contained file), checked, fsynced, and only then given
its name.

Restore needs the database to itself: it takes the exclusive lock next to it (sqlite_lock.py),
so it refuses while a server (or an export or import) has it open.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from live.store.sqlite_lock import FileLock, InUse
from live.store.sqlite_schema import SCHEMA_VERSION


class BackupError(Exception):
    """Refused or failed; the message says why. Nothing was changed."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What a database file holds (printed by the commands)."""

    schema: int
    events: int
    polls: int
    votes: int
    questions: int
    size: int  # bytes

    def describe(self) -> str:
        return (
            f"{self.events} events, {self.polls} polls, {self.votes} votes, "
            f"{self.questions} questions, schema version {self.schema}, {_size(self.size)}"
        )


def backup(db_path: Path, target: Path, *, force: bool = False) -> Summary:
    """Copy the live database ``db_path`` to ``target`` (see the module docstring).
    BackupError when there is no database, ``target`` exists (unless ``force``) or the copy
    fails its integrity check."""
    if not db_path.is_file():
        raise BackupError(f"no database at {db_path} (check LIVE_DATA_DIR / --data-dir)")
    if target.exists() and not force:
        raise BackupError(f"{target} exists; use --force to replace it")
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)  # left over by a backup that was cut short
    try:
        _copy(db_path, tmp)
        summary = inspect(tmp)
        _fsync(tmp)
        if force:
            os.replace(tmp, target)
        else:
            # link() refuses an existing name atomically: a file made meanwhile is not replaced.
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise BackupError(f"{target} exists; use --force to replace it") from None
            tmp.unlink()
        _fsync_dir(target.parent)
    except sqlite3.Error as exc:
        raise BackupError(f"backup of {db_path} failed: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return summary


def inspect(path: Path) -> Summary:
    """Check that ``path`` is a whole live database this program can open (integrity check,
    schema version not newer than this code) and count what it holds. BackupError if not."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be opened: {exc}") from exc
    try:
        try:
            check = conn.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise BackupError(f"{path} is damaged: {check[0][0]}")
            rows = conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchall()
        except sqlite3.DatabaseError as exc:  # not a database, or no schema_version table
            raise BackupError(f"{path} is not a live database ({exc})") from exc
        if not rows:
            raise BackupError(f"{path} is not a live database (no schema version)")
        schema = int(rows[0][0])
        if schema > SCHEMA_VERSION:
            raise BackupError(
                f"{path} has schema version {schema}, newer than this program knows "
                f"({SCHEMA_VERSION}): restore it with the version of live that made it"
            )

        def count(table: str) -> int:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])

        # The questions table exists from schema version 2 on.
        questions = count("questions") if schema >= 2 else 0
        return Summary(
            schema,
            count("events"),
            count("polls"),
            count("votes"),
            questions,
            path.stat().st_size,
        )
    finally:
        conn.close()


@dataclass(frozen=True, slots=True)
class Restored:
    summary: Summary
    previous: Path | None  # where the database that was in place was kept (None: there was none)


def restore(backup_file: Path, db_path: Path, *, now: datetime | None = None) -> Restored:
    """Put ``backup_file`` in place of ``db_path``. The database that was there is kept as
    ``<db>.before-restore-<UTC time>``. An older schema is migrated by the next start of the
    server, the normal way. BackupError while the database is in use, or for a file that is not
    a live database of a schema this program knows; nothing changes then."""
    summary = inspect(backup_file)
    try:
        lock = FileLock(db_path, exclusive=True)
    except InUse:
        raise BackupError(
            f"{db_path} is in use (a running server, or live export/import): stop it first"
        ) from None
    with lock:
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        staged = db_path.with_name(db_path.name + ".restoring")
        staged.unlink(missing_ok=True)
        try:
            _copy(backup_file, staged)
            _fsync(staged)
            previous = None
            if db_path.exists():
                previous = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
                if previous.exists():
                    raise BackupError(f"{previous} exists already; try again in a second")
                _settle(db_path)
                os.rename(db_path, previous)
            os.rename(staged, db_path)
            _fsync_dir(db_path.parent)
        except sqlite3.Error as exc:
            raise BackupError(f"restore failed: {exc}") from exc
        finally:
            staged.unlink(missing_ok=True)
    return Restored(summary, previous)


def _copy(path: Path, target: Path) -> None:
    """The backup API in one step (pages=-1), then a rollback journal for the copy, so it is
    one self-contained file (the server turns WAL on again when it opens it)."""
    # mode=ro: never create or change the source; a server may be writing to it right now.
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest, pages=-1)
            mode = dest.execute("PRAGMA journal_mode = DELETE").fetchall()[0][0]
            if str(mode).lower() != "delete":
                raise BackupError(f"cannot switch the copy {target} to a rollback journal")
        finally:
            dest.close()
    finally:
        source.close()


def _settle(db_path: Path) -> None:
    """Fold the database's WAL into the file and drop it (we hold it exclusively), so the file
    alone is the whole database when it is moved aside: a WAL left next to the restored file
    would be read as part of it."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA journal_mode = DELETE").fetchall()
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        leftover = db_path.with_name(db_path.name + suffix)
        if leftover.exists():
            raise BackupError(f"{leftover} is still there; is a server running?")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    # The new name is durable only once the directory is; some filesystems refuse it: ignore.
    with contextlib.suppress(OSError):
        _fsync(path)


def _size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"
