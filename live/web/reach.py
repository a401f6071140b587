"""The warning on the moderator's console and the projector's join panel when phones cannot
open the address the page's links and QR codes carry (live/reach.py decides; here the page's
part of it). Not on the participant page: a phone that shows it has reached the server."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from live.reach import network_address, unreachable_hint
from live.web.runtime import runtime
from live.web.security import base_url


def reach_warning(request: Request) -> dict[str, Any]:
    """The template context of fragments/reach_warning.html: ``reach`` is None when phones
    can reach the address, else the kind of fix ("bind", "page" or "public") with the address
    and, for "page", this machine's network address to open the page by instead."""
    settings = runtime(request).settings
    base = base_url(request, settings)
    hint = unreachable_hint(settings, base)
    if hint is None:
        return {"reach": None}
    suggestion = network_address() if hint == "page" else None
    return {
        "reach": {
            "kind": hint,
            "address": base.split("://", 1)[-1],
            "suggestion": f"http://{suggestion}:{settings.port}" if suggestion else None,
        }
    }
