"""The renderer the fan-out uses: room state → live regions per view.

Each page view is made of regions with a stable DOM id (templates/fragments/). A region is rendered
once per (view, language, personal variant) and tick; the channel sends it only to sockets whose
last copy differs. Participants differ only in their own ballot (which button is marked, whether
"results after voting" are unlocked), so a room of 10,000 renders a handful of variants.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from live.domain import polls as poll_rules
from live.domain.models import Ballot, Poll, Results
from live.fanout.channel import Region
from live.fanout.connection import Connection
from live.fanout.state import RoomState
from live.i18n import Lang, parse_lang
from live.views import api
from live.views.templating import render


@dataclass(frozen=True, slots=True)
class PollItem:
    """A poll as one reader sees it."""

    poll: Poll
    results: Results
    ballot: Ballot | None = None
    visible: bool = True  # may this reader see the distribution now?

    @property
    def voted(self) -> bool:
        return self.ballot is not None

    def chose(self, index: int) -> bool:
        return self.ballot is not None and index in self.ballot.choices

    def chose_value(self, value: int) -> bool:
        return self.ballot is not None and self.ballot.value == value


def participant_polls(state: RoomState) -> tuple[Poll, ...]:
    """What the phone shows: open polls (newest first); with none open, the last closed one."""
    if state.open_polls:
        return state.open_polls
    closed = [p for p in state.polls if p.state == "closed"]
    if not closed:
        return ()
    return (max(closed, key=lambda p: (p.closed_at or p.created_at, p.id)),)


def participant_items(state: RoomState, participant_id: str | None) -> list[PollItem]:
    items = []
    for poll in participant_polls(state):
        ballot = state.ballots.get(poll.id, {}).get(participant_id) if participant_id else None
        items.append(
            PollItem(
                poll,
                state.results[poll.id],
                ballot,
                poll_rules.results_visible(poll, has_voted=ballot is not None),
            )
        )
    return items


def screen_item(state: RoomState) -> PollItem | None:
    poll = state.poll(state.room.screen_poll_id)
    if poll is None or poll.state == "draft":
        return None
    # The projector faces the audience: "after voting" and "after closing" keep the distribution
    # off the wall until the poll is closed (it would sway the vote); the count still shows.
    visible = poll.visibility == "live" or poll.state == "closed"
    return PollItem(poll, state.results[poll.id], None, visible)


def _ballot_key(poll: Poll, ballot: Ballot | None) -> Hashable:
    if ballot is None:
        return None
    if poll.kind == "text":
        return True  # the form does not echo the text back; only "answered" matters
    return (ballot.choices, ballot.value)


class PageRenderer:
    """Implements live.fanout.channel.Renderer."""

    def personal_key(self, conn: Connection, state: RoomState) -> Hashable:
        if conn.view == "participant":
            pid = conn.participant_id
            return tuple(
                (p.id, _ballot_key(p, state.ballots.get(p.id, {}).get(pid) if pid else None))
                for p in participant_polls(state)
            )
        if conn.view == "json":
            return conn.role == "moderator"
        return None

    def regions(self, conn: Connection, state: RoomState) -> list[Region]:
        lang: Lang = parse_lang(conn.lang) or "de"
        if conn.view == "json":
            return json_regions(state, moderator=conn.role == "moderator")
        if conn.view == "participant":
            return participant_regions(lang, state, conn.participant_id)
        if conn.view == "screen":
            return screen_regions(lang, state)
        return moderator_regions(lang, state)

    def snapshot(self, conn: Connection, state: RoomState) -> str:
        return api.dumps(snapshot_dict(state, moderator=conn.role == "moderator"))


def _visible_polls(state: RoomState, moderator: bool) -> list[Poll]:
    # Drafts are the moderators' preparation; participants and viewers never see them.
    return [p for p in state.polls if moderator or p.state != "draft"]


def snapshot_dict(state: RoomState, *, moderator: bool) -> dict[str, Any]:
    return {
        "type": "snapshot",
        "version": state.version,
        "room": {**api.room_dict(state.room), "event": state.event.code},
        "polls": [api.poll_dict(p, state.results[p.id]) for p in _visible_polls(state, moderator)],
        "questions": [],
        "applause": {"level": 0.0, "clappers": 0, "present": 0},
        "mood": {"counts": [0, 0, 0, 0, 0], "average": None},
    }


def json_regions(state: RoomState, *, moderator: bool) -> list[Region]:
    regions = []
    for poll in _visible_polls(state, moderator):
        body = api.dumps(api.poll_dict(poll, state.results[poll.id]))
        frame = f'{{"type":"poll","version":{state.version},"poll":{body}}}'
        regions.append(Region(f"poll:{poll.id}", frame, body))
    return regions


def _html(key: str, html: str, children: tuple[str, ...] = ()) -> Region:
    return Region(key, html, html, children)


def participant_regions(lang: Lang, state: RoomState, participant_id: str | None) -> list[Region]:
    items = participant_items(state, participant_id)
    ctx = {"state": state, "event": state.event, "room": state.room}
    results = [
        _html(f"results-{i.poll.id}", render(lang, "fragments/results.html", item=i, **ctx))
        for i in items
    ]
    stage = render(lang, "fragments/participant_stage.html", items=items, **ctx)
    return [_html("poll-stage", stage, tuple(r.key for r in results)), *results]


def screen_regions(lang: Lang, state: RoomState) -> list[Region]:
    item = screen_item(state)
    ctx = {"state": state, "event": state.event, "room": state.room, "item": item}
    results = render(lang, "fragments/screen_results.html", **ctx)
    stage = render(lang, "fragments/screen_stage.html", **ctx)
    return [_html("screen-stage", stage, ("screen-results",)), _html("screen-results", results)]


def moderator_items(state: RoomState) -> list[PollItem]:
    return [PollItem(p, state.results[p.id]) for p in reversed(state.polls)]


def moderator_regions(lang: Lang, state: RoomState) -> list[Region]:
    items = moderator_items(state)
    ctx = {"state": state, "event": state.event, "room": state.room}
    results = [
        _html(f"mod-results-{i.poll.id}", render(lang, "fragments/mod_results.html", item=i, **ctx))
        for i in items
    ]
    polls = render(lang, "fragments/mod_polls.html", items=items, **ctx)
    return [_html("mod-polls", polls, tuple(r.key for r in results)), *results]
