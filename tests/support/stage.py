"""A room stocked for the projector's hardest cases, through the public JSON interface.

Plain module (no pytest imports): the browser tests and the screenshot script
(docs/screenshots/make.py) use the same content, so the pictures show what the tests check.
"""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from websockets.sync.client import connect

from tests.support.server import LiveServer
from tests.support.socket_frames import server_message

# Twelve options (the API's maximum) with long German labels: the worst case for the results.
LONG_OPTIONS = (
    "Gesundheitsorientierung in der Beratung von Langzeitarbeitslosen",
    "Jugendberufsagenturen und die Zusammenarbeit mit den Schulen",
    "Digitalisierung der Leistungssachbearbeitung (E-Akte)",
    "Arbeitsmarktintegrationsmaßnahmen für Geflüchtete",
    "Kinderbetreuung als Voraussetzung für die Arbeitsaufnahme",
    "Qualifizierung und Weiterbildung nach dem Bürgergeldgesetz",
    "Zusammenarbeit mit kommunalen Eingliederungsleistungen",
    "Schuldnerberatung und Suchtberatung im Jobcenter",
    "Wohnungslosigkeit verhindern: Kosten der Unterkunft",
    "Fachkräftesicherung in der Region gemeinsam mit Arbeitgebern",
    "Personalgewinnung und Personalentwicklung im Jobcenter",
    "Sonstiges",
)
LONG_QUESTION = "Welches Thema soll im nächsten Jahr im Mittelpunkt der Jahrestagung stehen?"
# 300 characters: the longest question the audience may send.
LONG_ASK = (
    "Wie stellen die Jobcenter künftig sicher, dass die Gesundheitsorientierung in der "
    "Beratung nicht an fehlenden Personalressourcen scheitert, und welche Unterstützung "
    "erwarten Sie dafür von Ländern, Bund und Jugendberufsagenturen, gerade bei den "
    "Arbeitsmarktintegrationsmaßnahmen in ländlichen Kreisen?"
)
# A long written answer (more than the wall shows: it is cut there, whole on the phones).
LONG_ANSWER = (
    "Die Gesundheitsorientierung ist seit diesem Jahr fester Teil der Zielvereinbarungen. "
    "Die Länder fördern zusätzliche Stellen für Fachkräfte der Gesundheitsberatung, der Bund "
    "finanziert die Qualifizierung der Integrationsfachkräfte, und die Jugendberufsagenturen "
    "bekommen gemeinsame Fallbesprechungen mit den Krankenkassen. In ländlichen Kreisen "
    "starten wir mit mobilen Beratungsteams, die einmal in der Woche in die Gemeinden fahren. "
    "Die Erfahrungen aus den ersten zwölf Monaten stellen wir im Herbst auf der Fachtagung vor; "
    "bis dahin sammeln wir Rückmeldungen aus allen Jobcentern über das Fachportal. Ausführliche "
    "Zahlen und die Förderrichtlinien finden Sie im Tagungsbericht, der eine Woche nach der "
    "Veranstaltung erscheint."
)
# The longest poll question the interface takes (300 characters), for the same worst case.
LONGEST_QUESTION = (
    "Stellen Sie sich das nächste Jahr vor: Welches der folgenden Themen soll aus Ihrer Sicht "
    "im Mittelpunkt der Jahrestagung der kommunalen Jobcenter stehen, damit die Arbeit in den "
    "Jobcentern, in den Jugendberufsagenturen und bei den Trägern vor Ort wirklich davon "
    "profitiert? Markieren Sie zwei Themen."
)
assert len(LONG_ASK) == len(LONGEST_QUESTION) == 300
# Options as long as the interface allows (120 characters each).
LONGEST_OPTIONS = tuple(
    f"{n}. {label}: Erfahrungen aus den Jobcentern, offene Fragen und nächste Schritte"[:120].ljust(
        120, "."
    )
    for n, label in enumerate(LONG_OPTIONS, start=1)
)
# A plausible distribution over LONG_OPTIONS: a clear leader, a long tail, one option unchosen.
CHOICES = (
    [1] * 9 + [0] * 7 + [2] * 6 + [5] * 5 + [3] * 4 + [4] * 4 + [9] * 3 + [6] * 3 + [7, 7, 8, 11]
)
SCALE = [4] * 7 + [5] * 5 + [3] * 4 + [2] * 2 + [1]
WORDS = (
    ["Netzwerk"] * 9
    + ["Austausch"] * 7
    + ["Digitalisierung"] * 6
    + ["Motivation"] * 4
    + ["Kooperation"] * 4
    + ["Gesundheitsorientierung"] * 3
    + ["Jugendberufsagenturen"] * 3
    + ["Mut", "Zuversicht", "Teamgeist", "Praxisnähe", "Wertschätzung", "Impulse"] * 2
    + ["Bürgergeld", "Fachkräfte", "Kaffee", "Ideen", "Zeit", "Vernetzung", "Qualifizierung"]
)


def request_json(
    server: LiveServer, method: str, path: str, body: Any = None, token: str = ""
) -> Any:
    """``path`` on ``server`` with a JSON body (and the Bearer ``token``); the decoded answer."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        server.url + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers=headers,
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def api(server: LiveServer, method: str, path: str, body: Any = None, token: str = "") -> Any:
    """``request_json`` below ``/api/v1``."""
    return request_json(server, method, "/api/v1" + path, body, token)


@dataclass
class Stage:
    """What `stock` made: the event's code and moderator token, the room, the polls."""

    server: LiveServer
    code: str
    token: str
    room: str
    rooms: list[dict[str, Any]]
    polls: dict[str, str] = field(default_factory=dict)  # name -> poll id
    question: str = ""  # the long question's id

    def screen_url(self, lang: str = "de") -> str:
        suffix = "" if lang == "de" else f"&lang={lang}"
        return f"{self.server.url}/e/{self.code}/screen?room={self.room}{suffix}"

    def set_screen(self, mode: str, poll: str | None = None) -> None:
        body: dict[str, Any] = {"mode": mode}
        if poll is not None:
            body["poll_id"] = self.polls[poll]
        api(self.server, "PUT", f"/events/{self.code}/rooms/{self.room}/screen", body, self.token)

    def close(self, poll: str) -> None:
        api(
            self.server,
            "POST",
            f"/events/{self.code}/polls/{self.polls[poll]}/close",
            None,
            self.token,
        )

    def answer(self, text: str) -> None:
        """The long question answered in writing (the phones and the wall show the answer)."""
        path = f"/events/{self.code}/questions/{self.question}"
        api(self.server, "PATCH", path, {"answer": text, "state": "answered"}, self.token)

    def highlight(self, highlighted: bool = True) -> None:
        path = f"/events/{self.code}/questions/{self.question}"
        api(self.server, "PATCH", path, {"highlighted": highlighted}, self.token)


def stock(server: LiveServer, *, title: str = "Tag der kommunalen Jobcenter 2026") -> Stage:
    """An event with three rooms; in the first (which allows parallel polls): a 12-option poll
    with long labels and votes, a scale poll, a text poll with answers for the word cloud, all
    open, and approved questions (one of 300 characters with a name)."""
    event = api(
        server,
        "POST",
        "/events",
        {
            "title": title,
            "rooms": [
                "Plenum",
                "Forum 1: Gesundheitsorientierung",
                "Forum 2: Jugendberufsagenturen",
            ],
        },
    )
    stage = Stage(
        server, event["code"], event["moderator_token"], event["rooms"][0]["id"], event["rooms"]
    )
    # The four polls below stay open together (the screens and phones show each of them).
    path = f"/events/{stage.code}/rooms/{stage.room}"
    api(server, "PATCH", path, {"parallel_polls": True}, stage.token)
    base = f"{path}/polls"

    def poll(name: str, body: dict[str, Any]) -> str:
        made = api(server, "POST", base, {"visibility": "live", **body}, stage.token)
        api(server, "POST", f"/events/{stage.code}/polls/{made['id']}/open", None, stage.token)
        stage.polls[name] = made["id"]
        return str(made["id"])

    longest = {"question": LONGEST_QUESTION, "kind": "multiple", "options": list(LONGEST_OPTIONS)}
    longest_id = poll("longest", longest)
    long_id = poll(
        "long", {"question": LONG_QUESTION, "kind": "single", "options": list(LONG_OPTIONS)}
    )
    scale_id = poll(
        "scale",
        {"question": "Wie zufrieden sind Sie mit der Tagung?", "kind": "scale", "min": 1, "max": 5},
    )
    text_id = poll(
        "words", {"question": "Was nehmen Sie aus dem Forum mit?", "kind": "text", "options": []}
    )

    ws_base = server.url.replace("http://", "ws://")
    voters = max(len(WORDS), 40)
    for i in range(voters):
        participant = api(server, "POST", f"/events/{stage.code}/join")["participant_token"]
        url = f"{ws_base}/api/v1/events/{stage.code}/rooms/{stage.room}/ws?token={participant}"
        with connect(url) as ws:
            ws.recv()
            messages: list[dict[str, Any]] = [
                # A skewed distribution: a clear leader, a few empty options.
                {"type": "vote", "poll_id": long_id, "choices": [CHOICES[i % len(CHOICES)]]},
                {"type": "vote", "poll_id": longest_id, "choices": [i % 12, (i * 5) % 12]},
                {"type": "vote", "poll_id": scale_id, "value": SCALE[i % len(SCALE)]},
            ]
            if i < len(WORDS):
                messages.append({"type": "vote", "poll_id": text_id, "text": WORDS[i]})
            if i == 0:
                messages.append(
                    {"type": "ask", "text": LONG_ASK, "name": "Dr. Annegret Müller-Lüdenscheidt"}
                )
            if i == 1:
                messages.append(
                    {"type": "ask", "text": "Wann gibt es die Folien zum Vortrag über die E-Akte?"}
                )
            if i == 2:
                messages.append(
                    {
                        "type": "ask",
                        "text": "Wie viele Jobcenter nutzen schon die elektronische Akte?",
                    }
                )
            for n, message in enumerate(messages):
                ws.send(json.dumps({"request_id": f"r{n}", **message}))
            acks = 0
            while acks < len(messages):
                if server_message(ws.recv()).get("type") in ("ack", "error"):
                    acks += 1
    questions = api(
        server, "GET", f"/events/{stage.code}/rooms/{stage.room}/questions", None, stage.token
    )
    for q in questions:
        api(
            server,
            "PATCH",
            f"/events/{stage.code}/questions/{q['id']}",
            {"state": "approved"},
            stage.token,
        )
        if q["text"] == LONG_ASK:
            stage.question = q["id"]
    # Some support, so the question lists have an order: 5, 3 and 1 upvotes.
    for i in range(5):
        participant = api(server, "POST", f"/events/{stage.code}/join")["participant_token"]
        url = f"{ws_base}/api/v1/events/{stage.code}/rooms/{stage.room}/ws?token={participant}"
        with connect(url) as ws:
            ws.recv()
            chosen = [q["id"] for n, q in enumerate(questions) if i < (5, 3, 1)[n % 3]]
            for n, qid in enumerate(chosen):
                ws.send(json.dumps({"type": "upvote", "request_id": f"u{n}", "question_id": qid}))
            acks = 0
            while acks < len(chosen):
                if server_message(ws.recv()).get("type") in ("ack", "error"):
                    acks += 1
    return stage


class Clapping:
    """``with Clapping(stage, people=30, grade=4):`` that many phones clap at that grade until
    the block ends (each resends its grade, as the phone does, so the room's level holds)."""

    def __init__(self, stage: Stage, *, people: int, grade: int) -> None:
        self.stage, self.people, self.grade = stage, people, grade
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Clapping:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        server, code, room = self.stage.server, self.stage.code, self.stage.room
        ws_base = server.url.replace("http://", "ws://")
        with contextlib.ExitStack() as sockets:
            clappers = []
            for _ in range(self.people):
                token = api(server, "POST", f"/events/{code}/join")["participant_token"]
                url = f"{ws_base}/api/v1/events/{code}/rooms/{room}/ws?token={token}"
                ws = sockets.enter_context(connect(url))
                ws.recv()
                clappers.append(ws)
            frame = json.dumps({"type": "applause", "grade": self.grade})
            while not self._stop.is_set():
                for ws in clappers:
                    ws.send(frame)
                self._stop.wait(0.5)
