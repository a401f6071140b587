"""What the applause sounds like, measured (issue 20): static/applause.js rendered offline in
headless Chromium (tests/support/applause_render.py: the engine's own graph on an
OfflineAudioContext, seeded, stepped on the audio clock, so every run gives the same samples)
and analysed in Python (tests/support/audio.py: BS.1770 loudness, onsets, autocorrelation).

The numbers are the issue's: sparse claps irregular, a roar as big as the room, a lone clap far
below an ovation at about −16 LUFS, peaks ≤ −1 dBFS, digital silence within 3 s, no loop.
"""

from __future__ import annotations

from collections.abc import Generator
from functools import cache

import numpy as np
import pytest
from playwright.sync_api import Browser, Page

from tests.support import audio
from tests.support.applause_render import Rendering, render, sound_page_server

pytestmark = pytest.mark.browser

PLENARY = 400  # people present in a big hall


@pytest.fixture(scope="module")
def page(chromium: Browser) -> Generator[Page]:
    context = chromium.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    with sound_page_server() as url:
        page.goto(url)
        page.wait_for_function("() => window.liveApplause !== undefined")
        yield page
    context.close()
    assert not errors, errors


@cache
def _ovation(page: Page) -> Rendering:
    # The stream overlay's sound (with the room reverb), the whole plenary on its feet.
    return render(page, seconds=15, level=1.0, present=PLENARY, reverb=True)


def ovation(page: Page) -> Rendering:
    return _ovation(page)


def test_the_limiter_does_not_lift_quiet_sound_and_keeps_peaks_below_1_dbfs(page: Page) -> None:
    for amplitude in (0.01, 0.1, 0.3):  # a 1 kHz tone through the whole chain
        tone = render(page, seconds=1.5, probe=amplitude).between(0.5, 1.5)
        assert abs(audio.peak_dbfs(tone) - audio.dbfs(amplitude)) < 0.1, amplitude
    full_scale = render(page, seconds=1.5, probe=1.0).between(0.5, 1.5)
    assert audio.peak_dbfs(full_scale) <= -1


def test_an_ovation_of_the_plenary_is_a_steady_roar_at_stream_loudness(page: Page) -> None:
    sound = ovation(page).between(3, 15)  # after the rise
    assert -17.5 <= audio.integrated(sound) <= -14.5
    assert audio.peak_dbfs(sound) <= -1
    short_term = audio.short_term(sound)
    assert short_term.max() - short_term.min() <= 3
    assert audio.fluctuation(sound) < 2.5  # no single claps stand out: a roar


def test_a_small_room_sounds_like_few_people(page: Page) -> None:
    forum = render(page, seconds=10, level=1.0, present=20, reverb=True).between(3, 10)
    plenary = ovation(page).between(3, 10)
    assert audio.fluctuation(forum) > 2 * audio.fluctuation(plenary)
    assert audio.peak_dbfs(forum) <= -1


def test_a_lone_clap_is_far_below_an_ovation(page: Page) -> None:
    # Level 0.02 in a plenary of 400 is one person clapping lightly.
    lone = render(page, seconds=20, level=0.02, present=PLENARY, reverb=True)
    assert lone.onsets, "nobody clapped"
    loudest = float(audio.momentary(lone.signal).max())
    assert loudest <= audio.integrated(ovation(page).between(3, 15)) - 18


def test_sparse_applause_is_people_not_a_metronome(page: Page) -> None:
    # Level 0.05 in a plenary: one or two people clapping short bursts at their own tempo.
    sparse = render(page, seconds=40, level=0.05, present=PLENARY, reverb=True, seed=7)
    onsets = audio.onsets(sparse.between(2, 40))
    assert 30 < len(onsets) < 38 * 10, len(onsets)  # claps, and not a roar
    intervals = [float(x) for x in np.diff(onsets)]
    assert np.std(intervals) / np.mean(intervals) >= 0.3
    beat, share = audio.beat_fit(intervals)
    assert share < 0.45, (beat, share)  # the pauses are no whole number of one beat


def test_exact_silence_within_3_s_after_the_level_reaches_0(page: Page) -> None:
    sound = render(page, seconds=10, levels=[(0, 1.0), (4, 0.0)], present=PLENARY, reverb=True)
    assert audio.rms_dbfs(sound.between(3, 4)) > -30  # it was loud
    after = sound.between(7, 10)
    assert not np.any(after), np.flatnonzero(after.any(axis=0))[:1] / sound.rate + 7
    assert not np.any(render(page, seconds=2, level=0.0, present=PLENARY, reverb=True).signal)


def test_the_crowd_never_loops(page: Page) -> None:
    sound = render(page, seconds=33, level=1.0, present=PLENARY, reverb=True, seed=3)
    band = audio.bandpass(sound.between(3, 33), 100, 1000)
    peak, lag = audio.autocorrelation_peak(band, 0.5, 15)
    assert peak <= 0.15, (peak, lag)
