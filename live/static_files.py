"""The static files as the app serves them: read once, each also under a name that carries a
hash of its bytes (``live.js`` -> ``live.3f2a9c01.js``).

Pages link the hashed names (the templates' ``asset()``), which browsers may keep for a year
without asking again (``immutable``): a changed file is a new name, so a phone never runs a stale
script and a repeat visit costs no request for it. A hall of 400 phones joining through one
access point is where this counts, as does compression: text files are also kept gzipped, done
once here at level 9, so a burst of joins costs no compression work at all. And our own
stylesheets and scripts go out without their comments (``slim``).

Read from ``live.assets.STATIC_DIR`` (the checkout's ``static/`` or the wheel's copy) on first
use, which ``create_app`` makes happen at start-up. Files added or edited later are seen only
after a restart: their names and hashes are fixed for the process's life.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from live.assets import STATIC_DIR

HASH_LENGTH = 8  # 32 bits of SHA-256: no collision among a few dozen files of one release
URL_PREFIX = "/static/"

MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}
# Worth compressing (images other than SVG, fonts and archives are compressed already).
COMPRESSIBLE = ("text/", "application/json", "image/svg+xml")
# Our own CSS: a comment, or a string (kept: it may hold "/*").
_CSS_COMMENT = re.compile(r"""("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|/\*.*?\*/""", re.S)
# Our own JS: a line that is only a comment (never inside a string or regex in ES5 code: those
# cannot span lines; the scripts use no template literals).
_JS_COMMENT_LINE = re.compile(r"^[ \t]*//[^\n]*$", re.M)
# A name that looks hashed: what came before the hash, and the extension after it.
_HASHED = re.compile(rf"^(?P<head>.+)\.[0-9a-f]{{{HASH_LENGTH}}}(?P<ext>\.[^./]+)?$")


@dataclass(frozen=True, slots=True)
class StaticFile:
    name: str  # path below static/, with "/" (e.g. "vendor/htmx-2.0.11.min.js")
    hashed: str  # the same with the hash before the extension
    media_type: str
    body: bytes
    gzipped: bytes | None  # None: not worth it (already compressed, or no smaller)
    etag: str  # for the plain name's revalidation

    @property
    def url(self) -> str:
        return URL_PREFIX + self.hashed


def hashed_name(name: str, digest: str) -> str:
    folder, slash, base = name.rpartition("/")
    stem, dot, ext = base.rpartition(".")
    base = f"{stem}.{digest}.{ext}" if dot and stem else f"{base}.{digest}"
    return folder + slash + base


def media_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in MEDIA_TYPES:
        return MEDIA_TYPES[suffix]
    if suffix == ".license":
        return "text/plain; charset=utf-8"
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def slim(name: str, body: bytes) -> bytes:
    """Our own stylesheets and scripts without their comments: they explain the code to its
    readers and were a third of what a phone downloaded of these files, gzipped. Each comment
    leaves its line breaks, so a console error's line number still points into the source.
    Vendored files go out as they are (their licence headers stay)."""
    if name.startswith("vendor/") or not name.endswith((".css", ".js")):
        return body
    text = body.decode("utf-8")
    if name.endswith(".css"):
        text = _CSS_COMMENT.sub(lambda m: m[1] or "\n" * m[0].count("\n"), text)
    else:
        text = _JS_COMMENT_LINE.sub("", text)
    return text.encode("utf-8")


def read_file(root: Path, path: Path) -> StaticFile:
    name = path.relative_to(root).as_posix()
    body = slim(name, path.read_bytes())
    digest = hashlib.sha256(body).hexdigest()
    kind = media_type(name)
    gzipped = None
    if kind.startswith(COMPRESSIBLE):
        # mtime=0: the same bytes in every process, so every worker's answer is identical.
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        gzipped = packed if len(packed) < len(body) else None
    return StaticFile(
        name=name,
        hashed=hashed_name(name, digest[:HASH_LENGTH]),
        media_type=kind,
        body=body,
        gzipped=gzipped,
        etag=f'"{digest[:16]}"',
    )


class Manifest:
    """Every static file by its plain and by its hashed name."""

    def __init__(self, files: list[StaticFile]) -> None:
        self.by_name = {f.name: f for f in files}
        self.by_hashed = {f.hashed: f for f in files}

    @classmethod
    def read(cls, root: Path) -> Manifest:
        paths = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
        return cls([read_file(root, p) for p in paths])

    def url(self, name: str) -> str:
        """The hashed URL of a static file; a name that is not there is a mistake in a template
        and fails the page's rendering (and its tests) rather than linking a 404."""
        try:
            return self.by_name[name].url
        except KeyError:
            raise LookupError(f"no static file {name!r} in {STATIC_DIR}") from None

    def current(self, requested: str) -> StaticFile | None:
        """For a hashed name that is not (or no longer) there: the file it names today."""
        match = _HASHED.match(requested)
        if match is None:
            return None
        return self.by_name.get(match["head"] + (match["ext"] or ""))


@cache
def manifest() -> Manifest:
    return Manifest.read(STATIC_DIR)


def asset(name: str) -> str:
    """The URL a page links for static/<name> (a Jinja global)."""
    return manifest().url(name)
