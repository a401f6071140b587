"""The English catalogue as tests see it: a German msgid's English text, straight from the .po."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

EN_CATALOGUE = (
    Path(__file__).resolve().parents[2] / "live" / "locale" / "en" / "LC_MESSAGES" / "messages.po"
)


@cache
def _catalogue() -> Catalog:
    with EN_CATALOGUE.open("rb") as fh:
        return read_po(fh, locale="en")


def english(msgid: str) -> str | None:
    """The English text of a German msgid; None when missing, empty or fuzzy."""
    message = _catalogue().get(msgid)
    if message is None or not message.string or message.fuzzy:
        return None
    return str(message.string)
