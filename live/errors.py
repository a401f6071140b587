"""Errors the service raises besides DomainError; the web layer maps them to statuses."""

from __future__ import annotations

import math

from live.domain.errors import DomainError


class NotFound(DomainError):
    """An event, room, poll or question that does not exist (HTTP 404)."""


class Unauthorized(DomainError):
    """A moderator call without a token (HTTP 401)."""


class Forbidden(DomainError):
    """A moderator call with a wrong token (HTTP 403)."""


class Unavailable(DomainError):
    """The store or hub cannot be reached right now; the client may retry (HTTP 503)."""


class TooMany(DomainError):
    """Too many attempts from one client address in a short time (HTTP 429 with Retry-After:
    the whole seconds ``retry_after`` until one more is accepted)."""

    def __init__(self, code: str, message: str, *, retry_after: float) -> None:
        super().__init__(code, message)
        self.retry_after = max(1, math.ceil(retry_after))
