"""live/loadtest/target.py: a load run talks to the one server it was given, nowhere else."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from live.loadtest.target import HttpError, Target, TargetError, http_json


def test_parse() -> None:
    local = Target.parse("http://127.0.0.1:8000/")
    assert (local.scheme, local.host, local.port, local.loopback) == (
        "http",
        "127.0.0.1",
        8000,
        True,
    )
    assert local.origin == "http://127.0.0.1:8000"
    public = Target.parse("https://Live.Example.org")
    assert (public.port, public.authority, public.tls) == (443, "live.example.org", True)
    assert not public.loopback
    assert Target.parse("http://[::1]:9000").authority == "[::1]:9000"
    assert Target.parse("http://localhost:1").loopback


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1",
        "127.0.0.1:8000",
        "http://",
        "http://user:secret@127.0.0.1:8000",
        "http://127.0.0.1:8000/e/ABC",
        "http://127.0.0.1:8000/?x=1",
        "http://127.0.0.1:port",
    ],
)
def test_refused_urls(url: str) -> None:
    with pytest.raises(TargetError):
        Target.parse(url)


def test_only_paths_on_the_target() -> None:
    target = Target.parse("http://127.0.0.1:8000")
    assert target.url("/api/v1/events") == "http://127.0.0.1:8000/api/v1/events"
    for other in ("http://elsewhere.example/api", "//elsewhere.example/api", "api/v1"):
        with pytest.raises(TargetError):
            target.url(other)
    assert target.owns("http://127.0.0.1:8000/e/ABC")
    assert not target.owns("http://127.0.0.1:8001/e/ABC")
    assert not target.owns("https://127.0.0.1:8000/")
    assert not target.owns("http://live.example.org/e/ABC")


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str]
    location = ""

    def do_POST(self) -> None:
        self.hits.append(self.path)
        if self.location:
            self.send_response(307)
            self.send_header("Location", self.location)
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _serve(location: str) -> tuple[HTTPServer, list[str]]:
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits, "location": location})
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hits


@pytest.fixture
def servers() -> Iterator[tuple[str, list[str], list[str]]]:
    """A server that redirects every request to a second one; the hits of both."""
    other, other_hits = _serve("")
    other_url = f"http://127.0.0.1:{other.server_address[1]}"
    given, given_hits = _serve(other_url + "/api/v1/events")
    yield f"http://127.0.0.1:{given.server_address[1]}", given_hits, other_hits
    for server in (given, other):
        server.shutdown()
        server.server_close()


def test_a_redirect_elsewhere_is_not_followed(servers: tuple[str, list[str], list[str]]) -> None:
    given, given_hits, other_hits = servers
    target = Target.parse(given)
    with pytest.raises(HttpError) as refused:
        http_json("POST", target.url("/api/v1/events"), {"title": "Lasttest"})
    assert refused.value.status == 307
    assert given_hits == ["/api/v1/events"]
    assert other_hits == []  # the other host never heard of it
