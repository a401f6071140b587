"""Pace and technics feedback on the moderators' console: how many signal what right now
(fragments/mod_pace.html) and, apart from it, the warning when a share of the room crosses the
threshold (fragments/mod_pace_alert.html, a polite status region).

Two regions on purpose: the warning's text names no numbers, so it changes only when a warning
starts or ends, and a screen reader announces a crossing once, not with every new signal. It
is pushed into the page's status element (``hx-swap-oob="innerHTML"``), which stays in place."""

from __future__ import annotations

from typing import Any

from live.domain import pace as pace_rules
from live.fanout.state import RoomState
from live.fanout.types import Region
from live.i18n import Lang
from live.views.templating import render


def pace_context(state: RoomState) -> dict[str, Any]:
    return {
        "pace": state.pace,
        "present": state.applause.present,
        "alerts": pace_rules.alerts(state.pace, state.applause.present),
        "pace_labels": pace_rules.LABELS,
        "pace_signals": pace_rules.SIGNALS,
    }


def pace_dict(state: RoomState) -> dict[str, Any]:
    """The JSON view for moderators: counts per signal now, the people present, the signals
    past the warning threshold (live.domain.pace.alerts)."""
    return {
        "counts": {value: state.pace.count(value) for value in pace_rules.SIGNALS},
        "present": state.applause.present,
        "alerts": list(pace_rules.alerts(state.pace, state.applause.present)),
    }


def pace_region(lang: Lang, state: RoomState) -> Region:
    html = render(lang, "fragments/mod_pace.html", **pace_context(state))
    return Region("mod-pace", html, html)


def pace_alert_region(lang: Lang, state: RoomState) -> Region:
    html = render(lang, "fragments/mod_pace_alert.html", oob=True, **pace_context(state))
    return Region("mod-pace-alert", html, html)


def pace_regions(lang: Lang, state: RoomState) -> list[Region]:
    return [pace_alert_region(lang, state), pace_region(lang, state)]
