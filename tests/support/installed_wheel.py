"""The wheel as an operator gets it: built from an sdist of the checkout less `.dockerignore`'s
patterns (what the container build copies), installed into a fresh venv outside the checkout.

Plain module (no pytest imports); tests/packaging/conftest.py builds it once per session.
"""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.support.server import REPO_ROOT


@dataclass(frozen=True)
class Installed:
    sdist: Path
    wheel: Path
    venv: Path
    run_dir: Path  # outside the checkout: the installed app's working directory

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def _dockerignore() -> list[str]:
    lines = (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignorer(patterns: list[str]) -> Callable[[str, list[str]], set[str]]:
    """shutil.copytree's `ignore` for .dockerignore's patterns: `name` at the top of the
    checkout, `**/name` at any depth (the only two forms that file uses)."""
    anywhere = [p.removeprefix("**/") for p in patterns if p.startswith("**/")]
    at_top = [p for p in patterns if not p.startswith("**/")]
    assert all("/" not in p and not p.startswith("!") for p in anywhere + at_top), patterns

    def ignore(folder: str, names: list[str]) -> set[str]:
        wanted = anywhere + (at_top if Path(folder) == REPO_ROOT else [])
        return {n for n in names if any(fnmatch.fnmatchcase(n, p) for p in wanted)}

    return ignore


def run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, (
        f"{' '.join(map(str, command))} -> exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout


def build_and_install(base: Path) -> Installed:
    """Build the sdist and from it the wheel in `base`, and install the wheel into a venv there.

    The build runs without isolation, on the build requirements the `test` extra installs, so it
    downloads nothing; pip installs the dependencies from its cache or its configured index.
    """
    assert not base.is_relative_to(REPO_ROOT), "the build folder must lie outside the checkout"
    source = base / "source"  # a copy: building writes build/ and *.egg-info into its folder
    shutil.copytree(REPO_ROOT, source, ignore=_ignorer(_dockerignore()))
    dist = base / "dist"
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, source, cwd=base)
    (sdist,) = dist.glob("live-*.tar.gz")
    (wheel,) = dist.glob("live-*.whl")

    venv = base / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    # This venv's pip installs into the new one: the same index and cache as `tests/run`.
    pip = (sys.executable, "-m", "pip", "--python", venv / "bin" / "python")
    run(*pip, "install", "--no-input", "--disable-pip-version-check", wheel, cwd=base)
    run_dir = base / "run"
    run_dir.mkdir()
    return Installed(sdist=sdist, wheel=wheel, venv=venv, run_dir=run_dir)
