"""The threads behind the SQLite store: one writer thread with group commit, a small reader pool.

Why threads: sqlite3 calls block, and a COMMIT with synchronous=FULL waits for an fsync, so none of
it may run on the event loop. Why exactly one writer: SQLite admits one writer at a time anyway.
Owning the write connection in one thread turns lock contention into a FIFO queue, and lets that
thread commit everything that queued up during the previous fsync in one transaction: with 5,000
people voting in the same second, the disk sees a few dozen commits instead of 5,000 (group
commit). Readers use their own connections; in WAL mode they read the last committed snapshot
while the writer works.

Knows nothing about the domain: a job is a function of a sqlite3.Connection.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from live.store.base import PollNotOpen, StoreError

T = TypeVar("T")

Connect = Callable[[bool], sqlite3.Connection]  # writer: bool -> a configured connection


# Work that writes many jobs' items in one go (``SQLiteRunner.write_grouped``): takes the items
# in queue order and returns one (succeeded, result or exception) per item, in the same order.
GroupWork = Callable[[sqlite3.Connection, list[Any]], list[tuple[bool, object]]]


@dataclass(slots=True, eq=False)
class _Job:
    work: Callable[[sqlite3.Connection], object]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop
    write: bool  # False: a read that runs on the writer thread (see shared_reads)
    savepoint: bool = True  # False: the work refuses only before its first write (see write)
    group: GroupWork | None = None  # set: ``item`` is written by ``group``, with its neighbours
    item: object = None


class _Stop:
    """Queue sentinel: the writer finishes every job queued before it, then exits."""


_STOP = _Stop()

# (job, succeeded, result or exception)
_Outcome = tuple[_Job, bool, object]


class SQLiteRunner:
    def __init__(
        self, connect: Connect, *, shared_reads: bool, readers: int, batch_limit: int
    ) -> None:
        """shared_reads: run reads on the writer thread too. Needed for ``:memory:``, where every
        connection would be its own database; a shared-cache database would instead give readers
        table locks (SQLITE_LOCKED, which busy_timeout does not wait for) or, with
        read_uncommitted, writes that may still roll back."""
        self._connect = connect
        self._shared_reads = shared_reads
        self._batch_limit = batch_limit
        self._queue: queue.SimpleQueue[_Job | _Stop] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._readers: concurrent.futures.ThreadPoolExecutor | None = None
        self._reader_count = readers
        self._local = threading.local()
        self._reader_conns: list[sqlite3.Connection] = []
        # Guards _stopped against submissions from other threads / event loops, so no job can be
        # queued behind _STOP (it would never be answered) or handed to a shut-down pool.
        self._lock = threading.Lock()
        self._started = False
        self._stopped = False
        # Successful write transactions. Written only by the writer thread; read by tests.
        self.commits = 0

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        with self._lock:
            if self._started or self._stopped:
                raise RuntimeError("SQLiteRunner.start() called twice")
            self._started = True
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        # daemon: an app that never calls close() must still be able to exit. That is safe for
        # data: a write is acknowledged only after its COMMIT, and SQLite's WAL makes a commit
        # cut short by process exit simply not have happened.
        self._writer = threading.Thread(
            target=self._writer_main, args=(ready,), name="live-sqlite-writer", daemon=True
        )
        self._writer.start()
        try:
            await asyncio.wrap_future(ready)
        except BaseException as exc:
            with self._lock:
                self._stopped = True
            if isinstance(exc, sqlite3.Error | OSError):
                raise StoreError(f"cannot open the database: {exc}") from exc
            raise
        if not self._shared_reads:
            self._readers = concurrent.futures.ThreadPoolExecutor(
                max_workers=self._reader_count, thread_name_prefix="live-sqlite-read"
            )

    async def stop(self) -> None:
        """Finish queued writes, stop the threads, close every connection. Idempotent."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            if self._writer is None:
                return
            self._queue.put(_STOP)
        # Joining blocks until the last batch has committed: do it off the event loop.
        await asyncio.to_thread(self._join)

    def _join(self) -> None:
        if self._writer is not None:
            self._writer.join()
        if self._readers is not None:
            self._readers.shutdown(wait=True)
        # The reader threads are gone, so closing their connections from here cannot race them
        # (that is why reader connections are opened with check_same_thread=False).
        for conn in self._reader_conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._reader_conns.clear()

    @property
    def alive(self) -> bool:
        return not self._stopped and self._writer is not None and self._writer.is_alive()

    # --- submitting work --------------------------------------------------------------------

    async def write(self, work: Callable[[sqlite3.Connection], T], *, savepoint: bool = True) -> T:
        """Run ``work`` inside the next group-commit batch; return once that batch committed.

        Each job runs in its own savepoint, so one that raises is rolled back alone. A job that
        raises only before its first write (checks first, then writes) can pass
        ``savepoint=False`` and spare the two statements: what it raises fails only itself, and
        an sqlite3 error, which might come after a write, fails the whole batch. For votes, the
        hot path of a burst, that is a third of the statements.

        The job is queued before this first suspends, so cancelling the awaiting task does not
        withdraw it (it may already be inside a transaction): it still runs and commits, only
        its answer is dropped. As with any database call, a cancelled caller cannot know whether
        the write happened; votes carry a request id so that a retry is safe."""
        return cast("T", await self._enqueue(work, write=True, savepoint=savepoint))

    async def write_grouped(self, group: GroupWork, item: object) -> Any:
        """Write ``item`` with ``group``, together with the items of the jobs next to it in the
        batch that use the same ``group`` (the same object): one call writes them all, with a
        few statements instead of a few per item. Returns this item's result (or raises its
        error).

        Why: every SQL statement lets go of the interpreter lock and has to win it back from the
        event loop. While the loop is busy (a tick writing to 10,000 sockets) each of the four
        statements of a vote waited for it, and a batch of 256 votes took up to half a second
        instead of 20 ms; grouped, a batch takes a handful of statements
        (docs/benchmarks.md). ``group`` must refuse an item only before writing anything for it
        (as ``write(savepoint=False)``): an sqlite3 error fails the whole batch."""
        return await self._enqueue(_no_work, write=True, savepoint=False, group=group, item=item)

    async def on_writer(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run a read-only ``work`` on the writer's connection, between batches."""
        return cast("T", await self._enqueue(work, write=False))

    async def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` in one read transaction (a consistent snapshot) off the event loop."""
        if self._shared_reads:
            return await self.on_writer(work)
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._stopped or self._readers is None:
                raise StoreError("the store is closed")
            future = loop.run_in_executor(self._readers, self._read_in_thread, work)
        return await future

    def _enqueue(
        self,
        work: Callable[[sqlite3.Connection], object],
        *,
        write: bool,
        savepoint: bool = True,
        group: GroupWork | None = None,
        item: object = None,
    ) -> Any:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        with self._lock:
            if self._stopped or self._writer is None:
                raise StoreError("the store is closed")
            self._queue.put(_Job(work, future, loop, write, savepoint, group, item))
        return future

    # --- reader threads ---------------------------------------------------------------------

    def _read_in_thread(self, work: Callable[[sqlite3.Connection], T]) -> T:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = self._connect(False)
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open a read connection: {exc}") from exc
            self._local.conn = conn
            with self._lock:
                self._reader_conns.append(conn)
        return _in_read_transaction(conn, work)

    # --- the writer thread ------------------------------------------------------------------

    def _writer_main(self, ready: concurrent.futures.Future[None]) -> None:
        try:
            conn = self._connect(True)
        except BaseException as exc:
            ready.set_exception(exc)
            return
        ready.set_result(None)
        try:
            self._serve(conn)
        finally:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    def _serve(self, conn: sqlite3.Connection) -> None:
        # A job taken from the queue that does not belong in the current batch (a read, or
        # _STOP) waits here for the next round, so FIFO order is kept.
        pending: _Job | _Stop | None = None
        while True:
            job = pending if pending is not None else self._queue.get()
            pending = None
            if isinstance(job, _Stop):
                return
            if not job.write:
                self._run_reads(conn, job)
                continue
            # Group commit: whatever queued up while the previous batch was committing joins
            # this one, up to the cap (which bounds how long the first job in it waits).
            batch = [job]
            while len(batch) < self._batch_limit:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if isinstance(nxt, _Stop) or not nxt.write:
                    pending = nxt
                    break
                batch.append(nxt)
            try:
                self._run_batch(conn, batch)
            except Exception as exc:  # a bug here must not kill the thread and hang every caller
                self._resolve([(j, False, _batch_error("write failed", exc)) for j in batch])

    def _run_reads(self, conn: sqlite3.Connection, job: _Job) -> None:
        try:
            outcome: _Outcome = (job, True, _in_read_transaction(conn, job.work))
        except Exception as exc:
            outcome = (job, False, exc)
        self._resolve([outcome])

    def _run_batch(self, conn: sqlite3.Connection, batch: list[_Job]) -> None:
        outcomes: list[_Outcome] = []
        try:
            # IMMEDIATE takes the write lock up front, so no statement inside can hit SQLITE_BUSY
            # halfway (only possible anyway if another process writes to the same file).
            conn.execute("BEGIN IMMEDIATE")
            at = 0
            while at < len(batch):
                job = batch[at]
                if job.group is not None:
                    # The run of neighbours with the same group work goes in one call.
                    end = at + 1
                    while end < len(batch) and batch[end].group is job.group:
                        end += 1
                    outcomes += _run_group(conn, job.group, batch[at:end])
                    at = end
                    continue
                outcomes.append(_run_in_savepoint(conn, job) if job.savepoint else _run(conn, job))
                at += 1
            conn.execute("COMMIT")
        except Exception as exc:
            # BEGIN, a savepoint step, a group's statement or COMMIT failed (or a group work has
            # a bug): nothing of this batch is durable, so every job fails, including those that
            # had failed on their own (their verdict may have depended on rolled-back work of an
            # earlier job in the batch).
            _rollback_quietly(conn)
            self._resolve(
                [(j, False, _batch_error("write batch not committed", exc)) for j in batch]
            )
            return
        self.commits += 1
        self._resolve(outcomes)

    def _resolve(self, outcomes: list[_Outcome]) -> None:
        # One wake-up per event loop per batch instead of one per job.
        by_loop: dict[asyncio.AbstractEventLoop, list[_Outcome]] = {}
        for outcome in outcomes:
            by_loop.setdefault(outcome[0].loop, []).append(outcome)
        for loop, items in by_loop.items():
            # A closed loop has nobody waiting any more; the work is done regardless.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, items)


def _settle(outcomes: list[_Outcome]) -> None:
    """Runs on the event loop that submitted the jobs: futures are not thread-safe."""
    for job, ok, value in outcomes:
        if job.future.done():  # the caller was cancelled; the result is no longer wanted
            continue
        if ok:
            job.future.set_result(value)
        else:
            job.future.set_exception(cast("BaseException", value))


def _run_in_savepoint(conn: sqlite3.Connection, job: _Job) -> _Outcome:
    """Run one job of a batch. A job that raises is rolled back alone, so one vote on a closed
    poll does not cost the other 255 votes of the batch their commit. If SQLite itself has already
    aborted the transaction (disk full, I/O error), ROLLBACK TO raises and the batch fails."""
    conn.execute("SAVEPOINT job")
    try:
        value = job.work(conn)
    except Exception as exc:
        conn.execute("ROLLBACK TO job")
        conn.execute("RELEASE job")
        return (job, False, _translate(exc))
    conn.execute("RELEASE job")
    return (job, True, value)


def _run(conn: sqlite3.Connection, job: _Job) -> _Outcome:
    """Run a job that refuses only before its first write (``write(savepoint=False)``). An
    sqlite3 error may come after a write, which nothing could undo here: it fails the batch."""
    try:
        value = job.work(conn)
    except sqlite3.Error:
        raise
    except Exception as exc:
        return (job, False, _translate(exc))
    return (job, True, value)


def _run_group(conn: sqlite3.Connection, group: GroupWork, jobs: list[_Job]) -> list[_Outcome]:
    """Run neighbouring jobs of one group work in one call (``write_grouped``). As for ``_run``,
    an sqlite3 error fails the batch; a refusal is one item's."""
    results = group(conn, [job.item for job in jobs])
    if len(results) != len(jobs):
        raise RuntimeError(f"group work answered {len(results)} of {len(jobs)} items")
    return [
        (job, ok, value if ok else _translate(cast("Exception", value)))
        for job, (ok, value) in zip(jobs, results, strict=True)
    ]


def _no_work(conn: sqlite3.Connection) -> None:
    raise RuntimeError("a grouped job runs through its group")  # never called: see _run_batch


def _in_read_transaction(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    # One transaction per read so that multi-query reads (a tally, ballots of several polls)
    # see one committed snapshot, never half of a batch.
    try:
        conn.execute("BEGIN")
        try:
            result = work(conn)
        except BaseException:
            _rollback_quietly(conn)
            raise
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback_quietly(conn)
        raise StoreError(f"sqlite read failed: {exc}") from exc
    return result


def _translate(exc: Exception) -> Exception:
    """Domain errors pass through; any other sqlite3 error becomes StoreError (chained)."""
    if isinstance(exc, PollNotOpen | StoreError):  # StoreError includes DuplicateKey
        return exc
    if isinstance(exc, sqlite3.Error):
        return _batch_error("sqlite write failed", exc)
    return exc  # a programming error: keep it as it is, it should be seen


def _batch_error(message: str, cause: BaseException) -> StoreError:
    # A fresh exception per job: one instance raised in many tasks would pile up tracebacks.
    error = StoreError(f"{message}: {cause}")
    error.__cause__ = cause
    return error


def _rollback_quietly(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
