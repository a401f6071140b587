"""Geometry checks for pages that must fit one screen (projector, overlay): every piece of
visible text lies inside the viewport and inside every ancestor that clips, and none is
smaller than a share of the screen's height.

Plain module (no pytest imports), used by the browser tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Page

# The text nodes a person can see: rendered (has client rects), not visibility:hidden, not in
# a visually-hidden helper (1 px, for screen readers) and not in the elements `skip` names.
_MEASURE = """
(skip) => {
  const problems = [];
  let smallest = Infinity, smallestText = "";
  const vw = innerWidth, vh = innerHeight, slack = 0.5;
  const outside = (r, b) => r.left < b.left - slack || r.top < b.top - slack
    || r.right > b.right + slack || r.bottom > b.bottom + slack;
  const viewport = {left: 0, top: 0, right: vw, bottom: vh};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (!text) continue;
    const el = node.parentElement;
    const ignored = "title, desc, script, style, .visually-hidden" + (skip ? ", " + skip : "");
    if (el.closest(ignored)) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || parseFloat(style.opacity) === 0) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (!rects.length) continue;
    const size = parseFloat(style.fontSize);
    if (size < smallest) { smallest = size; smallestText = text.slice(0, 60); }
    const short = text.slice(0, 50);
    for (const r of rects) {
      if (outside(r, viewport)) problems.push(`outside the viewport: "${short}"`);
      for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX === "visible" && s.overflowY === "visible") continue;
        if (outside(r, a.getBoundingClientRect())) {
          const box = `<${a.tagName.toLowerCase()} class="${a.className}">`;
          problems.push(`clipped by ${box}: "${short}"`);
          break;
        }
      }
    }
  }
  const scroll = document.scrollingElement;
  if (scroll.scrollHeight > vh + 1 || scroll.scrollWidth > vw + 1) {
    problems.push("the page scrolls");
  }
  return {problems: [...new Set(problems)], smallest, smallestText, height: vh};
}
"""


@dataclass(frozen=True)
class Fit:
    problems: list[str]
    smallest: float  # px of the smallest visible text
    smallest_text: str
    height: int  # px of the viewport

    @property
    def smallest_share(self) -> float:
        """The smallest text as a share of the screen's height (0.022: 2.2 %)."""
        return self.smallest / self.height


def measure(page: Page, skip: str = "") -> Fit:
    """What `page` shows now; `skip`: a CSS selector of elements not to judge (e.g. controls
    meant for the operator, not the audience)."""
    raw: dict[str, Any] = page.evaluate(_MEASURE, skip)
    return Fit(raw["problems"], float(raw["smallest"]), raw["smallestText"], int(raw["height"]))
