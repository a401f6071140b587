"""Q&A room: 1,000 questions and 10,000 upvotes stay correct and responsive.

    .venv/bin/python -m bench.qa_room [--backend sqlite|redis] [--questions 1000]
        [--upvotes 10000] [--participants 2000] [--rate 1000] [--no-docs]

1. Start `live serve` (embedded SQLite, or a throwaway redis-server with ``--backend redis``),
   create an event, join the participants over HTTP.
2. Open one viewer socket (no token) and one moderator socket; both record every `questions`
   frame (arrival time, size, the upvote counts it shows).
3. Ask: one question per participant over its own socket, closed loop with
   ``--ask-concurrency`` sockets at a time (open, snapshot, ask, ack, close).
4. Approve all of them with the moderator's PATCH, ``--approve-concurrency`` at a time.
5. Upvote, open loop: ``--upvotes`` upvotes on distinct questions per participant (popularity
   skewed), plus ``--repeat-share`` repeated request_ids and ``--unvote-share`` unvotes, sent on a
   fixed schedule of ``--rate`` messages/s. Each participant's socket opens shortly before its
   first slot and closes after its last ack. Latency is measured from the send and from the
   scheduled slot (the latter includes the client's own lateness: no coordinated omission).
6. Check: the moderator's `GET …/questions` must show, for every question, exactly the count that
   follows from the acknowledged requests (a repeat counts once, an unvote removes); the viewer's
   and moderator's last `questions` frames must show the same, and the time from the last ack to
   the first viewer frame with the final counts is reported.
7. Print a table and rewrite this backend's block in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import heapq
import itertools
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson

from bench.common import (
    Backend,
    Event,
    HttpError,
    PhaseClock,
    RoomSocket,
    SocketClosed,
    Summary,
    Target,
    create_event,
    git_commit,
    http_json,
    human_bytes,
    join,
    load_average,
    machine_lines,
    proc_sample,
    running_app,
    write_block,
)

T = TypeVar("T")

ANSWER_TIMEOUT = 30.0  # seconds to wait for one ack before counting the request as unanswered
CONVERGE_TIMEOUT = 15.0  # seconds to wait for the viewer to show the final counts


@dataclass(frozen=True)
class Config:
    backend: Backend = "sqlite"
    questions: int = 1000
    upvotes: int = 10000
    participants: int = 2000
    ask_concurrency: int = 200
    approve_concurrency: int = 20
    join_concurrency: int = 16
    rate: float = 1000.0
    lanes: int = 100
    connect_lead: float = 0.5
    repeat_share: float = 0.05
    unvote_share: float = 0.05
    seed: int = 1
    timeout: float = 300.0
    write_docs: bool = True
    keep: bool = False

    def check(self) -> None:
        if not 1 <= self.questions <= self.participants:
            raise SystemExit("need 1 <= --questions <= --participants (one question each)")
        if math.ceil(self.upvotes / self.participants) > self.questions:
            raise SystemExit("too few questions: upvotes per participant must be distinct")
        if self.rate <= 0 or self.lanes < 1:
            raise SystemExit("--rate and --lanes must be positive")


# --- the viewer's and moderator's lists ------------------------------------------------------


def digest(counts: dict[str, int]) -> int:
    return hash(tuple(sorted(counts.items())))


@dataclass(frozen=True)
class ListFrame:
    t: float
    kind: str  # "snapshot" or "questions"
    size: int
    version: int
    questions: int
    digest: int


@dataclass
class ListRecorder:
    """Keeps every `questions` (and `snapshot`) frame of one socket as a small record."""

    frames: list[ListFrame] = field(default_factory=list)
    last_counts: dict[str, int] = field(default_factory=dict)

    def __call__(self, t: float, kind: str, raw: bytes) -> None:
        if kind not in ("questions", "snapshot"):
            return
        msg = orjson.loads(raw)
        counts = {q["id"]: q["upvotes"] for q in msg["questions"]}
        self.last_counts = counts
        self.frames.append(
            ListFrame(t, kind, len(raw), msg["version"], len(counts), digest(counts))
        )

    def last_digest(self) -> int | None:
        return self.frames[-1].digest if self.frames else None

    def updates(self, start: float = -math.inf, end: float = math.inf) -> list[ListFrame]:
        return [f for f in self.frames if f.kind == "questions" and start <= f.t < end]


# --- participant sockets ---------------------------------------------------------------------


@dataclass
class SocketTotals:
    opened: int = 0
    open_failures: int = 0
    open_latency: list[float] = field(default_factory=list)  # handshake until the snapshot
    frames: Counter[str] = field(default_factory=Counter)
    bytes: Counter[str] = field(default_factory=Counter)
    current: int = 0
    peak: int = 0

    def add(self, sock: RoomSocket) -> None:
        self.frames.update(sock.frames)
        self.bytes.update(sock.bytes)


async def open_participant(
    target: Target, event: Event, token: str, totals: SocketTotals
) -> RoomSocket | None:
    t0 = time.perf_counter()
    sock: RoomSocket | None = None
    try:
        sock = await RoomSocket.open(target.ws_url, event, token)
        await asyncio.wait_for(sock.snapshot.wait(), ANSWER_TIMEOUT)
    except Exception as exc:
        totals.open_failures += 1
        print(f"  socket open failed: {exc!r}", file=sys.stderr)
        if sock is not None:
            await sock.close()
        return None
    totals.open_latency.append(time.perf_counter() - t0)
    totals.opened += 1
    totals.current += 1
    totals.peak = max(totals.peak, totals.current)
    return sock


async def close_participant(sock: RoomSocket, totals: SocketTotals) -> None:
    await sock.close()
    totals.current -= 1
    totals.add(sock)


async def answer_of(future: asyncio.Future[dict[str, Any]], deadline: float) -> dict[str, Any]:
    try:
        return await asyncio.wait_for(future, max(0.0, deadline - time.perf_counter()))
    except (TimeoutError, SocketClosed):
        return {"type": "error", "code": "no_answer", "_t": math.nan}


# --- phase 3: ask ----------------------------------------------------------------------------

_SENTENCE = (
    "Wie plant ihr den Übergang zur neuen Plattform und was passiert mit den Daten der "
    "bisherigen Nutzerinnen und Nutzer, gerade wenn es um Datenschutz, Kosten, Barrierefreiheit "
    "und die Schulung der Teams geht? Welche Rolle spielt die Verwaltung dabei, und wann gibt es "
    "einen Zeitplan für die Umsetzung in den Regionen"
)
_WORDS = tuple(_SENTENCE.split())


def question_text(i: int, rng: random.Random) -> str:
    words = rng.sample(_WORDS, rng.randint(8, 24))
    return f"Frage {i}: " + " ".join(words) + "?"


@dataclass
class AskResult:
    participant: int
    text: str
    sent: float
    answer: dict[str, Any]

    @property
    def acked(self) -> bool:
        return self.answer.get("type") == "ack"

    @property
    def latency(self) -> float:
        return float(self.answer["_t"]) - self.sent


async def ask_all(
    cfg: Config, target: Target, event: Event, tokens: Sequence[str], totals: SocketTotals
) -> list[AskResult]:
    rng = random.Random(cfg.seed)
    texts = [question_text(i, rng) for i in range(cfg.questions)]
    names = [f"Person {i}" if rng.random() < 0.3 else None for i in range(cfg.questions)]
    gate = asyncio.Semaphore(cfg.ask_concurrency)
    results: list[AskResult] = []

    async def ask(i: int) -> None:
        async with gate:
            sock = await open_participant(target, event, tokens[i], totals)
            if sock is None:
                results.append(AskResult(i, texts[i], math.nan, {"code": "no_socket"}))
                return
            try:
                message: dict[str, Any] = {"type": "ask", "request_id": f"ask-{i}"}
                message["text"] = texts[i]
                if names[i]:
                    message["name"] = names[i]
                sent = time.perf_counter()
                future = await sock.request(message)
                answer = await answer_of(future, sent + ANSWER_TIMEOUT)
                results.append(AskResult(i, texts[i], sent, answer))
            finally:
                await close_participant(sock, totals)

    await asyncio.gather(*(ask(i) for i in range(cfg.questions)))
    return results


# --- phase 5: upvote -------------------------------------------------------------------------


@dataclass
class Planned:
    participant: int
    request_id: str
    kind: str  # "upvote" or "unvote"
    question_id: str
    repeat: bool = False
    scheduled: float = 0.0  # seconds after the schedule's start, then absolute perf_counter
    sent: float = math.nan
    answer: dict[str, Any] = field(default_factory=dict)

    @property
    def acked(self) -> bool:
        return self.answer.get("type") == "ack"

    def message(self) -> dict[str, str]:
        return {"type": self.kind, "request_id": self.request_id, "question_id": self.question_id}


def plan_upvotes(cfg: Config, question_ids: Sequence[str]) -> dict[int, list[Planned]]:
    """Per participant, in send order: upvotes on distinct questions (a few questions are much
    more popular than the rest), repeats of some request_ids, unvotes of some upvotes."""
    rng = random.Random(cfg.seed + 1)
    order = list(question_ids)
    rng.shuffle(order)
    weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(order))]
    base, extra = divmod(cfg.upvotes, cfg.participants)
    plans: dict[int, list[Planned]] = {}
    for p in range(cfg.participants):
        k = base + (1 if p < extra else 0)
        chosen: list[str] = []
        seen: set[str] = set()
        for _ in range(50 * k):  # bounded: popular picks repeat, then fill up uniformly
            if len(chosen) == k:
                break
            (pick,) = rng.choices(order, weights)
            if pick not in seen:
                seen.add(pick)
                chosen.append(pick)
        while len(chosen) < k:
            pick = rng.choice(order)
            if pick not in seen:
                seen.add(pick)
                chosen.append(pick)
        plans[p] = [Planned(p, f"up-{p}-{j}", "upvote", q) for j, q in enumerate(chosen)]
    originals = [m for msgs in plans.values() for m in msgs]
    for m in rng.sample(originals, round(len(originals) * cfg.unvote_share)):
        msgs = plans[m.participant]
        at = rng.randint(msgs.index(m) + 1, len(msgs))
        msgs.insert(at, Planned(m.participant, f"un-{m.request_id}", "unvote", m.question_id))
    for m in rng.sample(originals, round(len(originals) * cfg.repeat_share)):
        msgs = plans[m.participant]
        at = rng.randint(msgs.index(m) + 1, len(msgs))
        msgs.insert(at, Planned(m.participant, m.request_id, m.kind, m.question_id, repeat=True))
    return {p: msgs for p, msgs in plans.items() if msgs}


def schedule(cfg: Config, plans: dict[int, list[Planned]]) -> float:
    """Give every message its slot (seconds from the start): each participant goes to the lane
    with the fewest messages so far (so lanes end together), and lane l's j-th message goes out
    at (j * lanes + l) / rate: an even ``rate`` messages/s. Returns the last slot."""
    lanes: list[list[int]] = [[] for _ in range(cfg.lanes)]
    shortest = [(0, lane) for lane in range(cfg.lanes)]  # (messages so far, lane): a heap
    for p in sorted(plans):
        length, lane = heapq.heappop(shortest)
        lanes[lane].append(p)
        heapq.heappush(shortest, (length + len(plans[p]), lane))
    end = 0.0
    for lane, participants in enumerate(lanes):
        j = 0
        for p in participants:
            for m in plans[p]:
                m.scheduled = (j * cfg.lanes + lane) / cfg.rate
                end = max(end, m.scheduled)
                j += 1
    return end


async def sleep_until(moment: float) -> None:
    for _ in range(3):  # the loop's timer may wake a little early: top up, a bounded few times
        delay = moment - time.perf_counter()
        if delay <= 0:
            return
        await asyncio.sleep(delay)


async def upvote_all(
    cfg: Config,
    target: Target,
    event: Event,
    tokens: Sequence[str],
    plans: dict[int, list[Planned]],
    totals: SocketTotals,
) -> None:
    start = time.perf_counter() + cfg.connect_lead + 0.2
    for msgs in plans.values():
        for m in msgs:
            m.scheduled += start

    async def session(p: int, msgs: list[Planned]) -> None:
        await sleep_until(msgs[0].scheduled - cfg.connect_lead)
        sock = await open_participant(target, event, tokens[p], totals)
        if sock is None:
            for m in msgs:
                m.answer = {"type": "error", "code": "no_socket"}
            return
        try:
            futures = []
            for m in msgs:
                await sleep_until(m.scheduled)
                m.sent = time.perf_counter()
                futures.append((m, await sock.request(m.message())))
            deadline = time.perf_counter() + ANSWER_TIMEOUT
            for m, future in futures:
                m.answer = await answer_of(future, deadline)
        finally:
            await close_participant(sock, totals)

    await asyncio.gather(*(session(p, msgs) for p, msgs in plans.items()))


def expected_counts(
    plans: dict[int, list[Planned]], question_ids: Sequence[str]
) -> tuple[dict[str, int], float]:
    """What the store must show: per participant, in send order (one socket is served in order),
    the first acknowledged delivery of a request_id applies, a repeat changes nothing. Also the
    arrival time of the last ack of a request that changed something."""
    counts = dict.fromkeys(question_ids, 0)
    last_change = -math.inf
    for msgs in plans.values():
        applied: set[str] = set()
        up: dict[str, bool] = {}
        for m in msgs:
            if m.acked and m.request_id not in applied:
                applied.add(m.request_id)
                up[m.question_id] = m.kind == "upvote"
                last_change = max(last_change, float(m.answer["_t"]))
        for question_id, on in up.items():
            counts[question_id] += on
    return counts, last_change


# --- HTTP in threads (the sockets keep reading meanwhile) ------------------------------------


async def in_pool(calls: Sequence[Callable[[], T]], threads: int) -> list[T]:
    """Run blocking calls on ``threads`` threads while the event loop (and so the recording
    sockets) keeps running."""
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(threads)
    try:
        futures: list[Awaitable[T]] = [loop.run_in_executor(pool, call) for call in calls]
        return list(await asyncio.gather(*futures))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def timed(call: Callable[[], T]) -> Callable[[], tuple[float, T | Exception]]:
    def run() -> tuple[float, T | Exception]:
        t0 = time.perf_counter()
        try:
            result: T | Exception = call()
        except (HttpError, OSError) as exc:
            result = exc
        return time.perf_counter() - t0, result

    return run


def list_questions(target: Target, event: Event) -> list[dict[str, Any]]:
    url = f"{target.url}/api/v1/events/{event.code}/rooms/{event.room_id}/questions"
    answer: list[dict[str, Any]] = http_json("GET", url, token=event.moderator_token)
    return answer


# --- the run ---------------------------------------------------------------------------------


@dataclass
class Report:
    cfg: Config
    rows: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, name: str, value: str) -> None:
        self.rows.append((name, value))

    @property
    def correct(self) -> bool:
        return not self.problems


def frames_line(frames: Sequence[ListFrame]) -> str:
    if not frames:
        return "0"
    sizes = [f.size for f in frames]
    return (
        f"{len(frames)} frames, {human_bytes(sum(sizes))}; "
        f"size median {human_bytes(Summary.of(sizes).p50)}, max {human_bytes(max(sizes))}"
    )


def gaps_line(frames: Sequence[ListFrame]) -> str:
    gaps = [b.t - a.t for a, b in itertools.pairwise(frames)]
    if not gaps:
        return "-"
    s = Summary.of(gaps)
    return f"median {s.p50 * 1000:.0f} ms, p95 {s.p95 * 1000:.0f} ms, max {s.max * 1000:.0f} ms"


async def run(cfg: Config) -> Report:
    report = Report(cfg)
    with running_app(cfg.backend, keep=cfg.keep) as target:
        await asyncio.wait_for(_run(cfg, target, report), cfg.timeout)
    return report


async def _run(cfg: Config, target: Target, report: Report) -> None:
    clock = PhaseClock(target.pid, target.redis_pid)
    idle = proc_sample(target.pid)
    load_before = load_average()
    event = await asyncio.to_thread(create_event, target.url, "Benchmark: Q&A room")
    log = print
    log(f"server pid {target.pid} on {target.url} ({cfg.backend}), work dir {target.workdir}")

    # 1. join
    log(f"joining {cfg.participants} participants …")
    with clock.phase("join"):
        joined = await in_pool(
            [timed(lambda: join(target.url, event.code))] * cfg.participants,
            cfg.join_concurrency,
        )
    tokens = [r for _, r in joined if isinstance(r, str)]
    if len(tokens) != cfg.participants:
        raise SystemExit(f"only {len(tokens)} of {cfg.participants} joins worked")
    join_latency = Summary.of([t for t, _ in joined])

    # 2. the recording sockets
    viewer, moderator = ListRecorder(), ListRecorder()
    viewer_sock = await RoomSocket.open(target.ws_url, event, on_frame=viewer)
    moderator_sock = await RoomSocket.open(
        target.ws_url, event, event.moderator_token, on_frame=moderator
    )
    await asyncio.wait_for(viewer_sock.snapshot.wait(), ANSWER_TIMEOUT)
    await asyncio.wait_for(moderator_sock.snapshot.wait(), ANSWER_TIMEOUT)
    marks: dict[str, float] = {"ask": time.perf_counter()}

    # 3. ask
    log(f"asking {cfg.questions} questions ({cfg.ask_concurrency} sockets at a time) …")
    ask_sockets = SocketTotals()
    with clock.phase("ask"):
        asks = await ask_all(cfg, target, event, tokens, ask_sockets)
    marks["approve"] = time.perf_counter()
    asked = [a for a in asks if a.acked]
    ask_errors = Counter(str(a.answer.get("code")) for a in asks if not a.acked)

    # 4. approve
    listed = await asyncio.to_thread(list_questions, target, event)
    pending = [q["id"] for q in listed if q["state"] == "pending"]
    log(f"approving {len(pending)} questions ({cfg.approve_concurrency} at a time) …")

    def approve(question_id: str) -> Callable[[], Any]:
        url = f"{target.url}/api/v1/events/{event.code}/questions/{question_id}"
        return lambda: http_json("PATCH", url, {"state": "approved"}, token=event.moderator_token)

    with clock.phase("approve"):
        approvals = await in_pool([timed(approve(q)) for q in pending], cfg.approve_concurrency)
    approve_failures = [r for _, r in approvals if isinstance(r, Exception)]
    marks["upvote"] = time.perf_counter()

    # 5. upvote
    listed = await asyncio.to_thread(list_questions, target, event)
    question_ids = [q["id"] for q in listed if q["state"] == "approved"]
    plans = plan_upvotes(cfg, question_ids)
    duration = schedule(cfg, plans)
    messages = [m for msgs in plans.values() for m in msgs]
    kinds = Counter("repeat" if m.repeat else m.kind for m in messages)
    log(
        f"upvoting: {kinds['upvote']} upvotes, {kinds['repeat']} repeats, {kinds['unvote']} "
        f"unvotes from {len(plans)} participants, open loop at {cfg.rate:.0f}/s "
        f"(~{duration:.0f} s) …"
    )
    vote_sockets = SocketTotals()
    with clock.phase("upvote"):
        await upvote_all(cfg, target, event, tokens, plans, vote_sockets)
    marks["settle"] = time.perf_counter()

    # 6. correctness
    acked = [m for m in messages if m.acked]
    vote_errors = Counter(str(m.answer.get("code")) for m in messages if not m.acked)
    last_ack = max((float(m.answer["_t"]) for m in acked), default=marks["settle"])
    expected, last_change = expected_counts(plans, question_ids)
    want = digest(expected)
    deadline = time.perf_counter() + CONVERGE_TIMEOUT
    while time.perf_counter() < deadline:  # bounded: at most CONVERGE_TIMEOUT / 0.05 rounds
        if viewer.last_digest() == want and moderator.last_digest() == want:
            break
        await asyncio.sleep(0.05)
    marks["end"] = time.perf_counter()
    final = await asyncio.to_thread(list_questions, target, event)
    server_end = proc_sample(target.pid)
    redis_end = proc_sample(target.redis_pid) if target.redis_pid else None
    await viewer_sock.close()
    await moderator_sock.close()

    # the checks
    problems = report.problems
    if ask_errors:
        problems.append(f"asks not acknowledged: {dict(ask_errors)}")
    texts = Counter(q["text"] for q in final)
    missing = [a for a in asked if texts[a.text] != 1]
    if missing or len(final) != len(asked):
        problems.append(
            f"{len(final)} questions stored for {len(asked)} acknowledged asks "
            f"({len(missing)} asks not exactly once)"
        )
    if approve_failures:
        problems.append(f"{len(approve_failures)} approvals failed: {approve_failures[0]}")
    not_approved = [q["id"] for q in final if q["state"] != "approved"]
    if not_approved:
        problems.append(f"{len(not_approved)} questions not approved")
    if vote_errors:
        problems.append(f"upvote requests not acknowledged: {dict(vote_errors)}")
    stored = {q["id"]: q["upvotes"] for q in final}
    wrong = {q: (stored.get(q), n) for q, n in expected.items() if stored.get(q) != n}
    if wrong:
        sample = dict(list(wrong.items())[:5])
        problems.append(f"{len(wrong)} questions with wrong counts (stored, expected): {sample}")
    if viewer.last_counts != expected:
        problems.append("the viewer's last `questions` frame does not show the final counts")
    if moderator.last_counts != expected:
        problems.append("the moderator's last `questions` frame does not show the final counts")
    # The first frame of the final run of frames that all show the final counts.
    consistent: ListFrame | None = None
    for frame in reversed(viewer.frames):
        if frame.digest != want:
            break
        consistent = frame

    # the numbers
    add = report.add
    phases = clock.phases
    ask_lat = Summary.of([a.latency for a in asked])
    ask_wall = phases["ask"]["wall"]
    sent_lat = Summary.of([float(m.answer["_t"]) - m.sent for m in acked])
    slot_lat = Summary.of([float(m.answer["_t"]) - m.scheduled for m in acked])
    lateness = Summary.of([m.sent - m.scheduled for m in messages if not math.isnan(m.sent)])
    first_sent = min((m.sent for m in messages if not math.isnan(m.sent)), default=math.nan)
    ack_span = last_ack - first_sent
    approve_lat = Summary.of([t for t, _ in approvals])

    add("backend", cfg.backend + (" (LIVE_REDIS_URL, 1 worker)" if cfg.backend == "redis" else ""))
    add(
        "sizes",
        f"{cfg.participants} participants, {len(final)} questions, {len(messages)} "
        f"vote messages ({kinds['upvote']} upvotes, {kinds['repeat']} repeated request_ids, "
        f"{kinds['unvote']} unvotes)",
    )
    add(
        "**correct**",
        "yes: every count equals the acknowledged requests"
        if report.correct
        else "NO: " + "; ".join(problems),
    )
    add(
        f"join (HTTP, {cfg.join_concurrency} threads)",
        f"{cfg.participants} in {phases['join']['wall']:.1f} s; "
        f"p50/p95/p99/max {join_latency.ms()} ms",
    )
    add(
        "ask ack latency (closed loop)",
        f"p50/p95/p99/max {ask_lat.ms()} ms; "
        f"{len(asked)} in {ask_wall:.1f} s = {len(asked) / ask_wall:.0f}/s "
        f"({cfg.ask_concurrency} sockets at a time, incl. opening them)",
    )
    add(
        "ask: socket open until snapshot",
        f"p50/p95/p99/max {Summary.of(ask_sockets.open_latency).ms()} ms",
    )
    add(
        "approve (PATCH)",
        f"{len(approvals)} in {phases['approve']['wall']:.1f} s = "
        f"{len(approvals) / phases['approve']['wall']:.0f}/s; p50/p95/p99/max "
        f"{approve_lat.ms()} ms ({cfg.approve_concurrency} threads)",
    )
    add("upvote ack latency from send", f"p50/p95/p99/max {sent_lat.ms()} ms")
    add(
        "upvote ack latency from slot",
        f"p50/p95/p99/max {slot_lat.ms()} ms "
        f"(open loop, target {cfg.rate:.0f}/s; client lateness p50/p99/max "
        f"{lateness.p50 * 1000:.1f} / {lateness.p99 * 1000:.1f} / {lateness.max * 1000:.1f} ms)",
    )
    add(
        "upvote throughput",
        f"{len(acked)} acks in {ack_span:.1f} s (first send to last ack) "
        f"= {len(acked) / ack_span:.0f}/s; offered {cfg.rate:.0f}/s, the schedule spans "
        f"{duration:.1f} s",
    )
    add(
        "upvote: socket open until snapshot",
        f"p50/p95/p99/max "
        f"{Summary.of(vote_sockets.open_latency).ms()} ms; {vote_sockets.opened} sockets, "
        f"at most {vote_sockets.peak} open at once",
    )
    add(
        "time to consistent (viewer)",
        (
            f"{(consistent.t - last_change) * 1000:.0f} ms from the last ack that changed a count "
            f"to the first viewer frame with the final counts (last ack of all: "
            f"{(consistent.t - last_ack) * 1000:.0f} ms)"
            if consistent
            else f"not within {CONVERGE_TIMEOUT:.0f} s"
        ),
    )
    for name, rec in (("viewer", viewer), ("moderator", moderator)):
        add(f"{name} `questions` frames, whole run", frames_line(rec.updates()))
        for phase, start, end in (
            ("ask", marks["ask"], marks["approve"]),
            ("approve", marks["approve"], marks["upvote"]),
            ("upvote (first send to last ack)", first_sent, last_ack),
            ("settle (after the last ack)", last_ack, marks["end"]),
        ):
            frames = rec.updates(start, end)
            add(f"{name} frames during {phase}", f"{frames_line(frames)}; gaps {gaps_line(frames)}")
    last_frame = viewer.frames[-1] if viewer.frames else None
    if last_frame:
        add(
            "one `questions` frame with all questions",
            f"{human_bytes(last_frame.size)} for {last_frame.questions} questions "
            f"({last_frame.size / max(1, last_frame.questions):.0f} B each)",
        )
    for name, totals in (("ask", ask_sockets), ("upvote", vote_sockets)):
        parts = ", ".join(
            f"{totals.frames[k]} {k} ({human_bytes(totals.bytes[k])})"
            for k in ("snapshot", "questions", "ack")
        )
        add(f"participant sockets received during {name}", parts)
    for phase in ("join", "ask", "approve", "upvote"):
        ph = phases[phase]
        redis = f", redis {ph['redis_cpu']:.1f} s" if "redis_cpu" in ph else ""
        add(
            f"CPU during {phase} (wall {ph['wall']:.1f} s)",
            f"server {ph['server_cpu']:.1f} s ({ph['server_cpu'] / ph['wall']:.0%}){redis}, "
            f"bench client {ph['client_cpu']:.1f} s, everything else on the machine "
            f"{max(0.0, ph['other_cpu']):.1f} s",
        )
    add(
        "machine load (1-min average) before / after",
        f"{load_before:.2f} / {load_average():.2f} on {os.cpu_count()} CPUs",
    )
    add(
        "server CPU total",
        f"{server_end.cpu_seconds:.1f} s (idle after start: {idle.cpu_seconds:.1f} s)",
    )
    add(
        "server RSS at the end",
        f"{human_bytes(server_end.rss_bytes)} (peak "
        f"{human_bytes(server_end.peak_rss_bytes)}; after start {human_bytes(idle.rss_bytes)})",
    )
    if redis_end is not None:
        add(
            "redis-server at the end",
            f"CPU {redis_end.cpu_seconds:.1f} s, RSS {human_bytes(redis_end.rss_bytes)}",
        )


# --- output ----------------------------------------------------------------------------------


def table(rows: Sequence[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


def markdown(report: Report) -> str:
    cfg = report.cfg
    command = f".venv/bin/python -m bench.qa_room --backend {cfg.backend}"
    lines = [
        f"Run on {time.strftime('%Y-%m-%d %H:%M %Z')} at commit {git_commit()} (plus the "
        f"working tree): `{command}` "
        f"(questions {cfg.questions}, upvotes {cfg.upvotes}, participants {cfg.participants}, "
        f"rate {cfg.rate:.0f}/s, seed {cfg.seed}).",
        "",
        "| measure | value |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in report.rows),
    ]
    return "\n".join(lines)


SECTION = """## Q&A room (`bench/qa_room.py`)

The issue: a room with 1,000 questions and 10,000 upvotes stays correct and responsive. The script
starts the app, joins 2,000 participants over HTTP, opens a viewer socket and a moderator socket
that record every `questions` frame, lets 1,000 participants ask one question each over their own
socket (closed loop, 200 sockets at a time), approves all with `PATCH`, and then sends 10,000
upvotes on distinct questions (popularity skewed), 5 % repeated `request_id`s and 5 % unvotes on a
fixed schedule of 1,000 messages/s (open loop; each participant's socket opens 0.5 s before its
first slot and closes after its last ack). "Correct" means the moderator's
`GET …/rooms/{room}/questions` shows, for every question, exactly the count that follows from the
acknowledged requests, and so do the last frames on the viewer and moderator sockets. Latencies
are p50 / p95 / p99 / max. "From slot" counts from the scheduled send time, so a late client
cannot hide a slow server (a socket that opens late makes its messages late). "Gaps" are the
times between two `questions` frames on one socket: with the 100 ms tick, 100 ms is the best
possible. The server runs with its defaults (100 ms tick, log level info, one worker). A default
run takes about 20 s; `--rate`, `--questions`, `--upvotes`, `--participants` change the load.

### SQLite (embedded, the default)

<!-- bench:qa_room:sqlite -->
(not run yet)
<!-- /bench:qa_room:sqlite -->

### Redis (throwaway redis-server, AOF everysec, one worker)

<!-- bench:qa_room:redis -->
(not run yet)
<!-- /bench:qa_room:redis -->
"""


def parse_args(argv: Sequence[str] | None) -> Config:
    d = Config()
    parser = argparse.ArgumentParser(
        prog="python -m bench.qa_room", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--backend", choices=("sqlite", "redis"), default=d.backend)
    parser.add_argument("--questions", type=int, default=d.questions)
    parser.add_argument("--upvotes", type=int, default=d.upvotes)
    parser.add_argument("--participants", type=int, default=d.participants)
    parser.add_argument("--ask-concurrency", type=int, default=d.ask_concurrency)
    parser.add_argument("--approve-concurrency", type=int, default=d.approve_concurrency)
    parser.add_argument("--rate", type=float, default=d.rate, help="vote messages per second")
    parser.add_argument("--lanes", type=int, default=d.lanes)
    parser.add_argument("--connect-lead", type=float, default=d.connect_lead)
    parser.add_argument("--repeat-share", type=float, default=d.repeat_share)
    parser.add_argument("--unvote-share", type=float, default=d.unvote_share)
    parser.add_argument("--seed", type=int, default=d.seed)
    parser.add_argument("--timeout", type=float, default=d.timeout, help="whole run, seconds")
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the data dir and server.log")
    a = parser.parse_args(argv)
    cfg = Config(
        backend=a.backend,
        questions=a.questions,
        upvotes=a.upvotes,
        participants=a.participants,
        ask_concurrency=a.ask_concurrency,
        approve_concurrency=a.approve_concurrency,
        rate=a.rate,
        lanes=a.lanes,
        connect_lead=a.connect_lead,
        repeat_share=a.repeat_share,
        unvote_share=a.unvote_share,
        seed=a.seed,
        timeout=a.timeout,
        write_docs=not a.no_docs,
        keep=a.keep,
    )
    cfg.check()
    return cfg


def main(argv: Sequence[str] | None = None) -> int:
    cfg = parse_args(argv)
    print("\n".join(machine_lines()))
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    report = runner(run(cfg))
    print()
    print(table(report.rows))
    if cfg.write_docs:
        write_block(f"qa_room:{cfg.backend}", markdown(report), section=SECTION)
        print("\nwrote docs/benchmarks.md")
    return 0 if report.correct else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
