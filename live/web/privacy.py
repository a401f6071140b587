"""``/datenschutz-hinweise``: what this installation stores, where, for how long and how it is
deleted, written from the data inventory (live/domain/data_inventory.py) and the settings in
force, for participants and for the operator's data-protection officer."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from live.domain import data_inventory as inventory
from live.domain.text import _n
from live.i18n import translate
from live.web.identity import (
    LANG_COOKIE,
    YEAR,
    moderator_cookie,
    participant_cookie,
    request_lang,
)
from live.web.identity import room_moderator_cookie as room_cookie
from live.web.responses import page
from live.web.runtime import runtime

# The participant's and moderators' cookies live this long (live/web/identity.py set_cookie).
COOKIE_DAYS = 30


@dataclass(frozen=True, slots=True)
class Shown:
    """A category as the page lists it: its texts and the technical names it was made from."""

    category: inventory.Category
    sqlite: list[str]
    redis: list[str]


def shown_categories() -> list[Shown]:
    return [
        Shown(c, inventory.sqlite_columns(c), inventory.redis_keys(c)) for c in inventory.CATEGORIES
    ]


async def privacy_notes(request: Request) -> Response:
    settings = runtime(request).settings
    store = "sqlite" if settings.effective_store_url.startswith("sqlite") else "redis"
    board = "memory" if settings.effective_board_url.startswith("memory") else "redis"
    return page(
        request,
        "privacy_notes.html",
        categories=shown_categories(),
        retention_days=settings.retention_days,
        request_ttl_days=inventory.REQUEST_TTL_DAYS,
        grade_seconds=inventory.GRADE_SECONDS,
        presence_seconds=inventory.PRESENCE_SECONDS,
        board_hours=inventory.BOARD_KEY_HOURS,
        store=store,
        board=board,
        access_log=settings.access_log,
        join_per_minute=settings.join_per_minute,
        cookies={
            "participant": participant_cookie("CODE"),
            "organiser": moderator_cookie("CODE"),
            "room": room_cookie("CODE", translate(request_lang(request), _n("RAUM"))),
            "lang": LANG_COOKIE,
        },
        cookie_days=COOKIE_DAYS,
        lang_cookie_days=YEAR // (24 * 3600),
    )
