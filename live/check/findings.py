"""The checks of `live check` and of `live serve` at start, one finding each: ok, warning (it
runs, but something will hurt on the day) or error (it must not run like this).

Each check says what it found and, when something is wrong, what to change. No secret is ever
printed (tokens, Redis passwords). The texts are English like the rest of the CLI.
"""

from __future__ import annotations

import enum
import ipaddress
import resource
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from live.reach import binds_everywhere, is_loopback_host, is_loopback_url, phones_address
from live.settings import Settings

DEFAULT_PHONES = 1000  # what the file-limit check plans for unless told (`--phones`)
FILES_PER_PHONE = 2  # its socket and, on the participant page, an HTTP connection
SPARE_FILES = 64  # the database, Redis connections, log files, the listening socket
SHORT_TOKEN = 16


class Level(enum.Enum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Finding:
    level: Level
    check: str
    message: str


@dataclass(frozen=True)
class Report:
    settings: Settings | None
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level is Level.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level is Level.WARNING]


def check(
    env: Mapping[str, str] | None = None, *, phones: int = DEFAULT_PHONES, at_start: bool = False
) -> Report:
    """Every check against the environment's settings. ``at_start`` (`live serve`): a Redis
    that does not answer yet is a warning, not an error (the app connects when it comes)."""
    try:
        settings = Settings.from_env(env)
    except ValueError as exc:
        return Report(None, (Finding(Level.ERROR, "settings", str(exc)),))
    findings = [Finding(Level.OK, "settings", "all settings parse")]
    checks: list[Callable[[], Iterator[Finding]]] = [
        lambda: _workers(settings),
        lambda: _data_dir(settings),
        lambda: _redis(settings, at_start),
        lambda: _public_url(settings),
        lambda: _phones(settings),
        lambda: _admin_token(settings),
        lambda: _proxies(settings),
        lambda: _framing(settings),
        lambda: _files(settings, phones),
    ]
    for one in checks:
        findings += one()
    return Report(settings, tuple(findings))


def _workers(settings: Settings) -> Iterator[Finding]:
    store = settings.effective_store_url.split(":", 1)[0]
    hub = settings.effective_hub_url.split(":", 1)[0]
    if settings.workers > 1 and not settings.shares_state:
        yield Finding(
            Level.ERROR,
            "workers",
            f"{settings.workers} workers need Redis (set LIVE_REDIS_URL): the in-process hub "
            "and the SQLite store serve exactly one process",
        )
        return
    yield Finding(Level.OK, "workers", f"{settings.workers} worker(s), store {store}, hub {hub}")


def _sqlite_path(settings: Settings) -> Path | None:
    url = settings.effective_store_url
    if not url.startswith("sqlite:"):
        return None
    from live.store.sqlite import SQLiteStore

    try:
        return SQLiteStore.from_url(url).path
    except ValueError:
        return None


def _data_dir(settings: Settings) -> Iterator[Finding]:
    """The SQLite database's directory: a file is really made there (root passes any mode
    bits, so asking os.access would not do)."""
    path = _sqlite_path(settings)
    if path is None:
        yield Finding(Level.OK, "data dir", "not used (the store is not SQLite)")
        return
    directory = path.parent
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    # The nearest directory that exists: the store makes the rest (live/store/sqlite.py).
    target = existing
    if existing == directory:
        note = f"{directory} is writable"
    else:
        note = f"{directory} does not exist yet; it is made in {existing}"
    try:
        if not target.is_dir():
            raise NotADirectoryError(0, "not a directory")
        with tempfile.NamedTemporaryFile(dir=target, prefix=".live-check-"):
            pass
        if path.exists():
            with path.open("ab"):  # appends nothing: only proves the database can be written
                pass
    except OSError as exc:
        yield Finding(
            Level.ERROR,
            "data dir",
            f"cannot write to {target} ({exc.strerror or exc}): the SQLite store needs a "
            "writable LIVE_DATA_DIR (--data-dir)",
        )
        return
    yield Finding(Level.OK, "data dir", note)


def _redis(settings: Settings, at_start: bool) -> Iterator[Finding]:
    urls = dict.fromkeys(
        url
        for url in (settings.effective_store_url, settings.effective_hub_url)
        if url.split(":", 1)[0] in {"redis", "rediss", "valkey", "valkeys"}
    )
    for url in urls:
        yield from _one_redis(url, at_start)


def _one_redis(url: str, at_start: bool) -> Iterator[Finding]:
    # Here, not at the top: a server without Redis starts without loading its client.
    from redis.exceptions import RedisError

    from live.check import persistence

    name = f"redis {persistence.where(url)}"
    try:
        found = persistence.read(url)
    except (RedisError, OSError) as exc:
        level = Level.WARNING if at_start else Level.ERROR
        later = " (the app keeps trying to connect)" if at_start else ""
        yield Finding(level, name, f"not reachable: {type(exc).__name__}{later}")
        return
    yield Finding(Level.OK, name, "reachable")
    fix = "set `appendonly yes` and `appendfsync everysec` (redis.conf, docs/deploy.md)"
    if found.appendonly is None:
        yield Finding(
            Level.WARNING,
            name,
            f"could not read its persistence settings (CONFIG not allowed): make sure it has "
            f"AOF on; {fix}",
        )
    elif not found.appendonly:
        if found.save is not None and not found.save.strip():
            yield Finding(
                Level.ERROR,
                name,
                'keeps nothing on disk (appendonly no, save ""): a restart loses every event '
                f"and vote; {fix}",
            )
        elif found.save is None:
            yield Finding(Level.WARNING, name, f"appendonly no (the AOF is off); {fix}")
        else:
            yield Finding(
                Level.WARNING,
                name,
                f'only RDB snapshots (appendonly no, save "{found.save}"): a restart loses '
                f"what was written since the last snapshot; {fix}",
            )
    elif found.appendfsync == "always":
        yield Finding(Level.OK, name, "AOF on, fsync at every write: nothing acknowledged is lost")
    elif found.appendfsync == "no":
        yield Finding(
            Level.WARNING,
            name,
            "AOF on, appendfsync no: the system decides when to write, and a crash of the "
            "Redis host loses about the last 30 s of votes; set `appendfsync everysec`",
        )
    else:
        yield Finding(
            Level.OK,
            name,
            f"AOF on, appendfsync {found.appendfsync or 'everysec'}: a restart keeps "
            "everything; a crash of the Redis host can lose up to 2 s of writes",
        )
    if found.eviction is not None and found.eviction != "noeviction":
        yield Finding(
            Level.WARNING,
            name,
            f"maxmemory-policy {found.eviction}: evicting a tally or a ballot would lose votes; "
            "set `maxmemory-policy noeviction`",
        )


def _public_url(settings: Settings) -> Iterator[Finding]:
    url = settings.public_url
    if not url:
        yield Finding(
            Level.OK,
            "public URL",
            "not set: links and QR codes carry the address a page is opened by",
        )
        return
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:
        yield Finding(Level.ERROR, "public URL", f"LIVE_PUBLIC_URL has no valid port: {url}")
        return
    if parts.scheme not in ("http", "https") or not parts.hostname:
        yield Finding(
            Level.ERROR,
            "public URL",
            f"LIVE_PUBLIC_URL must be http(s)://host[:port], e.g. https://live.example.org; got "
            f"{url}",
        )
        return
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        yield Finding(
            Level.ERROR,
            "public URL",
            f"LIVE_PUBLIC_URL must be the base only, without path, query or user: "
            f"{parts.scheme}://{parts.hostname}… (the app serves from the root)",
        )
        return
    if parts.scheme == "http" and settings.secure_cookies:
        yield Finding(
            Level.ERROR,
            "public URL",
            "LIVE_SECURE_COOKIES=1 with an http:// LIVE_PUBLIC_URL: browsers keep Secure cookies "
            "only over https, so no phone could keep its identity",
        )
        return
    if parts.scheme == "http" and not is_loopback_url(url):
        yield Finding(
            Level.WARNING,
            "public URL",
            f"{url} is plain http: in production serve https behind a proxy (docs/deploy.md) "
            "and set LIVE_SECURE_COOKIES=1",
        )
        return
    if parts.scheme == "https" and not settings.secure_cookies:
        yield Finding(
            Level.WARNING,
            "public URL",
            f"{url} is https, but LIVE_SECURE_COOKIES is off: set LIVE_SECURE_COOKIES=1",
        )
        return
    yield Finding(Level.OK, "public URL", url)


def _phones(settings: Settings) -> Iterator[Finding]:
    address = phones_address(settings)
    if not is_loopback_url(address):
        note = "" if settings.public_url else " (set LIVE_PUBLIC_URL for a fixed address)"
        yield Finding(Level.OK, "phones", f"phones open {address}{note}")
    elif settings.public_url:
        yield Finding(
            Level.WARNING,
            "phones",
            f"LIVE_PUBLIC_URL {address} names this machine: phones cannot reach it; set it to "
            "the address phones open",
        )
    elif binds_everywhere(settings.host):
        yield Finding(
            Level.WARNING,
            "phones",
            "no network address found: phones cannot reach this machine; set LIVE_PUBLIC_URL",
        )
    else:
        yield Finding(
            Level.WARNING,
            "phones",
            f"{address} is this machine only: phones cannot reach it. Listen on the network "
            "(`live serve --host 0.0.0.0`, LIVE_HOST) or behind a proxy, and set "
            "LIVE_PUBLIC_URL to the address phones open",
        )


def _admin_token(settings: Settings) -> Iterator[Finding]:
    token = settings.admin_token
    if not token:
        yield Finding(
            Level.WARNING,
            "admin token",
            "LIVE_ADMIN_TOKEN is not set: anyone who can reach this server can create events",
        )
    elif len(token) < SHORT_TOKEN:
        yield Finding(
            Level.WARNING,
            "admin token",
            f"LIVE_ADMIN_TOKEN is short ({len(token)} characters): use at least {SHORT_TOKEN} "
            "random ones",
        )
    else:
        yield Finding(Level.OK, "admin token", "set")


def _proxies(settings: Settings) -> Iterator[Finding]:
    trusted = settings.forwarded_allow_ips
    everyone = "*" in trusted or any(
        ipaddress.ip_network(entry, strict=False).prefixlen == 0 for entry in trusted
    )
    if everyone and not is_loopback_host(settings.host):
        yield Finding(
            Level.WARNING,
            "proxies",
            "LIVE_FORWARDED_ALLOW_IPS trusts every address: any client can claim any address "
            "(X-Forwarded-For) and escape the join budget; list your proxy's address",
        )
        return
    shown = ", ".join(trusted) if trusted else "none"
    yield Finding(Level.OK, "proxies", f"X-Forwarded-* trusted from {shown}")


def _framing(settings: Settings) -> Iterator[Finding]:
    origins = settings.frame_ancestors
    if not origins:
        yield Finding(Level.OK, "framing", "no other site may frame the pages")
        return
    if not settings.secure_cookies:
        # Without Secure the participant cookie cannot be SameSite=None: a frame on another
        # site (another registrable domain) would lose it (docs/integrations.md).
        yield Finding(
            Level.WARNING,
            "framing",
            "LIVE_FRAME_ANCESTORS is set but LIVE_SECURE_COOKIES is not: participants in a "
            "frame on another site lose their identity on every load; serve HTTPS and set "
            "LIVE_SECURE_COOKIES=1",
        )
        return
    yield Finding(
        Level.OK, "framing", f"participant, projector and overlay framable by {', '.join(origins)}"
    )


def _files(settings: Settings, phones: int) -> Iterator[Finding]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # The phones spread over the workers; each worker process has the limit for itself.
    need = FILES_PER_PHONE * -(-phones // settings.workers) + SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < need:
        fits = max(0, (soft - SPARE_FILES) // FILES_PER_PHONE) * settings.workers
        hard_note = "" if hard == resource.RLIM_INFINITY or hard >= need else f" (hard {hard})"
        yield Finding(
            Level.WARNING,
            "open files",
            f"limit {soft}{hard_note} fits about {fits:,} phones, planned {phones:,}: raise it "
            "(systemd LimitNOFILE=65536, or ulimit -n 65536)",
        )
        return
    yield Finding(Level.OK, "open files", f"limit {soft} fits {phones:,} phones")
