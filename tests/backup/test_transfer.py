"""`live export` / `live import` (issue 22): an event with every kind of content moves to a
fresh instance of either backend and exports again to the same JSON; bad files are refused
with a clear message and change nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from live.store import open_store
from tests.backup.cli import live, sqlite_env
from tests.backup.content import CODE, build
from tests.support.redis import RedisServer

# exported_at: the moment of each export, the one field that must differ between two exports.
DIFFERS = ("exported_at",)


async def fill(data_dir: Path) -> None:
    store = open_store(f"sqlite:///{data_dir / 'live.db'}")
    await store.open()
    try:
        await build(store)
    finally:
        await store.close()


def export(env: dict[str, str], target: Path, code: str = CODE) -> dict[str, Any]:
    done = live("export", code, "-o", target, env=env)
    assert done.returncode == 0, done.stderr
    doc: dict[str, Any] = json.loads(target.read_text())
    return doc


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key not in DIFFERS}


@pytest.fixture
async def source(tmp_path: Path) -> dict[str, str]:
    await fill(tmp_path / "source")
    return sqlite_env(tmp_path / "source")


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
async def test_an_event_moves_to_a_fresh_instance_and_exports_the_same(
    tmp_path: Path,
    source: dict[str, str],
    redis_factory: Callable[[], RedisServer],
    backend: str,
) -> None:
    first = export(source, tmp_path / "first.json")
    text = (tmp_path / "first.json").read_text()
    # No token, hash or secret and no participant id leaves the server.
    assert "secret" not in text and "rt-person" not in text
    assert "token" not in text.replace("token=", "")
    target = (
        sqlite_env(tmp_path / "target")
        if backend == "sqlite"
        else {"LIVE_REDIS_URL": redis_factory().url}
    )
    done = live("import", tmp_path / "first.json", env=target)
    assert done.returncode == 0, done.stderr
    assert f"imported event {CODE}: 2 rooms, 8 polls, 20 ballots, 5 questions" in done.stdout
    assert f"/e/{CODE}/moderate?token=" in done.stdout
    second = export(target, tmp_path / "second.json")
    assert comparable(second) == comparable(first)
    # What the round trip carried is the real thing, not two empty documents.
    polls = {p["id"]: p for p in second["polls"]}
    assert polls["rt-single"]["results"]["counts"] == [2, 1, 0]
    assert polls["rt-multi"]["results"]["counts"] == [0, 2, 1]
    assert polls["rt-text"]["hidden"] == {"words": ["Kaffee"], "answers": ["Pausen"]}
    assert polls["rt-text"]["ballots"][-1]["texts"] == ["Kaffee", "Zeit"]  # the newest last
    assert polls["rt-scale"]["joined_before_only"] is True and polls["rt-scale"]["state"] == "open"
    assert [(q["id"], q["state"], q["upvotes"]) for q in second["questions"]] == [
        ("rt-q1", "approved", 2),
        ("rt-q2", "answered", 1),
        ("rt-q3", "pending", 0),
        ("rt-q4", "hidden", 2),
        ("rt-q5", "archived", 1),
    ]
    assert second["questions"][0]["highlighted"] is True
    assert second["screens"][1] == {
        "room_id": "rt-saal-b",
        "mode": "words",
        "poll_id": "rt-text",
        "question_id": None,
    }
    assert second["participation"]["participants"] == 8
    assert second["mood"][0]["counts"] == [0, 1, 1, 0, 1]
    assert [value for _at, _who, value in second["pace"][0]["log"]] == ["too_fast"]
    assert second["join_code_required"] is True
    assert [r["applause_via_stream"] for r in second["rooms"]] == [False, True]
    assert second["logo"] is not None and second["brand"]["color"] == "#0b5394"


async def test_new_code_imports_next_to_the_original(
    tmp_path: Path, source: dict[str, str]
) -> None:
    first = export(source, tmp_path / "first.json")
    refused = live("import", tmp_path / "first.json", env=source)
    assert refused.returncode == 1
    assert f"an event {CODE} exists already; use --new-code" in refused.stderr
    done = live("import", tmp_path / "first.json", "--new-code", env=source)
    assert done.returncode == 0, done.stderr
    code = done.stdout.split("imported event ", 1)[1].split(":", 1)[0]
    assert code != CODE
    copy = export(source, tmp_path / "copy.json", code)
    assert copy["code"] == code and copy["title"] == first["title"]
    # Fresh ids throughout, the same content.
    assert not {p["id"] for p in copy["polls"]} & {p["id"] for p in first["polls"]}
    assert [p["results"] for p in copy["polls"]] == [p["results"] for p in first["polls"]]
    assert [p["ballots"] for p in copy["polls"]] == [p["ballots"] for p in first["polls"]]
    assert [(q["text"], q["upvoters"]) for q in copy["questions"]] == [
        (q["text"], q["upvoters"]) for q in first["questions"]
    ]
    assert copy["participants"] == first["participants"]
    # The original is untouched.
    assert comparable(export(source, tmp_path / "again.json")) == comparable(first)


def _mangled(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
    doc = json.loads((tmp_path / "first.json").read_text())
    change(doc)
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


async def test_bad_files_are_refused_and_change_nothing(
    tmp_path: Path, source: dict[str, str]
) -> None:
    export(source, tmp_path / "first.json")
    target = sqlite_env(tmp_path / "target")
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes((tmp_path / "first.json").read_bytes()[:5000])

    def bad_choice(doc: dict[str, Any]) -> None:
        doc["polls"][0]["ballots"][0]["choices"] = [7]

    def stranger(doc: dict[str, Any]) -> None:
        doc["questions"][1]["upvoters"].append("p-99")

    def bad_pace(doc: dict[str, Any]) -> None:
        doc["pace"][0]["log"][0][2] = "zu schnell"

    def marked_pending(doc: dict[str, Any]) -> None:
        pending = next(i for i in doc["ideas"] if i["state"] == "pending")
        pending["marked"] = True

    def download(doc: dict[str, Any]) -> None:
        # What the report's export.json holds: no records (live/service/report.py).
        for part in ("participants", "screens", "logo"):
            doc.pop(part)

    cases = [
        (_mangled(tmp_path, "v1.json", lambda d: d.update(version=1)), "export version 1 is not"),
        (_mangled(tmp_path, "v9.json", lambda d: d.update(version=9)), "export version 9 is not"),
        (_mangled(tmp_path, "other.json", lambda d: d.update(format="x")), "not a live event"),
        (truncated, "is not valid JSON"),
        (_mangled(tmp_path, "choice.json", bad_choice), "polls[0].ballots[0]:"),
        (_mangled(tmp_path, "who.json", stranger), "unknown participant 'p-99'"),
        (_mangled(tmp_path, "pace.json", bad_pace), "pace[0].log[0][2]"),
        (_mangled(tmp_path, "idea.json", marked_pending), "only an approved idea is marked"),
        (_mangled(tmp_path, "download.json", download), "the report's download"),
        (
            _mangled(tmp_path, "block.json", lambda d: d["blocklist"]["entries"].append("a b")),
            "blocklist.entries[1]:",
        ),
        (tmp_path / "missing.json", "No such file"),
    ]
    for path, message in cases:
        done = live("import", path, env=target)
        assert done.returncode == 1, (path, done.stdout, done.stderr)
        assert message in done.stderr, (path, done.stderr)
        assert "Traceback" not in done.stderr
    unknown = live("export", "NOPE99", env=source)
    assert unknown.returncode == 1 and "no event with the code 'NOPE99'" in unknown.stderr
    # Nothing was imported anywhere.
    assert live("export", CODE, env=target).returncode == 1


async def test_a_failing_write_leaves_no_half_event(tmp_path: Path, source: dict[str, str]) -> None:
    # The same ids under another code: the first poll is refused by the store (ids are unique
    # across events) after the event, its rooms and participants were written.
    def other_code(doc: dict[str, Any]) -> None:
        doc["code"] = "OTHER9"
        doc["rooms"] = [{**r, "id": r["id"] + "-x"} for r in doc["rooms"]]
        for part in (
            "polls",
            "questions",
            "mood",
            "pace",
            "applause",
            "screens",
            "agenda",
            "ideas",
        ):
            for entry in doc[part]:
                entry["room_id"] += "-x"
        for entry in doc["agenda"]:
            entry["id"] += "-x"
        for entry in doc["polls"]:
            entry["agenda_item_id"] = None

    export(source, tmp_path / "first.json")
    done = live("import", _mangled(tmp_path, "dup.json", other_code), env=source)
    assert done.returncode == 1, done.stdout
    assert "rt-single" in done.stderr
    assert live("export", "OTHER9", env=source).returncode == 1
