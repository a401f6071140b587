"""`live check`: print every finding, one line each; exit 1 on any error (2: settings unusable
before any check could run is an error too). English like the rest of the CLI."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from live.check.findings import DEFAULT_PHONES, Level, Report, check

MARKS = {Level.OK: "ok", Level.WARNING: "warning", Level.ERROR: "error"}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "check",
        help="check the configuration (settings, data dir, Redis persistence, addresses)",
        description=(
            "Checks the settings from the environment as `live serve` would use them. `live "
            "serve` runs the same checks at start: errors stop it, warnings are printed."
        ),
    )
    parser.add_argument(
        "--phones",
        type=int,
        default=DEFAULT_PHONES,
        help=f"phones expected at once, for the open-files check (default {DEFAULT_PHONES})",
    )
    parser.set_defaults(handler=main, environment_flags=True)


def main(args: argparse.Namespace) -> int:
    report = check(phones=max(1, args.phones))
    print_report(report, sys.stdout)
    return 1 if report.errors else 0


def print_report(report: Report, out: TextIO) -> None:
    width = max(len(f.check) for f in report.findings)
    for finding in report.findings:
        print(f"{MARKS[finding.level]:<7}  {finding.check:<{width}}  {finding.message}", file=out)
    errors, warnings = len(report.errors), len(report.warnings)
    print(f"{errors} error(s), {warnings} warning(s)", file=out)
