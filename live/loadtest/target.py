"""The one server a load run talks to, and JSON over HTTP to it.

A load test must never send load anywhere but where it was pointed: every address is built here
from the given base URL and a path, proxies from the environment are ignored (a proxy would
measure itself), and redirects are not followed (a redirect could lead to another host; the
API never redirects).
"""

from __future__ import annotations

import ipaddress
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson


class TargetError(ValueError):
    """The URL is not one a load test may run against."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx answer is raised as an HTTPError instead


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


@dataclass(frozen=True)
class Target:
    """``http(s)://host[:port]`` of the server under test."""

    scheme: str
    host: str
    port: int

    @classmethod
    def parse(cls, url: str) -> Target:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https"):
            raise TargetError(f"the URL must start with http:// or https://, got {url!r}")
        if not parts.hostname:
            raise TargetError(f"the URL names no host: {url!r}")
        if parts.username or parts.password:
            raise TargetError("the URL must not carry a user name or password")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise TargetError(
                f"give the server's base URL only (no path, query or fragment), got {url!r}"
            )
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise TargetError(f"the URL's port is not a port number: {url!r}") from None
        return cls(parts.scheme, parts.hostname.lower(), port)

    @property
    def tls(self) -> bool:
        return self.scheme == "https"

    @property
    def authority(self) -> str:
        """The Host header: the port only when it is not the scheme's default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.tls else 80
        return host if self.port == default else f"{host}:{self.port}"

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.authority}"

    @property
    def loopback(self) -> bool:
        if self.host == "localhost" or self.host.endswith(".localhost"):
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server (a path, never another address)."""
        if not path.startswith("/") or path.startswith("//"):
            raise TargetError(f"not a path on {self.origin}: {path!r}")
        return self.origin + path

    def owns(self, url: str) -> bool:
        """Whether ``url`` points at this very server (scheme, host and port)."""
        try:
            other = Target.parse(f"{urlsplit(url).scheme}://{urlsplit(url).netloc}")
        except TargetError:
            return False
        return other == self


class HttpError(Exception):
    def __init__(self, method: str, url: str, status: int, body: bytes) -> None:
        super().__init__(f"{method} {url} -> {status}: {body[:300]!r}")
        self.status = status
        self.body = body

    @property
    def code(self) -> str:
        """The error code of the JSON error shape (CONTRACT.md), else the status."""
        try:
            return str(orjson.loads(self.body)["error"]["code"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return str(self.status)


def http_json(
    method: str,
    url: str,
    body: object = None,
    *,
    token: str | None = None,
    timeout: float = 15.0,
) -> Any:
    """One JSON request; returns the decoded answer, raises HttpError for any non-2xx (a
    redirect included: it is not followed)."""
    data = orjson.dumps(body) if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise HttpError(method, url, exc.code, exc.read()) from None
    return orjson.loads(raw) if raw else None


@dataclass(frozen=True)
class Event:
    code: str
    room_id: str
    moderator_token: str


def create_event(base_url: str, title: str = "Benchmark", *, token: str | None = None) -> Event:
    answer = http_json("POST", f"{base_url}/api/v1/events", {"title": title}, token=token)
    return Event(answer["code"], answer["rooms"][0]["id"], answer["moderator_token"])


def join(base_url: str, code: str) -> str:
    return str(http_json("POST", f"{base_url}/api/v1/events/{code}/join")["participant_token"])
