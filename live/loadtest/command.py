"""`live loadtest --url URL --participants N`: check a server before the conference day.

Talks to the one host:port of ``--url`` only, asks for ``--yes`` before it loads any host but
this machine, and stops by itself (bounded participants, seconds and waits). Prints a progress
bar (plain text: one updating line on a terminal, a line per step otherwise) and a summary
table, or the summary as JSON (``--json``). The CLI speaks English like `live serve`.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from typing import TYPE_CHECKING, TextIO

from live.loadtest.limits import MAX_PARTICIPANTS, MAX_SECONDS

if TYPE_CHECKING:
    from live.loadtest.run import Outcome, Plan


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "loadtest",
        help="simulate phones against a running server (check it before the event)",
        description=(
            "Simulated phones join an event, connect (a share by the participant page, the "
            "rest by the room socket), vote for a while and leave; a simulated projector times "
            "when each vote shows. Only URL's host and port are contacted."
        ),
    )
    parser.add_argument(
        "--url", required=True, help="the server's base URL, e.g. http://127.0.0.1:8000"
    )
    parser.add_argument(
        "--participants",
        type=int,
        required=True,
        help=f"simulated phones (1..{MAX_PARTICIPANTS:,})",
    )
    parser.add_argument(
        "--page-share",
        type=float,
        default=0.5,
        help="share of the phones on the participant page's path (form posts); default 0.5",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=10.0,
        help=f"how long the phones vote (a vote every 2 s each; 1..{MAX_SECONDS:.0f}); default 10",
    )
    parser.add_argument(
        "--admin-token",
        default=os.environ.get("LIVE_ADMIN_TOKEN", ""),
        help="the server's LIVE_ADMIN_TOKEN, to create the test event (default: the environment's)",
    )
    parser.add_argument("--event", help="use this event instead of creating one")
    parser.add_argument("--moderator-token", help="the moderator token of --event")
    parser.add_argument(
        "--keep-event",
        action="store_true",
        help="keep the event made for the test (it is deleted afterwards by default)",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="confirm a load test against a host other than this machine",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    # Here, not at the top: `live serve` starts without loading the load generator.
    import orjson

    from live.loadtest.run import LoadTestError, Plan, run
    from live.loadtest.target import Target, TargetError

    try:
        target = Target.parse(args.url)
        plan = Plan(
            target=target,
            participants=args.participants,
            page_share=args.page_share,
            seconds=args.seconds,
            admin_token=args.admin_token or None,
            event_code=args.event,
            moderator_token=args.moderator_token,
            keep_event=args.keep_event,
        )
    except (TargetError, LoadTestError) as exc:
        print(f"live loadtest: {exc}", file=sys.stderr)
        return 2
    if not target.loopback and not args.yes:
        print(
            f"live loadtest: {target.origin} is not this machine. The load test sends "
            f"{plan.participants:,} simulated phones there for about {plan.seconds:.0f} s: run "
            "it only against a server you are responsible for, before the event, and tell the "
            "people who run its network. Run again with --yes to go ahead.",
            file=sys.stderr,
        )
        return 2
    bar = ProgressBar(sys.stderr)
    try:
        outcome = run(plan, bar)
    except LoadTestError as exc:
        bar.finish()
        print(f"live loadtest: {exc}", file=sys.stderr)
        return 1
    bar.finish()
    if args.json:
        print(orjson.dumps(outcome.as_dict(), option=orjson.OPT_INDENT_2).decode())
    else:
        print(summary(plan, outcome))
    return 0 if outcome.errors == 0 else 1


class ProgressBar:
    """One line redrawn in place on a terminal; elsewhere (a log, CI) a line per step and
    quarter."""

    WIDTH = 30

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self.started = time.monotonic()
        self.step = ""
        self.quarter = -1
        self.drawn = False

    def __call__(self, step: str, share: float, detail: str) -> None:
        if step == "done":
            return
        if step != self.step:
            self.step, self.quarter = step, -1
        share = min(1.0, max(0.0, share))
        filled = int(share * self.WIDTH)
        line = (
            f"{step:<8} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {share * 100:3.0f} % "
            f"{time.monotonic() - self.started:6.1f} s {detail}"
        )
        if self.tty:
            self.out.write("\r\x1b[K" + line)
            self.drawn = True
        elif int(share * 4) > self.quarter:
            self.quarter = int(share * 4)
            self.out.write(line + "\n")
        self.out.flush()

    def finish(self) -> None:
        if self.drawn:
            self.out.write("\n")
            self.out.flush()
            self.drawn = False


def summary(plan: Plan, outcome: Outcome) -> str:
    def ms(value: float) -> str:
        return "–" if math.isnan(value) else f"{value * 1000:.0f}"

    def failures(counts: dict[str, int]) -> str:
        return ", ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "none"

    screen = outcome.screen
    rows = [
        ("server", plan.target.origin),
        ("event", outcome.event_code),
        ("joined", f"{outcome.joined:,} of {outcome.participants:,}"),
        ("  refused", failures(dict(outcome.refused))),
        (
            "connected",
            f"{outcome.connected:,} ({outcome.page:,} by the page, "
            f"{outcome.joined - outcome.page:,} by the room socket)",
        ),
        ("  failed", failures(dict(outcome.connect_failures))),
        ("votes sent", f"{outcome.sent:,}"),
        ("votes acknowledged", f"{outcome.acknowledged:,}"),
        ("votes counted", "–" if outcome.counted is None else f"{outcome.counted:,}"),
        ("ballots", "–" if outcome.ballots is None else f"{outcome.ballots:,}"),
        (
            "vote → screen p50/p95/p99",
            f"{ms(screen.p50)} / {ms(screen.p95)} / {ms(screen.p99)} ms",
        ),
        ("  not seen on screen", f"{outcome.unseen:,}"),
        ("errors", f"{outcome.errors:,}"),
        ("  votes", failures(dict(outcome.vote_errors))),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)
