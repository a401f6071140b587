"""The baseline: a minimal room broadcaster on the `websockets` library.

It speaks just enough of the room protocol (CONTRACT.md) for the load generator: a snapshot on
connect, `vote` with `ack` (deduplicated per participant, ballots replaced like the app does),
`applause` grades, and per tick one `poll` frame per changed poll (padded to the app's frame
size) and one `applause` frame, each pushed to every socket with websockets' ``broadcast()``.
No store, no rendering, no views, no Origin checks, no rate limits: what is left is the cost of
moving the same frames through Python and the kernel, which the app is measured against.

    python -m bench.broadcaster --port 8765 --tick-ms 100 --poll burst:4 --poll steady:3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import signal
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response


class Room:
    def __init__(self, polls: dict[str, int], frame_bytes: int) -> None:
        self.version = 1
        self.options = polls
        self.counts = {pid: [0] * n for pid, n in polls.items()}
        self.ballots: dict[tuple[str, str], int] = {}  # (participant, poll) -> option
        self.seen: set[tuple[str, str]] = set()  # (participant, request_id)
        self.grades: dict[str, int] = {}
        self.dirty: set[str] = set()
        self.applause_dirty = False
        self.level = 0.0
        self.sockets: set[ServerConnection] = set()
        self.frame_bytes = frame_bytes

    def poll(self, pid: str) -> dict[str, Any]:
        counts = self.counts[pid]
        return {
            "id": pid,
            "room_id": "r",
            "question": "Baseline",
            "kind": "single",
            "state": "open",
            "options": [f"Option {i + 1}" for i in range(self.options[pid])],
            "results": {"counts": counts, "voters": sum(counts), "average": None, "words": None},
        }

    def poll_frame(self, pid: str) -> str:
        frame = orjson.dumps({"type": "poll", "version": self.version, "poll": self.poll(pid)})
        pad = self.frame_bytes - len(frame) - len(b',"pad":""')
        if pad > 0:  # same size as the app's frame for this poll
            frame = frame[:-1] + b',"pad":"' + b"x" * pad + b'"}'
        return frame.decode()

    def snapshot(self) -> str:
        return orjson.dumps(
            {
                "type": "snapshot",
                "version": self.version,
                "room": {"id": "r", "name": "Baseline"},
                "polls": [self.poll(pid) for pid in self.counts],
                "questions": [],
                "applause": {"level": self.level, "clappers": 0, "present": len(self.sockets)},
                "mood": {"counts": [0] * 5, "average": None},
            }
        ).decode()

    def vote(self, who: str, msg: dict[str, Any]) -> str:
        rid = str(msg.get("request_id"))
        pid = msg.get("poll_id")
        choices = msg.get("choices")
        if (who, rid) in self.seen:
            return orjson.dumps({"type": "ack", "request_id": rid}).decode()
        if (
            not isinstance(pid, str)
            or pid not in self.counts
            or not isinstance(choices, list)
            or len(choices) != 1
            or not isinstance(choices[0], int)
            or not 0 <= choices[0] < self.options[pid]
        ):
            return orjson.dumps(
                {"type": "error", "request_id": rid, "code": "invalid", "message": "invalid"}
            ).decode()
        previous = self.ballots.get((who, pid))
        if previous is not None:
            self.counts[pid][previous] -= 1
        self.counts[pid][choices[0]] += 1
        self.ballots[(who, pid)] = choices[0]
        self.seen.add((who, rid))
        self.version += 1
        self.dirty.add(pid)
        return orjson.dumps({"type": "ack", "request_id": rid}).decode()

    def tick(self) -> None:
        for pid in sorted(self.dirty):
            broadcast(self.sockets, self.poll_frame(pid))
        self.dirty.clear()
        if self.applause_dirty or self.level > 0:
            total = sum(self.grades.values())
            target = math.sqrt(total / (5 * max(len(self.sockets), 1)))
            self.level = round(target, 3)
            self.applause_dirty = False
            frame = {
                "type": "applause",
                "version": self.version,
                "level": self.level,
                "clappers": sum(1 for g in self.grades.values() if g),
                "present": len(self.sockets),
            }
            broadcast(self.sockets, orjson.dumps(frame).decode())


async def serve_room(port: int, tick: float, polls: dict[str, int], frame_bytes: int) -> None:
    room = Room(polls, frame_bytes)

    async def handler(ws: ServerConnection) -> None:
        query = parse_qs(urlsplit(ws.request.path if ws.request else "").query)
        who = query.get("token", [None])[0]
        room.sockets.add(ws)
        try:
            await ws.send(room.snapshot())
            async for raw in ws:
                try:
                    msg = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    continue
                if not isinstance(msg, dict) or who is None:
                    continue
                if msg.get("type") == "vote":
                    await ws.send(room.vote(who, msg))
                elif msg.get("type") == "applause":
                    grade = msg.get("grade")
                    if isinstance(grade, int) and 0 <= grade <= 5:
                        room.grades[who] = grade
                        room.applause_dirty = True
        except ConnectionClosed:
            pass
        finally:
            room.sockets.discard(ws)
            if who is not None:
                room.grades.pop(who, None)

    def process_request(ws: ServerConnection, request: Request) -> Response | None:
        # The final counts, for the correctness check (the app has GET .../polls/{id}).
        if request.path == "/counts":
            body = orjson.dumps(room.counts)
            return Response(
                HTTPStatus.OK,
                "OK",
                Headers([("Content-Type", "application/json"), ("Content-Length", str(len(body)))]),
                body,
            )
        if request.path == "/healthz":
            return Response(HTTPStatus.OK, "OK", Headers([("Content-Length", "2")]), b"ok")
        return None

    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(
        handler,
        "127.0.0.1",
        port,
        process_request=process_request,
        compression=None,  # as the app: no permessage-deflate
        max_size=65536,
        backlog=4096,
    ):
        while not stop.done():
            await asyncio.sleep(tick)
            room.tick()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tick-ms", type=int, default=100)
    parser.add_argument("--frame-bytes", type=int, default=0, help="pad poll frames to this size")
    parser.add_argument("--poll", action="append", default=[], help="id:options")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    polls = {spec.split(":")[0]: int(spec.split(":")[1]) for spec in args.poll}
    with contextlib.suppress(ImportError):
        import uvloop  # the app runs on uvloop too (uvicorn picks it)

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    asyncio.run(serve_room(args.port, args.tick_ms / 1000, polls, args.frame_bytes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
