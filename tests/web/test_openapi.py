"""The OpenAPI description (GET /api/v1/openapi.json): in step with the routes table, and every
operation fuzzed with schemathesis against it, on the in-process app with real tokens and real
events, rooms, polls and questions, so the cases reach the handlers and not only 401/404."""

from __future__ import annotations

import ast
import copy
import inspect
import random
import sys
import textwrap
from collections.abc import Generator
from dataclasses import dataclass, field
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

from live.domain import setup_file
from live.web import openapi
from live.web.routes import routes
from tests.web.conftest import EventFixture, create_event, create_poll, join, make_client
from tests.web.test_ideas import post_ideas
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
    join_op = doc["paths"]["/api/v1/events/{code}/join"]["post"]
    assert "429" in join_op["responses"]
    # The projector's code, when the event asks for it: a body that may be left out.
    assert join_op["requestBody"]["required"] is False
    assert doc["components"]["schemas"]["JoinBody"]["properties"]["join_code"]["type"] == "string"


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
    ideas: list[str]
    rng: random.Random  # picks objects and tokens; seeded, so every run sends the same
    surveys: list[str] = field(default_factory=list)  # an open one, a draft


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Generator[TestClient]:
    # A world per operation, each with a few new participants, all from one address: the join
    # budget per address (LIVE_JOIN_PER_MINUTE) is raised so that ~80 operations never meet it.
    with make_client(
        tmp_path_factory.mktemp("fuzz"), admin_token=ADMIN, join_per_minute=10_000
    ) as client:
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
    ideas = post_ideas(client, event, "Mehr Pausen", "Ein Forum im Freien")
    token = link.json()["moderator_token"]
    surveys = []
    for open_it in (True, False):
        made = client.post(
            f"/api/v1/events/{event.code}/rooms/{event.room}/surveys",
            json={"template": "abschlussevaluation"},
            headers=event.auth,
        )
        assert made.status_code == 201, made.text
        surveys.append(made.json()["id"])
        if open_it:
            url = f"/api/v1/events/{event.code}/surveys/{surveys[-1]}/open"
            assert client.post(url, headers=event.auth).status_code == 200
    return World(
        event, token, join(client, event), polls, questions, ideas, random.Random(seed), surveys
    )


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
        "idea_id": world.ideas,
        "survey_id": world.surveys,
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


# --- the bodies the handlers read, the answers they give ----------------------------------------


def endpoints() -> dict[tuple[str, str], Any]:
    """(method, path) -> the handler, for every API route of the routes table."""
    found: dict[tuple[str, str], Any] = {}
    for route in routes():
        inner = route.routes if isinstance(route, Mount) else [route]
        prefix = route.path if isinstance(route, Mount) else ""
        for r in inner:
            if isinstance(r, Route):
                for m in r.methods or ():
                    found[(m.lower(), prefix + r.path)] = r.endpoint
    return found


def is_body(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "body"


def field_named(node: ast.AST) -> str | None:
    """The field in ``body.get("x")``, ``body["x"]`` or ``"x" in body``."""
    const: ast.AST | None = None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        const = node.args[0] if is_body(node.func.value) and node.func.attr == "get" else None
    elif isinstance(node, ast.Subscript) and is_body(node.value):
        const = node.slice
    elif isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In):
        const = node.left if is_body(node.comparators[0]) else None
    if isinstance(const, ast.Constant) and isinstance(const.value, str):
        return const.value
    return None


def fields_read(handler: Any) -> tuple[set[str], set[str] | None]:
    """The body fields ``handler`` (and the functions of its module it calls) reads by name
    (``body.get("x")``, ``body["x"]``, ``"x" in body``), and the fields it allows when it
    refuses others (``set(body) <= {…}`` or a module constant), None when it refuses none."""
    module = sys.modules[handler.__module__]
    read: set[str] = set()
    allowed: set[str] | None = None
    todo, seen = [handler], set()
    while todo:
        function = todo.pop()
        if function in seen:
            continue
        seen.add(function)
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        local_sets = {
            n.targets[0].id: n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Assign)
            and isinstance(n.targets[0], ast.Name)
            and isinstance(n.value, ast.Set)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                called = getattr(module, node.func.id, None)
                if inspect.isfunction(called) and called.__module__ == module.__name__:
                    todo.append(called)
            name = field_named(node)
            if name is not None:
                read.add(name)
            if (
                isinstance(node, ast.Compare)
                and isinstance(node.ops[0], ast.LtE)
                and isinstance(node.left, ast.Call)
                and any(is_body(a) for a in node.left.args)
            ):
                limit = node.comparators[0]
                if isinstance(limit, ast.Name):  # a set named in the function, or the module
                    limit = local_sets.get(limit.id, limit)
                if isinstance(limit, ast.Name):
                    allowed = set(getattr(module, limit.id))
                elif isinstance(limit, ast.Set):
                    allowed = {
                        e.value
                        for e in limit.elts
                        if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    }
    return read, allowed


def body_schema(op: openapi.Operation) -> dict[str, Any]:
    schema: dict[str, Any] = openapi.document()["components"]["schemas"][op.body]
    return schema


JSON_BODIES = [op for op in openapi.OPERATIONS if op.body not in (None, "logo", "SetupBody")]


@pytest.mark.parametrize("op", JSON_BODIES, ids=[op.id for op in JSON_BODIES])
def test_every_field_a_handler_reads_is_in_its_body_schema(op: openapi.Operation) -> None:
    handler = endpoints()[(op.method, op.path)]
    read, allowed = fields_read(handler)
    assert read or allowed, f"{op.id}: no body field found in {handler.__qualname__}"
    described = set(body_schema(op)["properties"])
    assert read <= described, f"{op.id} reads {sorted(read - described)}, not described"
    if allowed is not None:  # a body that refuses unknown fields: exactly these, and closed
        assert allowed <= described, f"{op.id} takes {sorted(allowed - described)}"
        assert body_schema(op)["additionalProperties"] is False, op.id


def test_the_field_scan_sees_what_the_handlers_read() -> None:
    """The scan above on a handler whose fields are known (it would pass on nothing else)."""
    ops = {op.id: op for op in openapi.OPERATIONS}
    patch_poll = endpoints()[("patch", ops["patchPoll"].path)]
    assert fields_read(patch_poll)[1] == {"visibility", "screen_results", "joined_before_only"}
    create_poll = endpoints()[("post", ops["createPoll"].path)]
    assert {"question", "joined_before_only", "max_answers"} <= fields_read(create_poll)[0]
    join_handler = endpoints()[("post", ops["join"].path)]
    assert fields_read(join_handler) == ({"join_code"}, None)


def test_the_setup_body_takes_exactly_the_fields_the_import_knows() -> None:
    schema = openapi.document()["components"]["schemas"]["SetupBody"]
    props = schema["properties"]
    agenda_item = props["agenda"]["items"]
    for described, known in [
        (schema, setup_file.TOP_KEYS),
        (props["rooms"]["items"], setup_file.ROOM_KEYS),
        (agenda_item, setup_file.ITEM_KEYS),
        (agenda_item["properties"]["polls"]["items"], setup_file.POLL_KEYS),
        (props["polls"]["items"], setup_file.LOOSE_POLL_KEYS),
    ]:
        assert set(described["properties"]) == known
        assert described["additionalProperties"] is False


def undeclared(value: Any, schema: dict[str, Any], where: str = "") -> list[str]:
    """Fields of ``value`` that ``schema`` does not name (its $refs resolved in the document;
    of anyOf the branch that fits best)."""
    components = openapi.document()["components"]["schemas"]
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        found = [undeclared(value, branch, where) for branch in schema["anyOf"]]
        return min(found, key=len)
    if "allOf" in schema:
        merged: dict[str, Any] = {"properties": {}}
        for part in schema["allOf"]:
            while "$ref" in part:
                part = components[part["$ref"].rsplit("/", 1)[1]]
            merged["properties"].update(part.get("properties", {}))
        schema = merged
    if isinstance(value, dict) and "properties" in schema:
        props = schema["properties"]
        extra = [f"{where}/{key}" for key in value if key not in props]
        return extra + [
            problem
            for key, item in value.items()
            if key in props
            for problem in undeclared(item, props[key], f"{where}/{key}")
        ]
    if isinstance(value, list) and "items" in schema:
        return [p for i, item in enumerate(value) for p in undeclared(item, schema["items"], where)]
    return []


def test_every_field_the_api_answers_is_described(fuzzed: TestClient) -> None:
    """Answers may grow (clients ignore what they do not know), but the description names
    every field the server sends today."""
    world = build_world(fuzzed)
    event, auth = world.event, world.event.auth
    base = f"/api/v1/events/{event.code}"
    answers = {
        "Event": fuzzed.get(base),
        "Participant": fuzzed.post(f"{base}/join"),
        "QuestionList": fuzzed.get(f"{base}/rooms/{event.room}/questions", headers=auth),
        "Export": fuzzed.get(f"{base}/export.json", headers=auth),
        "Setup": fuzzed.get(f"{base}/setup", headers=auth),
        "Screen": fuzzed.put(
            f"{base}/rooms/{event.room}/screen", json={"mode": "join"}, headers=auth
        ),
        "Room": fuzzed.patch(
            f"{base}/rooms/{event.room}", json={"parallel_polls": True}, headers=auth
        ),
    }
    for poll in world.polls:
        answers[f"Poll {poll}"] = fuzzed.get(f"{base}/polls/{poll}", headers=auth)
    for survey in world.surveys:
        answers[f"Survey {survey}"] = fuzzed.get(f"{base}/surveys/{survey}", headers=auth)
    for name, response in answers.items():
        assert response.status_code < 300, (name, response.text)
        schema = {"$ref": f"#/components/schemas/{name.split()[0]}"}
        assert undeclared(response.json(), schema) == [], name
    # The check itself finds what is not described.
    assert undeclared({**answers["Event"].json(), "secret": 1}, {"$ref": "#/x/Event"}) == [
        "/secret"
    ]
