"""Who is using a SQLite database file, told by an advisory lock next to it (``<db>.lock``).

Every SQLiteStore that opens a file holds a shared lock on it for as long as it is open (the
server, and `live export` / `live import` while they run); `live restore` takes the exclusive
lock, so it refuses while any of them runs, and a server does not start in the middle of a
restore. flock(2), not a pid file: the kernel drops the lock when its process ends, however it
ends (SIGKILL included), so a crashed server never leaves a stale "running" behind. SQLite's own
locks cannot tell: an idle server holds none of them between transactions.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path


class InUse(Exception):
    """The lock is held in the conflicting mode by another open (another process, or another
    store of this one)."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


class FileLock:
    """One open of the lock file holding a shared or exclusive flock until ``release``."""

    def __init__(self, db_path: Path, *, exclusive: bool) -> None:
        path = lock_path(db_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(self._fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            self.release()
            raise InUse(str(db_path)) from None
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)  # closing the last descriptor of the open drops the flock

    def __enter__(self) -> FileLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
