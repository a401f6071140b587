"""User text on the pages carries soft hyphens (live/views/hyphenate.py), the API does not."""

from __future__ import annotations

from starlette.testclient import TestClient

from live.views.hyphenate import SHY, hyphenate
from tests.web.conftest import create_event, create_poll
from tests.web.test_roles import ask_question

TITLE = "Arbeitsmarktintegrationsmaßnahmen im Landkreis"
ROOM = "Jugendberufsagenturen"
QUESTION = "Gesundheitsorientierungsprogramm: wer zahlt?"
OPTIONS = ["Jugendberufsagenturen", "Eingliederungsvereinbarungen", "<b>Landkreisverwaltung</b>"]


def shown(text: str) -> str:
    """How the page's HTML carries ``text``: hyphenated, then escaped (as |shy does it)."""
    return hyphenate(text, "de").replace("<", "&lt;").replace(">", "&gt;")


def test_pages_hyphenate_user_text_and_the_api_keeps_it_as_typed(client: TestClient) -> None:
    event = create_event(client, title=TITLE, rooms=[ROOM])
    poll = create_poll(client, event, question=QUESTION, options=OPTIONS)
    ask_question(client, event, event.room, "Was kostet die Eingliederungsvereinbarung?")
    client.cookies.set(f"live_m_{event.code}", event.token)

    participant = client.get(f"/e/{event.code}?room={event.room}").text
    moderate = client.get(f"/e/{event.code}/moderate?room={event.room}").text
    screen = client.get(f"/e/{event.code}/screen?room={event.room}").text
    assert SHY in shown(QUESTION)
    for page in (participant, moderate, screen):
        assert shown(QUESTION) in page
        assert shown(ROOM) in page
        assert shown("Arbeitsmarktintegrationsmaßnahmen") in page
        assert "<b>" not in page
    for option in OPTIONS:
        assert f'<span class="choice-text">{shown(option)}</span>' in participant
        assert f'<span class="bar-label">{shown(option)}</span>' in moderate
    assert shown("Was kostet die Eingliederungsvereinbarung?") in moderate

    api = client.get(f"/api/v1/events/{event.code}/polls/{poll['id']}").json()
    assert api["question"] == QUESTION and api["options"] == OPTIONS
    assert SHY not in client.get(f"/api/v1/events/{event.code}").text
