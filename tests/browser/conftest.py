"""Headless Chromium (Debian's /usr/bin/chromium) via Playwright's sync API.

Fixtures:
- `chromium` (package scope, see below): the Browser.
- `browser_guard`: what the test's pages did — requests, console errors, page errors.
- `browser_context`: factory `browser_context(*, viewport=None, is_mobile=False,
  has_touch=False, locale="de-DE", **new_context_kwargs) -> BrowserContext`;
  `browser_context(**PHONE)` / `browser_context(**PROJECTOR)` for the presets.
- `phone` / `projector`: a Page in a fresh context with that preset.

At teardown every context is closed and the test fails if any page requested a host other
than 127.0.0.1/localhost (privacy: no third-party requests), logged a console error or threw
an uncaught exception. Expected console errors (a WebSocket dropped while a test restarts
the server, a deliberate 4xx) are allowed per test: `browser_guard.allow_console_error(regex)`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from tests.support.browser import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    DEFAULT_TIMEOUT_MS,
    PHONE,
    PROJECTOR,
    BrowserGuard,
    ContextFactory,
)


# Package scope, not session: while Playwright's sync API is active it leaves its own asyncio
# loop registered as the running loop of the main thread, and every async test (pytest-asyncio)
# run after it would fail with "Runner.run() cannot be called from a running event loop".
# Package scope shuts it down when the last test under tests/browser/ is done. So: no async
# tests in tests/browser/, and browser tests only in tests/browser/.
@pytest.fixture(scope="package")
def playwright() -> Generator[Playwright]:
    # expect() has a default of its own (5 s), shorter than every other wait here: one bound
    # for all, long enough that only a hang reaches it on a busy machine.
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def chromium(playwright: Playwright) -> Generator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def browser_guard() -> BrowserGuard:
    return BrowserGuard()


@pytest.fixture
def browser_context(chromium: Browser, browser_guard: BrowserGuard) -> Generator[ContextFactory]:
    contexts: list[BrowserContext] = []

    def new_context(
        *,
        viewport: ViewportSize | None = None,
        is_mobile: bool = False,
        has_touch: bool = False,
        locale: str = "de-DE",
        **kwargs: Any,
    ) -> BrowserContext:
        context = chromium.new_context(
            viewport=viewport or {"width": 1280, "height": 800},
            is_mobile=is_mobile,
            has_touch=has_touch,
            locale=locale,
            **kwargs,
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        browser_guard.attach(context)
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()
    if problems := browser_guard.problems():
        pytest.fail("browser guard:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def phone(browser_context: ContextFactory) -> Page:
    """A page on a 390x844 touch phone (de-DE)."""
    return browser_context(**PHONE).new_page()


@pytest.fixture
def projector(browser_context: ContextFactory) -> Page:
    """A page on a 1920x1080 projector screen (de-DE)."""
    return browser_context(**PROJECTOR).new_page()
