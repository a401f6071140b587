"""Q&A through the public interface: ask/upvote/unvote on the socket, the questions endpoint and
the moderator's PATCH."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import EventFixture, join
from tests.web.test_sockets import receive, receive_until, reply_to, ws_url

API = "/api/v1"
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<div hx-get="/evil" hx-trigger="load">x</div>',
    "Wer zahlt \u202edas\u202c?",
    "👩‍👩‍👧 Familie?",
]


def ask(ws: Any, request_id: str, text: str, name: str | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"type": "ask", "request_id": request_id, "text": text}
    if name is not None:
        message["name"] = name
    ws.send_text(json.dumps(message))
    return receive_until(ws, reply_to(request_id))


def questions(client: TestClient, event: EventFixture, moderator: bool = False) -> Any:
    headers = event.auth if moderator else {}
    response = client.get(
        f"{API}/events/{event.code}/rooms/{event.room}/questions", headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def patch(client: TestClient, event: EventFixture, qid: str, body: Any) -> Any:
    return client.patch(f"{API}/events/{event.code}/questions/{qid}", json=body, headers=event.auth)


def test_ask_is_pending_until_approved_and_then_upvoted(
    client: TestClient, event: EventFixture
) -> None:
    author, fan = join(client, event), join(client, event)
    with (
        client.websocket_connect(ws_url(event)) as viewer,
        client.websocket_connect(ws_url(event, author)) as phone,
    ):
        receive(viewer)
        receive(phone)
        assert ask(phone, "q1", "  Wie geht es   weiter? ", "Anna")["type"] == "ack"
        # The author sees their own pending question; viewers and the public list do not.
        mine = receive_until(phone, lambda m: m["type"] == "questions" and m["questions"])
        assert mine["questions"][0]["state"] == "pending"
        assert mine["questions"][0]["text"] == "Wie geht es weiter?"
        assert questions(client, event) == []
        listed = questions(client, event, moderator=True)
        assert [q["state"] for q in listed] == ["pending"]
        qid = listed[0]["id"]
        assert "participant_id" not in listed[0]

        approved = patch(client, event, qid, {"state": "approved"})
        assert approved.status_code == 200 and approved.json()["state"] == "approved"
        update = receive_until(viewer, lambda m: m["type"] == "questions" and m["questions"])
        assert update["questions"][0]["id"] == qid and update["questions"][0]["name"] == "Anna"

    with client.websocket_connect(ws_url(event, fan)) as ws:
        receive(ws)
        for rid in ("u1", "u2"):  # upvoting twice counts once
            ws.send_text(json.dumps({"type": "upvote", "request_id": rid, "question_id": qid}))
            assert receive_until(ws, reply_to(rid))["type"] == "ack"
    assert questions(client, event)[0]["upvotes"] == 1

    with client.websocket_connect(ws_url(event, fan)) as ws:
        receive(ws)
        ws.send_text(json.dumps({"type": "unvote", "request_id": "d1", "question_id": qid}))
        assert receive_until(ws, reply_to("d1"))["type"] == "ack"
    assert questions(client, event)[0]["upvotes"] == 0


def test_repeated_ask_request_id_makes_one_question(
    client: TestClient, event: EventFixture
) -> None:
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        assert ask(ws, "same", "Eine Frage?")["type"] == "ack"
        assert ask(ws, "same", "Eine Frage?")["type"] == "ack"
    assert len(questions(client, event, moderator=True)) == 1


def test_asking_too_fast_is_refused_per_participant(
    client: TestClient, event: EventFixture
) -> None:
    first, second = join(client, event), join(client, event)
    with client.websocket_connect(ws_url(event, first)) as ws:
        receive(ws)
        assert ask(ws, "a", "Erste Frage?")["type"] == "ack"
        refused = ask(ws, "b", "Gleich noch eine?")
        assert refused["type"] == "error" and refused["code"] == "too_fast"
        assert "Sekunden" in refused["message"]
    with client.websocket_connect(ws_url(event, second)) as ws:  # same Wi-Fi, other person
        receive(ws)
        assert ask(ws, "c", "Meine Frage?")["type"] == "ack"
    assert len(questions(client, event, moderator=True)) == 2


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty_question"), ("   \u202e ", "empty_question"), ("x" * 501, "question_too_long")],
)
def test_bad_questions_are_refused_and_change_nothing(
    client: TestClient, event: EventFixture, text: str, code: str
) -> None:
    token = join(client, event)
    with client.websocket_connect(ws_url(event, token)) as ws:
        receive(ws)
        reply = ask(ws, "x", text)
    assert reply["type"] == "error" and reply["code"] == code
    assert questions(client, event, moderator=True) == []


def test_hostile_text_is_stored_as_plain_text(client: TestClient, event: EventFixture) -> None:
    for i, text in enumerate(HOSTILE):
        with client.websocket_connect(ws_url(event, join(client, event))) as ws:
            receive(ws)
            assert ask(ws, f"h{i}", text)["type"] == "ack"
    stored = {q["text"] for q in questions(client, event, moderator=True)}
    assert "<script>alert(1)</script>" in stored
    assert "Wer zahlt das?" in stored  # bidi overrides removed
    assert "👩‍👩‍👧 Familie?" in stored  # ZWJ sequence intact


def test_upvote_on_a_pending_question_is_refused(client: TestClient, event: EventFixture) -> None:
    author, fan = join(client, event), join(client, event)
    with client.websocket_connect(ws_url(event, author)) as ws:
        receive(ws)
        ask(ws, "q", "Noch nicht frei?")
    qid = questions(client, event, moderator=True)[0]["id"]
    with client.websocket_connect(ws_url(event, fan)) as ws:
        receive(ws)
        ws.send_text(json.dumps({"type": "upvote", "request_id": "u", "question_id": qid}))
        reply = receive_until(ws, reply_to("u"))
    assert reply["code"] == "question_closed"
    assert questions(client, event, moderator=True)[0]["upvotes"] == 0


def test_patch_highlight_answer_and_text(client: TestClient, event: EventFixture) -> None:
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        ask(ws, "q", "Tippfeler in der Frage?")
    qid = questions(client, event, moderator=True)[0]["id"]
    # Highlighting a pending question is refused; nothing changes.
    assert patch(client, event, qid, {"highlighted": True}).status_code == 422
    body = {"state": "approved", "highlighted": True, "text": "Tippfehler in der Frage?"}
    result = patch(client, event, qid, body).json()
    assert result["highlighted"] is True and result["text"] == "Tippfehler in der Frage?"
    result = patch(
        client, event, qid, {"answer": "Wird im Bericht beantwortet.", "state": "answered"}
    )
    assert result.json()["answer"] == "Wird im Bericht beantwortet."
    assert result.json()["state"] == "answered"
    # Hiding takes it off the projector.
    hidden = patch(client, event, qid, {"state": "hidden"}).json()
    assert hidden["highlighted"] is False


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "invalid_body"),
        ({"colour": "red"}, 400, "invalid_body"),
        ({"state": "pending"}, 422, "invalid_state"),
        ({"state": 3}, 422, "invalid_state"),
        ({"highlighted": "yes"}, 422, "invalid_highlighted"),
        ({"text": ""}, 422, "empty_question"),
        ({"answer": 5}, 422, "invalid_answer"),
    ],
)
def test_bad_patches_change_nothing(
    client: TestClient, event: EventFixture, body: Any, status: int, code: str
) -> None:
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        ask(ws, "q", "Unverändert?")
    before = questions(client, event, moderator=True)
    response = patch(client, event, before[0]["id"], body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert questions(client, event, moderator=True) == before


def test_patch_needs_the_moderator_token(client: TestClient, event: EventFixture) -> None:
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        ask(ws, "q", "Geschützt?")
    qid = questions(client, event, moderator=True)[0]["id"]
    url = f"{API}/events/{event.code}/questions/{qid}"
    assert client.patch(url, json={"state": "approved"}).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.patch(url, json={"state": "approved"}, headers=wrong).status_code == 403
    assert questions(client, event, moderator=True)[0]["state"] == "pending"
    assert (
        client.patch(
            f"{API}/events/{event.code}/questions/nope",
            json={"state": "approved"},
            headers=event.auth,
        ).status_code
        == 404
    )


def test_without_approval_questions_are_public_at_once(
    client: TestClient, event: EventFixture
) -> None:
    client.cookies.set(f"live_m_{event.code}", event.token)
    response = client.post(
        f"/e/{event.code}/moderate/settings",
        data={"room": event.room, "names_allowed": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        ask(ws, "q", "Sofort sichtbar?", "Bernd")
    assert [q["state"] for q in questions(client, event)] == ["approved"]


def test_a_socket_opened_before_a_settings_change_asks_by_the_new_settings(
    client: TestClient, event: EventFixture
) -> None:
    """Sockets live for hours: switching approval off must apply to the open ones too."""
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        client.cookies.set(f"live_m_{event.code}", event.token)
        response = client.post(
            f"/e/{event.code}/moderate/settings",
            data={"room": event.room, "names_allowed": "1"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        ask(ws, "q", "Gilt die neue Einstellung?")
    assert [q["state"] for q in questions(client, event)] == ["approved"]


def test_pages_escape_hostile_questions_everywhere(client: TestClient, event: EventFixture) -> None:
    for i, text in enumerate(HOSTILE[:3]):
        with client.websocket_connect(ws_url(event, join(client, event))) as ws:
            receive(ws)
            assert ask(ws, f"h{i}", text, name='"><b>Name</b>')["type"] == "ack"
    for q in questions(client, event, moderator=True):
        patch(client, event, q["id"], {"state": "approved"})
    highlighted = questions(client, event)[0]["id"]
    patch(client, event, highlighted, {"highlighted": True})
    client.cookies.set(f"live_m_{event.code}", event.token)
    pages = [
        client.get(f"/e/{event.code}?room={event.room}").text,
        client.get(f"/e/{event.code}/screen?room={event.room}").text,
        client.get(f"/e/{event.code}/moderate?room={event.room}").text,
    ]
    for html in pages:
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html
        assert 'hx-get="/evil"' not in html
        assert "<b>Name</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]
    assert "hx-disable" in pages[0]  # the question bodies are never processed by htmx


def test_asking_too_fast_on_the_page_is_429_with_the_form(
    client: TestClient, event: EventFixture
) -> None:
    url = f"/e/{event.code}/rooms/{event.room}/questions"
    client.get(f"/e/{event.code}?room={event.room}")  # gets the participant cookie
    hx = {"HX-Request": "true"}
    assert client.post(url, data={"text": "Erste?"}, headers=hx).status_code == 200
    second = client.post(url, data={"text": "Zweite?"}, headers=hx)
    assert second.status_code == 429
    assert "Sekunden" in second.text and 'id="ask-form"' in second.text
    assert "Zweite?" in second.text  # what was typed is kept
    assert len(questions(client, event, moderator=True)) == 1


def test_concurrent_patches_of_different_fields_are_all_kept(tmp_path: Any) -> None:
    """Reproduces a reported lost update: approving and answering the same question at once."""
    import asyncio

    from live.app import create_app
    from live.settings import Settings

    async def scenario() -> None:
        import httpx2 as httpx

        app = create_app(Settings(data_dir=tmp_path / "data", tick_ms=10))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                ev = (await c.post(f"{API}/events", json={"title": "T"})).json()
                code, room, auth = (
                    ev["code"],
                    ev["rooms"][0]["id"],
                    {"Authorization": f"Bearer {ev['moderator_token']}"},
                )
                svc = app.state.live.services
                event = await svc.events.event(code)
                room_obj = await svc.events.room(event, room)
                ids = []
                for i in range(30):
                    pid, _tok = await svc.participants.join(event, "testclient")
                    q, _ = await svc.questions.ask(event, room_obj, pid, text=f"Frage {i}?")
                    ids.append(q.id)
                await asyncio.gather(
                    *(
                        c.patch(
                            f"{API}/events/{code}/questions/{qid}",
                            json={"state": "approved"},
                            headers=auth,
                        )
                        for qid in ids
                    ),
                    *(
                        c.patch(
                            f"{API}/events/{code}/questions/{qid}",
                            json={"answer": "A"},
                            headers=auth,
                        )
                        for qid in ids
                    ),
                )
                listed = (
                    await c.get(f"{API}/events/{code}/rooms/{room}/questions", headers=auth)
                ).json()
                assert {(q["state"], q["answer"]) for q in listed} == {("approved", "A")}
                assert len(listed) == 30

    asyncio.run(scenario())


def test_two_moderators_see_each_others_actions_live(
    client: TestClient, event: EventFixture
) -> None:
    with client.websocket_connect(ws_url(event, join(client, event))) as ws:
        receive(ws)
        ask(ws, "q", "Sehen beide das?")
    qid = questions(client, event, moderator=True)[0]["id"]
    client.cookies.set(f"live_m_{event.code}", event.token)
    url = f"/e/{event.code}/rooms/{event.room}/live?view=moderate"
    with client.websocket_connect(url) as first, client.websocket_connect(url) as second:
        for mod in (first, second):
            # The console's first frames: its regions one by one, the question list among them.
            assert any("Sehen beide das?" in mod.receive_text() for _ in range(20))
        # The first moderator approves via the page's form …
        response = client.post(
            f"/e/{event.code}/moderate/questions/{qid}/approve", headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        # … and the second one's control screen shows it as approved, without a reload: the
        # question now offers "Auf die Leinwand", which only approved questions have.
        for _ in range(20):  # other regions (e.g. the applause meter) may come first
            frame = second.receive_text()
            if f'id="mq-{qid}-highlight"' in frame:
                break
        else:
            raise AssertionError("the second moderator did not see the approval")
        assert 'id="mod-questions"' in frame
