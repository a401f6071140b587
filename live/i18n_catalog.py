"""Maintainer tool for the English catalogue (German msgids, see live/i18n.py).

    python -m live.i18n_catalog update   # rewrite messages.po from the current sources
    python -m live.i18n_catalog check    # exit 1 if messages are missing, untranslated or obsolete

``update`` keeps existing translations, adds new msgids with an empty msgstr and drops obsolete
ones. A German msgid that merely changed a little gets the old English marked ``fuzzy``: it is
not used at run time until someone checks it and removes the flag. Nothing is written when a
source file cannot be read (e.g. a template with a syntax error while it is being edited).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "live" / "locale" / "en" / "LC_MESSAGES" / "messages.po"
UPDATE_HINT = (
    "run `python -m live.i18n_catalog update`, then translate the empty and fuzzy entries"
    " in live/locale/en/LC_MESSAGES/messages.po (and remove their fuzzy flag)"
)

MsgId = str | tuple[str, ...]
Keywords = dict[str, tuple[int, ...] | None]

PYTHON_KEYWORDS: Keywords = {"_n": None, "_": None, "ngettext": (1, 2)}
JINJA_KEYWORDS: Keywords = {"_": None, "gettext": None, "ngettext": (1, 2)}
JINJA_OPTIONS = {
    "extensions": "jinja2.ext.i18n",
    "newstyle_gettext": "true",
    "trimmed": "false",
    "silent": "false",  # a broken template must stop the update, not silently lose its strings
}
# (folder under ROOT, glob, babel method, keywords, options)
SOURCES: tuple[tuple[str, str, str, Keywords, dict[str, str]], ...] = (
    ("live", "**.py", "python", PYTHON_KEYWORDS, {}),
    ("templates", "**.html", "jinja2.ext:babel_extract", JINJA_KEYWORDS, JINJA_OPTIONS),
)


def extract(root: Path = ROOT) -> Catalog:
    """Every msgid in the sources, with its locations (paths relative to ``root``)."""
    template = Catalog(locale="en", project="live", fuzzy=False)
    for folder, glob, method, keywords, options in SOURCES:
        found = extract_from_dir(
            root / folder, [(glob, method)], {glob: dict(options)}, keywords=keywords
        )
        for filename, lineno, message, comments, context in found:
            location = (f"{folder}/{filename}", lineno)
            template.add(message, locations=[location], auto_comments=comments, context=context)
    return template


def by_msgid(messages: Iterable[Message]) -> dict[MsgId, Message]:
    return {(m.id if isinstance(m.id, str) else tuple(m.id)): m for m in messages if m.id}


def msgids(catalog: Catalog) -> set[MsgId]:
    return set(by_msgid(catalog))


def read_catalog(path: Path = PO_PATH) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale="en")


def is_translated(message: Message) -> bool:
    string = message.string or ""
    forms = [string] if isinstance(string, str) else list(string)
    return "fuzzy" not in message.flags and bool(forms) and all(forms)


def render_po(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, ignore_obsolete=True)
    return buffer.getvalue()


def new_catalog() -> Catalog:
    catalog = Catalog(
        locale="en",
        project="live",
        version="0.1.0",
        header_comment="# English translations for live (msgids are German).",
        last_translator="live maintainers",
        language_team="English",
        fuzzy=False,
    )
    catalog.msgid_bugs_address = ""  # babel's default is a placeholder address
    return catalog


def update(path: Path = PO_PATH, root: Path = ROOT) -> tuple[int, int, int]:
    """Rewrite ``path`` (atomically); returns (added, removed, still to translate)."""
    template = extract(root)  # first: a source that cannot be read leaves the file alone
    catalog = read_catalog(path) if path.exists() else new_catalog()
    before = msgids(catalog)
    catalog.update(template, update_creation_date=False)
    catalog.obsolete.clear()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".messages-", suffix=".po")
    with os.fdopen(fd, "wb") as fh:
        fh.write(render_po(catalog))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    todo = sum(1 for m in catalog if m.id and not is_translated(m))
    return len(msgids(catalog) - before), len(before - msgids(catalog)), todo


def problems(path: Path = PO_PATH, root: Path = ROOT) -> list[str]:
    """What keeps the catalogue from being complete, one line per message."""
    wanted = msgids(extract(root))
    catalog = read_catalog(path)
    have = by_msgid(catalog)
    lines = [f"missing: {i!r}" for i in sorted(wanted - have.keys(), key=str)]
    lines += [
        f"untranslated or fuzzy: {i!r}"
        for i in sorted(wanted & have.keys(), key=str)
        if not is_translated(have[i])
    ]
    obsolete = (have.keys() - wanted) | by_msgid(catalog.obsolete.values()).keys()
    lines += [f"obsolete: {i!r}" for i in sorted(obsolete, key=str)]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args not in (["update"], ["check"]):
        print("usage: python -m live.i18n_catalog {update|check}", file=sys.stderr)
        return 2
    try:
        if args == ["update"]:
            added, removed, todo = update()
            print(f"{PO_PATH}: {added} added, {removed} removed, {todo} to translate")
            return 0
        found = problems()
    except Exception as exc:  # a source being edited: report it, write nothing
        print(f"i18n_catalog: cannot read the sources: {exc}", file=sys.stderr)
        return 2
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} problem(s): {UPDATE_HINT}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
