"""The English catalogue covers every German msgid in live/ and templates/, and nothing else.

When a test here fails after you added or changed a German text: run
`python -m live.i18n_catalog update`, translate the new (empty or fuzzy) entries in
live/locale/en/LC_MESSAGES/messages.po and remove their `#, fuzzy` flag.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog

from live import i18n
from live.i18n_catalog import (
    UPDATE_HINT,
    MsgId,
    by_msgid,
    extract,
    is_translated,
    msgids,
    read_catalog,
)

# %(name)s, %(num)d, … and the literal %% (newstyle Jinja gettext always %-formats).
PLACEHOLDER = re.compile(
    r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]"
)


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    return extract()


@pytest.fixture(scope="module")
def catalogue() -> Catalog:
    return read_catalog()


def _report(title: str, ids: list[MsgId]) -> str:
    listed = "\n".join(f"  {i!r}" for i in sorted(ids, key=str))
    return f"{len(ids)} {title}:\n{listed}\n→ {UPDATE_HINT}"


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_extraction_finds_the_messages(extracted: Catalog) -> None:
    found = msgids(extracted)
    assert len(found) >= 100, f"only {len(found)} msgids extracted: is the extraction broken?"
    assert "Ihre Stimme wurde gezählt." in found  # Python, _n()
    assert "Zum Inhalt springen" in found  # Jinja, _()
    assert ("%(num)d Stimme", "%(num)d Stimmen") in found  # Jinja, ngettext()


def test_every_msgid_is_translated(extracted: Catalog, catalogue: Catalog) -> None:
    entries = by_msgid(catalogue)
    missing = [i for i in msgids(extracted) if i not in entries]
    assert not missing, _report("msgids missing from the English catalogue", missing)
    untranslated = [i for i in msgids(extracted) if not is_translated(entries[i])]
    assert not untranslated, _report("msgids untranslated or fuzzy in English", untranslated)


def test_plurals_are_real_plural_entries(extracted: Catalog, catalogue: Catalog) -> None:
    entries = by_msgid(catalogue)
    for key in msgids(extracted):
        if isinstance(key, tuple) and key in entries:
            forms = entries[key].string
            assert entries[key].pluralizable, key
            assert isinstance(forms, tuple | list), key
            assert len(forms) == catalogue.num_plurals == 2, key


def test_no_obsolete_entries(extracted: Catalog, catalogue: Catalog) -> None:
    obsolete = [i for i in by_msgid(catalogue) if i not in msgids(extracted)]
    obsolete += list(by_msgid(catalogue.obsolete.values()))
    assert not obsolete, _report("obsolete entries in the English catalogue", obsolete)


def test_placeholders_match(catalogue: Catalog) -> None:
    wrong: list[str] = []
    for message in catalogue:
        if not message.id:
            continue
        # Empty forms are test_every_msgid_is_translated's business. Plurals: every English
        # form must carry the placeholders of the German plural form.
        source = message.id if isinstance(message.id, str) else message.id[-1]
        string = message.string or ""
        for target in [string] if isinstance(string, str) else string:
            if target and _placeholders(source) != _placeholders(target):
                wrong.append(f"  {source!r} → {target!r}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_catalogue_header(catalogue: Catalog) -> None:
    assert str(catalogue.locale) == "en"
    assert catalogue.plural_forms == "nplurals=2; plural=(n != 1);"
    assert catalogue.charset.lower() == "utf-8"
    assert not catalogue.fuzzy


def test_translate_at_run_time() -> None:
    assert i18n.translate("en", "Ihre Stimme wurde gezählt.") == "Your vote has been counted."
    assert i18n.translate("de", "Ihre Stimme wurde gezählt.") == "Ihre Stimme wurde gezählt."
    en = i18n.translate("en", "Höchstens %(max)d Räume je Veranstaltung.", {"max": 20})
    assert "20" in en and "Räume" not in en
    de = i18n.translate("de", "Höchstens %(max)d Räume je Veranstaltung.", {"max": 20})
    assert de == "Höchstens 20 Räume je Veranstaltung."
    en_plural = i18n.translations("en").ngettext("%(num)d Stimme", "%(num)d Stimmen", 3)
    assert en_plural % {"num": 3} == "3 votes"
    assert (
        i18n.translations("en").ngettext("%(num)d Stimme", "%(num)d Stimmen", 1) == "%(num)d vote"
    )
