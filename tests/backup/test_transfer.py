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
    assert f"imported event {CODE}: 2 rooms, 8 polls, 20 ballots, 7 questions" in done.stdout
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
        ("rt-q1", "approved", 4),  # its own 2 and the merged duplicates' 2
        ("rt-q2", "answered", 1),
        ("rt-q3", "pending", 0),
        ("rt-q4", "hidden", 2),
        ("rt-q5", "archived", 1),
    ]
    assert second["questions"][0]["highlighted"] is True
    # Panel Q&A (issue 24): labels, the projector's filter, merged duplicates.
    assert second["question_labels"] == ["Dr. Beispiel", "Podium"]
    labels = {q["id"]: q["label"] for q in second["questions"]}
    assert (labels["rt-q1"], labels["rt-q2"], labels["rt-q3"]) == ("Dr. Beispiel", "Früher", None)
    assert [r["screen_label"] for r in second["rooms"]] == ["Dr. Beispiel", None]
    merged = {q["id"]: q for q in second["merged_questions"]}
    assert merged["rt-q6"]["merged_into"] == "rt-q7" and merged["rt-q7"]["merged_into"] == "rt-q1"
    assert merged["rt-q6"]["label"] == "Podium"
    assert second["questions"][0]["co_authors"] == sorted(
        [merged["rt-q6"]["author"], merged["rt-q7"]["author"]]
    )
    assert second["screens"][1] == {
        "room_id": "rt-saal-b",
        "mode": "words",
        "poll_id": "rt-text",
        "question_id": None,
        "forum_shown": None,
        "forum_poll_id": "rt-rank",
    }
    assert second["screens"][0]["forum_shown"] is True
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
    # Merged duplicates come along, pointing at their copies.
    texts = {q["id"]: q["text"] for q in [*copy["questions"], *copy["merged_questions"]]}
    assert [
        (q["text"], texts[q["merged_into"]], q["co_authors"]) for q in copy["merged_questions"]
    ] == [
        (q["text"], f"Frage {q['merged_into']}?", q["co_authors"])
        for q in first["merged_questions"]
    ]
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

    def merge_unknown(doc: dict[str, Any]) -> None:
        doc["merged_questions"][0]["merged_into"] = "rt-nope"

    def merge_circle(doc: dict[str, Any]) -> None:
        doc["merged_questions"][1]["merged_into"] = doc["merged_questions"][0]["id"]

    def merge_other_room(doc: dict[str, Any]) -> None:
        doc["merged_questions"][1]["merged_into"] = "rt-q4"  # Saal B's

    def merge_twice(doc: dict[str, Any]) -> None:
        doc["merged_questions"][0]["id"] = "rt-q2"

    def long_label(doc: dict[str, Any]) -> None:
        doc["questions"][0]["label"] = "x" * 41

    merged_order = [
        q["id"] for q in json.loads((tmp_path / "first.json").read_text())["merged_questions"]
    ]
    assert merged_order == ["rt-q6", "rt-q7"]  # the cases below rely on it
    cases = [
        (_mangled(tmp_path, "m1.json", merge_unknown), "unknown question 'rt-nope'"),
        (_mangled(tmp_path, "m2.json", merge_circle), "go round in a circle"),
        (_mangled(tmp_path, "m3.json", merge_other_room), "is a question of another room"),
        (_mangled(tmp_path, "m4.json", merge_twice), "'rt-q2' appears twice"),
        (_mangled(tmp_path, "label.json", long_label), "questions[0].label: not a label"),
        (
            _mangled(tmp_path, "labels.json", lambda d: d["question_labels"].append("podium")),
            "question_labels:",
        ),
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
        (
            _mangled(tmp_path, "forum.json", lambda d: d["screens"][0].update(forum_shown="ja")),
            "screens[0].forum_shown: must be true, false or null",
        ),
        (
            _mangled(
                tmp_path, "forum2.json", lambda d: d["screens"][0].update(forum_poll_id="rt-rank")
            ),
            "screens[0].forum_poll_id: is a poll of another room",
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
        parts = ("polls", "questions", "merged_questions", "mood", "pace", "applause")
        for part in (*parts, "screens", "agenda", "ideas"):
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


async def test_an_export_from_before_labels_and_merges_still_imports(
    tmp_path: Path, source: dict[str, str]
) -> None:
    """Files written before issue 24's panel Q&A have no labels, no projector filter, no
    merged questions and no co-authors: they import, with none of these."""

    def older(doc: dict[str, Any]) -> None:
        doc.pop("question_labels")
        doc.pop("merged_questions")
        for room in doc["rooms"]:
            room.pop("screen_label")
        for question in doc["questions"]:
            question.pop("label")
            question.pop("co_authors")

    export(source, tmp_path / "first.json")
    target = sqlite_env(tmp_path / "target")
    done = live("import", _mangled(tmp_path, "older.json", older), env=target)
    assert done.returncode == 0, done.stderr
    again = export(target, tmp_path / "again.json")
    assert again["question_labels"] == [] and again["merged_questions"] == []
    assert {q["label"] for q in again["questions"]} == {None}
    assert {r["screen_label"] for r in again["rooms"]} == {None}
    assert {tuple(q["co_authors"]) for q in again["questions"]} == {()}
    # The upvotes the duplicates brought stay on the question they went into.
    assert again["questions"][0]["upvotes"] == 4


async def test_a_survey_is_in_the_export_but_not_moved_by_import(tmp_path: Path) -> None:
    """Surveys (issue 24) are in the export with their questions' results, outside "polls";
    `live import` does not re-create them (docs/deploy.md says so) and imports the rest."""
    from dataclasses import replace

    from live.domain.models import Ballot, Poll, Survey
    from tests.backup.content import T0

    store = open_store(f"sqlite:///{tmp_path / 'source' / 'live.db'}")
    await store.open()
    try:
        await build(store)
        survey = Survey("rt-survey", CODE, "rt-plenum", "Abschluss", "draft", ("rt-sq",), T0)
        question = Poll(
            "rt-sq", CODE, "rt-plenum", "Gut?", "scale", (), 1, 5, "draft", "after_close", T0,
            survey_id="rt-survey",
        )  # fmt: skip
        await store.add_survey(survey, [question])
        await store.save_survey(replace(survey, state="open", opened_at=T0))
        await store.cast_vote("rt-sq", "rt-person-01", Ballot(value=4), None)
    finally:
        await store.close()
    source = sqlite_env(tmp_path / "source")
    first = export(source, tmp_path / "first.json")
    assert [(s["id"], s["started"], s["finished"]) for s in first["surveys"]] == [
        ("rt-survey", 1, 1)
    ]
    assert first["surveys"][0]["questions"][0]["results"]["counts"] == [0, 0, 0, 1, 0]
    assert "rt-sq" not in {p["id"] for p in first["polls"]}
    target = sqlite_env(tmp_path / "target")
    done = live("import", tmp_path / "first.json", env=target)
    assert done.returncode == 0, done.stderr
    second = export(target, tmp_path / "second.json")
    assert second["surveys"] == [] and second["polls"] == first["polls"]
