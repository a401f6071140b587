"""„Ergebnisse aus den Foren“ (issue 24) in headless Chromium: two forums close their ranking
polls and the plenary's projector, already showing the roll-up, gets both columns live; 13
forums fit the wall at 1920×1080, 1280×720 and 1024×576 (nothing clipped, nothing below the
type floor, no word broken but at its soft hyphens); the organiser's console card works by
keyboard; axe on every new state."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_projector import SIZES, check_wall
from tests.support.axe import format_violations, run_axe
from tests.support.browser import ContextFactory
from tests.support.forums import TOPICS, stock_forums
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser


def no_axe_violations(page: Page, what: str) -> None:
    violations = run_axe(page)
    assert not violations, f"axe, {what}:\n{format_violations(violations)}"


def test_a_forum_marks_ideas_another_closes_its_ranking_the_plenary_shows_both(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    stage = stock_forums(live_server, 3)
    ideas_forum, ranking_forum, _third = stage.forums
    stage.source(ranking_forum)  # the first keeps the default: its marked ideas
    ideas = stage.ideas(ideas_forum, ["Mehr Praktika im Betrieb", "Lotsen für Eltern", "Später"])
    stage.show()
    wall = browser_context(viewport={"width": 1920, "height": 1080}).new_page()
    wall.goto(stage.screen_url())
    expect(wall.locator("body")).to_have_attribute("data-connection", "open")
    expect(wall.locator("#screen-stage")).to_have_attribute("data-mode", "forums")
    columns = wall.locator(".forum")
    expect(columns).to_have_count(3)
    expect(columns.nth(0)).to_contain_text("Noch keine Ergebnisse")
    expect(columns.nth(1)).to_contain_text("Die Abstimmung läuft noch.")
    no_axe_violations(wall, "forums' results, nothing yet")

    # The forum's moderator marks two ideas: the plenary's wall follows at once.
    stage.mark(ideas[1])
    stage.mark(ideas[0])
    expect(columns.nth(0).locator(".forum-items li")).to_have_count(2)
    expect(columns.nth(0)).to_contain_text("Lotsen für Eltern")
    expect(columns.nth(0)).not_to_contain_text("Später")
    # The other forum closes its ranking: its top 3 with their points.
    stage.close(ranking_forum)
    expect(columns.nth(1).locator(".forum-items li")).to_have_count(3)
    expect(columns.nth(1).locator(".forum-items li").first).to_contain_text("Punkte")
    expect(columns.nth(1)).to_contain_text(TOPICS[1][:12])
    # Unmarking takes an idea off again.
    stage.mark(ideas[1], False)
    expect(columns.nth(0).locator(".forum-items li")).to_have_count(1)
    check_wall(wall, "three forums at 1920×1080")
    no_axe_violations(wall, "forums' results, ideas and a ranking")


def test_thirteen_forums_fit_every_size(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    stage = stock_forums(live_server, 13, voters=2)
    for room in stage.forums:
        stage.source(room)
    for room in stage.forums[:-1]:
        stage.close(room)
    stage.show()
    for name, (width, height) in SIZES.items():
        page = browser_context(viewport={"width": width, "height": height}).new_page()
        page.goto(stage.screen_url())
        expect(page.locator("body")).to_have_attribute("data-connection", "open")
        expect(page.locator(".forum")).to_have_count(13)
        expect(page.locator(".forum-items li")).to_have_count(36)
        check_wall(page, f"13 forums at {name}")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        if name == "1920×1080":
            no_axe_violations(page, "13 forums")


@pytest.mark.keyboard("forum-results")
def test_the_console_card_by_keyboard(
    live_server: LiveServer, browser_context: ContextFactory
) -> None:
    stage = stock_forums(live_server, 2, voters=1)
    first = stage.forums[0]
    console = browser_context(viewport={"width": 1366, "height": 768}).new_page()
    console.goto(stage.console_url())
    summary = console.locator("#forum-card > summary")
    summary.focus()
    console.keyboard.press("Enter")
    expect(console.locator("#forum-card")).to_have_attribute("open", "")
    no_axe_violations(console, "console with the forums' card open")
    # Tab to the first forum's source (past the plenary's two selects and the forum's own
    # "takes part"), pick its ranking poll with the arrow key, Tab to the button, Enter.
    source = console.locator(f"#forum-source-{first}")
    for _ in range(12):
        console.keyboard.press("Tab")
        if source.evaluate("el => el === document.activeElement"):
            break
    expect(source).to_be_focused()
    console.keyboard.press("ArrowDown")
    expect(source).to_have_value(stage.polls[first])
    save = console.locator("#forum-save")
    for _ in range(8):
        console.keyboard.press("Tab")
        if save.evaluate("el => el === document.activeElement"):
            break
    expect(save).to_be_focused()
    console.keyboard.press("Enter")
    expect(console.locator("#announcer")).to_contain_text(
        "Die Ergebnisse aus den Foren sind eingestellt."
    )
    # The card came back open, with the choice kept and the focus on the button again.
    expect(console.locator(f"#forum-source-{first}")).to_have_value(stage.polls[first])
    settings = stage.call("GET", "/forum-results")["rooms"]
    assert [r["poll_id"] for r in settings] == [None, stage.polls[first], None]
    # And the projector's key E shows them.
    console.locator("body").focus()
    console.keyboard.press("e")
    expect(console.locator("#screen-mode-forums")).to_have_attribute("aria-pressed", "true")
