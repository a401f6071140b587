"""`live backup` under load and `live restore` (issue 22), against real servers: a backup taken
while votes flow holds every vote acknowledged before it began, restores into a second data dir
and serves there; restore refuses while a server runs on the data dir and keeps what it
replaces."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import sys
import urllib.error
from pathlib import Path

import pytest
import websockets

from live.store import StoreError
from live.store.sqlite import SQLiteStore
from live.store.sqlite_lock import FileLock
from live.store.sqlite_schema import SCHEMA_VERSION
from tests.backup.cli import live, sqlite_env
from tests.store.test_contract import CODE as OLD_CODE
from tests.store.test_sqlite_schema_v7 import make_v6_database
from tests.support.server import REPO_ROOT, LiveServer, LiveServerFactory
from tests.support.voting import HANG, answers, call, next_matching, setup_poll, socket_url

VOTERS = 200
BACKUP_AFTER = 50  # acknowledged votes before the backup starts


def integrity(db: Path) -> list[tuple[str]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchall()


def voters(server: LiveServer, code: str, poll: str) -> int:
    return int(call(server, "GET", f"/api/v1/events/{code}/polls/{poll}")["results"]["voters"])


async def test_a_backup_under_load_holds_every_vote_acknowledged_before_it(
    live_server_factory: LiveServerFactory, tmp_path: Path
) -> None:
    server = live_server_factory(env={"LIVE_JOIN_PER_MINUTE": "100000"})
    code, _token, room, poll = setup_poll(server)
    tokens = [
        call(server, "POST", f"/api/v1/events/{code}/join")["participant_token"]
        for _ in range(VOTERS)
    ]
    acked = 0
    enough = asyncio.Event()

    async def vote(batch: list[str]) -> None:
        nonlocal acked
        for n, participant in enumerate(batch):
            async with websockets.connect(socket_url(server, code, room, participant)) as ws:
                request = {
                    "type": "vote",
                    "request_id": f"v{n}",
                    "poll_id": poll,
                    "choices": [n % 3],
                }
                await ws.send(json.dumps(request))
                reply = await next_matching(ws, answers(f"v{n}"), HANG)
                assert reply["type"] == "ack", reply
            acked += 1
            if acked >= BACKUP_AFTER:
                enough.set()

    voting = asyncio.gather(*(vote(tokens[k::4]) for k in range(4)))
    await asyncio.wait_for(enough.wait(), HANG)
    before = acked  # every vote counted here was acknowledged before the backup began
    target = tmp_path / "backup.db"
    backup = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "live",
        "backup",
        str(target),
        "--data-dir",
        str(server.data_dir),
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(backup.communicate(), HANG)
    assert backup.returncode == 0, err.decode()
    assert "1 events, 1 polls" in out.decode()
    await asyncio.wait_for(voting, HANG)  # the votes went on; all of them are acknowledged
    assert acked == VOTERS and voters(server, code, poll) == VOTERS
    assert not (tmp_path / "backup.db.tmp").exists()
    assert integrity(target) == [("ok",)]

    second_dir = tmp_path / "second"
    restored = live("restore", target, env=sqlite_env(second_dir))
    assert restored.returncode == 0, restored.stderr
    assert integrity(second_dir / "live.db") == [("ok",)]
    second = live_server_factory(data_dir=second_dir)
    assert before <= voters(second, code, poll) <= VOTERS


def test_restore_refuses_while_a_server_runs_and_keeps_the_old_database(
    live_server_factory: LiveServerFactory, tmp_path: Path
) -> None:
    server = live_server_factory()
    env = sqlite_env(server.data_dir)
    first = call(server, "POST", "/api/v1/events", {"title": "Vor der Sicherung"})
    backup = tmp_path / "backup.db"
    assert live("backup", backup, env=env).returncode == 0
    refused = live("backup", backup, env=env)
    assert refused.returncode == 1 and "exists; use --force" in refused.stderr
    assert live("backup", backup, "--force", env=env).returncode == 0
    later = call(server, "POST", "/api/v1/events", {"title": "Nach der Sicherung"})

    running = live("restore", backup, env=env)
    assert running.returncode == 1
    assert "is in use (a running server" in running.stderr
    assert call(server, "GET", f"/api/v1/events/{later['code']}")["title"] == "Nach der Sicherung"
    assert sorted(p.name for p in server.data_dir.iterdir() if "before-restore" in p.name) == []

    server.stop()
    done = live("restore", backup, env=env)
    assert done.returncode == 0, done.stderr
    assert "restored" in done.stdout and "1 events" in done.stdout
    kept = [p for p in server.data_dir.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1 and str(kept[0]) in done.stdout
    with contextlib.closing(sqlite3.connect(kept[0])) as conn:
        titles = {t for (t,) in conn.execute("SELECT title FROM events")}
    assert titles == {"Vor der Sicherung", "Nach der Sicherung"}
    # Nothing of the replaced database's WAL is left next to the restored file.
    assert not (server.data_dir / "live.db-wal").exists()
    assert integrity(server.data_dir / "live.db") == [("ok",)]

    server.start()
    assert call(server, "GET", f"/api/v1/events/{first['code']}")["title"] == "Vor der Sicherung"
    with pytest.raises(urllib.error.HTTPError) as gone:
        call(server, "GET", f"/api/v1/events/{later['code']}")
    assert gone.value.code == 404


def test_restore_checks_the_file_and_changes_nothing_when_refusing(tmp_path: Path) -> None:
    env = sqlite_env(tmp_path / "data")
    not_db = tmp_path / "notes.txt"
    not_db.write_text("keine Datenbank " * 100)
    newer = tmp_path / "newer.db"
    make_v6_database(newer)
    with contextlib.closing(sqlite3.connect(newer)) as conn, conn:
        conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    for path, message in (
        (not_db, "is not a live database"),
        (newer, f"schema version {SCHEMA_VERSION + 1}, newer than this program"),
        (tmp_path / "missing.db", "does not exist"),
    ):
        done = live("restore", path, env=env)
        assert done.returncode == 1 and message in done.stderr, done.stderr
        assert not (tmp_path / "data" / "live.db").exists()
    nothing = live("backup", tmp_path / "x.db", env=env)
    assert nothing.returncode == 1 and "no database at" in nothing.stderr
    redis = live("backup", tmp_path / "x.db", env={"LIVE_REDIS_URL": "redis://127.0.0.1:1/0"})
    assert redis.returncode == 2 and "not SQLite" in redis.stderr


async def test_an_older_backup_is_restored_and_migrated_on_start(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    make_v6_database(old)
    done = live("restore", old, env=sqlite_env(tmp_path / "data"))
    assert done.returncode == 0 and "schema version 6" in done.stdout, done.stderr
    store = SQLiteStore(tmp_path / "data" / "live.db")
    await store.open()
    try:
        assert await store.get_event(OLD_CODE) is not None
        assert (await store.pragmas())["journal_mode"] == "wal"
    finally:
        await store.close()
    with contextlib.closing(sqlite3.connect(tmp_path / "data" / "live.db")) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]


async def test_a_store_does_not_open_while_a_restore_holds_the_database(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    with FileLock(db, exclusive=True):
        store = SQLiteStore(db)
        with pytest.raises(StoreError, match="being restored"):
            await store.open()
    await store.open()  # the restore is over
    await store.close()
