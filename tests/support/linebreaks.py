"""Line breaks inside words, measured in the browser: ``mid_word_breaks(page)``.

A break between two letters is one without a hyphen ("Jugendberufsagenture|n"): what browsers
do with ``overflow-wrap: anywhere`` when a word does not fit. Breaks after a soft hyphen (shown
as "-" at the line end) or a real hyphen are fine, and so are breaks at spaces, slashes and
other punctuation: only two adjacent letters on different lines count.

How: every visible text node under the selector, grapheme by grapheme (``Intl.Segmenter``, so
"a" + combining mark or an emoji sequence is one), the box of each letter from
``Range.getClientRects``; two adjacent letters whose boxes are not on the same line are a
mid-word break. Skipped: SVG (its text does not wrap; the word cloud is SVG), form controls'
contents (select, option, textarea draw their text themselves), script/style/template, and
text that is not rendered (display: none, visibility: hidden). A word split across two
elements ("<b>Ju</b>gend") is not checked (no such markup here).
"""

from __future__ import annotations

from playwright.sync_api import Page

_FIND_BREAKS = r"""
(selector) => {
  const SKIP = "svg, script, style, noscript, template, textarea, select, option, optgroup";
  const LETTER = /^\p{L}/u;
  const WORD_PART = /^[\p{L}\p{M}\u00ad]/u;
  const graphemes = new Intl.Segmenter(undefined, {granularity: "grapheme"});
  const seen = new Set();
  const found = [];

  const describe = (el) => {
    const name = (e) => e.localName + (e.id ? "#" + e.id : "")
      + [...e.classList].map((c) => "." + c).join("");
    const owner = el.id ? null : el.closest("[id]");
    return "<" + name(el) + ">" + (owner ? " in " + name(owner) : "");
  };
  const boxOf = (node, start, end) => {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    // A letter first on a line may also get an empty box at the end of the line before.
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    return rects.length ? rects[rects.length - 1] : null;
  };
  // Same line: the vertical middle of one box lies within the other's height.
  const sameLine = (a, b) => {
    const middle = b.top + b.height / 2;
    return middle >= a.top && middle <= a.bottom;
  };

  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (seen.has(node)) continue;
      seen.add(node);
      const parent = node.parentElement;
      if (!parent || parent.closest(SKIP)) continue;
      if (!parent.checkVisibility({visibilityProperty: true})) continue;
      const text = node.data;
      const parts = [...graphemes.segment(text)];
      let previous = null;  // {index, box} of the letter just before, if there was one
      for (const part of parts) {
        if (!LETTER.test(part.segment)) {
          previous = null;
          continue;
        }
        const box = boxOf(node, part.index, part.index + part.segment.length);
        if (box && previous && !sameLine(previous.box, box)) {
          let start = previous.index;
          while (start > 0 && WORD_PART.test(text[start - 1])) start -= 1;
          let end = part.index;
          while (end < text.length && WORD_PART.test(text[end])) end += 1;
          const word = (text.slice(start, part.index) + "|" + text.slice(part.index, end))
            .replaceAll("\u00ad", "");
          found.push(JSON.stringify(word) + " in " + describe(parent));
        }
        previous = box ? {index: part.index, box} : null;
      }
    }
  }
  return found;
}
"""


def mid_word_breaks(page: Page, selector: str = "body") -> list[str]:
    """Every line break between two letters in the visible text under ``selector``, each as
    ``"Jugendberufsagenture|n" in <span.bar-label> in li#mod-poll-…`` (empty: none)."""
    found: list[str] = page.evaluate(_FIND_BREAKS, selector)
    return found
