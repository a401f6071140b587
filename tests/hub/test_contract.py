"""The Hub contract: every backend passes this file unchanged (see conftest.BACKENDS).

Talks only to the Hub protocol of live/hub/base.py; nothing here may know which backend runs.
"""

from __future__ import annotations

import asyncio
import uuid

from live.hub import RESET, Hub
from tests.hub.conftest import assert_silent, receive


def fresh_topic() -> str:
    return f"room-{uuid.uuid4().hex[:8]}"


async def test_subscriber_receives_published_message(hub: Hub) -> None:
    sub = await hub.subscribe("r1")
    message = {"type": "poll.updated", "room": "r1", "version": 3, "poll": "p1"}
    await hub.publish("r1", message)
    assert await receive(sub) == message
    await sub.close()


async def test_message_round_trips_json_values(hub: Hub) -> None:
    sub = await hub.subscribe("r1")
    message = {"type": "x", "text": 'Grüße, 👋 "quoted"', "n": -7, "f": 1.5, "nested": {"a": [1]}}
    await hub.publish("r1", message)
    assert await receive(sub) == message


async def test_order_is_preserved_per_publisher(hub: Hub) -> None:
    sub = await hub.subscribe("r1")
    for n in range(200):
        await hub.publish("r1", {"type": "tick", "n": n})
    received = [(await receive(sub))["n"] for _ in range(200)]
    assert received == list(range(200))


async def test_every_subscriber_of_a_topic_gets_every_message(hub: Hub) -> None:
    subs = [await hub.subscribe("r1") for _ in range(3)]
    for n in range(20):
        await hub.publish("r1", {"type": "tick", "n": n})
    for sub in subs:
        assert [(await receive(sub))["n"] for _ in range(20)] == list(range(20))


async def test_topics_are_separate(hub: Hub) -> None:
    sub_a = await hub.subscribe("a")
    sub_b = await hub.subscribe("b")
    await hub.publish("a", {"type": "x", "n": 1})
    await hub.publish("b", {"type": "x", "n": 2})
    await hub.publish("a", {"type": "x", "n": 3})
    assert await receive(sub_a) == {"type": "x", "n": 1}
    assert await receive(sub_a) == {"type": "x", "n": 3}
    assert await receive(sub_b) == {"type": "x", "n": 2}
    # One publisher, one order: "a"/3 arrived, so anything meant for "b" would have too.
    await assert_silent(sub_b)
    await assert_silent(sub_a)


async def test_many_topics_subscribed_concurrently(hub: Hub) -> None:
    topics = [fresh_topic() for _ in range(30)]
    subs = await asyncio.gather(*(hub.subscribe(topic) for topic in topics))
    for n, topic in enumerate(topics):
        await hub.publish(topic, {"type": "x", "n": n})
    for n, sub in enumerate(subs):
        assert await receive(sub) == {"type": "x", "n": n}


async def test_closed_subscription_stops_receiving(hub: Hub) -> None:
    gone = await hub.subscribe("r1")
    stays = await hub.subscribe("r1")
    await gone.close()
    await gone.close()  # idempotent
    await hub.publish("r1", {"type": "x", "n": 1})
    # `stays` got it, so it was delivered: `gone` would have it by now.
    assert await receive(stays) == {"type": "x", "n": 1}
    await assert_silent(gone)


async def test_resubscribing_after_the_last_close_works(hub: Hub) -> None:
    first = await hub.subscribe("r1")
    await first.close()
    again = await hub.subscribe("r1")
    await hub.publish("r1", {"type": "x"})
    assert await receive(again) == {"type": "x"}
    await assert_silent(first)


async def test_publishing_without_subscribers_is_fine(hub: Hub) -> None:
    await hub.publish(fresh_topic(), {"type": "nobody.listens"})
    sub = await hub.subscribe("r1")
    await hub.publish("r1", {"type": "x"})
    assert await receive(sub) == {"type": "x"}


async def test_message_published_right_after_subscribe_returns_is_received(hub: Hub) -> None:
    # The guarantee RoomChannel.start() relies on (broadcaster issue #44): subscribe() returns
    # only once the subscription is active. Fresh topics every round make the race visible: a
    # backend that returns before the server confirmed would lose some of these.
    for n in range(200):
        topic = fresh_topic()
        sub = await hub.subscribe(topic)
        await hub.publish(topic, {"type": "x", "n": n})
        assert await receive(sub) == {"type": "x", "n": n}, f"round {n}"
        await sub.close()


async def test_slow_subscriber_gets_reset_instead_of_the_backlog(hub: Hub) -> None:
    slow = await hub.subscribe("r1")
    for n in range(1100):  # more than any backend queues per subscriber
        await hub.publish("r1", {"type": "tick", "n": n})
    await hub.publish("r1", {"type": "last"})
    assert await receive(slow) == RESET
    rest = []
    while (message := await receive(slow)) != {"type": "last"}:
        rest.append(message)
    assert len(rest) < 1100
    assert [m["n"] for m in rest] == sorted(m["n"] for m in rest)


async def test_a_busy_subscriber_gets_the_newest_version_of_a_notice_not_each(hub: Hub) -> None:
    """Notices that differ only in their version merge while pending (a vote burst must not
    overflow a receiver busy with a tick into a RESET); the newest version always arrives, and
    other messages are neither merged nor reordered."""
    topic = fresh_topic()
    sub = await hub.subscribe(topic)
    await hub.publish(topic, {"type": "first"})
    for version in range(1, 2001):  # more than any backend queues per subscriber
        await hub.publish(topic, {"type": "poll.voted", "poll": "p1", "version": version})
        await hub.publish(topic, {"type": "poll.voted", "poll": "p2", "version": version})
    await hub.publish(topic, {"type": "last"})
    got = []
    while (message := await receive(sub)) != {"type": "last"}:
        got.append(message)
    assert RESET not in got
    assert got[0] == {"type": "first"}
    for poll in ("p1", "p2"):
        versions = [m["version"] for m in got if m.get("poll") == poll]
        assert versions == sorted(versions) and versions[-1] == 2000
        assert len(versions) < 2000
    await sub.close()


async def test_ping_answers(hub: Hub) -> None:
    await hub.ping()


async def test_close_is_idempotent(hub: Hub) -> None:
    await hub.close()
    await hub.close()
