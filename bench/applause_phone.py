"""The applause engine on a slow phone: the plenary (400 present, level 1.0) played live in
headless Chromium at 6× CPU throttling, several times; prints per run whether the crowd ran dry
(`late`: crowd pieces scheduled after their time) and how many claps the front rows scheduled.

    .venv/bin/python -m bench.applause_phone [--runs 5] [--seconds 5] [--rate 6]

A benchmark, not a test: it depends on spare CPU and real time (tests/browser/test_applause_sound.py
checks the sound itself, rendered offline). Report the spread of runs (docs/applause/README.md).
"""

from __future__ import annotations

import argparse
import sys

from playwright.sync_api import sync_playwright

from tests.support.applause_render import sound_page_server
from tests.support.browser import CHROMIUM_ARGS, CHROMIUM_PATH

# Waits on the audio clock: a starved renderer stretches wall-clock time, not the audio
# scheduled per audio second.
_RUN_AUDIO = """async (seconds) => {
  const e = window.liveApplause.engine, end = e.currentTime + seconds, claps = e.scheduledClaps;
  while (e.currentTime < end) await new Promise((r) => setTimeout(r, 50));
  return {late: e.late, claps: e.scheduledClaps - claps};
}"""

_LISTEN = """() => { const b = document.createElement("button");
  b.type = "button"; b.setAttribute("data-applause-listen", "");
  b.textContent = "Applaus hören"; document.querySelector("main").append(b);
  const e = window.liveApplause.engine; e.setPresent(400); e.setLevel(1); }"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=6.0, help="CPU throttling rate")
    args = parser.parse_args(argv)
    results = []
    with sync_playwright() as pw, sound_page_server() as url:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        for run in range(args.runs):
            page = browser.new_context().new_page()
            page.goto(url)
            page.wait_for_function("() => window.liveApplause !== undefined")
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.rate})
            page.evaluate(_LISTEN)
            page.click("[data-applause-listen]")  # the gesture audio needs
            page.wait_for_function("() => window.liveApplause.engine.crowdReady")
            result = page.evaluate(_RUN_AUDIO, args.seconds)
            results.append(result)
            print(f"run {run + 1}: late {result['late']}, claps {result['claps']}", flush=True)
            page.context.close()
        browser.close()
    dry = sum(1 for r in results if r["late"])
    claps = sorted(r["claps"] for r in results)
    print(
        f"{args.runs} runs at {args.rate:g}× throttling: crowd ran dry in {dry}; "
        f"front-row claps per {args.seconds:g} s: {claps[0]}–{claps[-1]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
