"""The translation layer. German is the source language (msgids are German); English comes from
live/locale/en/LC_MESSAGES/messages.po. An installed wheel carries it compiled (messages.mo, made
by setup.py's build step); a checkout has only the .po, compiled in memory at start-up, so it
needs no build step (live/assets.py says where the files are)."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from live.assets import LOCALE_DIR

Lang = Literal["de", "en"]
LANGUAGES: tuple[Lang, ...] = ("de", "en")
DEFAULT_LANG: Lang = "de"


def parse_lang(raw: object) -> Lang | None:
    if raw == "de":
        return "de"
    if raw == "en":
        return "en"
    return None


@cache
def translations(lang: Lang) -> gettext.NullTranslations:
    if lang == "de":
        return gettext.NullTranslations()
    return load_catalogue(LOCALE_DIR, lang)


def load_catalogue(locale_dir: Path, lang: str) -> gettext.GNUTranslations:
    """``<locale_dir>/<lang>/LC_MESSAGES/messages.mo`` if it is there, else the ``.po`` beside it
    compiled the same way (babel, fuzzy entries left out) as the build step does."""
    folder = locale_dir / lang / "LC_MESSAGES"
    mo_path = folder / "messages.mo"
    if mo_path.is_file():
        with mo_path.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    with (folder / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translate(lang: Lang, message: str, params: dict[str, object] | None = None) -> str:
    text = translations(lang).gettext(message)
    if params:
        try:
            return text % params
        except (KeyError, TypeError, ValueError):
            return text
    return text
