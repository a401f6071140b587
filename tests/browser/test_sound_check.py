"""The console's sound check (templates/fragments/sound_check.html, static/sound_check.js): the
moderator plays example applause on their own device, through the projector's engine, and the
room's own applause engine on the console stays silent."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.support.axe import check_a11y
from tests.support.browser import DEFAULT_TIMEOUT_MS, BrowserGuard, ContextFactory
from tests.support.server import LiveServer

pytestmark = pytest.mark.browser

# Keeps every AudioContext the page makes within the test's reach (the engines keep theirs
# private), to see that sound really plays.
_CAPTURE_AUDIO_CONTEXTS = """(() => {
  const Base = window.AudioContext;
  window.testAudioContexts = [];
  window.AudioContext = class extends Base {
    constructor(options) { super(options); window.testAudioContexts.push(this); }
  };
})()"""


def test_the_sound_check_plays_examples_on_this_device_only(
    live_server: LiveServer, browser_context: ContextFactory, browser_guard: BrowserGuard
) -> None:
    body = json.dumps({"title": "Fachtag", "rooms": ["Plenum"]}).encode()
    request = urllib.request.Request(
        live_server.url + "/api/v1/events", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        event = json.load(response)
    context = browser_context(viewport={"width": 1366, "height": 768})
    context.add_init_script(_CAPTURE_AUDIO_CONTEXTS)
    page = context.new_page()
    page.goto(f"{live_server.url}/e/{event['code']}/moderate?token={event['moderator_token']}")
    page.wait_for_function("() => window.liveApplause !== undefined")

    page.get_by_text("Tonprobe", exact=True).click()  # the <summary> opens it
    ovation = page.get_by_role("button", name="Ovation")
    ovation.click()
    expect(ovation).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Warmer Applaus")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(page.locator("#announcer")).to_contain_text("Tonprobe läuft auf diesem Gerät.")
    page.wait_for_function(
        "() => window.testAudioContexts.length === 1"
        " && window.testAudioContexts[0].state === 'running'"
        " && window.testAudioContexts[0].currentTime > 0.5",
        timeout=DEFAULT_TIMEOUT_MS,
    )
    assert page.evaluate("() => window.liveApplause.engine.running") is False  # not the room
    check_a11y(page, context="console with the sound check playing")

    page.get_by_role("button", name="Warmer Applaus").click()  # another example: switch
    expect(page.get_by_role("button", name="Warmer Applaus")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(ovation).to_have_attribute("aria-pressed", "false")

    page.get_by_role("button", name="Tonprobe beenden").click()
    expect(page.locator("[data-sound-check-play][aria-pressed='true']")).to_have_count(0)
    expect(page.locator("#announcer")).to_contain_text("Tonprobe beendet.")
    # Dies down, then the engine switches itself off (its context suspends).
    page.wait_for_function(
        "() => window.testAudioContexts[0].state === 'suspended'", timeout=DEFAULT_TIMEOUT_MS
    )
    assert page.evaluate("() => window.testAudioContexts.length") == 1
