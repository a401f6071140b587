"""All settings, read from the environment in one place. Listed with their help in README.md."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True, slots=True)
class Setting:
    env: str
    default: str
    help: str


# The single source for names, defaults and help texts (README's table is generated from this).
SETTINGS: tuple[Setting, ...] = (
    Setting("LIVE_HOST", "127.0.0.1", "Address `live serve` listens on."),
    Setting(
        "LIVE_PORT", "8000", "Port `live serve` listens on (`PORT` is used when this is unset)."
    ),
    Setting("LIVE_DATA_DIR", "./data", "Directory for the embedded SQLite database."),
    Setting(
        "LIVE_REDIS_URL",
        "",
        "Redis/Valkey URL (`redis://host:6379/0`, `rediss://` for TLS; `REDIS_URL` when unset). "
        "When set, store and hub use it and several workers and hosts serve one event.",
    ),
    Setting(
        "LIVE_STORE_URL",
        "",
        "Store backend URL; empty: the Redis URL if set, else `sqlite:///<LIVE_DATA_DIR>/live.db`.",
    ),
    Setting(
        "LIVE_HUB_URL",
        "",
        "Hub backend URL; empty: the Redis URL if set, else `memory://` (in-process).",
    ),
    Setting(
        "LIVE_ADMIN_TOKEN",
        "",
        "When set, creating an event needs this token (form field or `Authorization: Bearer`). "
        "Empty: anyone who can reach the server creates events (warned at start-up).",
    ),
    Setting(
        "LIVE_JOIN_PER_MINUTE",
        "300",
        "New participant identities per client address and minute (page or API join); "
        "more are refused with 429. Kept per worker process.",
    ),
    Setting(
        "LIVE_FORWARDED_ALLOW_IPS",
        "127.0.0.1,::1",
        "Proxies (addresses or networks, comma-separated; `*` for any; empty for none) whose "
        "`X-Forwarded-For`/`-Proto` give the client's address and scheme "
        "(`FORWARDED_ALLOW_IPS` when unset).",
    ),
    Setting(
        "LIVE_PUBLIC_URL",
        "",
        "Base URL for links and QR codes (e.g. `https://live.example.org`); "
        "empty: taken from the request.",
    ),
    Setting(
        "LIVE_TICK_MS", "100", "Fan-out tick in milliseconds (changes are coalesced per tick)."
    ),
    Setting(
        "LIVE_SLOW_SOCKET_SECONDS",
        "10",
        "A socket that stays this long behind is closed with 1013 (it reconnects and resyncs).",
    ),
    Setting(
        "LIVE_ALLOWED_ORIGINS",
        "",
        "Extra allowed `Origin`s for WebSockets and forms, comma-separated (own origin always ok).",
    ),
    Setting("LIVE_SECURE_COOKIES", "0", "Set to 1 behind HTTPS so cookies get the Secure flag."),
    Setting(
        "LIVE_FRAME_ANCESTORS",
        "",
        "Origins that may show the participant, projector and overlay pages in a frame "
        "(video conference side panel, Matrix widget, intranet; docs/integrations.md), "
        "comma-separated: `https://host[:port]`, `https://*.example.org` for its subdomains, "
        "`http://` only for localhost. Empty: no other site may frame any page.",
    ),
    Setting(
        "LIVE_WORKERS", "1", "Worker processes (`WEB_CONCURRENCY` when unset); >1 needs Redis."
    ),
    Setting("LIVE_LOG_LEVEL", "info", "Log level of the server."),
    Setting(
        "LIVE_ACCESS_LOG",
        "0",
        "Set to 1 to log every HTTP request (with the client's address: personal data; "
        "tokens and query values are redacted).",
    ),
    Setting(
        "LIVE_LOG_FORMAT",
        "text",
        "Log lines as `text` (uvicorn's), `logfmt` or `json`: one line per event, each with "
        "the request id of the request or socket it belongs to.",
    ),
    Setting(
        "LIVE_METRICS_TOKEN",
        "",
        "When set, `GET /metrics` serves Prometheus metrics to `Authorization: Bearer <token>` "
        "(docs/ops/README.md). Empty: no metrics (404).",
    ),
    Setting(
        "LIVE_METRICS_DIR",
        "",
        "With several workers and metrics on: the directory for the workers' metric files "
        "(emptied at start). Empty: a fresh temporary directory.",
    ),
    Setting(
        "LIVE_RETENTION_DAYS",
        "30",
        "Days after an event's last day until it is deleted with all its data (0: the next day).",
    ),
    Setting(
        "LIVE_PACE_SECONDS",
        "120",
        "Seconds a participant's pace signal („zu schnell“ …) counts before it decays.",
    ),
    Setting(
        "LIVE_TIMEZONE",
        "Europe/Berlin",
        "Time zone of the program's times and the report (IANA name).",
    ),
    Setting(
        "LIVE_IMPRINT_URL",
        "",
        "The operator's Impressum (`https://…`): linked as „Impressum“ in every page's footer "
        "(not on the projector or the overlay). Empty: no link.",
    ),
    Setting(
        "LIVE_PRIVACY_URL",
        "",
        "The operator's privacy policy (Datenschutzerklärung, `https://…`): linked as "
        "„Datenschutz“ in every page's footer. Empty: no link.",
    ),
    Setting(
        "LIVE_ACCESSIBILITY_CONTACT",
        "",
        "Where barriers are reported (an e-mail address or an `https://` page), named on "
        "/barrierefreiheit. Empty: the page has a feedback form whose reports go to the log.",
    ),
    Setting(
        "LIVE_DGS_VIDEO_URL",
        "",
        "A video in German Sign Language (DGS) about the app (`https://…`), linked from "
        "/leichte-sprache and the footer („Gebärdensprache“). Empty: no link.",
    ),
)

LOG_FORMATS = ("text", "logfmt", "json")

MAX_FRAME_BYTES = 64 * 1024  # OWASP WebSocket cheat sheet: cap frames; oversized → close 1009.


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = field(default_factory=lambda: Path("./data"))
    redis_url: str = ""
    store_url: str = ""
    hub_url: str = ""
    admin_token: str = ""
    join_per_minute: int = 300
    # Only these may say who the client is (X-Forwarded-For): anyone else could pick the
    # address the join budget counts against. Loopback: a proxy on the same host.
    forwarded_allow_ips: tuple[str, ...] = ("127.0.0.1", "::1")
    public_url: str = ""
    tick_ms: int = 100
    slow_socket_seconds: float = 10.0
    allowed_origins: tuple[str, ...] = ()
    secure_cookies: bool = False
    # Origins (normalised: lower case, no trailing slash) that may frame the participant,
    # projector and overlay pages (live/web/security.py FramableRoute); () frames nothing.
    frame_ancestors: tuple[str, ...] = ()
    workers: int = 1
    log_level: str = "info"
    # Off by default: a line per request names each phone's address (personal data a conference
    # need not keep), and writing it was 3 % of the server's CPU in a page-vote burst.
    access_log: bool = False
    log_format: str = "text"
    metrics_token: str = ""
    metrics_dir: str = ""
    retention_days: int = 30
    timezone: str = "Europe/Berlin"
    # The operator's own pages, linked from the footer (checked http(s) URLs or "").
    imprint_url: str = ""
    privacy_url: str = ""
    accessibility_contact: str = ""  # an e-mail address or an http(s) URL; "": the form
    dgs_video_url: str = ""
    pace_seconds: int = 120

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def metrics_shared(self) -> bool:
        """Whether the workers' metrics meet in files (prometheus-client's multiprocess mode):
        several workers and metrics on. `live serve` then sets PROMETHEUS_MULTIPROC_DIR."""
        return bool(self.metrics_token) and self.workers > 1

    @property
    def effective_store_url(self) -> str:
        return self.store_url or self.redis_url or f"sqlite:///{self.data_dir / 'live.db'}"

    @property
    def effective_hub_url(self) -> str:
        return self.hub_url or self.redis_url or "memory://"

    @property
    def effective_board_url(self) -> str:
        """The short-lived shared state (applause, presence) follows the hub."""
        hub = self.effective_hub_url
        return "memory://" if hub.startswith("memory") else hub

    @property
    def shares_state(self) -> bool:
        """Whether several processes can serve one event (store and hub are both shared)."""
        return not self.effective_store_url.startswith("sqlite") and not (
            self.effective_hub_url.startswith("memory")
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str:
            default = next(s.default for s in SETTINGS if s.env == name)
            return env.get(name, default).strip()

        def as_int(name: str, raw: str, low: int, high: int) -> int:
            try:
                value = int(raw)
            except ValueError:
                raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
            if not low <= value <= high:
                raise ValueError(f"{name} must lie in {low}..{high}, got {value}")
            return value

        port_raw = env.get("LIVE_PORT") or env.get("PORT") or "8000"
        workers_raw = env.get("LIVE_WORKERS") or env.get("WEB_CONCURRENCY") or "1"
        return cls(
            host=get("LIVE_HOST"),
            port=as_int("LIVE_PORT", port_raw, 1, 65535),
            data_dir=Path(get("LIVE_DATA_DIR")),
            redis_url=get("LIVE_REDIS_URL") or env.get("REDIS_URL", "").strip(),
            store_url=get("LIVE_STORE_URL"),
            hub_url=get("LIVE_HUB_URL"),
            admin_token=get("LIVE_ADMIN_TOKEN"),
            join_per_minute=as_int(
                "LIVE_JOIN_PER_MINUTE", get("LIVE_JOIN_PER_MINUTE"), 1, 1_000_000
            ),
            forwarded_allow_ips=_proxies(
                get("LIVE_FORWARDED_ALLOW_IPS")
                if "LIVE_FORWARDED_ALLOW_IPS" in env
                else env.get("FORWARDED_ALLOW_IPS", get("LIVE_FORWARDED_ALLOW_IPS"))
            ),
            public_url=get("LIVE_PUBLIC_URL").rstrip("/"),
            tick_ms=as_int("LIVE_TICK_MS", get("LIVE_TICK_MS"), 10, 250),
            slow_socket_seconds=float(
                as_int("LIVE_SLOW_SOCKET_SECONDS", get("LIVE_SLOW_SOCKET_SECONDS"), 1, 600)
            ),
            allowed_origins=tuple(
                o.strip().rstrip("/") for o in get("LIVE_ALLOWED_ORIGINS").split(",") if o.strip()
            ),
            secure_cookies=get("LIVE_SECURE_COOKIES") in {"1", "true", "yes"},
            frame_ancestors=_frame_ancestors(get("LIVE_FRAME_ANCESTORS")),
            workers=as_int("LIVE_WORKERS", workers_raw, 1, 64),
            log_level=get("LIVE_LOG_LEVEL") or "info",
            access_log=get("LIVE_ACCESS_LOG") in {"1", "true", "yes"},
            log_format=_choice("LIVE_LOG_FORMAT", get("LIVE_LOG_FORMAT") or "text", LOG_FORMATS),
            metrics_token=get("LIVE_METRICS_TOKEN"),
            metrics_dir=get("LIVE_METRICS_DIR"),
            retention_days=as_int("LIVE_RETENTION_DAYS", get("LIVE_RETENTION_DAYS"), 0, 3650),
            timezone=_zone_name(get("LIVE_TIMEZONE") or "Europe/Berlin"),
            imprint_url=_web_url("LIVE_IMPRINT_URL", get("LIVE_IMPRINT_URL")),
            privacy_url=_web_url("LIVE_PRIVACY_URL", get("LIVE_PRIVACY_URL")),
            accessibility_contact=_contact(get("LIVE_ACCESSIBILITY_CONTACT")),
            dgs_video_url=_web_url("LIVE_DGS_VIDEO_URL", get("LIVE_DGS_VIDEO_URL")),
            pace_seconds=as_int("LIVE_PACE_SECONDS", get("LIVE_PACE_SECONDS"), 5, 3600),
        )


def _proxies(raw: str) -> tuple[str, ...]:
    """Trusted proxies: "*", or IP addresses and networks. Refused at start-up when one is
    neither (uvicorn would take it as a name no client ever has, silently trusting nobody)."""
    entries = tuple(item.strip() for item in raw.split(",") if item.strip())
    if entries == ("*",):
        return entries
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(
                f"LIVE_FORWARDED_ALLOW_IPS must list IP addresses or networks (or *), got {entry!r}"
            ) from None
    return entries


# A CSP host-source as frame-ancestors takes it, narrowed: scheme, host and port only. A
# wildcard only as a whole first label before at least two more (https://*.example.org: its
# subdomains, as CSP reads it); IPv6 in brackets.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_ORIGIN = re.compile(
    rf"(?P<scheme>https?)://(?P<host>(?:\*\.{_LABEL}\.{_LABEL}(?:\.{_LABEL})*)"
    rf"|{_LABEL}(?:\.{_LABEL})*|\[[0-9a-f:.]+\])(?::(?P<port>[0-9]{{1,5}}))?"
)
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]"})


def _frame_ancestors(raw: str) -> tuple[str, ...]:
    """LIVE_FRAME_ANCESTORS: each entry an origin the CSP can name safely. Refused at start-up
    (not left to the browser, which would ignore a bad source and show a blank frame): a path,
    a query, a bare or inner wildcard, a keyword such as 'self', plain http for another host."""
    origins: list[str] = []
    for entry in (item.strip() for item in raw.split(",")):
        if not entry:
            continue
        origin = entry.lower().removesuffix("/")
        match = _ORIGIN.fullmatch(origin)
        port = match and match["port"]
        if match is None or (port is not None and not 1 <= int(port) <= 65535):
            raise ValueError(
                f"LIVE_FRAME_ANCESTORS: {entry!r} is not an origin: scheme://host[:port] "
                "without a path, e.g. https://bbb.example.org or https://*.example.org"
            )
        if match["scheme"] == "http" and match["host"] not in _LOOPBACK:
            raise ValueError(
                f"LIVE_FRAME_ANCESTORS: {entry!r} must use https:// (plain http:// only for "
                "localhost, 127.0.0.1 and [::1])"
            )
        if origin not in origins:
            origins.append(origin)
    return tuple(origins)


def _choice(name: str, raw: str, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


def _zone_name(raw: str) -> str:
    """Refuse an unknown zone at start-up rather than at the first page that shows a time."""
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"LIVE_TIMEZONE must be an IANA time zone name, got {raw!r}") from None
    return raw


def _web_url(name: str, raw: str) -> str:
    """An http(s) URL with a host, or "" (unset). Refused at start-up otherwise: a typo would
    put a dead or `javascript:` link into every page's footer."""
    if not raw:
        return ""
    try:
        parts = urlsplit(raw)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        host = None
    if host is None or parts.scheme.lower() not in {"http", "https"} or _UNSAFE.search(raw):
        raise ValueError(f"{name} must be an http:// or https:// URL, got {raw!r}")
    return raw


_UNSAFE = re.compile(r"[\s<>\"\\]")
_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\".]+(\.[^@\s<>\".]+)+")


def _contact(raw: str) -> str:
    """LIVE_ACCESSIBILITY_CONTACT: an e-mail address (`mailto:` allowed) or an http(s) URL."""
    if not raw:
        return ""
    address = raw.removeprefix("mailto:")
    if _EMAIL.fullmatch(address):
        return address
    try:
        return _web_url("LIVE_ACCESSIBILITY_CONTACT", raw)
    except ValueError:
        raise ValueError(
            f"LIVE_ACCESSIBILITY_CONTACT must be an e-mail address or an http(s) URL, got {raw!r}"
        ) from None
