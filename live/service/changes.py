"""Telling every process that a room changed. Messages are small notices with the room's new
version ("poll.voted", "questions.updated" …), never the state itself: receivers re-read it."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from live.domain.forums import showing
from live.domain.models import Room
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


# The notice a room showing the forums' results gets when a forum's column may have changed
# (live/fanout/channel.py reads the roll-up again on it). It carries no version: the change is
# another room's, whose own notice carried that room's version.
FORUMS_CHANGED = "forums.changed"


async def publish_forums_change(hub: Hub, rooms: Sequence[Room]) -> None:
    """Tell every room of ``rooms`` (the event's) whose projector shows the forums' results
    that a column may have changed. Few rooms (usually the plenary), and only on rare changes
    (a source poll closed or opened, an idea marked, a setting): the rooms' channels merge
    repeated notices and push at most once a tick, as for any other change."""
    for room in showing(rooms):
        try:
            await hub.publish(room_topic(room.id), {"type": FORUMS_CHANGED, "room": room.id})
        except Exception:  # as publish_change: the write already succeeded
            log.warning("publish failed for %s", room.id, exc_info=True)
