"""Accessibility checks with the vendored axe-core (tests/vendor/README.md).

The app's pages run under `script-src 'self'`, so axe cannot be injected as an inline
<script> (`page.add_script_tag(content=...)` is refused by the CSP and logs a console error).
`page.evaluate(source)` goes through the DevTools protocol, which the page's CSP does not
govern, so the pages are checked with their real CSP — no `bypass_csp` needed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_VERSION = "4.14.1"
AXE_PATH = Path(__file__).resolve().parents[1] / "vendor" / f"axe-core-{AXE_VERSION}.min.js"

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
FAILING_IMPACTS = frozenset({"serious", "critical"})
MAX_TARGETS = 5

_RUN_AXE = """
async (tags) => {
  // Not into frames: the console's projector thumbnails are the screen page, checked on its
  // own; axe would wait for each frame's answer on a timer, which a paused page clock stops.
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    iframes: false,
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.map(String).join(" ")),
  }));
}
"""


@cache
def axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


_RUN_AXE_RULES = """
async (rules) => {
  const result = await window.axe.run(document, {
    runOnly: {type: "rule", values: rules},
    iframes: false,
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.map(String).join(" ")),
  }));
}
"""


def run_axe(page: Page) -> list[dict[str, Any]]:
    """All WCAG 2.0/2.1 A+AA violations on the current page, any impact."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations: list[dict[str, Any]] = page.evaluate(_RUN_AXE, list(WCAG_TAGS))
    return violations


def run_axe_rules(page: Page, *rules: str) -> list[dict[str, Any]]:
    """The violations of these axe rules only: best practices outside the WCAG tags, such as
    ``heading-order`` (no skipped heading level) or ``page-has-heading-one``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations: list[dict[str, Any]] = page.evaluate(_RUN_AXE_RULES, list(rules))
    return violations


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = v["targets"]
        shown = ", ".join(targets[:MAX_TARGETS])
        more = f" (+{len(targets) - MAX_TARGETS} more)" if len(targets) > MAX_TARGETS else ""
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']}: {shown}{more}")
    return "\n".join(lines)


def check_a11y(page: Page, *, context: str) -> None:
    """Raise AssertionError listing every serious/critical axe violation on `page`.

    `context` names the page/state in the message, e.g. "Publikum, Umfrage offen (Handy)".
    """
    violations = [v for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
    if violations:
        raise AssertionError(
            f"axe-core {AXE_VERSION}: {len(violations)} serious/critical accessibility "
            f"violation(s) on {context} ({page.url}):\n{format_violations(violations)}"
        )
