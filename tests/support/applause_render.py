"""Rendering static/applause.js offline in headless Chromium: the engine's own graph on an
OfflineAudioContext, stepped on the audio clock with seeded random numbers
(`window.liveApplause.render`), so the same arguments always give the same samples, however busy
the machine is. Used by tests/browser/test_applause_sound.py and docs/applause/make.py."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import Page

from tests.support.audio import Signal
from tests.support.browser import serve_pages

REPO = Path(__file__).resolve().parents[2]
PAGE = b"""<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Applaus</title>
<script src="/static/applause.js" defer></script></head><body><main></main></body></html>"""
CSP = "default-src 'none'; script-src 'self'; style-src 'self'"

# Float32 samples travel as base64 (JSON arrays of a million numbers would be slow).
_RENDER = """async (o) => {
  const r = await window.liveApplause.render(o);
  const b64 = (a) => {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(s);
  };
  return {sampleRate: r.sampleRate, onsets: r.onsets, channels: r.channels.map(b64)};
}"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/sound.html":
            body, kind = PAGE, "text/html; charset=utf-8"
        elif self.path == "/static/applause.js":
            body, kind = (REPO / "static" / "applause.js").read_bytes(), "text/javascript"
        else:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def sound_page_server() -> Iterator[str]:
    """Serves /sound.html (nothing but applause.js) and yields its URL."""
    with serve_pages(_Handler) as url:
        yield url + "/sound.html"


@dataclass(frozen=True)
class Rendering:
    signal: Signal  # (2, samples), -1..1
    rate: int
    onsets: list[float]  # the claps the foreground scheduled (s), for cross-checks

    def between(self, start: float, end: float) -> Signal:
        part: Signal = self.signal[:, round(start * self.rate) : round(end * self.rate)]
        return part


def render(
    page: Page,
    *,
    seconds: float,
    level: float | None = None,
    levels: list[tuple[float, float]] | None = None,
    present: int = 40,
    seed: int = 1,
    reverb: bool = False,
    volume: float = 1.0,
    probe: float = 0.0,
) -> Rendering:
    """The engine's output for a level (or a step function of levels: [(time s, level)])."""
    options: dict[str, Any] = {
        "seconds": seconds,
        "levels": [list(x) for x in levels] if levels else [[0, level or 0.0]],
        "present": present,
        "seed": seed,
        "reverb": reverb,
        "volume": volume,
        "sampleRate": 48000,
        "probe": probe,
    }
    result = page.evaluate(_RENDER, options)
    channels = [
        np.frombuffer(base64.b64decode(c), dtype="<f4").astype(np.float64)
        for c in result["channels"]
    ]
    return Rendering(np.vstack(channels), int(result["sampleRate"]), list(result["onsets"]))
