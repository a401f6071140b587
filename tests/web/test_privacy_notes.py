"""/datenschutz-hinweise: every category of the data inventory, with the retention the instance
is configured with, in German and English; what the page says follows the settings."""

from __future__ import annotations

import html
import inspect
import re
from pathlib import Path

from live.domain import data_inventory as inv
from live.i18n import translations
from live.web import identity, privacy
from tests.support.redis import RedisServer
from tests.web.conftest import make_client


def text_of(page: str) -> str:
    """The page's words as a reader gets them (tags out, entities and soft hyphens resolved)."""
    words = html.unescape(re.sub(r"<[^>]+>", " ", page.replace("<wbr>", ""))).replace("\u00ad", "")
    return re.sub(r"\s+", " ", words)


def test_the_page_names_every_category_and_the_configured_retention(tmp_path: Path) -> None:
    with make_client(tmp_path, retention_days=7) as client:
        german = client.get("/datenschutz-hinweise")
        english = client.get("/datenschutz-hinweise?lang=en")
    assert german.status_code == english.status_code == 200
    de, en = text_of(german.text), text_of(english.text)
    assert "Was gespeichert wird" in de and "What is stored" in en
    assert "7 Tage nach ihrem letzten Tag" in de
    assert "7 days after its last day" in en
    gettext = translations("en").gettext
    for category in inv.CATEGORIES:
        assert category.title in de, category.key
        assert category.kept in de, category.key
        assert gettext(category.title) in en, category.key
        assert gettext(category.title) != category.title or category.title == "Logo"
    # The technical names the page was made from: every column, every Redis key.
    for name in [*inv.SQLITE_COLUMNS, *inv.REDIS_KEYS]:
        assert name in de, name
    assert "SQLite-Datenbankdatei" in de and "Redis- oder Valkey-Datenbank" not in de
    assert "Das Zugriffsprotokoll ist aus" in de
    assert "IP-Adressen werden nicht gespeichert." in de
    assert "live_p_CODE" in de and "live_r_CODE_RAUM" in de and "live_lang" in de


def test_the_page_follows_the_settings(tmp_path: Path) -> None:
    with make_client(
        tmp_path, retention_days=1, access_log=True, store_url="sqlite://:memory:"
    ) as client:
        de = text_of(client.get("/datenschutz-hinweise").text)
        en = text_of(client.get("/datenschutz-hinweise?lang=en").text)
    assert "1 Tag nach ihrem letzten Tag" in de
    assert "1 day after its last day" in en
    assert "Zugriffsprotokoll eingeschaltet" in de
    assert "IP-Adressen werden nicht in der Datenbank gespeichert." in de
    assert "IP-Adressen werden nicht gespeichert." not in de


def test_with_redis_the_page_says_so_and_names_its_expiries(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    with make_client(tmp_path, redis_url=redis_server.url) as client:
        de = text_of(client.get("/datenschutz-hinweise").text)
    assert "Redis- oder Valkey-Datenbank" in de and "SQLite-Datenbankdatei" not in de
    assert "In Redis außerdem nur bis 7 Tage nach der letzten Sendung des Geräts." in de
    assert "nach 1 Stunde aus Redis" in de


def test_the_cookie_lifetimes_the_page_names_are_the_ones_set() -> None:
    default = inspect.signature(identity.set_cookie).parameters["max_age"].default
    assert default == privacy.COOKIE_DAYS * 24 * 3600
    assert identity.YEAR == 365 * 24 * 3600  # the language cookie: "365 Tage"
