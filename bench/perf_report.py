"""docs/benchmarks.md section for bench/perf.py: medians over the runs, app vs baseline ratios,
and the issue's goals checked against the medians."""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bench import common

if TYPE_CHECKING:
    from bench.perf import Config, RunResult

# (metric, label, unit): unit "s" prints milliseconds, "us" microseconds, "pct", "kib", "mb",
# "n" counts, "x" plain numbers.
ROWS: list[tuple[str, str, str]] = [
    ("S1.snapshot_p50", "S1 ramp: connect → snapshot p50", "s"),
    ("S1.snapshot_p99", "S1 ramp: connect → snapshot p99", "s"),
    ("S1.failed", "S1 ramp: sockets without snapshot", "n"),
    ("S1.cpu_per_frame_us", "S1 ramp: server CPU per connection", "us"),
    ("S1.rss_per_conn_kib", "S1 server RSS per connection", "kib"),
    ("S1.idle_cpu_pct", "S1 idle: server CPU", "pct"),
    ("S2.screen_p50", "S2 burst: vote → screen p50", "s"),
    ("S2.screen_p95", "S2 burst: vote → screen p95", "s"),
    ("S2.screen_p99", "S2 burst: vote → screen p99", "s"),
    ("S2.final_after_last_vote", "S2 burst: final tally on screen after the last vote", "s"),
    ("S2.ack_p99", "S2 burst: ack p99 (from the slot)", "s"),
    ("S2.cpu_per_frame_us", "S2 burst: server CPU per delivered frame", "us"),
    ("S2.delivered_pct", "S2 burst: frames delivered / expected", "pct"),
    ("S2.fresh_pct", "S2 burst: participants whose last frame is final", "pct"),
    ("S3.screen_p50", "S3 steady: vote → screen p50", "s"),
    ("S3.screen_p95", "S3 steady: vote → screen p95", "s"),
    ("S3.screen_p99", "S3 steady: vote → screen p99", "s"),
    ("S3.screen_max", "S3 steady: vote → screen max", "s"),
    ("S3.ack_p99", "S3 steady: ack p99 (from the slot)", "s"),
    ("S3.cpu_per_frame_us", "S3 steady: server CPU per delivered frame", "us"),
    ("S3.delivered_pct", "S3 steady: frames delivered / expected", "pct"),
    ("S3.fresh_pct", "S3 steady: participants whose last frame is final", "pct"),
    ("S4.screen_frames_per_s", "S4 applause: screen applause frames per second", "x"),
    ("S4.screen_gap_p99", "S4 applause: gap between screen frames p99", "s"),
    ("S4.cpu_per_frame_us", "S4 applause: server CPU per delivered frame", "us"),
    ("S4.delivered_pct", "S4 applause: frames delivered / expected", "pct"),
    ("S4.max_level", "S4 applause: highest level on the screen", "x"),
    ("S6.screen_p95", "S6 1 % stalled: vote → screen p95 (others)", "s"),
    ("S6.ack_p99", "S6 1 % stalled: ack p99 (others)", "s"),
    ("S6.rss_growth_mb", "S6 server RSS growth during the stall", "mb"),
    ("S6.closed_1013", "S6 stalled sockets closed with 1013", "n"),
    ("S6.cpu_per_frame_us", "S6 server CPU per delivered frame", "us"),
    ("S7.snapshot_p50", "S7 reconnect all: → snapshot p50", "s"),
    ("S7.snapshot_p99", "S7 reconnect all: → snapshot p99", "s"),
    ("S7.snapshot_max", "S7 reconnect all: → snapshot max", "s"),
    ("S7.failed", "S7 reconnect all: sockets without snapshot", "n"),
    ("votes.lost", "votes lost (acked, not counted)", "n"),
    ("votes.double", "votes counted twice (or counted unacked)", "n"),
    ("votes.unacked", "votes without ack or error", "n"),
]


def fmt(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "s":
        return f"{value * 1000:.0f} ms"
    if unit == "us":
        return f"{value:.1f} µs"
    if unit == "pct":
        return f"{value:.1f} %"
    if unit == "kib":
        return f"{value:.1f} KiB"
    if unit == "mb":
        return f"{value:.1f} MB"
    if unit == "n":
        return f"{value:.0f}"
    return f"{value:.2f}"


def median(results: Sequence[RunResult], key: str) -> float:
    values = [
        r.metrics[key] for r in results if key in r.metrics and not math.isnan(r.metrics[key])
    ]
    return statistics.median(values) if values else math.nan


def goals(cfg: Config, app: Sequence[RunResult], base: Sequence[RunResult]) -> list[str]:
    """The issue's goals, each with the measured median and met / not met."""

    def line(text: str, value: str, ok: bool | None) -> str:
        mark = "–" if ok is None else ("met" if ok else "**not met**")
        return f"| {text} | {value} | {mark} |"

    def ratio(key: str) -> float:
        a, b = median(app, key), median(base, key)
        return a / b if b and not math.isnan(a) and not math.isnan(b) else math.nan

    rows = ["| goal | measured (median) | |", "|---|---|---|"]
    final = median(app, "S2.final_after_last_vote")
    p95 = median(app, "S2.screen_p95")
    rows.append(
        line("S2: final tally on the screen ≤ 1 s after the last vote", fmt(final, "s"), final <= 1)
    )
    rows.append(line("S2: vote → screen p95 ≤ 1 s", fmt(p95, "s"), p95 <= 1))
    p99 = median(app, "S3.screen_p99")
    rows.append(line("S3: vote → screen p99 ≤ 500 ms", fmt(p99, "s"), p99 <= 0.5))
    lost = sum(r.metrics.get("votes.lost", 0) + r.metrics.get("votes.double", 0) for r in app)
    rows.append(line("zero lost or double-counted votes (all runs)", f"{lost:.0f}", lost == 0))
    for scen in ("S2", "S3"):
        key = f"{scen}.cpu_per_frame_us"
        r = ratio(key)
        rows.append(
            line(f"{scen}: CPU per delivered frame ≤ 1.5× the baseline", f"{r:.2f}×", r <= 1.5)
        )
    rss = median(app, "S1.rss_per_conn_kib")
    rows.append(line("RSS ≤ 25 KiB per connection", fmt(rss, "kib"), rss <= 25))
    for scen, sent in PAGE_SCENARIOS:
        for size in cfg.page_phones if scen in cfg.scenarios else ():
            key = f"{scen}.{size}"
            if not any(f"{key}.votes" in r.metrics for r in app):
                continue
            final = median(app, f"{key}.final_after_last_vote")
            p99 = median(app, f"{key}.screen_p99")
            what = f"{scen} page path ({sent}), {size:,} phones"
            rows.append(line(f"{what}: final tally ≤ 1 s", fmt(final, "s"), final <= 1))
            rows.append(line(f"{what}: p99 ≤ 1 s", fmt(p99, "s"), p99 <= 1))
            bad = sum(r.metrics.get(f"{key}.non2xx", 0) for r in app)
            rows.append(line(f"{what}: every vote answered", f"{bad:.0f}", bad == 0))
    if "S6" in cfg.scenarios:
        s6, s3 = median(app, "S6.screen_p95"), median(app, "S3.screen_p95")
        moved = (s6 - s3) / s3 * 100 if s3 else math.nan
        rows.append(line("S6: others' p95 moves < 10 % (vs. S3)", f"{moved:+.0f} %", moved < 10))
    return rows


def spread(results: Sequence[RunResult], key: str, unit: str) -> str:
    """The median and, with more than one run, the range over the runs: one pair's number can
    be another's miss on a shared machine."""
    values = sorted(
        r.metrics[key] for r in results if key in r.metrics and not math.isnan(r.metrics[key])
    )
    if not values:
        return "–"
    mid = fmt(statistics.median(values), unit)
    if len(values) == 1 or values[0] == values[-1]:
        return mid
    return f"{mid} ({fmt(values[0], unit)}–{fmt(values[-1], unit)})"


# The page path's scenarios and how their votes go (bench/perf.py).
PAGE_SCENARIOS = (("S8", "form posts"), ("S9", "votes over the page socket"))


def page_path(cfg: Config, app: Sequence[RunResult]) -> list[str]:
    """S8 and S9 beside S2: the page path (votes by form post, or over the page socket) and the
    JSON socket, medians with the range over the app runs."""
    cols = [
        ("final_after_last_vote", "s"),
        ("screen_p99", "s"),
        ("ack_p99", "s"),
        ("non2xx", "n"),
        ("counted", "n"),
        ("votes", "n"),
        ("fresh_pct", "pct"),
    ]
    lines = [
        "| path, phones | final tally after the last vote | vote → screen p99 "
        "| answer (ack) p99 from the slot | non-2xx / errors | counted | votes sent "
        "| phones whose last results are final |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for scen, sent in PAGE_SCENARIOS:
        for size in cfg.page_phones:
            prefix = f"{scen}.{size}"
            if not any(f"{prefix}.votes" in r.metrics for r in app):
                continue
            cells = [spread(app, f"{prefix}.{key}", unit) for key, unit in cols]
            lines.append(f"| page ({sent}), {size:,} | " + " | ".join(cells) + " |")
    if "S2" in cfg.scenarios:
        cells = [
            spread(app, f"S2.{key}", unit) if key != "non2xx" else spread(app, "S2.errors", "n")
            for key, unit in cols
        ]
        cells[4] = "–"
        lines.append(f"| JSON socket (S2), {cfg.participants:,} | " + " | ".join(cells) + " |")
    return lines


def page_settings(cfg: Config) -> str:
    scens = [scen for scen, _sent in PAGE_SCENARIOS if scen in cfg.scenarios]
    if not scens:
        return ""
    sizes = ", ".join(f"{n:,}" for n in cfg.page_phones if n <= cfg.participants)
    return (
        f"{' and '.join(scens)} page path with {sizes} phones, everyone within "
        f"{cfg.burst_seconds:.0f} s; "
    )


def markdown(
    cfg: Config,
    results: dict[str, list[RunResult]],
    seconds: float,
    argv: Sequence[str] | None,
) -> str:
    app, base = results.get("app", []), results.get("baseline", [])
    args = " ".join(argv or [])
    lines = [
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC at commit {common.git_commit()}: "
        f"`python -m bench.perf {args}`".rstrip()
        + f" in {seconds:.0f} s on Python {platform.python_version()}.",
        "",
        f"Settings: {cfg.participants:,} participants in one room (+{cfg.screens} screens), "
        f"backend {cfg.backend}, {cfg.workers} worker(s), tick {cfg.tick_ms} ms; ramp "
        f"{cfg.ramp_rate:.0f}/s; S2 everyone within {cfg.burst_seconds:.0f} s; S3 "
        f"{cfg.steady_rate:.0f} votes/s for {cfg.steady_seconds:.0f} s; "
        f"S4 {cfg.applause_seconds:.0f} s; "
        f"S6 {cfg.stall_seconds:.0f} s with every {cfg.stall_every}th participant not reading; "
        f"{page_settings(cfg)}"
        f"{len(app)} app and {len(base)} baseline runs, alternating; medians.",
        "",
        "| measure | app | baseline | app / baseline |",
        "|---|---|---|---|",
    ]
    for key, label, unit in ROWS:
        if key.split(".")[0] not in (*cfg.scenarios, "votes"):
            continue
        a, b = median(app, key), median(base, key)
        ratio = f"{a / b:.2f}×" if b and not math.isnan(a) and not math.isnan(b) and b > 0 else "–"
        if unit in ("n", "pct"):
            ratio = "–"
        lines.append(f"| {label} | {fmt(a, unit)} | {fmt(b, unit)} | {ratio} |")
    if app:
        lines += [
            "",
            f"Goals of the performance issue (stated for 10,000 participants; this run: "
            f"{cfg.participants:,}; app medians):",
            "",
            *goals(cfg, app, base),
        ]
    if any(scen in cfg.scenarios for scen, _sent in PAGE_SCENARIOS) and app:
        lines += [
            "",
            f"S8/S9, the page path (app runs only; median and range over {len(app)} runs):",
            "",
            *page_path(cfg, app),
        ]
    cpu = median(app, "S3.server_cpu")
    client = median(app, "S3.client_cpu")
    other = median(app, "S3.other_cpu")
    lines += [
        "",
        f"CPU in S3 (app runs, median): server {cpu:.1f} s, load generators {client:.1f} s, "
        f"everything else {other:.1f} s, over {median(app, 'S3.wall'):.1f} s of wall time on "
        f"{os.cpu_count()} CPUs.",
    ]
    notes = sorted({n for r in (*app, *base) for n in r.notes})
    if notes:
        lines += ["", "Notes from the runs:", *[f"- {n}" for n in notes]]
    return "\n".join(lines)


SECTION = """## Load: {label} (`bench/perf.py`)

<!-- bench:perf:{label} -->
<!-- /bench:perf:{label} -->
"""


def write(cfg: Config, text: str) -> None:
    key = f"perf:{cfg.label}"
    common.write_block(key, text, section=SECTION.format(label=cfg.label))
