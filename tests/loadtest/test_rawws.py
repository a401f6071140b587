"""What the load generator reads from a page socket's pushes (live/loadtest/rawws.py)."""

from __future__ import annotations

from live.loadtest.rawws import frame_kind, shown_voters

PUSH = (
    b'<div id="poll-stage" hx-swap-oob="true"></div>'
    b'<div id="results-p1" class="results" hx-swap-oob="true">'
    b'<p class="voters">9998 Stimmen</p><ol class="bars"></ol></div>'
    b'<div id="results-p2" class="results"><p class="voters">1 Stimme</p></div>'
)


def test_the_voters_a_push_shows_for_a_poll() -> None:
    assert frame_kind(PUSH) == b"html"
    assert shown_voters(PUSH, "p1") == 9998
    assert shown_voters(PUSH, "p2") == 1
    assert shown_voters(PUSH, "p3") is None  # no results of that poll in this push
    hidden = b'<div id="results-p4" class="results"><p class="results-hidden">...</p></div>'
    assert shown_voters(hidden, "p4") is None  # results not shown yet: no voters line
    assert shown_voters(hidden + PUSH, "p4") is None  # not the next poll's line either
