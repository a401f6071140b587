"""The console's idea board card (issue 24 item 3): switching the board, approving, hiding and
marking ideas. Each form swaps nothing itself; the answer brings the card (by its id) and says
what happened in the status region, as the console's other actions do (moderator.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from live.domain.models import Idea
from live.domain.text import _n
from live.errors import NotFound
from live.fanout.state import RoomState
from live.i18n import Lang, translate
from live.views.ideas import moderator_ideas_region
from live.web.forms import field, read_form
from live.web.identity import request_lang
from live.web.moderator import moderation_answer, room_of_request
from live.web.responses import swap_oob
from live.web.runtime import services

# Form action -> (the PATCH's state, its marked, what the status region says).
IDEA_ACTIONS: dict[str, tuple[str | None, bool | None, str]] = {
    "approve": ("approved", None, _n("Idee freigegeben: „%(text)s“")),
    "hide": ("hidden", None, _n("Idee ausgeblendet: „%(text)s“")),
    "mark": (None, True, _n("Idee markiert: „%(text)s“")),
    "unmark": (None, False, _n("Markierung aufgehoben: „%(text)s“")),
}


def card(lang: Lang, state: RoomState) -> str:
    return swap_oob(moderator_ideas_region(lang, state).frame, "mod-ideas")


async def switch(request: Request) -> Response:
    """Opens (open=1) or closes (open=0) the room's idea board."""
    form = await read_form(request)
    event, room = await room_of_request(request)
    on = field(form, "open") == "1"

    async def act() -> str:
        await services(request).events.update_room(event, room.id, {"ideas_open": on})
        message = (
            _n("Die Ideensammlung ist geöffnet.")
            if on
            else _n("Die Ideensammlung ist geschlossen.")
        )
        return translate(request_lang(request), message)

    return await moderation_answer(request, event, room, act(), card, "#mod-ideas")


async def idea_action(request: Request) -> Response:
    form = await read_form(request)
    event, room = await room_of_request(request)
    action = field(form, "action")
    if action not in IDEA_ACTIONS:
        raise NotFound("not_found", _n("Diese Seite gibt es nicht."))
    state, marked, done = IDEA_ACTIONS[action]
    ideas = services(request).ideas

    async def act() -> str:
        idea: Idea = await ideas.moderate(
            event, request.path_params["idea_id"], state=state, marked=marked, room_id=room.id
        )
        short = idea.text if len(idea.text) <= 60 else idea.text[:59] + "…"
        return translate(request_lang(request), done, {"text": short})

    return await moderation_answer(request, event, room, act(), card, "#mod-ideas")
