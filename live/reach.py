"""Which address the phones must open, and whether they can reach it.

A server on the default bind (127.0.0.1) answers this machine only: its QR code and links carry
an address no phone in the hall can open. `live serve` says so at start, `live check` reports
it, and the moderator's console and the projector's join panel warn (live/web/reach.py).
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import socket
from urllib.parse import urlsplit

from live.settings import Settings

# No packet is sent: connecting a UDP socket only asks the kernel for the route, and with it
# the machine's own address on the network that leads outward. A documentation-only address
# (RFC 5737), so nothing on the way could ever answer it.
_ROUTE_PROBE = ("192.0.2.1", 9)


def is_loopback_host(host: str) -> bool:
    """``localhost``, ``*.localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname or "")


def binds_everywhere(host: str) -> bool:
    """Whether ``host`` (LIVE_HOST) listens on every interface."""
    return host.strip("[]") in ("0.0.0.0", "::", "")


@functools.cache
def network_address() -> str | None:
    """This machine's address towards the network (e.g. 192.168.1.5), or None without one."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(_ROUTE_PROBE)
        address = str(probe.getsockname()[0])
        if not ipaddress.ip_address(address).is_loopback and address != "0.0.0.0":
            return address
    return None


def _url(host: str, port: int) -> str:
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def phones_address(settings: Settings) -> str:
    """The address phones must open: LIVE_PUBLIC_URL, else the listening address (on every
    interface: this machine's network address, as the best guess of what a page opened from
    another device would carry)."""
    if settings.public_url:
        return settings.public_url
    if binds_everywhere(settings.host):
        return _url(network_address() or "127.0.0.1", settings.port)
    return _url(settings.host, settings.port)


def unreachable_hint(settings: Settings, base: str) -> str | None:
    """Why phones cannot open ``base`` (the base URL links and QR codes carry), or None when
    they can as far as this server can tell. "bind": the server listens on this machine
    only; "page": it listens on the network, but this page was opened by a loopback name;
    "public": LIVE_PUBLIC_URL itself names this machine."""
    if not is_loopback_url(base):
        return None
    if settings.public_url:
        return "public"
    if is_loopback_host(settings.host):
        return "bind"
    return "page"
