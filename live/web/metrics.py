"""GET /metrics: the Prometheus scrape (live/metrics.py; docs/ops/README.md).

Only with LIVE_METRICS_TOKEN set, and only for ``Authorization: Bearer <that token>``: the
figures say how busy an event is, which is nobody else's business. Unset, the path does not
exist (404, like any unknown page). Errors in the API's JSON shape: the client is a scraper.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from live.domain.text import _n
from live.i18n import translate
from live.ids import secret_matches
from live.web.errors import json_error
from live.web.identity import bearer, request_lang
from live.web.runtime import runtime

NEEDS_TOKEN = _n("Für die Messwerte wird ein Zugangsschlüssel benötigt.")
WRONG_TOKEN = _n("Der Zugangsschlüssel für die Messwerte ist ungültig.")


async def serve(request: Request) -> Response:
    rt = runtime(request)
    metrics, token = rt.metrics, rt.settings.metrics_token
    if metrics is None or not token:
        raise HTTPException(404)
    offered = bearer(request)
    if offered is None:
        response = json_error(401, "unauthorized", translate(request_lang(request), NEEDS_TOKEN))
        response.headers["www-authenticate"] = "Bearer"
        return response
    if not secret_matches(offered, token):  # constant time (live/ids.py)
        return json_error(403, "forbidden", translate(request_lang(request), WRONG_TOKEN))
    # Fresh at the scrape: this process's rooms and memory (other workers': their last sample).
    metrics.sample(rt.fanout.rooms)
    body, content_type = metrics.exposition(request.headers.get("accept"))
    return Response(body, headers={"content-type": content_type, "cache-control": "no-store"})
