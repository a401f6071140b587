"""Errors the service raises besides DomainError; the web layer maps them to statuses."""

from __future__ import annotations

from live.domain.errors import DomainError


class NotFound(DomainError):
    """An event, room, poll or question that does not exist (HTTP 404)."""


class Unauthorized(DomainError):
    """A moderator call without a token (HTTP 401)."""


class Forbidden(DomainError):
    """A moderator call with a wrong token (HTTP 403)."""


class Unavailable(DomainError):
    """The store or hub cannot be reached right now; the client may retry (HTTP 503)."""
