from live.report.export import export_dict
from tests.report.factory import at, event_report, item, poll, question, room_report

POLL_KEYS = {"id", "room_id", "question", "kind", "state", "options", "results"}
QUESTION_KEYS = {
    "id",
    "room_id",
    "text",
    "name",
    "upvotes",
    "state",
    "highlighted",
    "answer",
    "created_at",
    "label",
}


def test_export_holds_everything_without_participant_ids() -> None:
    r = room_report(
        agenda=[item("talk", 0, 60, title="Vortrag", speaker="Dr. X")],
        polls=[poll("p1", agenda_item_id="talk"), poll("d", state="draft", counts=(0, 0, 0))],
        questions=[
            question("q1", "Frage?", "answered", answer="Ja"),
            question("q2", "x", "hidden"),
        ],
        applause=[(at(1), 0.12345)],
        mood_log=[(at(2), "secret-participant", 4)],
    )
    data = export_dict(event_report(r), "Europe/Berlin")
    assert data["code"] == "K7M3QX" and data["title"] == "Tag der Jobcenter"
    assert data["rooms"] == [
        {
            "id": "r1",
            "name": "Plenum",
            "parallel_polls": False,
            "applause_via_stream": False,
            "screen_label": None,
            "ideas_open": False,
        }
    ]
    assert data["starts_on"] == "2026-11-21" and data["timezone"] == "Europe/Berlin"
    assert data["agenda"] == [
        {
            "id": "talk",
            "room_id": "r1",
            "title": "Vortrag",
            "speaker": "Dr. X",
            "starts_at": "2026-11-21T08:00:00Z",
            "ends_at": "2026-11-21T09:00:00Z",
        }
    ]
    assert [p["id"] for p in data["polls"]] == ["p1", "d"]  # drafts too: it is everything
    for p in data["polls"]:
        assert set(p) >= POLL_KEYS
        assert {"counts", "voters", "average", "words"} <= set(p["results"])
    assert data["polls"][0]["agenda_item_id"] == "talk"
    assert data["polls"][0]["results"]["counts"] == [3, 6, 1]
    assert [set(q) for q in data["questions"]] == [QUESTION_KEYS, QUESTION_KEYS]
    assert data["questions"][0]["answer"] == "Ja"
    assert data["applause"] == [{"room_id": "r1", "levels": [["2026-11-21T08:01:00Z", 0.123]]}]
    assert data["mood"] == [
        {
            "room_id": "r1",
            "counts": [0, 0, 0, 1, 0],
            "average": 4.0,
            "course": [["2026-11-21T08:02:00Z", 4.0]],
        }
    ]
    assert data["participation"]["participants"] == 40
    assert data["participation"]["rooms"][0]["room_id"] == "r1"
    assert "secret-participant" not in str(data) and "author-" not in str(data)
