"""An event with a plenary and up to 13 forums for „Ergebnisse aus den Foren“ (issue 24), made
through the JSON interface: each forum a ranking poll of German topics with votes; the browser
tests and docs/screenshots/make.py use it.

Plain module (no pytest imports)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from websockets.sync.client import connect

from tests.support.server import LiveServer
from tests.support.socket_frames import server_message
from tests.support.stage import api

FORUMS = [
    "Forum 1: Gesundheitsorientierung",
    "Forum 2: Jugendberufsagenturen",
    "Forum 3: Digitalisierung der Leistungssachbearbeitung",
    "Forum 4: Langzeitarbeitslosigkeit",
    "Forum 5: Integration von Geflüchteten",
    "Forum 6: Alleinerziehende",
    "Forum 7: Qualifizierung und Weiterbildung",
    "Forum 8: Arbeitgeberservice",
    "Forum 9: Schuldnerberatung",
    "Forum 10: Kommunale Eingliederungsleistungen",
    "Forum 11: Wohnungslosigkeit",
    "Forum 12: Personalgewinnung",
    "Forum 13: Datenschutz",
]

TOPICS = [
    "Sozialversicherungspflichtige Beschäftigung",
    "Ganzheitliche Betreuung im Fallmanagement",
    "Niedrigschwellige Beratungsangebote",
    "Zusammenarbeit mit Arbeitgebern",
    "Digitale Antragstellung",
    "Kinderbetreuung",
]


@dataclass
class ForumStage:
    server: LiveServer
    code: str
    token: str
    plenary: str
    forums: list[str]  # room ids, in order
    polls: dict[str, str] = field(default_factory=dict)  # room id -> its ranking poll

    def screen_url(self, lang: str = "de") -> str:
        suffix = "" if lang == "de" else f"&lang={lang}"
        return f"{self.server.url}/e/{self.code}/screen?room={self.plenary}{suffix}"

    def console_url(self) -> str:
        return f"{self.server.url}/e/{self.code}/moderate?token={self.token}&room={self.plenary}"

    def call(self, method: str, path: str, body: Any = None) -> Any:
        return api(self.server, method, f"/events/{self.code}{path}", body, self.token)

    def source(self, room: str) -> None:
        """The room's column: its ranking poll."""
        self.call("PUT", f"/rooms/{room}/forum-results", {"poll_id": self.polls[room]})

    def close(self, room: str) -> None:
        self.call("POST", f"/polls/{self.polls[room]}/close")

    def show(self) -> None:
        self.call("PUT", f"/rooms/{self.plenary}/screen", {"mode": "forums"})

    def ideas(self, room: str, texts: list[str]) -> list[str]:
        """The room's idea board opened, one participant posting each of ``texts``, all
        approved. Returns their ids, in the order of ``texts``."""
        self.call("PATCH", f"/rooms/{room}", {"ideas_open": True})
        ws_base = self.server.url.replace("http://", "ws://")
        for n, text in enumerate(texts):
            token = api(self.server, "POST", f"/events/{self.code}/join")["participant_token"]
            url = f"{ws_base}/api/v1/events/{self.code}/rooms/{room}/ws?token={token}"
            with connect(url) as ws:
                ws.recv()
                ws.send(json.dumps({"type": "idea", "request_id": f"i{n}", "text": text}))
                while server_message(ws.recv()).get("type") not in ("ack", "error"):
                    pass
        by_text = {i["text"]: i["id"] for i in self.call("GET", f"/rooms/{room}/ideas")}
        ids = [by_text[text] for text in texts]
        for idea in ids:
            self.call("PATCH", f"/ideas/{idea}", {"state": "approved"})
        return ids

    def mark(self, idea: str, marked: bool = True) -> None:
        self.call("PATCH", f"/ideas/{idea}", {"marked": marked})


def stock_forums(
    server: LiveServer, count: int = 13, *, voters: int = 3, title: str = "Tag der Jobcenter"
) -> ForumStage:
    """The plenary and ``count`` forums, each with an open ranking poll of TOPICS (shifted per
    forum, so each ranks differently) and ``voters`` ballots."""
    event = api(server, "POST", "/events", {"title": title, "rooms": ["Plenum", *FORUMS[:count]]})
    rooms = [r["id"] for r in event["rooms"]]
    stage = ForumStage(server, event["code"], event["moderator_token"], rooms[0], rooms[1:])
    ws_base = server.url.replace("http://", "ws://")
    for n, room in enumerate(stage.forums):
        options = TOPICS[n % len(TOPICS) :] + TOPICS[: n % len(TOPICS)]
        body = {"question": "Was ist uns am wichtigsten?", "kind": "ranking", "options": options}
        poll = stage.call("POST", f"/rooms/{room}/polls", body)
        stage.call("POST", f"/polls/{poll['id']}/open")
        stage.polls[room] = poll["id"]
        for v in range(voters):
            token = api(server, "POST", f"/events/{stage.code}/join")["participant_token"]
            url = f"{ws_base}/api/v1/events/{stage.code}/rooms/{room}/ws?token={token}"
            ranking = list(range(len(options)))
            ranking[0], ranking[v % len(options)] = ranking[v % len(options)], ranking[0]
            with connect(url) as ws:
                ws.recv()
                vote = {"type": "vote", "request_id": "r", "poll_id": poll["id"]}
                ws.send(json.dumps({**vote, "ranking": ranking}))
                while server_message(ws.recv()).get("type") not in ("ack", "error"):
                    pass
    return stage
