"""The OpenAPI description (GET /api/v1/openapi.json): in step with the routes table, and every
operation fuzzed with schemathesis against it, on the in-process app with real tokens and real
events, rooms, polls and questions, so the cases reach the handlers and not only 401/404."""

from __future__ import annotations

import copy
import random
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator, validators
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.definitions import OPENAPI_31
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from live.web import openapi
from live.web.routes import routes
from tests.web.conftest import EventFixture, create_event, create_poll, join, make_client
from tests.web.test_qa_queue import ask

ADMIN = "admin-token-for-the-fuzzer"


def table() -> set[tuple[str, str]]:
    """(method, path) of every HTTP route in the routes table, /api/v1 ones with their prefix."""
    found: set[tuple[str, str]] = set()
    for route in routes():
        inner = route.routes if isinstance(route, Mount) else [route]
        prefix = route.path if isinstance(route, Mount) else ""
        for r in inner:
            if isinstance(r, Route):
                found |= {(m.lower(), prefix + r.path) for m in r.methods or () if m != "HEAD"}
    return found


def described() -> set[tuple[str, str]]:
    return {(method, path) for path, item in openapi.document()["paths"].items() for method in item}


def test_every_api_route_is_described() -> None:
    api = {(m, p) for m, p in table() if p.startswith(openapi.PREFIX)}
    assert api - described() == set()


def test_every_described_operation_is_a_route() -> None:
    assert described() - table() == set()


def test_the_description_is_valid_openapi_3_1_with_valid_schemas() -> None:
    doc = openapi.document()
    # The OpenAPI 3.1 meta-schema, as schemathesis itself checks documents against it.
    meta = validators.validator_for(OPENAPI_31)(OPENAPI_31)
    assert [e.message for e in meta.iter_errors(doc)] == []
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    broken = copy.deepcopy(doc)
    broken["paths"]["/api/v1/events"]["post"]["responses"]["201"] = {"content": {}}
    assert list(meta.iter_errors(broken))


def test_the_description_is_served_publicly_and_cached_briefly(client: TestClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "public, max-age=300"
    doc = response.json()
    assert doc["openapi"].startswith("3.1")
    assert doc == openapi.document()
    create = doc["paths"]["/api/v1/events"]["post"]
    assert create["security"] == [{}, {"adminToken": []}]
    assert "429" in doc["paths"]["/api/v1/events/{code}/join"]["post"]["responses"]


# --- fuzzing ---------------------------------------------------------------------------------

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 21,
        "suppress-health-check": ["too_slow", "filter_too_much"],
        "generation": {"max-examples": 20, "deterministic": True, "database": "none"},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
SCHEMA = schemathesis.openapi.from_dict(openapi.document(), config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@dataclass
class World:
    """What the fuzzed calls act on: an event with two rooms, a room link for the first, a poll
    of each kind (open, closed, draft) and questions in two states."""

    event: EventFixture
    room_token: str
    participant: str
    polls: list[str]
    questions: list[str]
    rng: random.Random  # picks objects and tokens; seeded, so every run sends the same


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Generator[TestClient]:
    with make_client(tmp_path_factory.mktemp("fuzz"), admin_token=ADMIN) as client:
        yield client


def build_world(client: TestClient, seed: str = "") -> World:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    client.headers.update(admin)  # create_event speaks for the instance's admin
    try:
        event = create_event(client, rooms=["Plenum", "Fachforum 1"])
    finally:
        del client.headers["Authorization"]
    link = client.post(
        f"/api/v1/events/{event.code}/rooms/{event.room}/moderator-link", headers=event.auth
    )
    assert link.status_code == 201, link.text
    client.patch(
        f"/api/v1/events/{event.code}/rooms/{event.room}",
        json={"parallel_polls": True},
        headers=event.auth,
    )
    polls = [
        create_poll(client, event)["id"],
        create_poll(client, event, kind="text", question="Ein Wort?")["id"],
        create_poll(client, event, kind="scale", open_it=False, question="Wie sehr?")["id"],
        create_poll(client, event, kind="multiple", room=event.rooms[1]["id"])["id"],
    ]
    closed = client.post(f"/api/v1/events/{event.code}/polls/{polls[3]}/close", headers=event.auth)
    assert closed.status_code == 200, closed.text
    questions = ask(client, event, "Gibt es die Folien?", "Wann ist Pause?")
    approved = client.patch(
        f"/api/v1/events/{event.code}/questions/{questions[0]}",
        json={"state": "approved"},
        headers=event.auth,
    )
    assert approved.status_code == 200, approved.text
    token = link.json()["moderator_token"]
    return World(event, token, join(client, event), polls, questions, random.Random(seed))


@pytest.fixture
def world(fuzzed: TestClient, request: pytest.FixtureRequest) -> World:
    """A world per operation: one operation's deletions and renewals do not starve the next."""
    return build_world(fuzzed, request.node.name)


def aim(case: Any, world: World) -> None:
    """Point the generated case at the world's real objects (now and then the generated id is
    kept: a 404), with a token that mostly fits (now and then none, a room's, or a
    participant's, which moderator calls refuse)."""
    event, rng = world.event, world.rng
    real = {
        "code": [event.code],
        "room_id": [event.room, event.room, event.rooms[1]["id"]],
        "poll_id": world.polls,
        "question_id": world.questions,
    }
    params = case.path_parameters or {}
    for name in params:
        if rng.random() < 0.9:
            params[name] = rng.choice(real[name])
    if case.operation.path == "/api/v1/events":
        token: str | None = ADMIN
    else:
        token = rng.choices(
            [event.token, world.room_token, None, world.participant], weights=[14, 3, 2, 1]
        )[0]
    headers = dict(case.headers or {})
    headers.pop("Authorization", None)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    case.headers = headers


def send(client: TestClient, case: Any) -> Any:
    """The case through the app's own test client (its lifespan, store and event loop)."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["json"] = kwargs["json"]
    elif kwargs.get("data") is not None:
        body["content"] = kwargs["data"]
    return client.request(
        kwargs["method"],
        kwargs["url"],
        params=kwargs.get("params"),
        headers=kwargs.get("headers"),
        **body,
    )


@SCHEMA.parametrize()
# The world is made once per operation on purpose: the cases of one operation share it.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fuzzed_calls_answer_as_described(case: Any, fuzzed: TestClient, world: World) -> None:
    if case.operation.method.upper() == "DELETE" and case.operation.path == "/api/v1/events/{code}":
        world = build_world(fuzzed, str(world.rng.random()))  # each deletion, an event of its own
    aim(case, world)
    response = send(fuzzed, case)
    case.validate_response(response, checks=CHECKS)


def test_fuzz_world_has_what_the_operations_need(fuzzed: TestClient) -> None:
    world = build_world(fuzzed)
    event = world.event
    kinds = {
        fuzzed.get(f"/api/v1/events/{event.code}/polls/{p}", headers=event.auth).json()["kind"]
        for p in world.polls
    }
    assert kinds == {"single", "text", "scale", "multiple"}
    listed = fuzzed.get(
        f"/api/v1/events/{event.code}/rooms/{event.room}/questions", headers=event.auth
    ).json()
    assert {q["state"] for q in listed} == {"approved", "pending"}
