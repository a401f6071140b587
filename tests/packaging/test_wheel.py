"""A wheel serves pages: `pip install .`, pipx, a container image or a release has no checkout
around it, so templates, static files and the compiled translations must travel inside it.

Builds the sdist and, from it, the wheel (what `python -m build` does: a wheel built from the
sdist also proves the sdist complete), installs the wheel with its dependencies into a fresh venv
outside the checkout, starts that venv's `live serve` there and fetches a German page, an English
page and a static file. About 15 s (30 s on a busy machine), most of it pip installing the
dependencies (from its cache or the index it is configured with). The build runs without
isolation, on the build requirements that the `test` extra installs, so it downloads nothing.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from live.static_files import slim
from tests.support.installed_wheel import Installed, run
from tests.support.server import REPO_ROOT, LiveServer

# Building and installing take seconds to tens of seconds; the default of 120 s covers one test.
pytestmark = pytest.mark.timeout(300)


def _checkout_files(folder: str) -> set[str]:
    """The files under a top-level folder of the checkout, as paths relative to it."""
    found = {
        p.relative_to(REPO_ROOT).as_posix()
        for p in (REPO_ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert found, f"nothing found in the checkout's {folder}/"
    return found


def test_the_sdist_holds_the_sources_of_the_assets(installed: Installed) -> None:
    with tarfile.open(installed.sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    wanted = _checkout_files("templates") | _checkout_files("static")
    wanted |= {"setup.py", "MANIFEST.in", "live/locale/en/LC_MESSAGES/messages.po"}
    missing = sorted(wanted - names)
    assert not missing, f"{len(missing)} missing from {installed.sdist.name}, e.g. {missing[:3]}"


def test_the_wheel_carries_templates_static_files_and_compiled_translations(
    installed: Installed,
) -> None:
    with zipfile.ZipFile(installed.wheel) as whl:
        names = set(whl.namelist())
    wanted = {f"live/{name}" for name in _checkout_files("templates") | _checkout_files("static")}
    missing = sorted(wanted - names)
    assert not missing, f"{len(missing)} missing from the wheel, e.g. {missing[:3]}"
    assert "live/locale/en/LC_MESSAGES/messages.mo" in names
    assert "live/domain/blocklist_de.txt" in names  # the shipped blocklist (package data)
    # Only the .mo: so the English page below shows that the installed app reads it.
    assert "live/locale/en/LC_MESSAGES/messages.po" not in names
    assert not any(n.startswith(("templates/", "static/", "locale/")) for n in names), (
        "assets belong inside the package, not at the top of site-packages"
    )


def test_the_installed_package_runs_from_the_venv(installed: Installed) -> None:
    code = (
        "import json, live, live.assets as a; print(json.dumps([live.__file__, str(a.TEMPLATE_DIR),"
        " str(a.STATIC_DIR), str(a.LOCALE_DIR)]))"
    )
    out = run(installed.python, "-c", code, cwd=installed.run_dir)
    site_packages = installed.venv / "lib"
    for path in map(Path, json.loads(out)):
        assert path.is_relative_to(site_packages), f"{path} is not inside {installed.venv}"
        assert path.exists(), path
        assert not path.is_relative_to(REPO_ROOT), f"{path} comes from the checkout"


class InstalledServer(LiveServer):
    """`live serve` of the installed console script, run in a folder outside the checkout."""

    def __init__(self, installed: Installed) -> None:
        super().__init__(
            data_dir=installed.run_dir / "data",
            log_path=installed.run_dir / "server.log",
            cwd=installed.run_dir,
            # Empty PYTHONPATH: nothing from the outer environment may point it at the checkout.
            env={"PYTHONPATH": ""},
            start_timeout=60.0,
        )
        self.script = installed.venv / "bin" / "live"

    @property
    def launcher(self) -> list[str]:
        return [str(self.script)]  # the installed console script


@pytest.fixture
def server(installed: Installed) -> Iterator[InstalledServer]:
    live = InstalledServer(installed)
    try:
        live.start()
        yield live
    finally:
        live.stop()


def _get(server: LiveServer, path: str) -> tuple[int, str, bytes]:
    # http.client, not urllib/httpx: those honour HTTP(S)_PROXY from the environment.
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("content-type") or "", response.read()
    finally:
        conn.close()


def test_the_installed_app_serves_german_and_english_pages_and_static_files(
    server: InstalledServer,
) -> None:
    status, kind, body = _get(server, "/")
    assert (status, kind.split(";")[0]) == (200, "text/html"), server.log_tail()
    assert "Veranstaltung anlegen" in body.decode()

    status, _, body = _get(server, "/?lang=en")
    assert status == 200, server.log_tail()
    page = body.decode()
    assert "Create an event" in page
    assert "Veranstaltung anlegen" not in page

    for name, media_type in (("live.css", "text/css"), ("live.js", "text/javascript")):
        status, kind, body = _get(server, f"/static/{name}")
        assert (status, kind.split(";")[0]) == (200, media_type), server.log_tail()
        assert body == slim(name, (REPO_ROOT / "static" / name).read_bytes())

    # The page links the stylesheet by a name hashed from the installed copy's bytes.
    source = slim("live.css", (REPO_ROOT / "static" / "live.css").read_bytes())
    hashed = f"/static/live.{hashlib.sha256(source).hexdigest()[:8]}.css"
    assert re.search(rf'href="{re.escape(hashed)}"', page), page[:2000]
    status, kind, body = _get(server, hashed)
    assert (status, kind.split(";")[0], body) == (200, "text/css", source), server.log_tail()
