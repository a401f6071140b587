"""The translation layer. German is the source language (msgids are German); English comes from
live/locale/en/LC_MESSAGES/messages.po, compiled in memory at start-up (no build step)."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

Lang = Literal["de", "en"]
LANGUAGES: tuple[Lang, ...] = ("de", "en")
DEFAULT_LANG: Lang = "de"
LOCALE_DIR = Path(__file__).parent / "locale"


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
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as fh:
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
