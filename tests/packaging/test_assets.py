"""In a checkout (and the editable install tests/run makes) the app reads the sources' own files;
a compiled catalogue wins over the .po when there is one (as in an installed wheel)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po
from jinja2 import FileSystemLoader

from live import assets, i18n
from live.views import templating
from tests.support.server import REPO_ROOT


def test_a_checkout_serves_its_top_level_templates_and_static_files() -> None:
    assert assets.TEMPLATE_DIR == REPO_ROOT / "templates"
    assert assets.STATIC_DIR == REPO_ROOT / "static"
    assert assets.LOCALE_DIR == REPO_ROOT / "live" / "locale"
    loader = templating.environment("de").loader
    assert isinstance(loader, FileSystemLoader) and loader.searchpath == [str(assets.TEMPLATE_DIR)]


def _catalogue(text: str) -> Catalog:
    catalog = Catalog(locale="en")
    catalog.add("Abstimmung", text)
    catalog.add("Frage", "question", flags=["fuzzy"])
    return catalog


def test_the_po_file_is_compiled_when_there_is_no_mo_file(tmp_path: Path) -> None:
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as fh:
        write_po(fh, _catalogue("poll (po)"))
    translations = i18n.load_catalogue(tmp_path, "en")
    assert translations.gettext("Abstimmung") == "poll (po)"
    assert translations.gettext("Frage") == "Frage"  # fuzzy: not used until checked


def test_the_mo_file_wins_over_the_po_file(tmp_path: Path) -> None:
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as fh:
        write_po(fh, _catalogue("poll (po)"))
    with (folder / "messages.mo").open("wb") as fh:
        write_mo(fh, _catalogue("poll (mo)"))
    assert i18n.load_catalogue(tmp_path, "en").gettext("Abstimmung") == "poll (mo)"
