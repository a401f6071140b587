"""The console's run sheet (live/views/run_sheet.py) and its fragment (fragments/run_sheet.html)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from live.domain.models import AgendaItem, Event, Poll, Room
from live.fanout.state import RoomState
from live.views.program import TimeFormat
from live.views.run_sheet import run_sheet_html, run_sheet_view

T0 = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
TIMES = TimeFormat(ZoneInfo("Europe/Berlin"), "de")
EVENT = Event("ABC123", "Tagung", T0, "m" * 64)
ROOM = Room("r", "ABC123", "Plenum", 0)


def item(id: str, minutes: int, title: str, room: str = "r") -> AgendaItem:
    start = T0 + timedelta(minutes=minutes)
    return AgendaItem(id, "ABC123", room, title, start, start + timedelta(minutes=45))


def poll(id: str, question: str, n: int, agenda: str | None = None, state: str = "draft") -> Poll:
    made = Poll(
        id=id,
        event_code="ABC123",
        room_id="r",
        question=question,
        kind="single",
        options=("ja", "nein"),
        scale_min=None,
        scale_max=None,
        state="draft",
        visibility="live",
        created_at=T0 + timedelta(minutes=n),
        agenda_item_id=agenda,
    )
    if state == "open":
        return replace(made, state="open", opened_at=T0 + timedelta(hours=2))
    if state == "closed":
        return replace(made, state="closed", closed_at=T0 + timedelta(hours=1))
    return made


AGENDA = [item("b", 60, "Fachvortrag"), item("a", 0, "Eröffnung"), item("x", 0, "Anderswo", "q")]
POLLS = (
    poll("p3", "Ohne Punkt?", 0),
    poll("p2", "Wie war der Vortrag?", 1, "b"),
    poll("p1", "Wie sind Sie angereist?", 2, "a", state="closed"),
    poll("p0", "Kennen Sie sich schon?", 3, "a", state="open"),
)


def state(*polls: Poll) -> RoomState:
    return RoomState(1, EVENT, ROOM, (ROOM,), tuple(polls), {})


def test_entries_with_open_and_next_marked() -> None:
    view = run_sheet_view(state(*POLLS), AGENDA, TIMES)
    assert [
        (
            e.item.title if e.item else None,
            e.time,
            [(p.poll.id, p.is_open, p.is_next) for p in e.polls],
        )
        for e in view.entries
    ] == [
        ("Eröffnung", "09:00–09:45", [("p1", False, False), ("p0", True, False)]),
        ("Fachvortrag", "10:00–10:45", [("p2", False, True)]),
        (None, "", [("p3", False, False)]),
    ]
    assert view.next == POLLS[1]
    assert not view.several_days
    assert view.entries[0].day == "21.11.2026"


def test_items_on_several_days_show_their_day() -> None:
    later = replace(item("c", 0, "Tag zwei"), starts_at=T0 + timedelta(days=1))
    later = replace(later, ends_at=later.starts_at + timedelta(minutes=30))
    assert run_sheet_view(state(), [*AGENDA, later], TIMES).several_days


def test_the_fragment_names_every_button_with_its_poll() -> None:
    html = run_sheet_html("de", state(*POLLS), AGENDA, TIMES)
    assert 'id="run-sheet"' in html
    base = "/e/ABC123/moderate"
    # One button per poll, named with it, posting to the poll's action and swapping #mod-polls.
    assert re.search(
        rf'action="{base}/polls/p0/close" hx-post="{base}/polls/p0/close" hx-swap="none"',
        html,
    )
    assert 'aria-label="Abstimmung „Kennen Sie sich schon?“ schließen">Schließen<' in html
    assert 'aria-label="Abstimmung „Wie sind Sie angereist?“ wieder öffnen">Wieder öffnen<' in html
    assert 'aria-label="Abstimmung „Wie war der Vortrag?“ öffnen">Öffnen<' in html
    assert f'action="{base}/polls/p2/open"' in html
    # The next one is marked in words, the open one as current.
    assert re.search(r'id="run-poll-p2" class="[^"]*is-next"', html)
    assert html.count(">Als Nächstes<") == 1
    assert re.search(r'id="run-poll-p0" class="[^"]*" aria-current="true"', html)
    # The "next" button posts to the room's next-poll route and says what it would open.
    assert f'hx-post="{base}/rooms/r/next-poll" hx-swap="none"' in html
    assert f'action="{base}/rooms/r/next-poll"' in html
    assert "Als Nächstes: „Wie war der Vortrag?“" in html
    # For static/console.js: the key's button, a toggle id per poll, the focus after an action.
    assert 'id="run-sheet-next" class="primary"' in html and "data-next-poll>" in html
    assert 'id="run-p0-toggle" class="danger"' in html
    assert 'id="run-p2-toggle" class="primary" data-focus-next' in html
    assert html.count("data-focus-next") == 1
    assert "09:00–09:45" in html and "Ohne Programmpunkt" in html
    assert "Anderswo" not in html


def test_the_fragment_without_anything_left() -> None:
    html = run_sheet_html("de", state(), [], TIMES)
    assert "Keine weitere vorbereitete Abstimmung." in html
    assert "Noch kein Programmpunkt und keine Abstimmung in diesem Raum." in html
    english = run_sheet_html("en", state(*POLLS), AGENDA, TIMES)
    assert "Als Nächstes" not in english and "Nächste Abstimmung" not in english


def test_hostile_text_is_escaped_in_text_and_names() -> None:
    hostile = '"><script>alert(1)</script>'
    html = run_sheet_html("de", state(poll("h", hostile, 0)), [item("a", 0, "<b>Titel</b>")], TIMES)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;Titel&lt;/b&gt;" in html
    assert 'aria-label="Abstimmung „&#34;&gt;&lt;script&gt;' in html
