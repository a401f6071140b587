"""Render the applause engine's sound into docs/applause/: a few short WAVs to listen to and
their spectrograms, with the measured numbers printed.

    .venv/bin/python docs/applause/make.py

The sound is static/applause.js itself, rendered offline in headless Chromium with a fixed seed
(tests/support/applause_render.py, the same path the tests measure), so the files change only
when the engine does. WAVs are mono, 16 kHz, 16 bit, a few seconds each (small enough to keep in
the repository); the spectrograms are 0–8 kHz, 60 dB of range, darker is louder.
"""

from __future__ import annotations

import struct
import sys
import wave
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support import audio  # noqa: E402
from tests.support.applause_render import Rendering, render, sound_page_server  # noqa: E402
from tests.support.browser import CHROMIUM_ARGS, CHROMIUM_PATH  # noqa: E402
from tests.support.images import PNG_SIGNATURE, chunk  # noqa: E402

OUT = Path(__file__).resolve().parent
RATE = 16000  # written rate: enough for claps' spectra, a third of the size

# name: (what it is, render arguments, the part to keep in seconds)
CLIPS: dict[str, tuple[str, dict[str, object], tuple[float, float]]] = {
    "sparse": (
        "level 0.05, 400 present: one or two people clapping bursts",
        {"seconds": 6, "level": 0.05, "present": 400, "seed": 7},
        (1.5, 5.5),
    ),
    "forum": (
        "level 1.0, 20 present: an ovation of a small room",
        {"seconds": 5, "level": 1.0, "present": 20},
        (2.5, 4.5),
    ),
    "ovation": (
        "level 1.0, 400 present: the plenary on its feet",
        {"seconds": 5, "level": 1.0, "present": 400},
        (2.5, 4.5),
    ),
    "ending": (
        "level 1.0 → 0 after 0.5 s, 400 present: the room falls silent (digital zero)",
        {"seconds": 5, "levels": [(0, 1.0), (2, 0.0)], "present": 400},
        (1.5, 4.5),
    ),
}


def _mono_16k(sound: Rendering, start: float, end: float) -> np.ndarray:
    mono = sound.between(start, end).mean(axis=0)
    # Band-limited resampling 48 → 16 kHz: drop the spectrum above 8 kHz, keep every third.
    spectrum = np.fft.rfft(mono)
    spectrum[np.fft.rfftfreq(mono.shape[0], 1 / sound.rate) > RATE / 2 * 0.95] = 0
    resampled: np.ndarray = np.fft.irfft(spectrum, mono.shape[0])[:: sound.rate // RATE]
    return resampled


def write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def write_spectrogram(path: Path, samples: np.ndarray, height: int = 128) -> None:
    """A grey PNG: time left to right (one column per 16 ms), 0–8 kHz bottom to top."""
    size, hop = 2 * height, RATE // 62
    window = np.hanning(size)
    columns = [
        np.abs(np.fft.rfft(samples[i : i + size] * window))[:height]
        for i in range(0, samples.shape[0] - size, hop)
    ]
    db = 20 * np.log10(np.array(columns).T + 1e-9)
    shade = np.clip((db.max() - db) / 60, 0, 1)  # 0 = loudest
    pixels = np.round(255 * shade).astype(np.uint8)[::-1]
    rows = b"".join(b"\x00" + row.tobytes() for row in pixels)
    header = struct.pack(">IIBBBBB", pixels.shape[1], pixels.shape[0], 8, 0, 0, 0, 0)
    path.write_bytes(
        PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    with sync_playwright() as pw, sound_page_server() as url:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_function("() => window.liveApplause !== undefined")
        for name, (what, arguments, (start, end)) in CLIPS.items():
            sound = render(page, reverb=True, **arguments)  # type: ignore[arg-type]
            part = sound.between(start, end)
            samples = _mono_16k(sound, start, end)
            write_wav(OUT / f"{name}.wav", samples)
            write_spectrogram(OUT / f"{name}.png", samples)
            print(
                f"{name}: {what}\n    {audio.integrated(part):.1f} LUFS integrated, "
                f"peak {audio.peak_dbfs(part):.1f} dBFS, "
                f"level fluctuation {audio.fluctuation(part):.1f} dB"
            )
        browser.close()


if __name__ == "__main__":
    main()
