"""A page's action (an htmx form post) answers from the state the room's channel already holds
plus the participant's own ballot (live/web/held.py), not from a fresh read of the whole room:
counted here with a store that records every call a request makes."""

from __future__ import annotations

import contextvars
import inspect
import re
from collections.abc import Awaitable, Callable, Generator, MutableMapping
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketTestSession

import live.web.participant
import live.web.participant_qa
from live.fanout.state import RoomState
from live.store import Store
from live.store import open_store as open_store_of_the_app
from tests.web.conftest import (
    EventFixture,
    allow_parallel_polls,
    create_event,
    create_poll,
    make_client,
    run_in_app,
    runtime_of,
    services_of,
)
from tests.web.test_pages import HX, api_poll, assert_html

ORIGIN = {"Origin": "http://testserver"}
# Reads that make up a full read of the room (live/fanout/state.py load_room_state): none of
# them may be a page action's.
ROOM_READS = {"room_version", "list_polls", "tally", "list_questions", "mood_values", "list_rooms"}

# The HTTP request a store call was made for ("METHOD /path"), None outside of requests (the
# fan-out's ticks, the sockets): set by ``RequestTag`` for everything the request awaits.
_request: contextvars.ContextVar[str | None] = contextvars.ContextVar("request", default=None)

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


class RequestTag:
    """ASGI middleware: names the HTTP request every store call below it is made for."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _request.set(f"{scope['method']} {scope['path']}")
        try:
            await self.app(scope, receive, send)
        finally:
            _request.reset(token)


class CountingStore:
    """Forwards to the real store; records each coroutine call made within an HTTP request."""

    def __init__(self, target: Store) -> None:
        self._target = target
        self.calls: list[tuple[str, str]] = []  # (request, store method)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not inspect.iscoroutinefunction(attr):
            return attr

        async def counted(*args: Any, **kwargs: Any) -> Any:
            request = _request.get()
            if request is not None:
                self.calls.append((request, name))
            return await attr(*args, **kwargs)

        return counted

    def of(self, request: str) -> list[str]:
        return [name for r, name in self.calls if r == request]


@pytest.fixture
def counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Generator[tuple[TestClient, CountingStore]]:
    stores: list[CountingStore] = []
    real_open = open_store_of_the_app

    def open_store(url: str) -> Store:
        store = CountingStore(real_open(url))
        stores.append(store)
        return store

    monkeypatch.setattr("live.app.open_store", open_store)
    # The event's and the room's copies stay fresh however slow the machine is: the count is
    # that of a phone acting a moment after its page connected (a copy is kept for seconds).
    monkeypatch.setattr(live.web.participant, "ACTION_MAX_AGE", 3600.0)
    monkeypatch.setattr(live.web.participant_qa, "ACTION_MAX_AGE", 3600.0)
    client = make_client(tmp_path)
    client.app.add_middleware(RequestTag)  # type: ignore[attr-defined]
    with client:
        yield client, stores[0]


def stocked_room(client: TestClient) -> tuple[EventFixture, list[dict[str, Any]]]:
    """A room with 5 open polls (it allows parallel polls), approved questions and a mood:
    what a full read reads."""
    event = create_event(client, rooms=["Plenum", "Fachforum 1"])
    allow_parallel_polls(client, event)
    polls = [
        create_poll(client, event, question=f"Frage {i}?", options=["ja", "nein", "egal"])
        for i in range(5)
    ]
    svc = services_of(client)

    async def stock() -> list[str]:
        stored = await svc.events.event(event.code)
        room = await svc.events.room(stored, event.room)
        asked = []
        for i in range(2):
            pid, _token = await svc.participants.join(stored, "testclient")
            question, _ = await svc.questions.ask(stored, room, pid, text=f"Eine Frage Nr. {i}?")
            asked.append(question.id)
            await svc.mood.set_mood(room, pid, 4)
        return asked

    for qid in run_in_app(client, stock):
        response = client.patch(
            f"/api/v1/events/{event.code}/questions/{qid}",
            json={"state": "approved"},
            headers=event.auth,
        )
        assert response.status_code == 200, response.text
    return event, polls


def open_page(client: TestClient, event: EventFixture) -> WebSocketTestSession:
    """The participant page and its socket (cookie set by the page), after its first push: the
    room's channel has read the room."""
    page = client.get(f"/e/{event.code}", params={"room": event.room})
    assert page.status_code == 200, page.text
    ws = client.websocket_connect(
        f"/e/{event.code}/rooms/{event.room}/live?view=participant", headers=ORIGIN
    ).__enter__()
    for _ in range(20):
        if 'id="poll-stage"' in ws.receive_text():
            return ws
    pytest.fail("the page socket pushed no stage")


def page_vote(client: TestClient, event: EventFixture, poll_id: str, choice: int) -> str:
    response = client.post(
        f"/e/{event.code}/polls/{poll_id}/vote",
        data={"choice": str(choice)},
        headers={**HX, **ORIGIN},
        follow_redirects=False,
    )
    return assert_html(response, 200)


def pressed(fragment: str, poll_id: str, option: int) -> bool:
    found = re.search(rf'id="poll-{poll_id}-opt-{option}" aria-pressed="(true|false)"', fragment)
    assert found is not None, fragment[:2000]
    return found.group(1) == "true"


def results_region(html: str, poll_id: str) -> str:
    """The poll's results region in a pushed frame ("" when the frame has none)."""
    start = html.find(f'id="results-{poll_id}"')
    if start < 0:
        return ""
    end = html.find('id="results-', start + 1)
    return html[start : end if end > 0 else len(html)]


def test_a_page_vote_makes_the_write_and_reads_only_the_own_ballots(
    counted: tuple[TestClient, CountingStore],
) -> None:
    client, store = counted
    event, polls = stocked_room(client)
    ws = open_page(client, event)
    try:
        target = polls[2]["id"]
        path = f"POST /e/{event.code}/polls/{target}/vote"
        fragment = page_vote(client, event, target, 1)
        first = store.of(path)
        # The write, this participant's ballots, and the poll's copy (read once per process).
        assert sorted(first) == ["cast_vote", "get_poll", "participant_ballots"], first
        assert not ROOM_READS & set(first)
        # The answer shows the new ballot although the held state is from before the vote.
        assert "Ihre Stimme wurde gezählt." in fragment
        assert pressed(fragment, target, 1) and not pressed(fragment, target, 0)
        for poll in polls:  # every open poll is on the stage
            assert f'id="results-{poll["id"]}"' in fragment

        # A second vote (changed) and a vote in another poll: the poll's copy is kept now.
        store.calls.clear()
        fragment = page_vote(client, event, target, 2)
        assert sorted(store.of(path)) == ["cast_vote", "participant_ballots"]
        assert pressed(fragment, target, 2) and not pressed(fragment, target, 1)
        other = polls[4]["id"]
        fragment = page_vote(client, event, other, 0)
        assert len(store.of(f"POST /e/{event.code}/polls/{other}/vote")) <= 3
        # Both of this participant's ballots are marked (read fresh, not the last tick's).
        assert pressed(fragment, other, 0) and pressed(fragment, target, 2)

        # The push follows: the page socket gets the counts with this participant's votes.
        for _ in range(50):
            if '<p class="voters">1 Stimme</p>' in results_region(ws.receive_text(), other):
                break
        else:
            pytest.fail("no push with the vote")
    finally:
        ws.__exit__(None, None, None)
    # Counted exactly once each, as acknowledged.
    assert api_poll(client, event, target)["results"]["counts"] == [0, 0, 1]
    assert api_poll(client, event, other)["results"]["counts"] == [1, 0, 0]


def test_without_a_channel_a_page_vote_reads_the_room(
    counted: tuple[TestClient, CountingStore],
) -> None:
    """No socket of the room in this process (e.g. another worker holds them): the answer is
    still right, from a full read."""
    client, store = counted
    event, polls = stocked_room(client)
    client.get(f"/e/{event.code}", params={"room": event.room})
    target = polls[0]["id"]
    fragment = page_vote(client, event, target, 0)
    assert pressed(fragment, target, 0)
    assert "list_polls" in store.of(f"POST /e/{event.code}/polls/{target}/vote")


def test_a_poll_opened_after_the_last_tick_is_read_fresh(
    counted: tuple[TestClient, CountingStore],
) -> None:
    """The held state may not know a poll yet (opened a moment ago, before the next tick): an
    answer about that poll must not drop it, so it comes from a full read."""
    client, _store = counted
    event, polls = stocked_room(client)
    ws = open_page(client, event)
    try:
        svc = services_of(client)
        held = runtime_of(client.app).fanout.state(event.room)
        assert held is not None
        new = create_poll(client, event, question="Ganz neu?")
        pid = _join_pid(client, event)

        async def answer(poll_id: str) -> RoomState:
            stored = await svc.events.event(event.code)
            room = await svc.events.room(stored, event.room)
            return await svc.rooms.for_answer(
                room, pid, lambda: held, ballots=True, poll_id=poll_id
            )

        fresh = run_in_app(client, answer, new["id"])
        assert (p := fresh.poll(new["id"])) is not None and p.state == "open"
        # About a poll it knows, the held state answers (it has not seen the new poll).
        assert run_in_app(client, answer, polls[0]["id"]).poll(new["id"]) is None
    finally:
        ws.__exit__(None, None, None)


def _join_pid(client: TestClient, event: EventFixture) -> str:
    svc = services_of(client)

    async def join() -> str:
        pid, _token = await svc.participants.join(await svc.events.event(event.code), "testclient")
        return pid

    return run_in_app(client, join)


def test_page_qa_actions_answer_from_the_held_state(
    counted: tuple[TestClient, CountingStore],
) -> None:
    client, store = counted
    event, _polls = stocked_room(client)
    ws = open_page(client, event)
    try:
        ask = f"/e/{event.code}/rooms/{event.room}/questions"
        response = client.post(ask, data={"text": "Wann gibt es Kaffee?"}, headers={**HX, **ORIGIN})
        fragment = assert_html(response, 200)
        calls = store.of(f"POST {ask}")
        assert not ROOM_READS & set(calls), calls
        assert len(calls) <= 3, calls  # the event (fresh: its Q&A settings), the write
        # The new question is among the asker's own, though the held state predates it.
        assert "Wann gibt es Kaffee?" in fragment and 'id="qa-mine"' in fragment

        # Upvote a public question of someone else.
        listed = client.get(
            f"/api/v1/events/{event.code}/rooms/{event.room}/questions", headers=event.auth
        ).json()
        other = next(q for q in listed if q["text"].startswith("Eine Frage"))
        up = f"/e/{event.code}/questions/{other['id']}/upvote"
        fragment = assert_html(client.post(up, data={"up": "1"}, headers={**HX, **ORIGIN}), 200)
        calls = store.of(f"POST {up}")
        assert not ROOM_READS & set(calls), calls
        assert sorted(calls) == ["get_question", "set_upvote", "upvoted_by"], calls
        assert "Sie unterstützen diese Frage." in fragment
        assert re.search(rf'data-upvoted="[^"]*{other["id"]}', fragment)
    finally:
        ws.__exit__(None, None, None)


def test_a_vote_in_the_only_open_poll_answers_without_a_read(
    counted: tuple[TestClient, CountingStore],
) -> None:
    """One open poll (the usual case): the ballot the vote stored is the participant's only
    one on the stage, so the answer needs no read at all; a retried send (nothing new stored)
    reads the ballot that was kept."""
    client, store = counted
    event = create_event(client)
    poll = create_poll(client, event, question="Kaffee oder Tee?", options=["Kaffee", "Tee"])
    ws = open_page(client, event)
    path = f"/e/{event.code}/polls/{poll['id']}/vote"
    try:

        def send(choice: int, request_id: str) -> str:
            store.calls.clear()
            response = client.post(
                path,
                data={"choice": str(choice), "request_id": request_id},
                headers={**HX, **ORIGIN},
                follow_redirects=False,
            )
            return assert_html(response, 200)

        fragment = send(1, "erste")
        assert sorted(store.of(f"POST {path}")) == ["cast_vote", "get_poll"]
        assert pressed(fragment, poll["id"], 1) and not pressed(fragment, poll["id"], 0)
        # The same send again (its answer was lost): acknowledged, not counted, and the answer
        # shows the ballot the store kept, read for it.
        fragment = send(1, "erste")
        assert "participant_ballots" in store.of(f"POST {path}")
        assert pressed(fragment, poll["id"], 1)
        fragment = send(0, "zweite")  # changed: the new ballot, again without a read
        assert sorted(store.of(f"POST {path}")) == ["cast_vote"]
        assert pressed(fragment, poll["id"], 0) and not pressed(fragment, poll["id"], 1)
    finally:
        ws.__exit__(None, None, None)
    assert api_poll(client, event, poll["id"])["results"]["counts"] == [1, 0]
