"""The mid-word line-break checker (tests/support/linebreaks.py) on hand-made pages: it finds a
break between two letters, and only that."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from live.views.hyphenate import SHY, hyphenate
from tests.support.browser import ContextFactory
from tests.support.linebreaks import mid_word_breaks

pytestmark = pytest.mark.browser

# A box 7 characters wide: "Jugendberufsagenturen" (21 letters) needs three lines; its longest
# syllable with its hyphen ("Jugend-", "berufs-") fits.
BOX = "font: 20px/1.3 'DejaVu Sans Mono', monospace; width: 7ch; margin: 0"
ANYWHERE = f"{BOX}; overflow-wrap: anywhere"
MANUAL = f"{BOX}; hyphens: manual; overflow-wrap: break-word"


@pytest.fixture
def page(browser_context: ContextFactory) -> Page:
    return browser_context().new_page()


def show(page: Page, body: str) -> None:
    page.set_content(f"<!doctype html><html lang='de'><body>{body}</body></html>")


def test_a_break_without_hyphen_is_found(page: Page) -> None:
    show(page, f'<p id="label" class="bar-label" style="{ANYWHERE}">Jugendberufsagenturen</p>')
    found = mid_word_breaks(page)
    # 21 letters in lines of 7: two breaks, each named with its word and its element.
    assert found == [
        '"Jugendb|erufsagenturen" in <p#label.bar-label>',
        '"Jugendberufsag|enturen" in <p#label.bar-label>',
    ]


def test_breaks_at_soft_hyphens_real_hyphens_and_spaces_are_fine(page: Page) -> None:
    word = hyphenate("Jugendberufsagenturen", "de")
    assert SHY in word
    show(
        page,
        f'<p style="{MANUAL}">{word}</p>'
        f'<p style="{ANYWHERE}">Kreis-Jugend-Amt</p>'
        f'<p style="{ANYWHERE}">Ein Wort und noch eins</p>',
    )
    # Each wrapped (one line is 26 px high): the check had breaks to judge.
    assert page.locator("p").evaluate_all("ps => ps.map(p => p.offsetHeight > 40)") == [True] * 3
    assert mid_word_breaks(page) == []


def test_break_word_alone_still_breaks_mid_word_and_is_found(page: Page) -> None:
    # The last resort (break-word) breaks mid-word when nothing else fits: soft hyphens are
    # what keeps a page clean, not the CSS. The element is named by its nearest id, too.
    show(page, f'<div id="results"><p style="{MANUAL}">Straßenbahnhaltestelle</p></div>')
    assert mid_word_breaks(page) == [
        '"Straßen|bahnhaltestelle" in <p> in div#results',
        '"Straßenbahnhal|testelle" in <p> in div#results',
        '"Straßenbahnhaltestell|e" in <p> in div#results',
    ]


def test_hidden_text_svg_and_other_subtrees_are_not_checked(page: Page) -> None:
    show(
        page,
        f'<p style="{ANYWHERE}; display: none">Jugendberufsagenturen</p>'
        f'<p style="{ANYWHERE}; visibility: hidden">Jugendberufsagenturen</p>'
        '<svg width="200" height="200"><foreignObject width="200" height="200">'
        f'<p xmlns="http://www.w3.org/1999/xhtml" style="{ANYWHERE}">Jugendberufsagenturen</p>'
        "</foreignObject></svg>"
        f'<textarea style="{BOX}">Jugendberufsagenturen</textarea>'
        f'<section id="elsewhere"><p style="{ANYWHERE}">Jugendberufsagenturen</p></section>'
        '<main id="checked"><p>kurz</p></main>',
    )
    assert mid_word_breaks(page, "#checked") == []
    assert len(mid_word_breaks(page)) == 2  # only the one in #elsewhere (two breaks)


def test_a_letter_with_a_combining_mark_is_one_letter(page: Page) -> None:
    # "Ä" written as A + combining diaeresis: a break after it is found, none inside it.
    show(page, f'<p style="{ANYWHERE}">A\u0308rztekammerversammlung</p>')
    found = mid_word_breaks(page)
    assert found
    assert all(f.startswith('"A\u0308rzte') and "|\u0308" not in f for f in found)
