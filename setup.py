"""One build step on top of pyproject.toml (which holds all the metadata).

A wheel must carry what the app reads at run time besides its modules (live/assets.py finds it):
the top-level templates/ and static/ are copied into the package, as live/templates/ and
live/static/, and each catalogue live/locale/<lang>/LC_MESSAGES/messages.po is compiled to
messages.mo beside it, with babel, as live/i18n.py would compile it at start-up.

An editable install (pip install -e .) skips the step: it runs the checkout's code, which reads
templates/, static/ and the .po files where they are, so edits show without reinstalling.
The sdist gets the sources of all this from MANIFEST.in.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

PACKAGE = "live"
ASSET_DIRS = ("templates", "static")  # top-level folders, copied to live/<name>/
CATALOGUES = "locale/*/LC_MESSAGES/messages.po"  # under live/, compiled to messages.mo


class BuildPyWithAssets(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for name in ASSET_DIRS:
            # Copied afresh each time: a file deleted from the sources leaves no stale copy.
            shutil.rmtree(Path(self.build_lib, PACKAGE, name), ignore_errors=True)
        for source, target in self.asset_files():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        for po_path, mo_path in self.catalogues():
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            compile_catalogue(po_path, mo_path)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            outputs += [str(target) for _, target in self.asset_files() + self.catalogues()]
        return outputs

    def asset_files(self) -> list[tuple[Path, Path]]:
        """(source, target) for each file under templates/ and static/."""
        package = Path(self.build_lib, PACKAGE)
        return [
            (source, package / source)
            for name in ASSET_DIRS
            for source in sorted(Path(name).rglob("*"))
            if source.is_file() and not is_junk(source)
        ]

    def catalogues(self) -> list[tuple[Path, Path]]:
        """(messages.po, messages.mo) for each language."""
        package = Path(self.build_lib, PACKAGE)
        return [
            (po_path, package / po_path.relative_to(PACKAGE).with_suffix(".mo"))
            for po_path in sorted(Path(PACKAGE).glob(CATALOGUES))
        ]


def is_junk(path: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in path.parts)


def compile_catalogue(po_path: Path, mo_path: Path) -> None:
    from babel.messages.mofile import write_mo  # a build requirement (pyproject.toml)
    from babel.messages.pofile import read_po

    lang = po_path.parent.parent.name
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    with mo_path.open("wb") as fh:
        write_mo(fh, catalog)  # fuzzy entries left out, as at run time


setup(cmdclass={"build_py": BuildPyWithAssets})
