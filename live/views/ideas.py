"""The idea board's faces (issue 24 item 3): the JSON of an idea and the socket's "ideas"
update, the phone's board (a skeleton with the form, the participant's own waiting ideas and
the shared list as regions of their own), the console's card and what the projector's ideas
mode shows. The rules (who sees what, the order, the cap) are live/domain/ideas.py's."""

from __future__ import annotations

from typing import Any

from live.domain import ideas as rules
from live.domain.models import Idea
from live.fanout.state import RoomState
from live.fanout.types import Region
from live.i18n import Lang
from live.views import api
from live.views.templating import render


def idea_dict(idea: Idea) -> dict[str, Any]:
    """idea = {"id", "room_id", "text", "state", "upvotes", "marked", "created_at"}."""
    return {
        "id": idea.id,
        "room_id": idea.room_id,
        "text": idea.text,
        "state": idea.state,
        "upvotes": idea.upvotes,
        "marked": idea.marked,
        "created_at": api.iso(idea.created_at),
    }


def visible_ideas(state: RoomState, *, moderator: bool) -> list[Idea]:
    """Moderators: every idea (marked first, then by votes). Everyone else: the approved ones,
    and only while the board is on."""
    if moderator:
        return rules.ordered(state.ideas)
    if not state.room.ideas_open:
        return []
    return rules.ordered(i for i in state.ideas if i.state == "approved")


def ideas_payload(state: RoomState, *, moderator: bool) -> dict[str, Any]:
    return {
        "open": state.room.ideas_open,
        "ideas": [idea_dict(i) for i in visible_ideas(state, moderator=moderator)],
    }


def json_ideas_region(state: RoomState, *, moderator: bool) -> Region:
    """``{"type": "ideas", "version", "open": bool, "ideas": [idea]}``: the whole board (tens
    of ideas), judged unchanged by its content."""
    body = api.dumps(ideas_payload(state, moderator=moderator))
    return Region("ideas", f'{{"type":"ideas","version":{state.version},{body[1:]}', body)


# --- the phone -------------------------------------------------------------------------------


def _ctx(state: RoomState) -> dict[str, Any]:
    return {"state": state, "event": state.event, "room": state.room}


def ideas_list_html(lang: Lang, state: RoomState, upvoted: frozenset[str] = frozenset()) -> str:
    """The shared list of approved ideas (pushed without personal marks; static/live.js sets
    the pressed state from #ideas-state, as for questions)."""
    shown = visible_ideas(state, moderator=False)
    return render(lang, "fragments/ideas_list.html", ideas=shown, upvoted=upvoted, **_ctx(state))


def own_waiting(state: RoomState, participant_id: str | None) -> list[Idea]:
    if not participant_id or not state.room.ideas_open:
        return []
    return [i for i in state.ideas if i.state == "pending" and rules.is_own(i, participant_id)]


def ideas_mine_html(lang: Lang, state: RoomState, participant_id: str | None) -> str:
    mine = own_waiting(state, participant_id)
    return render(lang, "fragments/ideas_mine.html", mine=mine, **_ctx(state))


def participant_ideas_regions(
    lang: Lang, state: RoomState, participant_id: str | None, list_region: Region | None = None
) -> list[Region]:
    """The board: a skeleton (heading, the form, holes) judged by its own markup, so upvotes
    and moderation replace only the list or the participant's waiting ideas, never the form
    someone is typing in. ``list_region``: the shared list when the caller rendered it once
    for every phone."""
    if list_region is None:
        shared = ideas_list_html(lang, state)
        list_region = Region("ideas-list", shared, shared)
    mine = ideas_mine_html(lang, state, participant_id)
    mine_region = Region("ideas-mine", mine, mine)
    skeleton = render(
        lang,
        "fragments/ideas_board.html",
        mine_html="<!--ideas-mine-->",
        list_html="<!--ideas-list-->",
        upvoted=(),
        **_ctx(state),
    )
    if not state.room.ideas_open:
        return [Region("ideas-board", skeleton, skeleton)]
    board = skeleton.replace("<!--ideas-mine-->", mine, 1).replace(
        "<!--ideas-list-->", list_region.body, 1
    )
    return [
        Region("ideas-board", board, skeleton, ("ideas-mine", "ideas-list")),
        mine_region,
        list_region,
    ]


def participant_ideas_html(
    lang: Lang, state: RoomState, participant_id: str | None, upvoted: frozenset[str]
) -> str:
    """The board as a page (or an HTTP answer) shows it, with this participant's marks."""
    return render(
        lang,
        "fragments/ideas_board.html",
        mine_html=ideas_mine_html(lang, state, participant_id),
        list_html=ideas_list_html(lang, state, upvoted),
        upvoted=sorted(upvoted),
        **_ctx(state),
    )


# --- the console -----------------------------------------------------------------------------


def moderator_ideas_region(lang: Lang, state: RoomState) -> Region:
    """The console's card (a closed disclosure until opened; static/live.js keeps it open
    across pushes by its id)."""
    ordered = rules.ordered(state.ideas)
    html = render(
        lang,
        "fragments/mod_ideas.html",
        pending=[i for i in ordered if i.state == "pending"],
        approved=[i for i in ordered if i.state == "approved"],
        hidden=[i for i in ordered if i.state == "hidden"],
        marked=rules.marked_count(state.ideas),
        max_marked=rules.MAX_MARKED,
        **_ctx(state),
    )
    return Region("mod-ideas", html, html)
