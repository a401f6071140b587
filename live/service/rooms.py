"""A room's whole visible state as one request sees it (a page's first render, an htmx
answer). The fan-out reads the same state per tick for every socket (live/fanout/state.py)."""

from __future__ import annotations

from live.domain.models import Room
from live.fanout.state import RoomState, load_room_state
from live.store import Store


class RoomService:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def state(self, room: Room, participant_id: str | None = None) -> RoomState:
        """With a participant: including that participant's own ballots (and only those)."""
        return await load_room_state(
            self.store, room.id, None, False, None, ballots_of=participant_id
        )
