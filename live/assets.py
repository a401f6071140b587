"""Where the files the app reads at run time are: templates, static files, translations.

In a checkout, and in an editable install (``pip install -e .``, which runs the checkout's
code), they are where the sources keep them: the top-level ``templates/`` and ``static/`` beside
the ``live/`` package, and ``live/locale/<lang>/LC_MESSAGES/messages.po`` (compiled in memory at
start-up). Edits show without reinstalling.

A wheel (``pip install .``, pipx, a container image, a release) has no checkout around it:
setup.py's build step copies ``templates/`` and ``static/`` into the package, as
``live/templates/`` and ``live/static/`` in site-packages, and compiles each catalogue to
``messages.mo`` beside where its ``.po`` was (live/i18n.py loads the ``.mo`` when there is one).

The copy inside the package wins when it is there (only a built package has it), so an
installed ``live`` never reads a ``templates/`` or ``static/`` that merely lies next to it.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    built = PACKAGE_DIR / name
    return built if built.is_dir() else PACKAGE_DIR.parent / name


TEMPLATE_DIR = _find("templates")
STATIC_DIR = _find("static")
LOCALE_DIR = PACKAGE_DIR / "locale"
