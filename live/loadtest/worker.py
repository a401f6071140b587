"""Load-generator processes: each holds up to a few thousand room sockets and does what the
orchestrator (bench/perf.py, `live loadtest`) tells it over a pipe (live/loadtest/pool.py).

Every process stays well below the 20,000 open-files limit and connects from its own 127.0.0.x
address, so more than ~28,000 sockets (one address's ephemeral ports) fit on one machine. Votes
are sent open-loop: each has a slot on a fixed schedule, and its record keeps the slot, the real
send time and the ack time, all on CLOCK_MONOTONIC (comparable across processes).

A "screen" process holds a few viewer sockets (no token) that decode every frame and log, per
poll frame, its arrival time and the poll's progress (see ``progress``), per applause frame the
level: that is where vote-to-screen latency is read off.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import multiprocessing.connection
import random
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from live.loadtest.pagehttp import PageHttp
from live.loadtest.rawws import RawSocket, loop_time, open_socket, shown_voters, tls_context
from live.loadtest.target import HttpError, join


def progress(poll: dict[str, Any]) -> int:
    """Σ (i+1)·count_i. A participant's k-th vote in a poll picks option k-1 (first vote: a new
    ballot on option 0, +1; every later one moves the ballot one option up, +1), so every stored
    vote raises this by exactly one and a frame "includes" the j-th vote when it reaches j."""
    counts = poll.get("results", {}).get("counts") or []
    return sum((i + 1) * int(c) for i, c in enumerate(counts))


@dataclass(eq=False)
class Client:
    index: int
    token: str | None
    sock: RawSocket | None = None
    started: float = 0.0
    failed: str | None = None
    stalled: bool = False
    # request_id -> ack time / error code
    acks: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    # On the page path (S8): the page socket and the keep-alive connection for form posts.
    page: RawSocket | None = None
    http: PageHttp | None = None


class Worker:
    def __init__(self, conn: multiprocessing.connection.Connection, wid: int) -> None:
        self.conn = conn
        self.wid = wid
        self.clients: list[Client] = []
        self.done = asyncio.Event()
        self.screen_log: list[tuple[float, str, str, float]] = []
        self.closed_codes: Counter[int] = Counter()
        self.retired = Counter[bytes]()  # frame counts of sockets already replaced
        self.retired_bytes = 0
        self.seq = 0  # request ids are unique for the whole run

    # --- plumbing ----------------------------------------------------------------------------

    async def main(self) -> None:
        # A blocking reader thread: a large command (a vote plan) arrives in several chunks,
        # which a non-blocking read in the loop would tear apart.
        loop = asyncio.get_running_loop()
        threading.Thread(target=self._read_commands, args=(loop,), daemon=True).start()
        await self.done.wait()

    def _read_commands(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            try:
                msg = self.conn.recv()
            except (EOFError, OSError):
                loop.call_soon_threadsafe(self.done.set)
                return
            loop.call_soon_threadsafe(self._spawn, msg)

    def _spawn(self, msg: dict[str, Any]) -> None:
        """Runs in the loop's thread: one task per command, so commands overlap."""
        asyncio.get_running_loop().create_task(self._handle(msg))

    async def _handle(self, msg: dict[str, Any]) -> None:
        try:
            result = await getattr(self, "cmd_" + msg["cmd"])(**msg.get("args", {}))
            self.conn.send({"id": msg["id"], "result": result})
        except Exception:
            self.conn.send({"id": msg["id"], "error": traceback.format_exc()})

    # --- callbacks from the sockets ----------------------------------------------------------

    def _on_open(self, sock: RawSocket) -> None:
        pass

    def _on_text(self, sock: RawSocket, now: float, payload: bytes) -> None:
        client: Client = sock.tag
        if client.token is None:  # a screen: log what it shows
            self._screen_frame(now, payload)
            return
        if payload.startswith(b"<!--sent:"):
            # A page socket's answer to a vote sent over it: <!--sent:ID:ok--> or :refused.
            rid_bytes, _, verdict = payload[9 : payload.find(b"-->")].rpartition(b":")
            if verdict == b"ok":
                client.acks.setdefault(rid_bytes.decode(), now)
            else:
                client.errors[rid_bytes.decode()] = verdict.decode()
            return
        msg = orjson.loads(payload)
        rid = msg.get("request_id")
        if not isinstance(rid, str):
            return
        if msg.get("type") == "ack":
            client.acks.setdefault(rid, now)
        else:
            client.errors[rid] = str(msg.get("code"))

    def _screen_frame(self, now: float, payload: bytes) -> None:
        msg = orjson.loads(payload)
        kind = msg.get("type")
        if kind == "poll":
            self._screen_poll(now, msg["poll"])
            self.screen_log.append((now, "poll_size", msg["poll"]["id"], float(len(payload))))
        elif kind == "snapshot":
            for poll in msg.get("polls", []):
                self._screen_poll(now, poll)
        elif kind == "applause":
            self.screen_log.append((now, "applause", "", float(msg.get("level", 0.0))))
        elif kind == "questions":
            self.screen_log.append((now, "questions", "", float(len(payload))))

    def _screen_poll(self, now: float, poll: dict[str, Any]) -> None:
        counts = poll.get("results", {}).get("counts") or []
        self.screen_log.append((now, "progress", poll["id"], float(progress(poll))))
        self.screen_log.append((now, "voters", poll["id"], float(sum(counts))))

    def _on_close(self, sock: RawSocket) -> None:
        if sock.close_code is not None:
            self.closed_codes[sock.close_code] += 1

    # --- commands ----------------------------------------------------------------------------

    async def cmd_join(
        self,
        base_url: str | None,
        code: str,
        count: int,
        screens: int = 0,
        strict: bool = True,
    ) -> dict[str, Any]:
        """Get ``count`` participant tokens (HTTP join; None for the baseline, which takes any
        token) and ``screens`` viewer sockets (no token). ``strict``: a refused join fails the
        command; otherwise it is counted by its error code and that participant left out.
        Answers how many joined and the refusals."""
        start = len(self.clients)
        refused: Counter[str] = Counter()
        if base_url is None:
            tokens: list[str | None] = [f"w{self.wid}p{start + i}" for i in range(count)]
        else:
            url = base_url

            def one(_: int) -> str | None:
                try:
                    return join(url, code)
                except HttpError as exc:
                    if strict:
                        raise
                    refused[exc.code] += 1
                except OSError as exc:
                    if strict:
                        raise
                    refused[type(exc).__name__] += 1
                return None

            loop = asyncio.get_running_loop()
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                answers = await loop.run_in_executor(
                    None, lambda: list(pool.map(one, range(count)))
                )
            tokens = [token for token in answers if token is not None]
        joined = len(tokens)
        tokens += [None] * screens
        self.clients += [Client(start + i, token) for i, token in enumerate(tokens)]
        return {"joined": joined, "refused": dict(refused)}

    async def cmd_connect(
        self,
        host: str,
        port: int,
        path: str,
        rate: float,
        local_host: str | None,
        stall_every: int = 0,
        stall_rcvbuf: int = 4096,
        timeout: float = 60.0,
        only_closed: bool = False,
        first: int = 0,
        authority: str | None = None,
        tls: bool = False,
    ) -> dict[str, Any]:
        """Open every client's socket on a schedule of ``rate`` per second (all at once for
        rate <= 0) and wait for their snapshots. Clients whose index % stall_every == 0 get a
        small receive buffer: they are the ones that stop reading in S6. ``first``: leave out
        the first that many participants (they are on the page path); ``authority``: the Host
        header (default host:port); ``tls``: wss."""
        t0 = loop_time() + 0.05
        skipped = {id(c) for c in [c for c in self.clients if c.token is not None][:first]}
        todo = [
            c
            for c in self.clients
            if id(c) not in skipped and (not only_closed or c.sock is None or c.sock.closed)
        ]
        netloc = authority or f"{host}:{port}"
        tasks = []
        for n, client in enumerate(todo):
            slot = t0 + (n / rate if rate > 0 else 0.0)
            stalls = bool(stall_every) and client.index % stall_every == 0 and client.token
            client.stalled = bool(stalls)
            tasks.append(
                asyncio.create_task(
                    self._open(
                        client,
                        (host, port, netloc, tls),
                        path,
                        slot,
                        local_host,
                        stall_rcvbuf if stalls else None,
                    )
                )
            )
        await asyncio.wait(tasks, timeout=timeout)
        deadline = loop_time() + timeout
        while loop_time() < deadline and any(
            c.sock is not None and not c.sock.closed and c.sock.snapshot_at is None for c in todo
        ):
            await asyncio.sleep(0.05)
        latencies = [
            c.sock.snapshot_at - c.started
            for c in todo
            if c.sock is not None and c.sock.snapshot_at is not None
        ]
        failures = Counter(
            c.failed or "no snapshot" for c in todo if c.sock is None or c.sock.snapshot_at is None
        )
        return {
            "latencies": latencies,
            "failures": dict(failures),
        }

    async def _open(
        self,
        client: Client,
        where: tuple[str, int, str, bool],
        path: str,
        slot: float,
        local_host: str | None,
        rcvbuf: int | None,
    ) -> None:
        delay = slot - loop_time()
        if delay > 0:
            await asyncio.sleep(delay)
        if client.sock is not None:
            self._retire(client.sock)
        client.started = loop_time()
        client.failed = None
        host, port, netloc, tls = where
        url = path if client.token is None else f"{path}?token={client.token}"
        try:
            client.sock = await open_socket(
                host,
                port,
                url,
                local_host=local_host,
                rcvbuf=rcvbuf,
                tls=tls_context() if tls else None,
                factory=lambda: RawSocket(
                    netloc,
                    url,
                    on_open=self._on_open,
                    on_text=self._on_text,
                    on_close=self._on_close,
                    keep_all=client.token is None,
                    tag=client,
                ),
            )
        except OSError as exc:
            client.sock = None
            client.failed = type(exc).__name__

    def _retire(self, sock: RawSocket) -> None:
        self.retired.update(sock.frames)
        self.retired_bytes += sock.bytes_in

    async def _on_slots(
        self,
        plan: list[tuple[float, int, str, int]],
        tag: str,
        send: Callable[[Client, str, str, int], bool],
    ) -> list[tuple[str, float, float, Client, str, int]]:
        """Send each planned vote on its slot (open loop): ``send`` writes it and says whether
        the client could (a closed socket gets no send time). The votes as sent: request_id,
        slot, send time, client, poll id, option."""
        by_index = {c.index: c for c in self.clients}
        sent: list[tuple[str, float, float, Client, str, int]] = []
        for slot, index, poll_id, option in sorted(plan):
            delay = slot - loop_time()
            if delay > 0.0005:
                await asyncio.sleep(delay)
            client = by_index[index]
            self.seq += 1
            rid = f"w{self.wid}{tag}{self.seq}"
            at = loop_time() if send(client, rid, poll_id, option) else float("nan")
            sent.append((rid, slot, at, client, poll_id, option))
        return sent

    @staticmethod
    async def _answers(
        sent: list[tuple[str, float, float, Client, str, int]],
        timeout: float,
        is_open: Callable[[Client], bool],
    ) -> None:
        """Wait until every vote sent is answered (ack or error), or its socket is gone."""
        deadline = loop_time() + timeout
        while loop_time() < deadline and any(
            rid not in c.acks and rid not in c.errors and is_open(c)
            for rid, _slot, _t, c, _p, _o in sent
        ):
            await asyncio.sleep(0.05)

    @staticmethod
    def _records(sent: list[tuple[str, float, float, Client, str, int]]) -> list[Any]:
        return [
            (rid, slot, t_send, c.acks.get(rid), c.errors.get(rid), c.index, poll_id, option)
            for rid, slot, t_send, c, poll_id, option in sent
        ]

    async def cmd_votes(
        self, plan: list[tuple[float, int, str, int]], ack_timeout: float = 30.0
    ) -> list[Any]:
        """Send votes on their slots (open loop): (slot time, client index, poll id, option).
        Returns one record per vote: request_id, slot, send time, ack time or None, error or
        None, client index, poll id, option."""

        def send(client: Client, rid: str, poll_id: str, option: int) -> bool:
            if client.sock is None or not client.sock.is_open:
                return False
            body = {"type": "vote", "request_id": rid, "poll_id": poll_id, "choices": [option]}
            client.sock.send(orjson.dumps(body))
            return True

        sent = await self._on_slots(plan, "v", send)
        await self._answers(sent, ack_timeout, lambda c: c.sock is not None and not c.sock.closed)
        return self._records(sent)

    async def cmd_applause(self, t0: float, duration: float, period: float, seed: int) -> int:
        """Every participant claps for ``duration`` seconds, sending a changed grade (1..5)
        every ``period`` seconds (the real page re-sends each second), then 0."""
        rng = random.Random(seed * 1000 + self.wid)
        clappers = [c for c in self.clients if c.token is not None]
        plan: list[tuple[float, int, int]] = []
        for client in clappers:
            t = t0 + rng.random() * period
            grade = rng.randint(1, 5)
            while t < t0 + duration:
                plan.append((t, client.index, grade))
                grade = rng.choice([g for g in range(1, 6) if g != grade])
                t += period
            plan.append((t0 + duration + rng.random() * 0.2, client.index, 0))
        plan.sort()
        by_index = {c.index: c for c in self.clients}
        for slot, index, grade in plan:
            delay = slot - loop_time()
            if delay > 0.0005:
                await asyncio.sleep(delay)
            sock = by_index[index].sock
            if sock is not None and sock.is_open:
                sock.send(b'{"type":"applause","grade":%d}' % grade)
        return len(plan)

    async def cmd_stall(self, on: bool) -> int:
        """The designated clients (see connect's ``stall_every``) stop (on) or resume reading."""
        n = 0
        for client in self.clients:
            if client.stalled and client.sock is not None:
                (client.sock.pause if on else client.sock.resume)()
                n += 1
        return n

    async def cmd_close_all(self) -> int:
        n = 0
        for client in self.clients:
            if client.sock is not None and not client.sock.closed:
                client.sock.close()
                n += 1
        await asyncio.sleep(0)
        return n

    # --- the page path (S8) --------------------------------------------------------------------

    async def cmd_page_connect(
        self,
        host: str,
        port: int,
        path: str,
        code: str,
        count: int,
        local_host: str | None,
        timeout: float = 60.0,
        authority: str | None = None,
        tls: bool = False,
        http: bool = True,
    ) -> dict[str, Any]:
        """The first ``count`` participants open the participant page's socket (with their
        cookie and the page's Origin, as a browser does) and, with ``http``, a keep-alive HTTP
        connection for their form posts (votes over the socket need none); waits for every
        socket's first push. Returns the connect → first push times and the failures.
        ``authority``: the Host header (default host:port); ``tls``: https and wss."""
        netloc = authority or f"{host}:{port}"
        origin = f"{'https' if tls else 'http'}://{netloc}"
        context = tls_context() if tls else None
        phones = [c for c in self.clients if c.token is not None][:count]

        async def one(client: Client) -> None:
            cookie = f"Cookie: live_p_{code}={client.token}\r\nOrigin: {origin}\r\n"
            client.started = loop_time()
            client.failed = None
            try:
                if http:
                    client.http = PageHttp(
                        host,
                        port,
                        local_host,
                        netloc,
                        context,
                        (
                            cookie + f"HX-Request: true\r\nHX-Current-URL: {origin}/e/{code}\r\n"
                        ).encode(),
                    )
                    await client.http.open()
                client.page = await open_socket(
                    host,
                    port,
                    path,
                    local_host=local_host,
                    tls=context,
                    factory=lambda: RawSocket(
                        netloc,
                        path,
                        on_open=self._on_open,
                        on_text=self._on_text,
                        on_close=self._on_close,
                        tag=client,
                        headers=cookie,
                    ),
                )
            except OSError as exc:
                client.failed = type(exc).__name__

        await asyncio.wait([asyncio.create_task(one(c)) for c in phones], timeout=timeout)
        deadline = loop_time() + timeout
        while loop_time() < deadline and any(
            c.page is not None and not c.page.closed and c.page.first_frame_at is None
            for c in phones
        ):
            await asyncio.sleep(0.05)
        latencies = [
            c.page.first_frame_at - c.started
            for c in phones
            if c.page is not None and c.page.first_frame_at is not None
        ]
        failures = Counter(
            c.failed or (f"http {c.page.http_status}" if c.page else "no push")
            for c in phones
            if c.page is None or c.page.first_frame_at is None
        )
        return {"latencies": latencies, "failures": dict(failures)}

    async def cmd_page_votes(self, plan: list[tuple[float, int, str, int]], code: str) -> list[Any]:
        """As ``cmd_votes``, by form post on each phone's own connection: a 2xx answer is the
        ack (the store committed the vote before the answer), any other status the error."""
        by_index = {c.index: c for c in self.clients}

        async def post(rid: str, client: Client, poll_id: str, option: int) -> None:
            assert client.http is not None
            try:
                status = await client.http.post(
                    f"/e/{code}/polls/{poll_id}/vote", b"choice=%d" % option
                )
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                client.errors[rid] = type(exc).__name__
                return
            if 200 <= status < 300:
                client.acks[rid] = loop_time()
            else:
                client.errors[rid] = str(status)

        sent: list[tuple[str, float, float, Client, str, int]] = []
        tasks = []
        for slot, index, poll_id, option in sorted(plan):
            delay = slot - loop_time()
            if delay > 0.0005:
                await asyncio.sleep(delay)
            client = by_index[index]
            self.seq += 1
            rid = f"w{self.wid}p{self.seq}"
            if client.http is None:
                sent.append((rid, slot, float("nan"), client, poll_id, option))
                continue
            sent.append((rid, slot, loop_time(), client, poll_id, option))
            tasks.append(asyncio.create_task(post(rid, client, poll_id, option)))
        if tasks:
            await asyncio.wait(tasks, timeout=60.0)
        return self._records(sent)

    async def cmd_page_socket_votes(
        self, plan: list[tuple[float, int, str, int]], code: str
    ) -> list[Any]:
        """As ``cmd_page_votes``, but each vote goes over the phone's page socket as
        static/live.js sends it while the socket is open; the answer that names the request is
        the ack (the store committed the vote before it)."""

        def send(client: Client, rid: str, poll_id: str, option: int) -> bool:
            if client.page is None or not client.page.is_open:
                return False
            fields = [["choice", str(option)], ["request_id", rid]]
            client.page.send(orjson.dumps({"type": "vote", "poll_id": poll_id, "fields": fields}))
            return True

        sent = await self._on_slots(plan, "p", send)
        await self._answers(sent, 60.0, lambda c: c.page is not None and c.page.is_open)
        return self._records(sent)

    async def cmd_page_close(self) -> int:
        """Every phone leaves the page (socket and connection)."""
        n = 0
        for client in self.clients:
            if client.page is not None:
                self._retire(client.page)
                client.page.close()
                client.page = None
                n += 1
            if client.http is not None:
                client.http.close()
                client.http = None
        await asyncio.sleep(0)
        return n

    async def cmd_stats(self, final_poll: str | None = None) -> dict[str, Any]:
        frames = Counter[bytes](self.retired)
        received = self.retired_bytes
        open_now = 0
        finals: Counter[str] = Counter()
        page_finals: Counter[str] = Counter()  # voters the page's last results showed
        for client in self.clients:
            if client.page is not None:
                frames.update(client.page.frames)
                received += client.page.bytes_in
                if final_poll is not None and client.page.last_results is not None:
                    page_finals[str(shown_voters(client.page.last_results, final_poll))] += 1
            sock = client.sock
            if sock is None:
                continue
            frames.update(sock.frames)
            received += sock.bytes_in
            open_now += sock.is_open
            if final_poll is not None and client.token is not None and sock.last_poll is not None:
                poll = orjson.loads(sock.last_poll)["poll"]
                if poll["id"] == final_poll:
                    counts = poll.get("results", {}).get("counts") or []
                    finals[f"{progress(poll)}/{sum(counts)}"] += 1
        return {
            "frames": {k.decode(): v for k, v in frames.items()},
            "bytes": received,
            "open": open_now,
            "close_codes": dict(self.closed_codes),
            "finals": dict(finals),
            "page_finals": dict(page_finals),
        }

    async def cmd_progress(self) -> dict[str, int]:
        """Answers so far (asked while a vote command runs: commands overlap)."""
        return {
            "acked": sum(len(c.acks) for c in self.clients),
            "errors": sum(len(c.errors) for c in self.clients),
        }

    async def cmd_screen_log(self) -> list[tuple[float, str, str, float]]:
        log, self.screen_log = self.screen_log, []
        return log

    async def cmd_quit(self) -> None:
        await self.cmd_page_close()
        for client in self.clients:
            if client.sock is not None:
                with contextlib.suppress(Exception):
                    client.sock.close()
        self.done.set()


def worker_main(conn: multiprocessing.connection.Connection, wid: int) -> None:
    """Entry point of one load-generator process."""
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    worker = Worker(conn, wid)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(worker.main())
    time.sleep(0.05)
