"""Every answer of an organiser's or moderator's page or fragment says ``Cache-Control:
no-store``: a shared projector laptop keeps none of them for the next speaker.

The routes come from the routes table itself, so a page added later is checked too: every route
under the organiser's paths must be a PrivateRoute, and every one of them answers with the
header (a page, a fragment, a redirect or an error alike).
"""

from __future__ import annotations

import re

from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from live.web.routes import routes
from live.web.security import PrivateRoute
from tests.web.conftest import EventFixture, create_poll

# What follows /e/{code}/ in the paths that belong to the organiser or a room's moderator.
ORGANISER_PARTS = {
    "start",
    "links",
    "moderate",
    "control",
    "setup",
    "setup.json",
    "report",
    "report.md",
    "delete",
}


def organisers(route: Route) -> bool:
    if route.path == "/events":  # the start page's form: answers with the moderator link
        return True
    match = re.fullmatch(r"/e/\{code\}/([^/]+)(/.*)?", route.path)
    return match is not None and match.group(1).split("/")[0] in ORGANISER_PARTS


def page_routes() -> list[Route]:
    """The table's page routes (not the API under /api/v1, not the static files)."""
    return [r for r in routes() if isinstance(r, Route) and not isinstance(r, Mount)]


def test_every_organiser_route_in_the_table_is_private() -> None:
    table = page_routes()
    wanted = {r.path for r in table if organisers(r)}
    private = {r.path for r in table if isinstance(r, PrivateRoute)}
    assert len(wanted) > 30  # the moderation, control, setup, links and report pages
    assert private == wanted


def test_every_organiser_answer_says_no_store(client: TestClient, event: EventFixture) -> None:
    poll = create_poll(client, event)
    client.cookies.set(f"live_m_{event.code}", event.token)
    params = {
        "code": event.code,
        "room_id": event.room,
        "poll_id": poll["id"],
        "question_id": "q-unknown",
        "idea_id": "i-unknown",
        "item_id": "i-unknown",
        "action": "close",
    }
    requests: list[tuple[str, str]] = []
    for route in page_routes():
        if not isinstance(route, PrivateRoute):
            continue
        path = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: params[m.group(1)], route.path)
        requests += [(method, path) for method in sorted(route.methods or ()) if method != "HEAD"]
    # Deleting goes last (an empty form deletes nothing, but the event must outlive the rest).
    requests.sort(key=lambda request: request[1].endswith("/delete"))
    statuses = set()
    for method, path in requests:
        response = client.request(method, path, follow_redirects=False)
        assert response.headers.get("cache-control") == "no-store", (method, path)
        statuses.add(response.status_code)
    assert 200 in statuses and 303 in statuses and 404 in statuses  # pages, actions, errors
