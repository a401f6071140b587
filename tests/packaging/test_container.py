"""The Containerfile's steps, run without a container engine (none can pull a base image here).

The wheel built from the sdist is installed into a fresh venv (tests/packaging/conftest.py, as
the Containerfile's build stage and `pip install` do). Then what the image does at run time,
taken from the Containerfile itself: its USER (a numeric id that owns nothing but the data
dir; the venv belongs to root), its ENV, its WORKDIR and data dir, its ENTRYPOINT and CMD, and
its HEALTHCHECK command. The image's paths (/opt/live, /var/lib/live) are mapped into a folder
of the test. The CMD's `--host 0.0.0.0` becomes 127.0.0.1: a test listens on loopback only.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from tests.support.deploy_files import Stage, read_containerfile
from tests.support.installed_wheel import Installed
from tests.support.server import LiveServer

# The wheel fixture builds and installs (15 to 30 s) when this file runs alone.
pytestmark = pytest.mark.timeout(300)

IMAGE_VENV = "/opt/live"


def _uid_gid(stage: Stage) -> tuple[int, int]:
    user, _, group = stage.one("USER").args.partition(":")
    # Numeric, so the test (and Kubernetes' runAsNonRoot) need no passwd entry to know it.
    return int(user), int(group or user)


class ImageServer(LiveServer):
    """The image's ENTRYPOINT + CMD from the installed venv, as the image's unprivileged user."""

    def __init__(self, installed: Installed, root: Path, env: Mapping[str, str]) -> None:
        stage = read_containerfile().final
        self.uid, self.gid = _uid_gid(stage)
        self.image_env = {
            key: self._mapped(value, installed, root) for key, value in stage.env.items()
        }
        data_dir = Path(self.image_env["LIVE_DATA_DIR"])
        self.entrypoint = stage.one("ENTRYPOINT").exec_form()
        self.cmd = stage.one("CMD").exec_form()
        self.installed = installed
        super().__init__(
            data_dir=data_dir,
            log_path=root / "server.log",
            cwd=Path(self._mapped(stage.one("WORKDIR").args, installed, root)),
            env={
                **self.image_env,
                "HOME": str(data_dir),  # the image user's home (useradd --home-dir)
                "PYTHONPATH": "",  # nothing from the outer environment may point at the checkout
                **env,
            },
            start_timeout=60.0,
        )
        self.env["LIVE_PORT"] = str(self.port)  # the image's port is 8000; here a free one

    @staticmethod
    def _mapped(value: str, installed: Installed, root: Path) -> str:
        """An image path → where the test has it ($PATH kept as the test's own)."""
        value = value.replace(IMAGE_VENV, str(installed.venv))
        value = value.replace("/var/lib/live", str(root / "var/lib/live"))
        return value.replace("$PATH", os.environ["PATH"])

    def as_image_user(self, argv: list[str]) -> list[str]:
        """setpriv drops root for the image's ids, with no supplementary groups and no way back."""
        return [
            "setpriv",
            f"--reuid={self.uid}",
            f"--regid={self.gid}",
            "--clear-groups",
            "--no-new-privs",
            "--",
            *argv,
        ]

    @property
    def command(self) -> list[str]:
        args = [("127.0.0.1" if arg == "0.0.0.0" else arg) for arg in self.cmd]
        return self.as_image_user([*self.entrypoint, *args])

    def healthcheck(self) -> subprocess.CompletedProcess[str]:
        """The image's HEALTHCHECK command, in the image's environment, as the image's user."""
        _, argv = read_containerfile().final.healthcheck()
        return subprocess.run(
            self.as_image_user(argv),
            env=self.process_env(),
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )


@pytest.fixture
def image_root() -> Iterator[Path]:
    """The image's writable place, /var/lib/live, owned by its user alone (mode 0700), in a
    folder the user may enter (pytest's tmp_path lies in one only root may enter)."""
    root = Path(tempfile.mkdtemp(prefix="live-image-"))
    try:
        root.chmod(0o755)
        uid, gid = _uid_gid(read_containerfile().final)
        data = root / "var" / "lib" / "live"
        data.mkdir(parents=True)
        os.chown(data, uid, gid)
        data.chmod(0o700)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _request(
    server: LiveServer, method: str, path: str, body: object = None, token: str = ""
) -> tuple[int, Mapping[str, str], bytes]:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_the_image_steps_serve_a_participant_page_as_an_unprivileged_user(
    installed: Installed, image_root: Path
) -> None:
    # Switching to the image's user needs root (tests/run and CI run as root): fail, not skip.
    assert os.geteuid() == 0, "run as root: the test drops to the image's user with setpriv"
    admin = "container-admin-token-0123456789"
    server = ImageServer(installed, image_root, {"LIVE_ADMIN_TOKEN": admin})
    assert server.uid != 0 and server.gid != 0, "the image must not run as root"
    # Nothing but the data dir is the user's: the installed app belongs to root.
    assert installed.venv.stat().st_uid == 0 and not installed.venv.stat().st_mode & 0o022
    # Before it runs, the health check says unhealthy (nothing answers).
    assert server.healthcheck().returncode != 0
    try:
        server.start()
        status = Path(f"/proc/{server.pid}/status").read_text()
        uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
        assert set(uid_line.split()[1:]) == {str(server.uid)}, uid_line

        checked = server.healthcheck()
        assert checked.returncode == 0, (checked.stdout, checked.stderr, server.log_tail())

        status_code, _, body = _request(
            server, "POST", "/api/v1/events", {"title": "Kreistag im Container"}, admin
        )
        assert status_code == 201, (body, server.log_tail())
        code = json.loads(body)["code"]
        status_code, headers, body = _request(server, "GET", f"/e/{code}")
        assert status_code == 200, server.log_tail()
        page = body.decode()
        assert "Kreistag im Container" in page and "Abstimmung" in page
        assert f"live_p_{code}=" in headers.get("set-cookie", "")
    finally:
        server.stop()
    # The user wrote the database into its data dir; after the stop, no health.
    database = server.data_dir / "live.db"
    assert database.stat().st_uid == server.uid
    assert server.healthcheck().returncode != 0
