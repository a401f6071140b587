"""Telling every process that a room changed. Messages are small notices with the room's new
version ("poll.voted", "questions.updated" …), never the state itself: receivers re-read it."""

from __future__ import annotations

import logging

from live.hub import Hub

log = logging.getLogger("live.service")


def room_topic(room_id: str) -> str:
    return f"room.{room_id}"


async def publish_change(hub: Hub, room_id: str, kind: str, version: int, **extra: str) -> None:
    """Publish after the write was durable. Publishing can fail after that; that is fine:
    receivers re-read state and every reconnect gets a snapshot."""
    try:
        await hub.publish(
            room_topic(room_id), {"type": kind, "room": room_id, "version": version, **extra}
        )
    except Exception:  # see docstring: the write already succeeded
        log.warning("publish failed for %s", room_id, exc_info=True)
