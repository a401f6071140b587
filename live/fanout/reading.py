"""What a room's ticks read: the state from the store when it changed, the applause from the
board while it sounds."""

from __future__ import annotations

from dataclasses import replace

from live.domain.applause import ApplauseReading
from live.fanout.state import RoomState
from live.fanout.types import ApplauseSource, StateLoader


class RoomReader:
    """The room's state as last read, and what changed since.

    The hub's notices only say "room X changed" (``poke``); the next read re-reads the room,
    and only the polls known to have changed when that is known. Invariants: ``state`` is None
    until the first read succeeds; ``dirty`` is set by every poke and by a failed read, and
    cleared when a read starts (a poke during the read marks the next one); the poll ids taken by
    a read are exactly those poked since the previous read began, or None ("everything") after
    a start, a reset, an unknown notice or a failure.
    """

    __slots__ = ("_dirty_polls", "_dirty_questions", "_load", "_room_id", "dirty", "state")

    def __init__(self, room_id: str, load: StateLoader) -> None:
        self._room_id = room_id
        self._load = load
        self.state: RoomState | None = None
        self.dirty = True
        # Poll ids whose results must be re-read; None means "everything" (start, reset, unknown).
        self._dirty_polls: set[str] | None = None
        # Question ids to read again; None: all of them (as for the polls).
        self._dirty_questions: set[str] | None = None

    @property
    def stale(self) -> bool:
        """The next read goes to the store."""
        return self.dirty or self.state is None

    def poke(self, poll_id: str | None) -> None:
        """``poll_id``: only that poll's results changed (a vote); None: anything may have."""
        self.dirty = True
        if poll_id is None:
            self._dirty_polls = None
            self._dirty_questions = None
        elif self._dirty_polls is not None:
            self._dirty_polls.add(poll_id)

    def poke_room(self) -> None:
        """Only what is read for every tick anyway changed (the pace): no poll to tally again,
        no question to read again."""
        self.dirty = True

    def poke_question(self, question_id: str) -> None:
        """Only this question changed (asked, upvoted, moderated, deleted) besides the room."""
        self.dirty = True
        if self._dirty_questions is not None:
            self._dirty_questions.add(question_id)

    def failed(self) -> None:
        """A read (or what followed it) failed: read everything again next time."""
        self._dirty_polls = None
        self._dirty_questions = None
        self.dirty = True

    async def read(self, with_ballots: bool) -> RoomState:
        """The state, re-read if ``stale``. Raises what the loader raises (see ``failed``)."""
        if self.stale:
            dirty, self._dirty_polls = self._dirty_polls, set()
            questions, self._dirty_questions = self._dirty_questions, set()
            self.dirty = False
            self.state = await self._load(self._room_id, dirty, with_ballots, self.state, questions)
        assert self.state is not None
        return self.state

    def show_applause(self, reading: ApplauseReading) -> None:
        """Put a new applause reading into the state (no store read: it lives on the board)."""
        assert self.state is not None
        self.state = replace(self.state, applause=reading)


class ApplauseMeter:
    """The room's applause as last read from the board.

    Applause is short-lived state on the board: no version bump, no store read. While it is
    active (or decaying) the channel ticks on its own and sends only the applause. Invariants:
    the board is read only when a notice poked the meter, the level is above zero or anyone
    claps, or a full tick asks; ``dt`` is the loop time since the previous read (0 for the
    first), which the board's decay works with.
    """

    __slots__ = ("_read_at", "_room_id", "_source", "poked", "reading")

    def __init__(self, room_id: str, source: ApplauseSource) -> None:
        self._room_id = room_id
        self._source = source
        self.reading = ApplauseReading(0.0, 0, 0)
        self.poked = False
        self._read_at: float | None = None

    @property
    def sounding(self) -> bool:
        """The level rises or decays by itself: the room keeps ticking."""
        return self.reading.level > 0.0 or bool(self.reading.clappers)

    def poke(self) -> None:
        self.poked = True

    async def read(self, now: float, full: bool) -> bool:
        """Read the board when applause is (or may have become) active, or ``full``; True if the
        reading changed."""
        if not (self.poked or self.sounding or full):
            return False
        self.poked = False
        dt = 0.0 if self._read_at is None else now - self._read_at
        self._read_at = now
        before = self.reading
        self.reading = await self._source.read(self._room_id, before.level, dt)
        return self.reading != before
