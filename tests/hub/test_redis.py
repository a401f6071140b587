"""RedisHub only: several processes, real UNSUBSCRIBEs, and recovery from a failing Redis.

Fault tests run against their own redis-server (redis_factory) and drive it from a thread
(`asyncio.to_thread`): stopping or starting a server blocks, and the hub must keep running
meanwhile, as it would in production. No test calls subscribe() again after a fault: the hub
has to recover by itself.

No test measures how long something took: a test waits for what must happen (timeouts there
only bound a hang), and a limit that must end a call shows in the error it raises.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator, Callable

import orjson
import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

import live.hub.redis as redis_hub_module
from live.hub import RESET
from live.hub.redis import HubClosed, HubUnavailable, RedisHub
from tests.hub.conftest import (
    FAST,
    SHORT_LIMITS,
    RedisHubFactory,
    assert_silent,
    receive,
    unique_prefix,
)
from tests.support.redis import RedisServer
from tests.support.server import free_port

ServerFactory = Callable[[], RedisServer]

# Bounds a hang while the hub reconnects (FAST's backoff: ≤ 0.4 s between attempts).
RECOVERY = 20.0


@pytest.fixture
async def admin(redis_server: RedisServer) -> AsyncIterator[Redis]:
    """A plain client of the session server, for PUBSUB NUMSUB and the like."""
    client = Redis.from_url(redis_server.url, socket_timeout=5)
    yield client
    await client.aclose()


async def numsub(client: Redis, channel: str) -> int:
    [(_, count)] = await client.pubsub_numsub(channel)
    return int(count)


async def wait_until(check: Callable[[], object], timeout: float = RECOVERY) -> None:
    """Poll an async or sync condition until true; fail after `timeout` (which only bounds a
    hang: the condition must come true by itself)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)


async def hub_ping_fails(hub: RedisHub) -> bool:
    try:
        await asyncio.wait_for(hub.ping(), RECOVERY)  # ping() has limits of its own
    except HubUnavailable:
        return True
    return False


async def hub_ping_ok(hub: RedisHub) -> bool:
    return not await hub_ping_fails(hub)


# -- several processes, reference counting ------------------------------------------------------


async def test_two_hubs_exchange_messages_both_ways(redis_hub_factory: RedisHubFactory) -> None:
    prefix = unique_prefix()  # two "processes" of one deployment share the prefix
    one = await redis_hub_factory(prefix=prefix)
    two = await redis_hub_factory(prefix=prefix)
    sub_one = await one.subscribe("r1")
    sub_two = await two.subscribe("r1")
    await one.publish("r1", {"type": "from", "hub": 1})
    await two.publish("r1", {"type": "from", "hub": 2})
    # Both see both; each sees the two in publish order (one after the other, awaited).
    assert [await receive(sub_one), await receive(sub_one)] == [
        {"type": "from", "hub": 1},
        {"type": "from", "hub": 2},
    ]
    assert [await receive(sub_two), await receive(sub_two)] == [
        {"type": "from", "hub": 1},
        {"type": "from", "hub": 2},
    ]


async def test_prefixes_isolate_deployments(redis_hub_factory: RedisHubFactory) -> None:
    one = await redis_hub_factory()
    other = await redis_hub_factory()  # another unique prefix
    sub = await one.subscribe("r1")
    await other.publish("r1", {"type": "elsewhere"})
    await one.publish("r1", {"type": "here"})
    assert await receive(sub) == {"type": "here"}
    await assert_silent(sub)


async def test_closing_the_last_subscriber_unsubscribes_in_redis(
    redis_hub_factory: RedisHubFactory, admin: Redis
) -> None:
    prefix = unique_prefix()
    hub = await redis_hub_factory(prefix=prefix)
    sub = await hub.subscribe("r1")
    assert await numsub(admin, prefix + "r1") == 1
    await sub.close()
    await wait_until(lambda: _numsub_is(admin, prefix + "r1", 0))


async def test_topics_are_reference_counted(
    redis_hub_factory: RedisHubFactory, admin: Redis
) -> None:
    prefix = unique_prefix()
    hub = await redis_hub_factory(prefix=prefix)
    first = await hub.subscribe("r1")
    second = await hub.subscribe("r1")
    third = await hub.subscribe("r1")
    # One connection per process: three local subscribers are one Redis subscriber.
    assert await numsub(admin, prefix + "r1") == 1

    await first.close()
    await second.close()
    # Barrier: a confirmed subscription to another topic means Redis has processed everything
    # the hub sent before it, so an UNSUBSCRIBE (wrongly) sent for r1 would show by now.
    await hub.subscribe("barrier")
    assert await numsub(admin, prefix + "r1") == 1
    await hub.publish("r1", {"type": "x"})
    assert await receive(third) == {"type": "x"}

    await third.close()
    await wait_until(lambda: _numsub_is(admin, prefix + "r1", 0))
    again = await hub.subscribe("r1")
    assert await numsub(admin, prefix + "r1") == 1
    await hub.publish("r1", {"type": "y"})
    assert await receive(again) == {"type": "y"}


async def _numsub_is(client: Redis, channel: str, expected: int) -> bool:
    return await numsub(client, channel) == expected


@contextlib.asynccontextmanager
async def hub_alone(redis_factory: ServerFactory) -> AsyncIterator[tuple[RedisHub, Redis]]:
    """An opened hub on a redis-server of its own (its connections are the only ones there),
    and a plain client of that server."""
    server = redis_factory()
    hub = RedisHub.from_url(server.url, prefix=unique_prefix(), **FAST)
    await hub.open()
    client = Redis.from_url(server.url, socket_timeout=5)
    try:
        yield hub, client
    finally:
        await client.aclose()
        await hub.close()


async def test_one_pubsub_connection_for_all_topics(redis_factory: ServerFactory) -> None:
    async with hub_alone(redis_factory) as (hub, client):
        subs = [await hub.subscribe(f"r{n}") for n in range(10)]
        listing = await client.client_list(_type="pubsub")
        assert [entry["name"] for entry in listing] == ["live-hub-sub"]
        assert int(listing[0]["sub"]) == 10
        for sub in subs:
            await sub.close()


async def test_a_burst_of_publishes_is_sent_in_batches_on_one_connection(
    redis_factory: ServerFactory,
) -> None:
    """Hundreds of publishes at once (a vote burst: each vote publishes a notice) all arrive, in
    order, over one publishing connection. One PUBLISH per call on a pooled connection each ran
    redis-py's pool (100) dry and lost the rest with "Too many connections"."""
    async with hub_alone(redis_factory) as (hub, client):
        sub = await hub.subscribe("r1")
        await asyncio.gather(*(hub.publish("r1", {"type": "n", "i": i}) for i in range(500)))
        assert [await receive(sub) for _ in range(500)] == [
            {"type": "n", "i": i} for i in range(500)
        ]
        names = [entry["name"] for entry in await client.client_list()]
        assert names.count("live-hub-pub") == 1


async def test_notices_of_one_batch_that_differ_only_in_version_are_merged(
    redis_hub_factory: RedisHubFactory,
) -> None:
    """As a receiver's mailbox would merge them: only the newest goes out."""
    hub = await redis_hub_factory()
    sub = await hub.subscribe("r1")
    await asyncio.gather(
        hub.publish("r1", {"type": "poll.voted", "poll": "p1", "version": 1}),
        hub.publish("r1", {"type": "poll.voted", "poll": "p2", "version": 2}),
        hub.publish("r1", {"type": "poll.voted", "poll": "p1", "version": 3}),
    )
    assert [await receive(sub), await receive(sub)] == [
        {"type": "poll.voted", "poll": "p2", "version": 2},
        {"type": "poll.voted", "poll": "p1", "version": 3},
    ]
    await assert_silent(sub)


async def test_a_cancelled_subscribe_leaves_no_redis_subscription(
    redis_hub_factory: RedisHubFactory, admin: Redis
) -> None:
    prefix = unique_prefix()
    hub = await redis_hub_factory(prefix=prefix)
    for _ in range(20):
        pending = asyncio.create_task(hub.subscribe("r1"))
        await asyncio.sleep(0)  # let it send SUBSCRIBE, then give up before the reply
        pending.cancel()
        await asyncio.wait({pending})
        # Subscribing again at once: the stale reply of the cancelled SUBSCRIBE must not count
        # as this one's confirmation.
        sub = await hub.subscribe("r1")
        await hub.publish("r1", {"type": "x"})
        assert await receive(sub) == {"type": "x"}
        await sub.close()
    await wait_until(lambda: _numsub_is(admin, prefix + "r1", 0))


async def test_subscribe_waits_for_the_confirmation_not_just_the_write(
    redis_hub_factory: RedisHubFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On localhost a SUBSCRIBE practically always reaches Redis before a PUBLISH sent after it,
    # so the contract test's loop cannot tell "written" from "confirmed". Here every SUBSCRIBE
    # leaves late (a slow network path): only waiting for Redis' reply keeps the message.
    hub = await redis_hub_factory()
    send = redis_hub_module._Link.send

    def late_send(link: redis_hub_module._Link, *args: bytes) -> None:
        if args[0] == b"SUBSCRIBE":
            asyncio.get_running_loop().call_later(0.03, lambda: send(link, *args))
        else:
            send(link, *args)

    monkeypatch.setattr(redis_hub_module._Link, "send", late_send)
    for n in range(20):
        topic = f"t{n}"
        sub = await hub.subscribe(topic)
        await hub.publish(topic, {"type": "x", "n": n})
        assert await receive(sub) == {"type": "x", "n": n}


async def test_bad_payloads_on_our_channels_are_dropped(
    redis_hub_factory: RedisHubFactory, admin: Redis
) -> None:
    prefix = unique_prefix()
    hub = await redis_hub_factory(prefix=prefix)
    sub = await hub.subscribe("r1")
    await admin.publish(prefix + "r1", b"not json")
    await admin.publish(prefix + "r1", b"[1, 2]")
    await admin.publish(prefix + "r1", orjson.dumps({"type": "fine"}))
    assert await receive(sub) == {"type": "fine"}


# -- lifecycle ----------------------------------------------------------------------------------


async def test_open_fails_clearly_when_redis_is_unreachable() -> None:
    hub = RedisHub.from_url(f"redis://127.0.0.1:{free_port()}/0", **FAST)
    with pytest.raises(HubUnavailable, match="cannot reach Redis") as caught:
        await asyncio.wait_for(hub.open(), RECOVERY)
    # Refused at once, not given up after a timeout (that would be a TimeoutError).
    assert isinstance(caught.value.__cause__, RedisConnectionError)
    await hub.close()  # harmless after a failed open


async def test_url_password_is_not_in_errors() -> None:
    hub = RedisHub.from_url(f"redis://:s3cret@127.0.0.1:{free_port()}/0", **FAST)
    with pytest.raises(HubUnavailable) as caught:
        await asyncio.wait_for(hub.open(), 10)
    assert "s3cret" not in str(caught.value)
    assert "***" in str(caught.value)


async def test_valkey_scheme_is_accepted(redis_server: RedisServer) -> None:
    hub = RedisHub.from_url(f"valkey://127.0.0.1:{redis_server.port}/0", **FAST)
    await hub.open()
    try:
        await hub.ping()
    finally:
        await hub.close()


async def test_closed_hub_refuses_work(redis_hub_factory: RedisHubFactory) -> None:
    hub = await redis_hub_factory()
    sub = await hub.subscribe("r1")
    await hub.close()
    with pytest.raises(HubClosed):
        await hub.publish("r1", {"type": "x"})
    with pytest.raises(HubClosed):
        await hub.subscribe("r1")
    with pytest.raises(HubClosed):
        await hub.ping()
    await sub.close()  # after the hub: still fine


# -- faults -------------------------------------------------------------------------------------


async def test_a_restarted_server_is_reconnected_with_a_reset(
    redis_factory: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """(a) Redis restarts: the hub reconnects by itself, resubscribes, the subscription gets
    RESET (messages may have been lost meanwhile) and later messages arrive again."""
    server = redis_factory()
    hub = RedisHub.from_url(server.url, prefix=unique_prefix(), **FAST)
    await hub.open()
    try:
        sub = await hub.subscribe("r1")
        await hub.publish("r1", {"type": "before"})
        assert await receive(sub) == {"type": "before"}

        with caplog.at_level(logging.WARNING, logger="live.hub"):
            await asyncio.to_thread(server.restart)
            assert await receive(sub, RECOVERY) == RESET

        await hub.publish("r1", {"type": "after"})
        assert await receive(sub) == {"type": "after"}
        await hub.ping()
        assert any("reconnected" in r.getMessage() for r in caplog.records)
    finally:
        await hub.close()


async def test_a_killed_server_fails_health_until_it_is_back(
    redis_factory: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """(b) Redis crashes and stays away past the watchdog: ping() raises (→ /healthz 503),
    reconnect attempts are logged with their number, a subscribe() made during the outage
    completes once Redis is back, and the old subscription recovers with a RESET."""
    server = redis_factory()
    hub = RedisHub.from_url(server.url, prefix=unique_prefix(), **FAST)
    await hub.open()
    try:
        sub = await hub.subscribe("r1")
        await hub.ping()
        with caplog.at_level(logging.WARNING, logger="live.hub"):
            await asyncio.to_thread(server.kill)
            await wait_until(lambda: hub_ping_fails(hub))
            during = asyncio.create_task(hub.subscribe("r2"))  # arrives while reconnecting
            await asyncio.sleep(0.3)
            assert not during.done()

            await asyncio.to_thread(server.start)  # same port
            assert await receive(sub, RECOVERY) == RESET
            late = await asyncio.wait_for(during, RECOVERY)
        await wait_until(lambda: hub_ping_ok(hub))

        await hub.publish("r1", {"type": "r1"})
        await hub.publish("r2", {"type": "r2"})
        assert await receive(sub) == {"type": "r1"}
        # A RESET first is allowed (not required): the topic was new during the outage.
        while (message := await receive(late)) == RESET:
            pass
        assert message == {"type": "r2"}
        messages = [r.getMessage() for r in caplog.records]
        assert any("reconnect attempt 1 " in m for m in messages), messages
        assert any("reconnected" in m and "on attempt" in m for m in messages), messages
    finally:
        await hub.close()


async def test_a_killed_pubsub_connection_is_noticed_and_replaced(
    redis_factory: ServerFactory,
) -> None:
    """(c) The server drops our pub/sub connection (CLIENT KILL TYPE pubsub, as on a timeout
    or a failover proxy) while the publish side stays fine: the hub reconnects and resubscribes
    on its own."""
    server = redis_factory()
    hub = RedisHub.from_url(server.url, prefix=unique_prefix(), **FAST)
    await hub.open()
    client = Redis.from_url(server.url, socket_timeout=5)
    try:
        sub = await hub.subscribe("r1")
        [before] = await client.client_list(_type="pubsub")
        assert await client.client_kill_filter(_type="pubsub") == 1  # CLIENT KILL TYPE pubsub
        assert await receive(sub, RECOVERY) == RESET
        [after] = await client.client_list(_type="pubsub")
        assert after["id"] != before["id"]
        await hub.publish("r1", {"type": "x"})
        assert await receive(sub) == {"type": "x"}
    finally:
        await client.aclose()
        await hub.close()


async def test_a_silent_connection_is_caught_by_the_watchdog(
    redis_factory: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """(c') A truly half-open connection: the server process is frozen (SIGSTOP), so the socket
    stays open and no error ever arrives. Only the heartbeat/watchdog can notice; once the
    server runs again the hub recovers."""
    server = redis_factory()
    assert server.process is not None
    pid = server.process.pid
    hub = RedisHub.from_url(server.url, prefix=unique_prefix(), **{**FAST, **SHORT_LIMITS})
    await hub.open()
    try:
        sub = await hub.subscribe("r1")
        with caplog.at_level(logging.WARNING, logger="live.hub"):
            os.kill(pid, signal.SIGSTOP)
            try:
                await wait_until(lambda: any("no reply" in r.getMessage() for r in caplog.records))
                assert await hub_ping_fails(hub)
            finally:
                os.kill(pid, signal.SIGCONT)
            assert await receive(sub, RECOVERY) == RESET
        await hub.publish("r1", {"type": "x"})
        assert await receive(sub) == {"type": "x"}
        await wait_until(lambda: hub_ping_ok(hub))
    finally:
        with_pid_running(pid)
        await hub.close()


def with_pid_running(pid: int) -> None:
    # Never leave a stopped redis-server behind (its SIGTERM at teardown would wait forever).
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGCONT)


async def test_publish_while_down_fails_fast_and_works_again_after(
    redis_factory: ServerFactory,
) -> None:
    """(d) No hang while Redis is away: publish raises within the socket timeouts (the service
    logs it and carries on) and succeeds again once Redis is back."""
    server = redis_factory()
    hub = RedisHub.from_url(server.url, prefix=unique_prefix(), **FAST)
    await hub.open()
    try:
        sub = await hub.subscribe("r1")
        await hub.publish("r1", {"type": "warm"})  # a pooled publish connection exists
        assert await receive(sub) == {"type": "warm"}
        await asyncio.to_thread(server.kill)
        for _ in range(3):
            with pytest.raises(HubUnavailable) as caught:
                await asyncio.wait_for(hub.publish("r1", {"type": "lost"}), RECOVERY)
            # Refused at once, not given up after the socket timeout.
            assert isinstance(caught.value.__cause__, RedisConnectionError)
        await asyncio.to_thread(server.start)
        assert await receive(sub, RECOVERY) == RESET
        await hub.publish("r1", {"type": "back"})
        assert await receive(sub) == {"type": "back"}
    finally:
        await hub.close()


async def test_publish_to_a_frozen_server_times_out(redis_factory: ServerFactory) -> None:
    """(d') Even with the TCP connection open but no answer, publish gives up by itself: its
    timeout ends it (the test's own, far longer bound would raise a bare TimeoutError)."""
    server = redis_factory()
    assert server.process is not None
    pid = server.process.pid
    hub = RedisHub.from_url(server.url, prefix=unique_prefix(), **{**FAST, **SHORT_LIMITS})
    await hub.open()
    try:
        os.kill(pid, signal.SIGSTOP)
        try:
            with pytest.raises(HubUnavailable) as caught:
                await asyncio.wait_for(hub.publish("r1", {"type": "x"}), RECOVERY)
            assert isinstance(caught.value.__cause__, TimeoutError | RedisTimeoutError)
        finally:
            os.kill(pid, signal.SIGCONT)
    finally:
        with_pid_running(pid)
        await hub.close()


async def test_close_during_the_backoff_returns_promptly(redis_factory: ServerFactory) -> None:
    server = redis_factory()
    # A long backoff: close() must not wait for it.
    options = {**FAST, "backoff_initial": 30.0, "backoff_max": 30.0}
    hub = RedisHub.from_url(server.url, prefix=unique_prefix(), **options)
    await hub.open()
    sub = await hub.subscribe("r1")
    await asyncio.to_thread(server.kill)
    await wait_until(lambda: hub_ping_fails(hub))
    pending = asyncio.create_task(hub.subscribe(f"r-{uuid.uuid4().hex}"))
    await asyncio.sleep(0.1)
    assert not pending.done()
    # Within a third of the backoff, however busy the machine: close() does not wait for it.
    await asyncio.wait_for(hub.close(), 10)
    # A subscribe() waiting for the reconnect learns that the hub is gone.
    with pytest.raises((HubClosed, HubUnavailable)):
        await asyncio.wait_for(pending, 10)
    leftovers = [t for t in asyncio.all_tasks() if t.get_name().startswith("live-hub")]
    assert leftovers == []
    await sub.close()


async def test_a_blocked_event_loop_is_not_mistaken_for_a_dead_connection(
    redis_hub_factory: RedisHubFactory, caplog: pytest.LogCaptureFixture
) -> None:
    # A worker busy for longer than the watchdog timeout (a slow render, a GC pause) has its
    # PONGs waiting unread in the socket: that is no reason to reconnect and RESET every room.
    hub = await redis_hub_factory(**SHORT_LIMITS)
    sub = await hub.subscribe("r1")
    with caplog.at_level(logging.WARNING, logger="live.hub"):
        time.sleep(2 * SHORT_LIMITS["watchdog_timeout"])  # blocks the loop on purpose
        await asyncio.sleep(3 * FAST["heartbeat_interval"])
    assert not [r for r in caplog.records if "lost" in r.getMessage()]
    await hub.publish("r1", {"type": "x"})
    assert await receive(sub) == {"type": "x"}
    await hub.ping()
