"""docs/ops/live.service: systemd accepts every line of it (`systemd-analyze verify`, which warns
about a misspelt key or value but exits 0, so its output must be empty), its hardening rates as
exposed as little as `systemd-analyze security` says (at most 2.0 of 10), and it agrees with the
app's settings and with the proxy examples' upstream.

Not run here: the unit itself (this machine's PID 1 is not systemd).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from live.settings import SETTINGS
from tests.support.deploy_files import OPS_DIR, docs_block, replace_once

UNIT = OPS_DIR / "live.service"
INSTALLED_LIVE = "/opt/live/bin/live"


def _unit_for_this_machine(folder: Path, text: str | None = None) -> Path:
    """The unit with ExecStart pointing at this machine's `live` (verify checks that it runs)."""
    text = UNIT.read_text(encoding="utf-8") if text is None else text
    here = Path(sys.prefix) / "bin" / "live"
    assert here.exists(), here
    path = folder / "live.service"
    path.write_text(replace_once(text, f"ExecStart={INSTALLED_LIVE} ", f"ExecStart={here} "))
    return path


def _analyze(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_systemd_accepts_every_line_of_the_unit(tmp_path: Path) -> None:
    unit = _unit_for_this_machine(tmp_path)
    done = _analyze("verify", f"./{unit.name}", cwd=tmp_path)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
    # The same check notices a misspelt key (so an empty output above means something).
    misspelt = tmp_path / "misspelt"
    misspelt.mkdir()
    text = replace_once(UNIT.read_text(encoding="utf-8"), "DynamicUser=yes", "DynamicUsr=yes")
    bad = _unit_for_this_machine(misspelt, text)
    assert "Unknown key 'DynamicUsr'" in _analyze("verify", f"./{bad.name}", cwd=misspelt).stderr


def test_the_unit_is_hardened(tmp_path: Path) -> None:
    unit = _unit_for_this_machine(tmp_path)
    done = _analyze("security", "--offline=yes", "--threshold=20", f"./{unit.name}", cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr


def _service_section() -> dict[str, list[str]]:
    """[Service] as key → values (a key may repeat)."""
    values: dict[str, list[str]] = {}
    section = ""
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_the_unit_agrees_with_the_settings_and_the_proxies() -> None:
    service = _service_section()
    names = {s.env for s in SETTINGS}
    environment = dict(line.split("=", 1) for line in service["Environment"])
    assert set(environment) <= names
    # The state directory systemd makes (and gives the dynamic user) is the data dir.
    assert service["DynamicUser"] == ["yes"] and service["StateDirectory"] == ["live"]
    assert environment["LIVE_DATA_DIR"] == "/var/lib/live"
    assert service["ProtectSystem"] == ["strict"] and service["LimitNOFILE"] == ["65536"]
    (command,) = service["ExecStart"]
    argv = shlex.split(command)
    assert argv[:2] == [INSTALLED_LIVE, "serve"]
    address = f"{argv[argv.index('--host') + 1]}:{argv[argv.index('--port') + 1]}"
    # The upstream the nginx example and the Caddyfile name by default.
    assert f"server {address};" in docs_block("nginx")
    assert f"{{$LIVE_UPSTREAMS:{address}}}" in (OPS_DIR / "Caddyfile").read_text(encoding="utf-8")
