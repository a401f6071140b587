"""nginx and Caddy in front of a `live serve`, configured by the examples the docs show.

nginx runs the ```nginx block of docs/deploy.md, Caddy the file docs/ops/Caddyfile (which
docs/deploy.md shows and compose.yaml mounts); only what a test must change is changed (ports,
certificate, where they keep their files), each spot exactly once (`replace_once`). Both speak
HTTPS on a free loopback port with a throwaway certificate.

Plain module (no pytest imports).
"""

from __future__ import annotations

import contextlib
import http.client
import shutil
import ssl
import subprocess
import time
from pathlib import Path

from tests.support.deploy_files import OPS_DIR, docs_block, replace_once
from tests.support.server import free_port, status_of

# The tests trust the proxy's throwaway certificate without checking it: what is under test is
# what the proxy passes on, not the certificate.
CLIENT_TLS = ssl.create_default_context()
CLIENT_TLS.check_hostname = False
CLIENT_TLS.verify_mode = ssl.CERT_NONE


def _binary(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found is None:
        raise RuntimeError(f"{name} is not installed (tests/run installs Debian's package)")
    return found


class Proxy:
    """One proxy process on `port` (HTTPS on 127.0.0.1) in front of the app on `upstream_port`."""

    name = "proxy"

    def __init__(self, folder: Path, upstream_port: int) -> None:
        self.folder = folder
        self.upstream_port = upstream_port
        self.port = free_port()
        self.log_path = folder / f"{self.name}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str] | None:
        return None

    def start(self, timeout: float = 20.0) -> Proxy:
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                self.command(),
                cwd=self.folder,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        # Ready when a request through it reaches the app: Caddy accepts connections before it
        # has made its certificate, and either may still be connecting to the upstream.
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self._proc.returncode}\n{self.log()}")
            try:
                status = self.status("/healthz")
            except (OSError, http.client.HTTPException) as exc:
                last = repr(exc)
            else:
                if status == 200:
                    return self
                last = f"GET /healthz -> {status}"
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s ({last})\n{self.log()}")

    def status(self, path: str) -> int:
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=5, context=CLIENT_TLS)
        return status_of(conn, path)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def log(self) -> str:
        with contextlib.suppress(FileNotFoundError):
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-6000:]
        return ""


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(_binary("openssl"), "req", "-x509", "-newkey", "ec"),
            *("-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"),
            *("-subj", "/CN=live.example.org", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class Nginx(Proxy):
    """The docs' nginx example inside a minimal main configuration."""

    name = "nginx"

    def command(self) -> list[str]:
        cert, key = _self_signed(self.folder)
        upstream, listen = f"127.0.0.1:{self.upstream_port}", f"127.0.0.1:{self.port}"
        site = docs_block("nginx")
        site = replace_once(site, "server 127.0.0.1:8000;", f"server {upstream};")
        site = replace_once(site, "listen 443 ssl http2;", f"listen {listen} ssl http2;")
        site = replace_once(
            site,
            "# ssl_certificate …; ssl_certificate_key …;",
            f"ssl_certificate {cert}; ssl_certificate_key {key};",
        )
        temp = self.folder / "temp"
        temp.mkdir()
        temp_paths = "\n".join(
            f"    {kind}_temp_path {temp / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        config = self.folder / "nginx.conf"
        config.write_text(
            f"daemon off;\nworker_processes 1;\npid {self.folder / 'nginx.pid'};\n"
            f"error_log {self.log_path} warn;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n    access_log off;\n{temp_paths}\n{site}}}\n",
            encoding="utf-8",
        )
        # -e: errors before the configuration is read go here, not to /var/log/nginx.
        return [
            *(_binary("nginx"), "-p", str(self.folder), "-c", str(config)),
            *("-e", str(self.log_path)),
        ]


class Caddy(Proxy):
    """docs/ops/Caddyfile with test-only global options: no admin endpoint, its own ports and
    storage, certificates from its local authority (an IP address gets one without asking
    anyone), and nothing installed into the system's trust store."""

    name = "caddy"

    def command(self) -> list[str]:
        caddyfile = (OPS_DIR / "Caddyfile").read_text(encoding="utf-8")
        options = (
            "{\n\tadmin off\n"
            f"\thttp_port {free_port()}\n\thttps_port {self.port}\n"
            "\tlocal_certs\n\tskip_install_trust\n\tauto_https disable_redirects\n"
            f"\tstorage file_system {self.folder / 'storage'}\n"
        )
        config = self.folder / "Caddyfile"
        config.write_text(replace_once(caddyfile, "\n{\n", "\n" + options), encoding="utf-8")
        return [_binary("caddy"), "run", "--adapter", "caddyfile", "--config", str(config)]

    def environment(self) -> dict[str, str]:
        return {
            "PATH": "/usr/sbin:/usr/bin:/bin",
            "HOME": str(self.folder),
            "XDG_DATA_HOME": str(self.folder / "data"),
            "XDG_CONFIG_HOME": str(self.folder / "config"),
            "LIVE_DOMAIN": "127.0.0.1",
            "LIVE_UPSTREAMS": f"127.0.0.1:{self.upstream_port}",
        }
