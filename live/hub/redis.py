"""Redis/Valkey hub: every process publishes and subscribes through one server, so many workers and
hosts serve one event together.

Per process there is exactly one pub/sub connection, multiplexing every topic, plus a pooled
client for PUBLISH (a connection in subscribe mode cannot publish), sent in batches
(live.hub.redis_publish). Local subscriptions get their own
bounded queues, fed by one reader.

The pub/sub connection belongs to a supervisor task. Per connection it starts one reader and one
writer task (nothing else touches the socket), sends the heartbeat PINGs, runs the watchdog, and
drives this state machine:

    CONNECTED ──(read error, send error, watchdog: no reply for `watchdog_timeout`)──▶ DOWN
    DOWN ──(backoff sleep, connect, SUBSCRIBE every current topic)──▶ RESUBSCRIBING
    RESUBSCRIBING ──(every "subscribe" reply of that batch read)──▶ CONNECTED (ready)
    RESUBSCRIBING ──(any failure)──▶ DOWN (the backoff keeps growing)
    any state ──(close())──▶ CLOSED

We do not use redis-py's PubSub object: its implicit reconnect happens inside a read, resubscribes
behind our back and has been seen to stop delivering without any error. Here every transition is
explicit, and after a reconnect each topic's subscribers get RESET once Redis has confirmed the
topic again: whatever was published while we were away is lost, and RESET makes the receivers
re-read the store (bus messages only say *that* something changed).
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections import deque
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson
from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection, Connection, parse_url
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from live.hub.base import RESET, Mailbox, Message, notice_key
from live.hub.redis_publish import BatchPublisher

log = logging.getLogger("live.hub")

# As in MemoryHub: a subscriber this many distinct messages behind gets one RESET (Mailbox).
_QUEUE_LIMIT = 1024

_SCHEMES = {"redis": "redis", "rediss": "rediss", "valkey": "redis", "valkeys": "rediss"}


class HubError(Exception):
    """Base class of the hub's own errors."""


class HubUnavailable(HubError):
    """Redis cannot be reached, or the pub/sub connection is not healthy right now."""


class HubClosed(HubError):
    """The hub was closed (or never opened)."""


class RedisSubscription:
    """One local subscriber of a topic. Like MemorySubscription: a Mailbox (bounded, merging
    notices; overflow → RESET)."""

    def __init__(self, hub: RedisHub, topic: str, limit: int) -> None:
        self._hub = hub
        self.topic = topic
        self._mailbox = Mailbox(limit)
        self._closed = False

    def deliver(self, message: Message) -> None:
        self._mailbox.put(message)

    async def get(self) -> Message:
        return await self._mailbox.get()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._hub._release(self)


class _Topic:
    """A topic with at least one local subscriber; exists exactly as long as it has subscribers."""

    def __init__(self, channel: bytes, loop: asyncio.AbstractEventLoop) -> None:
        self.channel = channel
        self.subs: set[RedisSubscription] = set()
        # Resolved when Redis confirms the subscription on the current connection. Replaced by a
        # fresh pending future when the connection is lost, so that subscribe() calls made while
        # we are down wait for the new confirmation. A *pending* future is never replaced: its
        # waiters must see the confirmation of whichever connection delivers it.
        self.confirmed: asyncio.Future[None] = loop.create_future()
        # Set when the connection was lost: the next confirmation also delivers RESET.
        self.reset_on_confirm = False


class _Expected:
    """One "subscribe" reply we are waiting for: which topic entry asked, and whether it belongs
    to the resubscribe batch of a (re)connect."""

    __slots__ = ("batch", "topic")

    def __init__(self, topic: _Topic, batch: bool) -> None:
        self.topic = topic
        self.batch = batch


class _Link:
    """One pub/sub connection and the bookkeeping that dies with it."""

    def __init__(self, conn: AbstractConnection, attempt: int, now: float) -> None:
        self.conn = conn
        self.attempt = attempt  # the reconnect attempt that made it (0: the one from open())
        self.last_seen = now  # last time any reply was read: what the watchdog judges
        self.ready = False  # the resubscribe batch is confirmed
        self.ready_at: float | None = None
        self.pending_batch = 0
        # Per channel, the SUBSCRIBEs sent on this connection whose reply is not read yet, oldest
        # first. Redis answers in order, so the head is the one a "subscribe" reply belongs to.
        # This matters when a topic is dropped and re-created before the old reply arrived: the
        # old reply must not confirm the new entry (its SUBSCRIBE may not have reached Redis).
        self.expected: dict[bytes, deque[_Expected]] = {}
        # Commands to write, in order. Only the link's writer task writes to the socket:
        # callers enqueue synchronously, so a cancelled caller can never abort a half-written
        # command (redis-py drops the whole connection then), and the order on the wire is
        # exactly the order of the calls.
        self.outbox: list[bytes] = []
        self.wake = asyncio.Event()
        self.error: BaseException | None = None
        self.reader: asyncio.Task[None] | None = None
        self.writer: asyncio.Task[None] | None = None

    def expect(self, topic: _Topic, *, batch: bool = False) -> None:
        self.expected.setdefault(topic.channel, deque()).append(_Expected(topic, batch))
        if batch:
            self.pending_batch += 1

    def send(self, *args: bytes) -> None:
        """Queue a command; never blocks, never raises. On a dead link it is dropped: the next
        connection resubscribes whatever the hub's topics are by then."""
        if self.error is None:
            self.outbox.extend(self.conn.pack_command(*args))
            self.wake.set()

    def fail(self, error: BaseException) -> None:
        """Mark the link dead (from any task); the supervisor notices via the reader's end."""
        if self.error is None:
            self.error = error
        self.wake.set()  # the writer exits
        if self.reader is not None:
            self.reader.cancel()


class RedisHub:
    def __init__(
        self,
        url: str,
        *,
        prefix: str = "live:",
        heartbeat_interval: float = 1.0,
        watchdog_timeout: float = 4.0,
        io_timeout: float = 2.0,
        backoff_initial: float = 0.1,
        backoff_max: float = 5.0,
        subscribe_timeout: float = 5.0,
        queue_limit: int = _QUEUE_LIMIT,
    ) -> None:
        """Timings in seconds:

        - heartbeat_interval: PING on the pub/sub connection this often (each reply proves it
          alive; an idle subscriber otherwise never finds out that its connection is dead).
        - watchdog_timeout: no reply at all for this long → the connection counts as dead
          (half-open TCP, a frozen server); should cover a few heartbeats.
        - io_timeout: socket connect/read/write timeout for commands (PUBLISH, PING, connect
          handshake), so that a call fails instead of hanging when Redis is gone.
        - backoff_initial / backoff_max: reconnect delay, doubling per failed attempt, jittered.
        - subscribe_timeout: how long subscribe() waits for Redis' confirmation (it may span a
          reconnect) before it gives up with HubUnavailable.
        """
        self._url = _normalise_url(url)
        self._safe_url = _redact(self._url)
        self._prefix = prefix
        self._prefix_bytes = prefix.encode()
        self._heartbeat_interval = heartbeat_interval
        self._watchdog_timeout = watchdog_timeout
        self._io_timeout = io_timeout
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._subscribe_timeout = subscribe_timeout
        self._queue_limit = queue_limit

        # Publishing: a pooled client that fails fast (one batch at a time uses one connection
        # of it; a ping at /healthz another). One retry lets a stale pooled connection
        # (e.g. after a Redis restart) be replaced transparently; more would only delay the error.
        self._publisher: Redis = Redis.from_url(
            self._url,
            socket_timeout=io_timeout,
            socket_connect_timeout=io_timeout,
            retry=Retry(NoBackoff(), 1),
            client_name="live-hub-pub",
        )
        self._batches = BatchPublisher(self._publisher, io_timeout)
        # Subscribing: the one pub/sub connection, made by hand (not from a pool). The URL's own
        # options apply, except three that the supervisor relies on: RESP2 (replies are plain
        # arrays), no retries (the supervisor owns reconnecting) and no health checks (they
        # would read from the socket behind the reader's back).
        sub_options: dict[str, Any] = {
            "socket_timeout": io_timeout,
            "socket_connect_timeout": io_timeout,
            "socket_keepalive": True,
            "client_name": "live-hub-sub",
        }
        sub_options.update(parse_url(self._url))
        sub_options.update(protocol=2, retry=Retry(NoBackoff(), 0), health_check_interval=0)
        self._sub_class: type[AbstractConnection] = sub_options.pop("connection_class", Connection)
        self._sub_options = sub_options

        self._topics: dict[str, _Topic] = {}
        self._link: _Link | None = None  # the attached connection; None while down
        self._owned: _Link | None = None  # the connection the supervisor holds, attached or not
        self._supervisor: asyncio.Task[None] | None = None
        self._opened = False
        self._closed = False

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisHub:
        # Pub/sub channels ignore the database number; put it into the prefix so that two
        # deployments on one server with different /db numbers do not hear each other.
        if "prefix" not in options:
            path = urlsplit(url).path.strip("/")
            options["prefix"] = f"live:{path}:" if path.isdigit() and path != "0" else "live:"
        return cls(url, **options)

    # -- lifecycle ------------------------------------------------------------------------------

    async def open(self) -> None:
        if self._opened:
            raise RuntimeError("RedisHub.open() called twice")
        self._opened = True
        # At start an unreachable Redis is a configuration error: fail loudly instead of
        # retrying in the background while the app claims to be up.
        try:
            await asyncio.wait_for(self._publisher.ping(), self._io_timeout * 2)
            link = await self._connect(attempt=0)
        except Exception as exc:
            self._closed = True
            await self._publisher.aclose()
            raise HubUnavailable(
                f"cannot reach Redis at {self._safe_url}: {_describe(exc)}"
            ) from exc
        self._owned = link
        self._attach(link)  # no topics yet: ready at once, so ping() works right after open()
        self._supervisor = asyncio.create_task(self._supervise(link), name="live-hub-supervisor")

    async def close(self) -> None:
        if self._closed:
            return
        # First, so that the supervisor stops at its next step even if a cancellation gets lost.
        self._closed = True
        task, self._supervisor = self._supervisor, None
        if task is not None:
            # Wherever the supervisor is (reading, heartbeating, sleeping in the backoff,
            # connecting), cancelling it is safe; see _supervise().
            await _cancel_and_wait(task)
        # The supervisor's own cleanup may have been cut short by a repeated cancellation:
        # drop its connection here too (_drop is idempotent).
        if self._owned is not None:
            await self._drop(self._owned)
        # Wake subscribe() calls still waiting for a confirmation; they raise HubClosed.
        for topic in self._topics.values():
            topic.confirmed.cancel()
        self._topics.clear()
        await self._batches.close(HubClosed("the hub was closed"))
        await self._publisher.aclose()

    async def ping(self) -> None:
        self._check_open()
        link = self._link
        if link is None or not link.ready:
            raise HubUnavailable(f"pub/sub connection to {self._safe_url} is down (reconnecting)")
        silent = asyncio.get_running_loop().time() - link.last_seen
        if silent > self._watchdog_timeout:
            raise HubUnavailable(f"pub/sub connection silent for {silent:.1f}s")
        try:
            await asyncio.wait_for(self._publisher.ping(), self._io_timeout * 2)
        except (RedisError, OSError, TimeoutError) as exc:
            raise HubUnavailable(
                f"Redis at {self._safe_url} does not answer: {_describe(exc)}"
            ) from exc

    # -- publish / subscribe --------------------------------------------------------------------

    async def publish(self, topic: str, message: Message) -> None:
        self._check_open()
        channel = self._prefix_bytes + topic.encode()
        try:
            await self._batches.publish(channel, orjson.dumps(message), notice_key(message))
        except (RedisError, OSError, TimeoutError) as exc:
            raise HubUnavailable(f"publish to {topic!r} failed: {_describe(exc)}") from exc

    async def subscribe(self, topic: str) -> RedisSubscription:
        self._check_open()
        loop = asyncio.get_running_loop()
        sub = RedisSubscription(self, topic, self._queue_limit)
        entry = self._topics.get(topic)
        if entry is None:
            entry = _Topic(self._prefix_bytes + topic.encode(), loop)
            self._topics[topic] = entry
            entry.subs.add(sub)
            link = self._link
            if link is not None:
                # Connected (or resubscribing): ask now. While down there is nothing to send:
                # the supervisor subscribes every entry of self._topics when it reconnects. The
                # two cannot miss each other: both this block and _attach() (which sets
                # self._link and snapshots self._topics) run without awaiting.
                link.expect(entry)
                link.send(b"SUBSCRIBE", entry.channel)
        else:
            entry.subs.add(sub)
        confirmed = entry.confirmed
        if not confirmed.done():
            try:
                # asyncio.wait, not wait_for: the future is shared with other subscribers and
                # must not be cancelled when this one gives up.
                done, _ = await asyncio.wait({confirmed}, timeout=self._subscribe_timeout)
            except BaseException:
                self._release(sub)  # cancelled: leave, UNSUBSCRIBE if it was the last one
                raise
            if not done:
                self._release(sub)
                raise HubUnavailable(
                    f"Redis did not confirm the subscription to {topic!r} within "
                    f"{self._subscribe_timeout}s"
                )
        # close() cancels pending confirmations.
        if self._closed or confirmed.cancelled():
            raise HubClosed("the hub was closed while subscribing")
        return sub

    def _release(self, sub: RedisSubscription) -> None:
        """Remove a local subscriber; after the last one of a topic, UNSUBSCRIBE in Redis."""
        entry = self._drop_sub(sub)
        link = self._link
        # While down, forgetting the entry is enough: the reconnect will not resubscribe it.
        if entry is not None and link is not None:
            link.send(b"UNSUBSCRIBE", entry.channel)

    def _drop_sub(self, sub: RedisSubscription) -> _Topic | None:
        """Remove a subscriber; returns the topic entry if that was its last one."""
        entry = self._topics.get(sub.topic)
        if entry is None or sub not in entry.subs:
            return None
        entry.subs.discard(sub)
        if entry.subs:
            return None
        del self._topics[sub.topic]
        # Nobody waits on it any more (a waiter is itself a subscriber of the entry).
        entry.confirmed.cancel()
        return entry

    def _check_open(self) -> None:
        if self._closed or not self._opened:
            raise HubClosed("the hub is not open")

    # -- the pub/sub connection -----------------------------------------------------------------

    async def _connect(self, attempt: int) -> _Link:
        conn = self._sub_class(**self._sub_options)
        try:
            # The socket timeouts bound each step; this bounds the whole handshake.
            async with asyncio.timeout(self._io_timeout * 2):
                await conn.connect()  # type: ignore[no-untyped-call]  # unannotated in redis-py
        except BaseException:
            await _disconnect(conn)
            raise
        return _Link(conn, attempt, asyncio.get_running_loop().time())

    def _attach(self, link: _Link) -> None:
        """Make `link` current, start its reader and writer and SUBSCRIBE every current topic.
        Synchronous on purpose: a concurrent subscribe() either created its entry before this
        (it is in the batch) or sees self._link set and sends its own SUBSCRIBE, never neither."""
        self._link = link
        link.reader = asyncio.create_task(self._read(link), name="live-hub-reader")
        link.writer = asyncio.create_task(self._write(link), name="live-hub-writer")
        channels = []
        for entry in self._topics.values():
            link.expect(entry, batch=True)
            channels.append(entry.channel)
        if channels:
            link.send(b"SUBSCRIBE", *channels)
        else:
            self._mark_ready(link)

    def _detach(self, link: _Link) -> None:
        if self._link is link:
            self._link = None
        loop = asyncio.get_running_loop()
        for entry in self._topics.values():
            # Messages may be lost from now until the topic is confirmed again.
            entry.reset_on_confirm = True
            if entry.confirmed.done():
                entry.confirmed = loop.create_future()

    async def _write(self, link: _Link) -> None:
        """The only writer of the pub/sub connection. A failed write breaks the link; the
        supervisor then reconnects and resubscribes whatever self._topics holds by then."""
        while True:
            await link.wake.wait()
            link.wake.clear()
            if link.error is not None:
                return
            chunks, link.outbox = link.outbox, []
            if not link.conn.is_connected:
                # redis-py would quietly open a fresh socket here: one without our channels.
                link.fail(ConnectionError("pub/sub connection closed"))
                return
            try:
                # Bounded by the socket timeout: a peer that stopped reading fails the link.
                await link.conn.send_packed_command(chunks, check_health=False)
            except Exception as exc:
                link.fail(exc)
                return

    async def _read(self, link: _Link) -> None:
        """The only reader of the pub/sub connection; ends (raises) when the connection breaks."""
        loop = asyncio.get_running_loop()
        while True:
            # math.inf: block without the socket timeout; the watchdog judges silence.
            reply = await link.conn.read_response(timeout=math.inf, disconnect_on_error=False)
            link.last_seen = loop.time()
            if not isinstance(reply, list) or not reply:
                continue  # b"PONG" while no channel is subscribed
            kind = reply[0]
            if kind == b"message":
                self._dispatch(reply[1], reply[2])
            elif kind == b"subscribe":
                self._confirm(link, reply[1])
            # "unsubscribe" and "pong" replies only prove liveness.

    def _dispatch(self, channel: bytes, data: bytes) -> None:
        if not channel.startswith(self._prefix_bytes):
            return
        entry = self._topics.get(channel[len(self._prefix_bytes) :].decode())
        if entry is None:
            return  # unsubscribed meanwhile
        try:
            message = orjson.loads(data)
        except orjson.JSONDecodeError:
            log.warning("hub: dropping a malformed message on %r", channel)
            return
        if not isinstance(message, dict):
            log.warning("hub: dropping a non-object message on %r", channel)
            return
        for sub in tuple(entry.subs):
            sub.deliver(message)

    def _confirm(self, link: _Link, channel: bytes) -> None:
        queue = link.expected.get(channel)
        if not queue:
            return  # not ours (cannot happen with a well-behaved server)
        expected = queue.popleft()
        if not queue:
            del link.expected[channel]
        entry = expected.topic
        if self._topics.get(channel[len(self._prefix_bytes) :].decode()) is entry:
            if entry.reset_on_confirm:
                # Subscribed again: from here on nothing is lost, so now — not earlier — tell
                # the receivers to re-read; a re-read before this point could miss a change.
                entry.reset_on_confirm = False
                for sub in tuple(entry.subs):
                    sub.deliver(RESET)
            if not entry.confirmed.done():
                entry.confirmed.set_result(None)
        if expected.batch:
            link.pending_batch -= 1
            if link.pending_batch == 0:
                self._mark_ready(link)

    def _mark_ready(self, link: _Link) -> None:
        link.ready = True
        link.ready_at = asyncio.get_running_loop().time()
        if link.attempt:
            log.warning(
                "hub: reconnected to %s on attempt %d; %d topic(s) subscribed again",
                self._safe_url,
                link.attempt,
                len(self._topics),
            )

    async def _supervise(self, first: _Link) -> None:
        """Owns the pub/sub connection for the hub's lifetime; only close() ends it.

        close() cancels this task wherever it is, and every await here is safe to cancel: the
        backoff sleep holds nothing; _connect() closes its half-made socket; a connection we
        hold is in self._owned, which the finally-block (or else close()) drops. Topics stay
        as they are; close() cancels their pending confirmations."""
        loop = asyncio.get_running_loop()
        link: _Link | None = first  # open() attached it already
        failures = 0
        while not self._closed:
            error: BaseException | None = None
            try:
                if link is None:
                    link, failures = await self._reconnect(failures)
                    # No await between connecting and attaching (see _attach()).
                    self._owned = link
                    self._attach(link)
                await self._watch(link)
            except Exception as exc:
                error = exc
            finally:
                if link is not None:
                    await self._drop(link)
            # A connection that stayed healthy for a while resets the backoff; one that dies
            # right after connecting (a flapping server) keeps it growing.
            if (
                link is not None
                and link.ready_at is not None
                and loop.time() - link.ready_at >= self._backoff_max
            ):
                failures = 0
            if not self._closed:
                log.warning(
                    "hub: pub/sub connection to %s lost: %s", self._safe_url, _describe(error)
                )
            link = None

    async def _watch(self, link: _Link) -> None:
        """Heartbeat and watchdog; returns only by raising when the link is dead."""
        loop = asyncio.get_running_loop()
        assert link.reader is not None
        while not self._closed:
            started = loop.time()
            await asyncio.wait({link.reader}, timeout=self._heartbeat_interval)
            now = loop.time()
            if link.reader.done():
                if link.error is not None:
                    raise HubUnavailable(f"pub/sub connection broke: {_describe(link.error)}")
                if link.reader.cancelled():
                    raise HubUnavailable("pub/sub reader stopped")
                raise link.reader.exception() or HubUnavailable("pub/sub connection closed")
            # If we ourselves woke up far too late, the event loop was blocked: the replies may
            # be sitting unread in the socket. Judge silence only once the reader had a turn.
            stalled = now - started > self._heartbeat_interval + self._watchdog_timeout / 2
            silent = now - link.last_seen
            if silent > self._watchdog_timeout and not stalled:
                # Half-open TCP or a frozen server: no error will ever come, only silence.
                raise HubUnavailable(f"no reply on the pub/sub connection for {silent:.1f}s")
            link.send(b"PING")
        raise HubClosed("closing")

    async def _drop(self, link: _Link) -> None:
        """Stop the link's reader and writer and close its socket. Idempotent."""
        link.fail(HubUnavailable("connection dropped"))
        self._detach(link)
        await _cancel_and_wait(link.reader, link.writer)
        await _disconnect(link.conn)
        if self._owned is link:
            self._owned = None

    async def _reconnect(self, failures: int) -> tuple[_Link, int]:
        """Back off and connect; loops until connected. Returns the (unattached) link and the
        number of failures so far, this attempt included."""
        while True:
            failures += 1
            delay = min(self._backoff_max, self._backoff_initial * 2 ** (failures - 1))
            # Jitter: the workers of all hosts lost Redis at the same moment; do not let them
            # come back in lockstep.
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            try:
                return await self._connect(attempt=failures), failures
            except Exception as exc:
                log.warning(
                    "hub: reconnect attempt %d to %s failed: %s",
                    failures,
                    self._safe_url,
                    _describe(exc),
                )


async def _cancel_and_wait(*tasks: asyncio.Task[None] | None) -> None:
    """Cancel tasks and wait until they have ended. Cancels again while they run: Python 3.11's
    asyncio.wait_for (used inside redis-py) swallows a cancellation that arrives just as the
    operation it waits for completes, and the task then carries on as if nothing happened."""
    pending = {task for task in tasks if task is not None and not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=0.1)


async def _disconnect(conn: AbstractConnection) -> None:
    try:
        await conn.disconnect(nowait=True)
    except Exception:  # closing a broken socket: nothing left to save
        log.debug("hub: error while closing a connection", exc_info=True)


def _describe(error: BaseException | None) -> str:
    # redis-py's exception reprs are terse ("network:ConnectionError"); say what happened.
    if error is None:
        return "unknown error"
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _normalise_url(url: str) -> str:
    """valkey:// and valkeys:// are redis:// and rediss:// to redis-py."""
    scheme, rest = url.split(":", 1)
    if scheme not in _SCHEMES:
        raise ValueError(f"unsupported hub URL scheme: {scheme!r}")
    return _SCHEMES[scheme] + ":" + rest


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:" if parts.username else ":"
    return urlunsplit(parts._replace(netloc=f"{user}***@{netloc}"))
