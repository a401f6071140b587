"""The steps of `live loadtest`: an event (made for the test, or one given), a poll, N phones
that join, connect (a share of them on the participant page's path, the rest on the room
socket), vote for a while and leave; a projector (a viewer socket) that times when each vote
shows. Everything goes to the one server of ``Plan.target`` and ends by itself: every wait has
a bound, and the number of participants and seconds are capped.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import random
import time
import urllib.error
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from live.domain.polls import MAX_OPTIONS
from live.loadtest.limits import MAX_PARTICIPANTS, MAX_SECONDS, VOTE_EVERY
from live.loadtest.pool import Pool
from live.loadtest.stats import Summary, screen_latencies
from live.loadtest.target import Event, HttpError, Target, create_event, http_json
from live.loadtest.worker import progress as poll_progress

ROOM_PATH = "/api/v1/events/{code}/rooms/{room}/ws"
PAGE_PATH = "/e/{code}/rooms/{room}/live?view=participant"
PER_PROCESS = 5000  # sockets per load-generator process: far below common open-file limits
CONNECT_SECONDS = 2.0  # the phones arrive over this long (a hall scanning the QR code)
CONNECT_WAIT = 30.0  # at most this long for the sockets' first frames
ANSWER_WAIT = 10.0  # at most this long for a vote's answer after the voting time
SETTLE_MAX = 10.0  # at most this long for the projector to show the last answered vote

Progress = Callable[[str, float, str], None]
"""Called with the step's name, its share done (0..1) and a short detail."""


class LoadTestError(Exception):
    """Why the load test could not run, in words for the operator."""


@dataclass(frozen=True)
class Plan:
    target: Target
    participants: int
    page_share: float = 0.5
    seconds: float = 10.0
    admin_token: str | None = None
    event_code: str | None = None
    moderator_token: str | None = None
    keep_event: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.participants <= MAX_PARTICIPANTS:
            raise LoadTestError(f"participants must lie in 1..{MAX_PARTICIPANTS:,}")
        if not 0.0 <= self.page_share <= 1.0:
            raise LoadTestError("the page share must lie in 0..1")
        if not 1.0 <= self.seconds <= MAX_SECONDS:
            raise LoadTestError(f"seconds must lie in 1..{MAX_SECONDS:.0f}")
        if self.event_code and not self.moderator_token:
            raise LoadTestError("--event needs the event's --moderator-token")

    @property
    def rounds(self) -> int:
        """Votes per participant: one every VOTE_EVERY seconds. A participant's k-th vote
        picks option k (the progress rule of live/loadtest/worker.py), so at most as many as
        a poll has options."""
        return min(MAX_OPTIONS, max(1, int(self.seconds // VOTE_EVERY)))


@dataclass
class Outcome:
    participants: int
    event_code: str = ""
    poll_id: str = ""
    joined: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    page: int = 0  # of the joined, on the page path
    connected: int = 0
    connect_failures: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    acknowledged: int = 0
    vote_errors: Counter[str] = field(default_factory=Counter)
    counted: int | None = None  # votes the server's tally includes (its progress)
    ballots: int | None = None  # participants with a ballot in the server's tally
    screen: Summary = field(default_factory=lambda: Summary.of([]))
    unseen: int = 0  # votes sent that no projector frame showed

    @property
    def errors(self) -> int:
        return (
            sum(self.refused.values())
            + sum(self.connect_failures.values())
            + sum(self.vote_errors.values())
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "participants": self.participants,
            "event": self.event_code,
            "poll": self.poll_id,
            "joined": self.joined,
            "join_refused": dict(self.refused),
            "page_path": self.page,
            "connected": self.connected,
            "connect_failures": dict(self.connect_failures),
            "votes_sent": self.sent,
            "votes_acknowledged": self.acknowledged,
            "votes_counted": self.counted,
            "ballots": self.ballots,
            "vote_errors": dict(self.vote_errors),
            "errors": self.errors,
            "vote_to_screen_seconds": {
                "p50": _number(self.screen.p50),
                "p95": _number(self.screen.p95),
                "p99": _number(self.screen.p99),
                "max": _number(self.screen.max),
            },
            "votes_not_seen_on_screen": self.unseen,
        }


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


def run(plan: Plan, progress: Progress) -> Outcome:
    """Run the load test; raises LoadTestError when it cannot even start."""
    target = plan.target
    outcome = Outcome(plan.participants)
    event, made = _event(plan)
    outcome.event_code = event.code
    poll_id = ""
    n_procs = max(1, math.ceil(plan.participants / PER_PROCESS))
    pool = Pool(n_procs)
    try:
        poll_id = _open_poll(target, event, max(2, plan.rounds))
        outcome.poll_id = poll_id
        shares = _split(plan.participants, list(pool.participant_workers))
        joined = _join(pool, plan, event, shares, outcome, progress)
        pages = {wid: round(n * plan.page_share) for wid, n in joined.items()}
        outcome.page = sum(pages.values())
        _connect(pool, plan, event, joined, pages, outcome, progress)
        records = _vote(pool, plan, event, poll_id, joined, pages, progress)
        _tally(records, outcome)
        frames = _screen_frames(pool, poll_id, outcome.acknowledged)
        sent = [r[3] for r in records if not math.isnan(r[3])]
        latencies, _ = screen_latencies(sent, frames)
        outcome.screen = Summary.of(latencies)
        outcome.unseen = len(sent) - len(latencies)
        poll = http_json(
            "GET",
            target.url(f"/api/v1/events/{event.code}/polls/{poll_id}"),
            token=event.moderator_token,
        )
        outcome.counted = poll_progress(poll)
        outcome.ballots = sum(int(c) for c in poll["results"]["counts"])
        progress("done", 1.0, "")
        return outcome
    finally:
        pool.close()
        _clean_up(plan, event, poll_id, made)


def _event(plan: Plan) -> tuple[Event, bool]:
    """The event to use, and whether it was made for this test."""
    target = plan.target
    try:
        if plan.event_code:
            assert plan.moderator_token is not None
            answer = http_json("GET", target.url(f"/api/v1/events/{plan.event_code}"))
            return Event(answer["code"], answer["rooms"][0]["id"], plan.moderator_token), False
        return create_event(target.origin, "Lasttest", token=plan.admin_token or None), True
    except HttpError as exc:
        if exc.status in (401, 403) and not plan.event_code:
            raise LoadTestError(
                "the server refused to create an event: give its LIVE_ADMIN_TOKEN "
                "(--admin-token or the environment), or use --event CODE --moderator-token TOKEN"
            ) from None
        if exc.status == 404:
            raise LoadTestError(f"no event {plan.event_code!r} on {target.origin}") from None
        raise LoadTestError(f"the server answered {exc.status} ({exc.code})") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise LoadTestError(f"cannot reach {target.origin}: {reason}") from None


def _open_poll(target: Target, event: Event, options: int) -> str:
    """A single-choice poll with its results live, opened (which closes another open poll
    of the room unless it allows parallel polls: use a test event)."""
    poll = http_json(
        "POST",
        target.url(f"/api/v1/events/{event.code}/rooms/{event.room_id}/polls"),
        {
            "question": "Lasttest: Wie oft stimmen Sie ab?",
            "kind": "single",
            "options": [f"Antwort {i + 1}" for i in range(options)],
            "visibility": "live",
        },
        token=event.moderator_token,
    )
    poll_id = str(poll["id"])
    http_json(
        "POST",
        target.url(f"/api/v1/events/{event.code}/polls/{poll_id}/open"),
        token=event.moderator_token,
    )
    return poll_id


def _split(total: int, wids: list[int]) -> dict[int, int]:
    base, extra = divmod(total, len(wids))
    return {wid: base + (n < extra) for n, wid in enumerate(wids)}


def _local_host(target: Target, wid: int) -> str | None:
    """On this machine, each load generator connects from its own 127.0.0.x (one address's
    ephemeral ports run out near 28,000 sockets); elsewhere from wherever the system picks."""
    try:
        address = ipaddress.ip_address(target.host)
    except ValueError:
        return None
    return f"127.0.0.{2 + wid}" if address.version == 4 and address.is_loopback else None


def _wait(
    pool: Pool,
    pending: Mapping[tuple[int, int], str],
    step: str,
    expected: float,
    bound: float,
    progress: Progress,
    detail: Callable[[], tuple[float, str]] | None = None,
) -> dict[str, dict[int, Any]]:
    """Wait for the answers to the commands in ``pending`` ((worker, message id) → command),
    reporting progress; raises LoadTestError after ``bound`` seconds. ``detail``: asked every
    half second for the share done and a text (else the share of ``expected`` seconds)."""
    started = time.monotonic()
    left = dict(pending)
    answers: dict[str, dict[int, Any]] = {}
    next_report = started
    while left:
        for (wid, msg_id), cmd in list(left.items()):
            if pool.answered(wid, msg_id, 0.05):
                answers.setdefault(cmd, {})[wid] = pool.wait(wid, msg_id, 0)
                del left[(wid, msg_id)]
        now = time.monotonic()
        if now - started > bound:
            raise LoadTestError(f"{step}: no answer from the load generators within {bound:.0f} s")
        if now >= next_report:
            share, text = detail() if detail else (min(0.99, (now - started) / expected), "")
            progress(step, share, text)
            next_report = now + 0.5
    return answers


def _join(
    pool: Pool,
    plan: Plan,
    event: Event,
    shares: dict[int, int],
    outcome: Outcome,
    progress: Progress,
) -> dict[int, int]:
    pending: dict[tuple[int, int], str] = {}
    for wid, n in shares.items():
        origin = plan.target.origin
        msg = pool.send(wid, "join", base_url=origin, code=event.code, count=n, strict=False)
        pending[(wid, msg)] = "join"
    screen = pool.screen_worker  # the projector: a viewer socket, no participant
    msg = pool.send(screen, "join", base_url=None, code=event.code, count=0, screens=1)
    pending[(screen, msg)] = "screen"
    answers = _wait(pool, pending, "join", 1 + plan.participants / 200, 300, progress)
    joined = {wid: int(answer["joined"]) for wid, answer in answers["join"].items()}
    outcome.joined = sum(joined.values())
    for answer in answers["join"].values():
        outcome.refused.update(answer["refused"])
    return joined


def _connect(
    pool: Pool,
    plan: Plan,
    event: Event,
    joined: dict[int, int],
    pages: dict[int, int],
    outcome: Outcome,
    progress: Progress,
) -> None:
    target = plan.target
    where: dict[str, Any] = {
        "host": target.host,
        "port": target.port,
        "authority": target.authority,
        "tls": target.tls,
        "timeout": CONNECT_WAIT,
    }
    room_path = ROOM_PATH.format(code=event.code, room=event.room_id)
    page_path = PAGE_PATH.format(code=event.code, room=event.room_id)
    # The projector first: it must see every vote.
    screen = pool.call(
        [pool.screen_worker],
        "connect",
        path=room_path,
        rate=0,
        local_host=None,
        answer_within=CONNECT_WAIT + 30,
        **where,
    )[pool.screen_worker]
    outcome.connect_failures.update({f"projector: {k}": n for k, n in screen["failures"].items()})
    pending: dict[tuple[int, int], str] = {}
    for wid, n in joined.items():
        local = _local_host(target, wid)
        if pages[wid]:
            msg = pool.send(
                wid,
                "page_connect",
                path=page_path,
                code=event.code,
                count=pages[wid],
                local_host=local,
                **where,
            )
            pending[(wid, msg)] = "page"
        if n - pages[wid]:
            msg = pool.send(
                wid,
                "connect",
                path=room_path,
                first=pages[wid],
                local_host=local,
                rate=max(1.0, (n - pages[wid]) / CONNECT_SECONDS),
                **where,
            )
            pending[(wid, msg)] = "socket"
    answers = _wait(pool, pending, "connect", CONNECT_SECONDS, 2 * CONNECT_WAIT + 30, progress)
    for replies in answers.values():
        for reply in replies.values():
            outcome.connected += len(reply["latencies"])
            outcome.connect_failures.update(reply["failures"])


def _vote(
    pool: Pool,
    plan: Plan,
    event: Event,
    poll_id: str,
    joined: dict[int, int],
    pages: dict[int, int],
    progress: Progress,
) -> list[tuple[Any, ...]]:
    """Every participant votes ``plan.rounds`` times, evenly over ``plan.seconds`` (each at
    its own offset); answers the record of every vote (see the worker's cmd_votes)."""
    rng = random.Random(1)
    spacing = plan.seconds / plan.rounds
    t0 = time.monotonic() + 0.5
    pending: dict[tuple[int, int], str] = {}
    total = 0
    for wid, n in joined.items():
        page_plan: list[tuple[float, int, str, int]] = []
        socket_plan: list[tuple[float, int, str, int]] = []
        for index in range(n):
            offset = rng.random()
            for k in range(plan.rounds):
                vote = (t0 + (k + offset) * spacing, index, poll_id, k)
                (page_plan if index < pages[wid] else socket_plan).append(vote)
        total += len(page_plan) + len(socket_plan)
        if page_plan:
            pending[(wid, pool.send(wid, "page_votes", plan=page_plan, code=event.code))] = "page"
        if socket_plan:
            msg = pool.send(wid, "votes", plan=socket_plan, ack_timeout=ANSWER_WAIT)
            pending[(wid, msg)] = "socket"

    def answered() -> tuple[float, str]:
        counts = pool.call(list(joined), "progress", answer_within=30)
        acked = sum(c["acked"] for c in counts.values())
        errors = sum(c["errors"] for c in counts.values())
        elapsed = max(0.0, time.monotonic() - t0)
        share = min(1.0, elapsed / plan.seconds, (acked + errors) / max(1, total))
        share = max(share, min(0.99, elapsed / plan.seconds))
        return share, f"{acked:,}/{total:,} votes answered" + (
            f", {errors:,} errors" if errors else ""
        )

    bound = plan.seconds + ANSWER_WAIT + 90  # the page votes wait up to 60 s for answers
    answers = _wait(pool, pending, "vote", plan.seconds, bound, progress, answered)
    return [
        (wid, *record)
        for replies in answers.values()
        for wid, records in replies.items()
        for record in records
    ]


def _tally(records: list[tuple[Any, ...]], outcome: Outcome) -> None:
    # record: wid, request id, slot, send time, ack time, error, index, poll, option
    for _wid, _rid, _slot, t_send, t_ack, error, *_ in records:
        if math.isnan(t_send):
            outcome.vote_errors["not connected"] += 1
            continue
        outcome.sent += 1
        if t_ack is not None:
            outcome.acknowledged += 1
        elif error is not None:
            outcome.vote_errors[str(error)] += 1
        else:
            outcome.vote_errors["no answer"] += 1


def _screen_frames(pool: Pool, poll_id: str, acknowledged: int) -> list[tuple[float, float]]:
    """The projector's frames of the poll as (arrival, progress), once one shows every
    acknowledged vote (or after SETTLE_MAX: then the summary counts the votes not seen)."""
    frames: list[tuple[float, float]] = []
    deadline = time.monotonic() + SETTLE_MAX
    while True:
        log = pool.call([pool.screen_worker], "screen_log", answer_within=30)[pool.screen_worker]
        frames += [(t, v) for t, kind, pid, v in log if kind == "progress" and pid == poll_id]
        if max((v for _, v in frames), default=0) >= acknowledged or time.monotonic() > deadline:
            return frames
        time.sleep(0.1)


def _clean_up(plan: Plan, event: Event, poll_id: str, made: bool) -> None:
    """Close the test's poll; delete an event made for the test (unless kept)."""
    target = plan.target
    with contextlib.suppress(HttpError, OSError):
        if made and not plan.keep_event:
            http_json(
                "DELETE",
                target.url(f"/api/v1/events/{event.code}"),
                token=event.moderator_token,
            )
        elif poll_id:
            http_json(
                "POST",
                target.url(f"/api/v1/events/{event.code}/polls/{poll_id}/close"),
                token=event.moderator_token,
            )
