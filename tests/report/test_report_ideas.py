"""The report's idea board per room (issue 24 item 3): the approved ideas, marked first and
said so in words, with their upvotes; pending and hidden ideas stay out; authors never get in."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from live.domain.models import Event, Idea, Room
from live.report import markdown
from live.report.data import EventReport
from live.report.fmt import Formatter
from live.report.gather import gather
from live.report.view import build
from live.store import open_store

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


async def test_the_room_section_lists_its_ideas(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'live.db'}")
    await store.open()
    try:
        event = Event("K7M3QX", "Fachtag", NOW, "0" * 64)
        await store.create_event(event, [Room("r1", "K7M3QX", "Forum 1", 0)])
        for n, (text, state) in enumerate(
            [("Mehr Pausen", "approved"), ("Kaffee", "approved"), ("Geheim", "hidden")]
        ):
            idea = Idea(f"i{n}", "K7M3QX", "r1", f"a-{n}", text, state, NOW)  # type: ignore[arg-type]
            await store.add_idea(idea, None)
        await store.add_idea(Idea("i9", "K7M3QX", "r1", "author-9", "Wartet", "pending", NOW), None)
        await store.set_idea_upvote("i0", "u1", True, None)
        await store.set_idea_marked("i1", True, 10)
        report: EventReport = await gather(store, event, NOW)
    finally:
        await store.close()
    room = report.rooms[0]
    assert all(i.participant_id == "" for i in room.ideas)
    assert [i.text for i in room.published_ideas] == ["Kaffee", "Mehr Pausen"]
    assert report.active >= 4  # posting an idea is taking part
    fmt = Formatter("de", ZoneInfo("Europe/Berlin"))
    text = markdown.render(build(report, fmt), fmt)
    assert "### Ideen" in text
    assert "1. **Markiert:** Kaffee – 0 Stimmen" in text
    assert "2. Mehr Pausen – 1 Stimme" in text
    assert "Geheim" not in text and "Wartet" not in text
