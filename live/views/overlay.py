"""The stream overlay's settings, read from its URL.

An OBS or vMix browser source has no controls: its URL is the whole configuration (which parts
show, whether the applause is heard, where the panel sits). The moderators' overlay-link builder
writes such URLs and the overlay page, its socket and the builder read them back here, so all
three agree. Pure: query values in, an ``OverlayConfig`` out.

Anything unknown or malformed falls back to the default instead of failing: the overlay shows in
a live stream, where an error page is worse than a default part or corner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from live.domain.text import _n

Part = Literal["applause", "results", "question", "lower-third", "countdown"]
# Every part, in the order the panel stacks them (top to bottom; left to right in the strip).
PARTS: tuple[Part, ...] = ("countdown", "question", "results", "applause", "lower-third")
Position = Literal["bottom-left", "bottom-right", "top-left", "top-right", "bottom"]
POSITIONS: tuple[Position, ...] = ("bottom-left", "bottom-right", "top-left", "top-right", "bottom")

DEFAULT_PARTS: tuple[Part, ...] = ("applause",)
DEFAULT_POSITION: Position = "bottom-left"

# The builder's checkboxes, in the order a moderator thinks of them.
PARTS_IN_BUILDER: tuple[Part, ...] = ("applause", "results", "question", "lower-third", "countdown")
# The builder's words for them (moderation page).
PART_LABELS: dict[Part, str] = {
    "applause": _n("Applaus-Anzeige"),
    "results": _n("Ergebnis der Abstimmung auf der Leinwand (oder Wortwolke)"),
    "question": _n("Hervorgehobene Frage mit Namen"),
    "lower-third": _n("Bauchbinde: Veranstaltung, Raum und laufender Programmpunkt"),
    "countdown": _n("Countdown (Redezeit, Pause), solange einer läuft"),
}
POSITION_LABELS: dict[Position, str] = {
    "bottom-left": _n("unten links"),
    "bottom-right": _n("unten rechts"),
    "top-left": _n("oben links"),
    "top-right": _n("oben rechts"),
    "bottom": _n("unten über die ganze Breite"),
}
_SOUND_OFF = frozenset({"off", "0", "false", "no", "aus"})


@dataclass(frozen=True, slots=True)
class OverlayConfig:
    """What one overlay shows. ``parts`` is never empty, in PARTS order, without repeats."""

    parts: tuple[Part, ...] = DEFAULT_PARTS
    sound: bool = True
    position: Position = DEFAULT_POSITION

    def shows(self, part: str) -> bool:
        return part in self.parts

    @property
    def parts_value(self) -> str:
        """The parts as one query value ("applause,results"): short enough to read in OBS."""
        return ",".join(self.parts)

    def query(self) -> str:
        """The query string that parses back to this configuration (commas left readable)."""
        sound = "on" if self.sound else "off"
        return f"parts={self.parts_value}&sound={sound}&position={self.position}"


def parse_overlay(
    parts: Iterable[str] = (), sound: str | None = None, position: str | None = None
) -> OverlayConfig:
    """The configuration from the URL's values: ``parts`` as given (repeated parameters from a
    form, or one comma-separated value, or both), ``sound`` "on"/"off", ``position`` one of
    POSITIONS. Unknown values are dropped or replaced by the default; no known part at all
    means the default parts."""
    wanted = {p.strip().lower() for value in parts for p in value.split(",")}
    chosen = tuple(p for p in PARTS if p in wanted) or DEFAULT_PARTS
    heard = (sound or "").strip().lower() not in _SOUND_OFF
    where = (position or "").strip().lower()
    place = next((p for p in POSITIONS if p == where), DEFAULT_POSITION)
    return OverlayConfig(chosen, heard, place)
