"""The room socket's frames, checked against the published message schemas.

Every JSON frame the socket tests receive goes through ``server_message``: it parses the frame
and fails the test when the frame breaks the schema of its ``type`` (live/web/socket_schemas.py,
as GET /api/v1/openapi.json publishes them). So a change of what the server sends that the
description does not follow fails the tests that see it.

Plain module (no pytest imports): the browser support (tests/support/stage.py) uses it too.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from jsonschema import Draft202012Validator

from live.web.openapi import document
from live.web.socket_schemas import SERVER_TYPES

Msg = dict[str, Any]

# Whether frames are checked. The tests check every one; bench/chaos.py, which drives the same
# voters (tests/support/voting.py), turns it off: it times the server, and two schema checks per
# frame in its one client process took longer than the server's whole reconnect storm.
CHECKED = True


@functools.cache
def validator(name: str) -> Draft202012Validator:
    """A validator for one of the document's schemas; its references resolve inside the
    document (``#/components/schemas/…``), as in the served description."""
    root = {"$ref": f"#/components/schemas/{name}", "components": document()["components"]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(message: object, name: str) -> list[str]:
    """What in ``message`` breaks the schema ``name`` (empty: nothing)."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(frame)'}: {error.message}"
        for error in validator(name).iter_errors(message)
    ]


def server_message(raw: str | bytes) -> Msg:
    """A frame from the server, parsed; an AssertionError when it is not as described."""
    message = json.loads(raw)
    assert isinstance(message, dict), f"a frame that is not an object: {raw!r:.200}"
    if not CHECKED:
        return message
    kind = message.get("type")
    assert kind in SERVER_TYPES, f"a frame of an undescribed type {kind!r}: {raw!r:.200}"
    found = problems(message, SERVER_TYPES[kind])
    assert not found, f"this {kind} frame breaks its schema: {found[:5]} in {raw!r:.300}"
    assert not problems(message, "SocketServerMessage"), f"{kind} matches more than one schema"
    return message
