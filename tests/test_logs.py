"""live/logs.py: one line per event in each format, request ids, nothing secret."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import shlex
import sys
from collections.abc import Generator
from dataclasses import replace

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from live import logs
from live.settings import Settings


def logfmt(line: str) -> dict[str, str]:
    """A logfmt line's pairs (quoted values unquoted, as a logfmt reader does)."""
    return dict(pair.split("=", 1) for pair in shlex.split(line))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/api/v1/events/ABC/rooms/r1/ws?token=p-secret",
            "/api/v1/events/ABC/rooms/r1/ws?token=[redacted]",
        ),
        (
            "/e/ABC/moderate?lang=en&token=m-secret&cursor=xyz",
            "/e/ABC/moderate?lang=en&token=[redacted]&cursor=[redacted]",
        ),
        ("/e/ABC/rooms/r1/live?view=screen&room=r1", "/e/ABC/rooms/r1/live?view=screen&room=r1"),
        (
            '127.0.0.1:5 - "WebSocket /x?token=abc" 403',
            '127.0.0.1:5 - "WebSocket /x?token=[redacted]" 403',
        ),
        ("nothing to hide", "nothing to hide"),
    ],
)
def test_query_values_and_tokens_are_redacted(text: str, expected: str) -> None:
    assert logs.redact(text) == expected


def record(
    msg: str, *args: object, name: str = "live.test", exc: bool = False
) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("line one\nline two")
        except ValueError:
            exc_info = sys.exc_info()
    rec = logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, exc_info)
    rec.request_id = "abc-1"
    return rec


def test_json_lines_are_one_object_per_event_even_with_a_traceback() -> None:
    line = logs.JsonFormatter().format(record("room %s: tick failed", "r1", exc=True))
    assert "\n" not in line
    fields = json.loads(line)
    assert fields["msg"] == "room r1: tick failed"
    assert fields["level"] == "warning" and fields["logger"] == "live.test"
    assert fields["request_id"] == "abc-1"
    assert "line one\nline two" in fields["exc"]
    assert fields["time"].endswith("Z")


def test_logfmt_lines_quote_what_needs_quoting() -> None:
    line = logs.LogfmtFormatter().format(record('said "hi" = %s', "there", exc=True))
    assert "\n" not in line
    fields = logfmt(line)
    assert fields["msg"] == 'said "hi" = there'
    assert fields["request_id"] == "abc-1"
    assert fields["exc"].startswith("Traceback")


def test_access_lines_are_split_into_fields() -> None:
    access = record(
        '%s - "%s %s HTTP/%s" %d',
        "10.0.0.7:4711",
        "GET",
        "/e/ABC?token=[redacted]",
        "1.1",
        200,
        name="uvicorn.access",
    )
    fields = json.loads(logs.JsonFormatter().format(access))
    assert fields["method"] == "GET" and fields["status"] == 200
    assert fields["path"] == "/e/ABC?token=[redacted]"
    assert fields["client"] == "10.0.0.7:4711"


@pytest.fixture
def captured() -> Generator[io.StringIO]:
    """The app's loggers configured as `live serve` does (JSON), written to a buffer."""
    stream = io.StringIO()
    config = logs.config(replace(Settings(), log_format="json"))
    config["handlers"]["default"]["stream"] = stream
    config["handlers"]["access"]["stream"] = stream
    logging.config.dictConfig(config)
    yield stream
    for name in ("live", "uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)


def test_every_line_made_while_handling_a_request_names_its_id(captured: io.StringIO) -> None:
    async def page(request: Request) -> PlainTextResponse:
        logging.getLogger("live.web").warning("handling ?token=secret-value")
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/", page)], middleware=[Middleware(logs.RequestIds)])
    with TestClient(app) as client:
        first = client.get("/").headers["x-request-id"]
        second = client.get("/").headers["x-request-id"]
    logging.getLogger("live.app").warning("outside any request")
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert [line.get("request_id") for line in lines] == [first, second, None]
    assert first != second
    assert all(line["msg"] == "handling ?token=[redacted]" for line in lines[:2])
    assert "secret-value" not in captured.getvalue()


def test_an_unknown_log_format_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="LIVE_LOG_FORMAT"):
        Settings.from_env({"LIVE_LOG_FORMAT": "xml"})
    assert Settings.from_env({}).log_format == "text"


def test_the_client_address_of_socket_lines_is_hidden_unless_the_access_log_is_on() -> None:
    def handler_filters(settings: Settings) -> list[str]:
        return list(logs.config(settings)["handlers"]["default"]["filters"])

    assert "hide_address" in handler_filters(Settings())
    assert "hide_address" not in handler_filters(Settings(access_log=True))
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        "",
        0,
        '%s - "WebSocket %s" [accepted]',
        ("203.0.113.7:51234", "/e/ABC/rooms/r1/live"),
        None,
    )
    logs.HideClientAddress().filter(record)
    assert record.getMessage() == '- - "WebSocket /e/ABC/rooms/r1/live" [accepted]'
