"""Q&A at 10,000 questions (issue 21), on both store backends (SQLite and a real redis-server):
every socket frame stays under 64 KiB (the JSON socket's and every page's: moderators, phones,
projector, overlay), updates carry only the changed question, the API pages through every
question exactly once.

The room is filled through the store (concurrent add_question calls: SQLite commits them in a few
group commits), not with 10,000 API calls. Texts are the worst case for the wire: 500 four-byte
characters, answers of 4,000.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from live.domain.models import Question, QuestionState
from live.domain.questions import MAX_ANSWER_LEN, MAX_QUESTION_TEXT
from live.store import Store
from live.views.qa_queue import QUEUE_PAGE_SIZE
from live.views.regions import PARTICIPANT_LIST_LIMIT
from tests.support.redis import RedisServer
from tests.web.conftest import (
    EventFixture,
    create_event,
    enter,
    join,
    make_client,
    run_in_app,
    services_of,
)

FRAME_LIMIT = 64 * 1024
COUNT = 10_000
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WIDE = "😀"  # four bytes in UTF-8 and in JSON (orjson writes it as is)
LONG_TEXT = WIDE * MAX_QUESTION_TEXT
LONG_ANSWER = WIDE * MAX_ANSWER_LEN
AUTHOR = "p-author"  # the participant id of every bulk question


@pytest.fixture(params=["sqlite", "redis"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Generator[TestClient]:
    overrides: dict[str, Any] = {}
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        overrides["store_url"] = server.url
    with make_client(tmp_path, **overrides) as c:
        yield c


def fill(client: TestClient, event: EventFixture, count: int, pending: int) -> list[Question]:
    """``count`` approved questions (and ``pending`` waiting ones) put straight into the store."""
    store = services_of(client).store

    async def insert(questions: list[Question]) -> None:
        for start in range(0, len(questions), 500):
            chunk = questions[start : start + 500]
            await asyncio.gather(*(store.add_question(q, None, None) for q in chunk))

    questions = [
        Question(
            # The event code in the id: the session's redis-server is shared by the tests.
            id=f"{event.code}-q{i:05d}",
            event_code=event.code,
            room_id=event.room,
            participant_id=AUTHOR,
            text=LONG_TEXT,
            name=WIDE * 60,
            state="approved" if i < count else "pending",
            created_at=T0 + timedelta(seconds=i),
            answer=None,
            upvotes=0,
        )
        for i in range(count + pending)
    ]
    run_in_app(client, insert, questions)
    return questions


def ws_url(event: EventFixture, token: str | None = None) -> str:
    url = f"/api/v1/events/{event.code}/rooms/{event.room}/ws"
    return f"{url}?token={token}" if token else url


class Frames:
    """A socket's frames as received, every one checked against the frame limit."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    def next(self) -> dict[str, Any]:
        text: str = self.ws.receive_text()
        assert len(text.encode()) < FRAME_LIMIT, f"{len(text.encode())} bytes"
        message: dict[str, Any] = json.loads(text)
        return message

    def questions_update(self) -> dict[str, Any]:
        """The next questions update (applause and mood may come between)."""
        for _ in range(20):
            message = self.next()
            if message["type"] == "questions":
                return message
        raise AssertionError("no questions update")


def test_a_room_of_10000_questions_sends_small_frames_and_only_what_changed(
    client: TestClient,
) -> None:
    event = create_event(client)
    questions = fill(client, event, COUNT, pending=3)
    token = join(client, event)
    with (
        client.websocket_connect(ws_url(event, token)) as phone_ws,
        client.websocket_connect(ws_url(event, event.token)) as mod_ws,
    ):
        phone, mod = Frames(phone_ws), Frames(mod_ws)
        snapshot = phone.next()
        assert snapshot["type"] == "snapshot"
        assert snapshot["questions_total"] == COUNT
        assert snapshot["questions_complete"] is False
        assert 0 < len(snapshot["questions"]) <= 200
        assert {q["state"] for q in snapshot["questions"]} == {"approved"}
        mod_snapshot = mod.next()
        assert mod_snapshot["questions_total"] == COUNT + 3
        assert mod_snapshot["questions_complete"] is False

        # An upvote: both sockets get that question alone, with its new count.
        target = questions[COUNT - 1]
        phone_ws.send_text(
            json.dumps({"type": "upvote", "request_id": "u1", "question_id": target.id})
        )
        for frames in (phone, mod):
            update = frames.questions_update()
            assert [q["id"] for q in update["questions"]] == [target.id]
            assert update["questions"][0]["upvotes"] == 1
            assert update["removed"] == []
            assert update["complete"] is False

        # Approving a waiting question: the public hear of it now, the moderators see its state.
        waiting = questions[COUNT]
        patch(client, event, waiting.id, {"state": "approved"})
        for frames in (phone, mod):
            update = frames.questions_update()
            assert [(q["id"], q["state"]) for q in update["questions"]] == [
                (waiting.id, "approved")
            ]

        # The longest answer there can be: still one small frame with that one question.
        patch(client, event, target.id, {"answer": LONG_ANSWER, "state": "answered"})
        for frames in (phone, mod):
            update = frames.questions_update()
            assert [(q["id"], q["answer"]) for q in update["questions"]] == [
                (target.id, LONG_ANSWER)
            ]

        # Hidden: gone for the public, changed for the moderators.
        patch(client, event, waiting.id, {"state": "hidden"})
        update = phone.questions_update()
        assert (update["questions"], update["removed"]) == ([], [waiting.id])
        update = mod.questions_update()
        assert [(q["id"], q["state"]) for q in update["questions"]] == [(waiting.id, "hidden")]

        # Deleted by its author: removed for everyone.
        svc = services_of(client)
        found = run_in_app(client, svc.events.event, event.code)
        run_in_app(client, svc.questions.delete_own, found, AUTHOR, questions[5].id)
        for frames in (phone, mod):
            update = frames.questions_update()
            assert (update["questions"], update["removed"]) == ([], [questions[5].id])

    # The moderators' console (same room, set up once): its pushed queue holds one page per
    # group (2 waiting, 10 approved, 1 answered, 1 hidden), not 10,000 rows (about 67 MB of
    # these worst-case rows), each row in the queue's frame or in one of its own.
    client.cookies.set(f"live_m_{event.code}", event.token)
    pushed = PageFrames(client, event, "moderate", ("mod-live", "mod-questions", "mod-screen"))
    queue = pushed.filled("mod-questions")
    assert queue.count('class="question mod-question qa-row"') == 14
    assert 'aria-busy="true"' not in queue
    assert any(key.startswith("mod-q-") for key in pushed.keys)  # rows too long for one frame
    page = client.get(f"/e/{event.code}/moderate?room={event.room}")
    assert page.text.count('class="question mod-question qa-row"') == 14
    assert "Weitere Fragen" in page.text


def patch(client: TestClient, event: EventFixture, qid: str, body: dict[str, Any]) -> None:
    response = client.patch(
        f"/api/v1/events/{event.code}/questions/{qid}", json=body, headers=event.auth
    )
    assert response.status_code == 200, response.text


def test_the_api_pages_through_every_question_once_in_order(client: TestClient) -> None:
    event = create_event(client)
    questions = fill(client, event, 1_200, pending=2)
    store: Store = services_of(client).store
    # Upvotes give the order something to sort: ties are broken by age, then id.
    for i, q in enumerate(questions[:40]):
        run_in_app(client, store.set_upvote, q.id, f"voter-{i % 7}", True, None)
    url = f"/api/v1/events/{event.code}/rooms/{event.room}/questions"

    first = client.get(url)
    assert first.status_code == 200
    assert len(first.json()) == 100  # the default page
    assert first.headers["X-Total-Count"] == "1200"

    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 500}
        if cursor is not None:
            params["cursor"] = cursor
        response = client.get(url, params=params)
        assert response.status_code == 200, response.text
        seen.extend(response.json())
        cursor = response.headers.get("X-Next-Cursor")
        if cursor is None:
            assert "Link" not in response.headers
            break
        assert 'rel="next"' in response.headers["Link"]
    ids = [q["id"] for q in seen]
    assert len(ids) == len(set(ids)) == 1_200  # every approved one, once; no pending ones
    keys = [(-q["upvotes"], q["created_at"], q["id"]) for q in seen]
    assert keys == sorted(keys)

    # Moderators page through all, the waiting ones too.
    everything = client.get(url, params={"limit": 500}, headers=event.auth)
    assert everything.headers["X-Total-Count"] == "1202"


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "501"},
        {"limit": "zehn"},
        {"limit": "-5"},
        {"cursor": "nicht-base64!"},
        {"cursor": "WzFd"},  # valid base64, but not a cursor
        {"cursor": ""},
    ],
)
def test_a_bad_limit_or_cursor_is_a_400_with_the_error_shape(
    client: TestClient, query: dict[str, str]
) -> None:
    event = create_event(client)
    url = f"/api/v1/events/{event.code}/rooms/{event.room}/questions"
    response = client.get(url, params=query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] in {"invalid_limit", "invalid_cursor"}
    assert error["message"]


# A row's placeholder in a list region (live/views/frame_budget.py); group 1: its id.
PLACEHOLDER = r'<li [^>]*?\bid="([^"]+)"[^>]*aria-busy="true"></li>'


class PageFrames:
    """Everything a page's socket pushes first, every frame checked against the frame limit:
    ``roots`` are the regions that must come, and every row a region leaves as a placeholder
    (live/views/frame_budget.py) must come after it. ``html``: the page's regions put together
    as the page would hold them (key -> outer HTML of the element with that id)."""

    def __init__(
        self, client: TestClient, event: EventFixture, view: str, roots: tuple[str, ...]
    ) -> None:
        self.keys: list[str] = []
        self.sizes: dict[str, int] = {}
        self.html: dict[str, str] = {}
        waiting = set(roots)
        url = f"/e/{event.code}/rooms/{event.room}/live?view={view}"
        with client.websocket_connect(url) as ws:
            while waiting:
                frame: str = ws.receive_text()
                size = len(frame.encode())
                found = re.match(r'\s*<\w+[^>]*? id="([^"]+)"', frame)
                assert found, frame[:200]
                key = found.group(1)
                assert size < FRAME_LIMIT, f"{view}: {key} is {size} bytes"
                self.keys.append(key)
                self.sizes[key] = size
                self.html[key] = frame
                waiting.discard(key)
                waiting |= set(re.findall(PLACEHOLDER, frame))

    def filled(self, key: str) -> str:
        """Region ``key`` with every row pushed on its own put in its place."""
        html = self.html[key]
        return re.sub(PLACEHOLDER, lambda m: self.html[m.group(1)], html)


def fill_worst(client: TestClient, event: EventFixture, phone: str) -> None:
    """A room of 10,000 questions at their longest, every group of the console full, some
    answered at the longest, one on the projector; ``phone`` (a participant id) asked 12 of
    them, answered at the longest too."""
    store = services_of(client).store
    groups: list[tuple[QuestionState, int, str | None]] = [
        ("approved", COUNT, None),
        ("pending", 15, None),
        ("answered", 40, LONG_ANSWER),
        ("hidden", 15, LONG_ANSWER),
        ("archived", 15, LONG_ANSWER),
    ]
    questions = [
        Question(
            id=f"{event.code}-{state[:2]}{i:05d}",
            event_code=event.code,
            room_id=event.room,
            participant_id=phone if state == "answered" and i < 12 else AUTHOR,
            text=LONG_TEXT,
            name=WIDE * 60,
            state=state,
            # The approved ones last: the answered come first in the public list.
            created_at=T0 + timedelta(seconds=i, days=state == "approved"),
            answer=answer,
            upvotes=0,
        )
        for state, count, answer in groups
        for i in range(count)
    ]

    async def insert() -> None:
        for start in range(0, len(questions), 500):
            chunk = questions[start : start + 500]
            await asyncio.gather(*(store.add_question(q, None, None) for q in chunk))
        await store.set_highlight(event.room, f"{event.code}-an00000")

    run_in_app(client, insert)


def test_every_page_socket_frame_stays_under_64_kib_with_the_longest_questions(
    client: TestClient,
) -> None:
    event = create_event(client)
    token = enter(client, event)
    svc = services_of(client)
    found = run_in_app(client, svc.events.event, event.code)
    phone = run_in_app(client, svc.participants.lookup, found, token)
    assert phone is not None
    fill_worst(client, event, phone)

    # The phone: a page of the public list (answered ones first: they have the upvotes of
    # none, and are the oldest) and its own questions, each well past one frame whole.
    pushed = PageFrames(client, event, "participant", ("poll-stage", "qa-list", "qa-mine"))
    listed = pushed.filled("qa-list")
    assert listed.count('class="upvote"') == PARTICIPANT_LIST_LIMIT
    assert listed.count(LONG_ANSWER) == PARTICIPANT_LIST_LIMIT
    assert pushed.filled("qa-mine").count(LONG_ANSWER) == 12
    assert 'aria-busy="true"' not in listed  # every row came

    # The projector (the highlighted question with its answer, cut) and the overlay.
    PageFrames(client, event, "screen", ("screen-stage", "mood"))
    PageFrames(
        client, event, "overlay&parts=results,question", ("overlay-results", "overlay-question")
    )

    # The console: a page of every group, 50 rows at their longest.
    client.cookies.set(f"live_m_{event.code}", event.token)
    console = PageFrames(client, event, "moderate", ("mod-live", "mod-questions", "mod-screen"))
    queue = console.filled("mod-questions")
    assert queue.count('class="question mod-question qa-row"') == 5 * QUEUE_PAGE_SIZE
    # In one frame it would have been far more than the limit; the page itself holds it whole.
    assert len(queue.encode()) > 2 * FRAME_LIMIT
    page = client.get(f"/e/{event.code}/moderate?room={event.room}").text
    assert page.count('class="question mod-question qa-row"') == 5 * QUEUE_PAGE_SIZE
    assert 'aria-busy="true"' not in page


def test_the_phone_list_pages_with_weitere_fragen(client: TestClient) -> None:
    event = create_event(client)
    questions = fill(client, event, 75, pending=0)
    first = client.get(f"/e/{event.code}?room={event.room}")
    assert first.status_code == 200
    assert "Weitere Fragen" in first.text
    assert "qa_public=2" in first.text
    second = client.get(f"/e/{event.code}?room={event.room}&qa_public=2")
    assert questions[30].id in second.text and questions[29].id not in second.text
    assert "Vorherige Fragen" in second.text
    # The page's socket pushes that page, not the first.
    assert "qa_public=2" in second.text.split("ws-connect=", 1)[1].split(">", 1)[0]


def test_moderator_pages_follow_the_url_and_clamp(client: TestClient) -> None:
    event = create_event(client)
    questions = fill(client, event, 25, pending=0)
    client.cookies.set(f"live_m_{event.code}", event.token)
    base = f"/e/{event.code}/moderate?room={event.room}"
    third = client.get(f"{base}&qa_approved=3").text
    assert f'id="mod-q-{questions[20].id}"' in third
    assert f'id="mod-q-{questions[19].id}"' not in third
    assert "Seite 3 von 3" in third
    # Past the end: the last page; nonsense: the first.
    assert "Seite 3 von 3" in client.get(f"{base}&qa_approved=99").text
    assert "Seite 1 von 3" in client.get(f"{base}&qa_approved=zwei").text
