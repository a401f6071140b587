"""An event's blocklist (rules in live/domain/blocklist.py): switch the shipped list on or off,
add and remove entries. Organiser only (checked in live/web/access.py before these are called).

Every change bumps the version of every room and tells each room it changed ("event.updated"):
the fan-out then reads the event again and recounts every word cloud with the new list, so an
answer with a newly listed word leaves the projector at the next tick (and comes back when the
word goes). Questions are checked when they are asked: an edit does not move questions.
"""

from __future__ import annotations

from live.domain import blocklist as rules
from live.domain.errors import DomainError
from live.domain.models import Event
from live.domain.text import _n
from live.errors import NotFound
from live.hub import Hub
from live.service.changes import publish_change
from live.store import Store


def _keys(entries: tuple[str, ...]) -> set[str]:
    return {rules.check_entry(e).key for e in entries}


def _check_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        msg = _n("Die Angabe %(field)s ist true oder false.")
        raise DomainError("invalid_" + name, msg, field=name)
    return value


class BlocklistService:
    def __init__(self, store: Store, hub: Hub) -> None:
        self.store = store
        self.hub = hub

    async def set_default(self, event: Event, on: object) -> Event:
        checked = _check_bool(on, "default")
        if checked != event.blocklist_default:
            await self._announce(await self.store.set_blocklist_default(event.code, checked))
        return await self._fresh(event)

    async def set_entry(self, event: Event, entry: object, blocked: object = True) -> Event:
        """``blocked``: put ``entry`` on the event's list (its own entries, or a default entry
        switched on again), or take it off (an own entry goes, a default entry is switched off
        for this event). Idempotent; at most MAX_OWN_ENTRIES of each kind."""
        checked = rules.check_entry(entry)
        block = _check_bool(blocked, "blocked")
        added, removed = _keys(event.blocklist_added), _keys(event.blocklist_removed)
        is_default = checked.key in rules.default_keys()
        change: tuple[rules.BlockKind, bool] | None = None
        if block and is_default and event.blocklist_default:
            change = ("removed", False) if checked.key in removed else None
        elif block:
            change = ("added", True) if checked.key not in added else None
            if change and len(added) >= rules.MAX_OWN_ENTRIES:
                raise _too_many()
        elif checked.key in added:
            change = ("added", False)
        elif is_default and event.blocklist_default and checked.key not in removed:
            if len(removed) >= rules.MAX_OWN_ENTRIES:
                raise _too_many()
            change = ("removed", True)
        if change is not None:
            kind, present = change
            shown = checked.shown
            changed = await self.store.set_blocklist_entry(
                event.code, kind, checked.key, shown, present
            )
            await self._announce(changed)
        return await self._fresh(event)

    async def _announce(self, changed: list[tuple[str, int]]) -> None:
        for room_id, version in changed:
            await publish_change(self.hub, room_id, "event.updated", version)

    async def _fresh(self, event: Event) -> Event:
        fresh = await self.store.get_event(event.code)
        if fresh is None:
            raise NotFound("event_not_found", _n("Diese Veranstaltung gibt es nicht."))
        return fresh


def _too_many() -> DomainError:
    msg = _n("Die Sperrliste fasst höchstens %(max)d eigene Einträge.")
    return DomainError("too_many_entries", msg, max=rules.MAX_OWN_ENTRIES)
