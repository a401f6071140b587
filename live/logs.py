"""Logs fit for operations: one line per event (``LIVE_LOG_FORMAT``: text, logfmt or json), each
line made while handling a request or a socket carrying that request's id, and no secrets.

- Request ids: ``RequestIds`` (the app's outermost middleware) gives every HTTP request and
  every socket an id, kept in a context variable for every log line made while handling it
  (uvicorn's access line too) and returned to HTTP clients as ``X-Request-Id``.
- Secrets: tokens travel in socket and page URLs (``?token=``, per the public interface), so
  uvicorn's access and connection lines would keep participant and moderator secrets. Every
  line's query values are redacted but for a few harmless ones (KEPT_QUERY); the path keeps
  only ids and codes, never a person's text.
- ``config(settings)`` is the logging configuration `live serve` hands uvicorn, which applies
  it in every worker.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

import orjson
from uvicorn.logging import AccessFormatter, DefaultFormatter

from live.settings import Settings

# The id of the request or socket being handled ("" outside of one: start-up, background work).
REQUEST_ID: ContextVar[str] = ContextVar("live_request_id", default="")

REDACTED = "[redacted]"
# Query parameters whose values say nothing secret and help reading a log (the page's language,
# view, room and order). Every other value is replaced, ``token`` first of all.
KEPT_QUERY = frozenset({"lang", "view", "room", "sort"})
_TOKEN = re.compile(r"(token=)[^&\s\"']+")
_QUERY_PAIR = re.compile(r"([?&])([^=&\s\"'#?]+)=([^&\s\"'#]*)")


def _redact_pair(match: re.Match[str]) -> str:
    if match.group(2) in KEPT_QUERY:
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}={REDACTED}"


def redact(text: str) -> str:
    """``text`` with every query value but KEPT_QUERY's replaced, and any ``token=`` value."""
    if "=" not in text:
        return text
    return _QUERY_PAIR.sub(_redact_pair, _TOKEN.sub(rf"\1{REDACTED}", text))


# --- request ids -----------------------------------------------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class RequestIds:
    """Pure ASGI middleware: an id per HTTP request and per socket (a random prefix per process
    and a counter: unique across workers and restarts, and cheap). HTTP answers carry it as
    ``X-Request-Id``; socket frames are left alone (the fan-out writes them directly)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._prefix = secrets.token_hex(4)
        self._count = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http" and kind != "websocket":
            await self.app(scope, receive, send)
            return
        request_id = f"{self._prefix}-{next(self._count):x}"
        # Not reset afterwards: uvicorn runs each request and socket in a task of its own, and
        # the app's error handler, which runs outside this middleware, logs with the id too.
        REQUEST_ID.set(request_id)
        if kind == "websocket":
            await self.app(scope, receive, send)
            return
        header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, send_with_id)


# --- filters and formatters ------------------------------------------------------------------


class RequestIdFilter(logging.Filter):
    """On a handler: gives every record ``request_id`` (the one being handled, or "")."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class RedactTokens(logging.Filter):
    """Redacts the record's message and string arguments (see ``redact``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


class HideClientAddress(logging.Filter):
    """With the access log off (the default): uvicorn's line per socket handshake (``'%s -
    "WebSocket %s" [accepted]'``, the client's address and port first) gets "-" for the
    address. Otherwise each phone's address would be logged anyway, once per connection, while
    LIVE_ACCESS_LOG=0 promises no addresses (the page /datenschutz-hinweise says so). With
    the access log on, the operator chose to log addresses: this filter is not installed."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            isinstance(record.msg, str)
            and record.msg.startswith('%s - "WebSocket ')
            and isinstance(record.args, tuple)
            and record.args
        ):
            record.args = ("-", *record.args[1:])
        return True


def _fields(record: logging.LogRecord) -> dict[str, object]:
    """What a structured line says, in this order. uvicorn's access lines are split into their
    parts (their arguments: client, method, path with query, HTTP version, status)."""
    fields: dict[str, object] = {
        "time": _utc(record.created),
        "level": record.levelname.lower(),
        "logger": record.name,
    }
    args = record.args
    if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) == 5:
        client, method, path, http_version, status = args
        fields.update(
            msg="request",
            method=method,
            path=path,
            status=status,
            http=http_version,
            client=client,
        )
    else:
        fields["msg"] = record.getMessage()
    request_id = getattr(record, "request_id", "")
    if request_id:
        fields["request_id"] = request_id
    fields["pid"] = record.process or os.getpid()
    if record.exc_info:
        fields["exc"] = logging.Formatter().formatException(record.exc_info)
    return fields


def _utc(created: float) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created))
    return f"{seconds}.{int(created % 1 * 1000):03d}Z"


class JsonFormatter(logging.Formatter):
    """One JSON object per line (a traceback is one string field: still one line)."""

    def format(self, record: logging.LogRecord) -> str:
        return orjson.dumps(_fields(record), default=str).decode()


_BARE = re.compile(r"[^\s=\"\\]+")


def _logfmt_value(value: object) -> str:
    text = str(value)
    if _BARE.fullmatch(text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


class LogfmtFormatter(logging.Formatter):
    """``key=value`` pairs, one line per record (values with spaces, quotes or newlines are
    quoted and escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{key}={_logfmt_value(value)}" for key, value in _fields(record).items())


def _with_id(line: str, record: logging.LogRecord) -> str:
    request_id = getattr(record, "request_id", "")
    return f"{line} request_id={request_id}" if request_id else line


class TextFormatter(DefaultFormatter):
    """uvicorn's lines as ever, the request id appended."""

    def format(self, record: logging.LogRecord) -> str:
        return _with_id(super().format(record), record)


class TextAccessFormatter(AccessFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return _with_id(super().format(record), record)


# --- configuration ---------------------------------------------------------------------------

_FORMATTERS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "text": (
        {"()": "live.logs.TextFormatter", "fmt": "%(levelprefix)s %(message)s"},
        {
            "()": "live.logs.TextAccessFormatter",
            "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s',
        },
    ),
    "logfmt": ({"()": "live.logs.LogfmtFormatter"}, {"()": "live.logs.LogfmtFormatter"}),
    "json": ({"()": "live.logs.JsonFormatter"}, {"()": "live.logs.JsonFormatter"}),
}


def config(settings: Settings) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` for `live serve` (uvicorn's ``log_config``): uvicorn's
    loggers and the app's (``live.*``) through the same handlers, in the chosen format, with
    request ids and redaction on the handlers (so every record passing them gets both)."""
    default, access = _FORMATTERS[settings.log_format]
    level = settings.log_level.upper()
    filters = ["request_id", "redact"]
    if not settings.access_log:
        filters.append("hide_address")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "live.logs.RequestIdFilter"},
            "redact": {"()": "live.logs.RedactTokens"},
            "hide_address": {"()": "live.logs.HideClientAddress"},
        },
        "formatters": {"default": default, "access": access},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": filters,
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "filters": filters,
                "stream": "ext://sys.stdout",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["access"], "level": level, "propagate": False},
            "live": {"handlers": ["default"], "level": level, "propagate": False},
        },
    }


def install() -> None:
    """Idempotent: redact on uvicorn's loggers and ours even when the app is served some other
    way than `live serve` (which configures the handlers with ``config``)."""
    for name in ("uvicorn.access", "uvicorn.error", "live"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
