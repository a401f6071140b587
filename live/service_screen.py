"""Projector control: what each room's screen shows, and the neutral slide's program.

Same shape as the other use cases: rule → store (durable) → hub.publish, so every screen and
every moderator page of the room follows at once, in whichever process they are connected.
"""

from __future__ import annotations

from dataclasses import dataclass

from live.domain.errors import DomainError
from live.domain.models import SCREEN_MODES, AgendaItem, Event, Poll, Room, ScreenMode
from live.domain.program import next_up, running_now
from live.domain.text import _n
from live.errors import NotFound
from live.service import LiveService, guard, publish_change


async def set_screen_mode(
    service: LiveService, event: Event, room: Room, mode: object, poll_id: object = None
) -> ScreenMode:
    """Switch the room's projector. Modes "poll" and "words" present a poll of the room (the
    given one, else the one already on the screen when it fits); the others ignore
    ``poll_id``. Bad input raises DomainError and changes nothing."""
    if not isinstance(mode, str) or mode not in SCREEN_MODES:
        raise DomainError(
            "invalid_screen_mode", _n("Diese Anzeige für die Leinwand gibt es nicht.")
        )
    chosen: ScreenMode = next(m for m in SCREEN_MODES if m == mode)
    poll: Poll | None = None
    if chosen in ("poll", "words"):
        poll = await _screen_poll(service, event, room, poll_id, text_only=chosen == "words")
    version = await guard(
        service.store.set_screen_mode(room.id, chosen, poll.id if poll is not None else None)
    )
    await publish_change(service.hub, room.id, "screen.updated", version)
    return chosen


async def _screen_poll(
    service: LiveService, event: Event, room: Room, poll_id: object, *, text_only: bool
) -> Poll:
    if poll_id is None or poll_id == "":
        if room.screen_poll_id is None:
            raise _choose_error(text_only)
        poll_id = room.screen_poll_id
        poll = await service.poll(event, poll_id)
        if poll.state == "draft" or (text_only and poll.kind != "text"):
            raise _choose_error(text_only)
        return poll
    poll = await service.poll(event, poll_id)
    if poll.room_id != room.id:
        raise NotFound("poll_not_found", _n("Diese Abstimmung gibt es nicht."))
    if poll.state == "draft":
        raise DomainError("poll_not_open", _n("Diese Abstimmung ist noch nicht geöffnet."))
    if text_only and poll.kind != "text":
        raise DomainError(
            "not_a_text_poll", _n("Eine Wortwolke gibt es nur für Freitext-Abstimmungen.")
        )
    return poll


def _choose_error(text_only: bool) -> DomainError:
    if text_only:
        return DomainError(
            "poll_required", _n("Bitte wählen Sie eine Freitext-Abstimmung für die Wortwolke.")
        )
    return DomainError("poll_required", _n("Bitte wählen Sie eine Abstimmung."))


@dataclass(frozen=True, slots=True)
class RoomProgram:
    """The neutral slide's program line: what runs in the room now, and what comes next."""

    now: AgendaItem | None
    next: AgendaItem | None


async def room_program(service: LiveService, event: Event, room: Room) -> RoomProgram:
    """By the service's clock (tests set it), never the wall clock of a template."""
    items = await guard(service.store.list_agenda(event.code))
    at = service.clock()
    return RoomProgram(running_now(items, at).get(room.id), next_up(items, at).get(room.id))
