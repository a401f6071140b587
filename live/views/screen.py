"""The words of the projector control: the moderators' mode buttons with their keys, the
modes' names (moderation page, control room) and the announcements after a switch. What the
wall shows for each mode is decided in live/domain/screen.py."""

from __future__ import annotations

from live.domain.models import ScreenMode
from live.domain.text import _n

# The moderators' buttons, in order: mode, label, keyboard shortcut (a single key, see
# static/control.js; none of them is a browser shortcut without a modifier).
MODE_BUTTONS: tuple[tuple[ScreenMode, str, str], ...] = (
    ("auto", _n("Automatisch"), "0"),
    ("join", _n("Beitrittscode zeigen"), "J"),
    ("poll", _n("Abstimmungsergebnis"), "P"),
    ("question", _n("Hervorgehobene Frage"), "F"),
    ("applause", _n("Applaus-Anzeige"), "A"),
    ("words", _n("Wortwolke"), "W"),
    ("slide", _n("Neutrale Folie"), "S"),
    ("ideas", _n("Ideen"), "I"),
    # Short on the button (the console's projector card has two narrow columns of buttons).
    ("forums", _n("Forenergebnisse"), "E"),
)

MODE_LABELS: dict[str, str] = {
    "auto": _n("Automatisch"),
    "join": _n("Beitrittscode und QR-Code"),
    "poll": _n("Abstimmungsergebnis"),
    "question": _n("Hervorgehobene Frage"),
    "applause": _n("Applaus-Anzeige"),
    "words": _n("Wortwolke"),
    "slide": _n("Neutrale Folie"),
    "ideas": _n("Ideen"),
    "forums": _n("Ergebnisse aus den Foren"),
}

# Announced after a moderator switched the projector.
MODE_MESSAGES: dict[str, str] = {
    "auto": _n("Die Leinwand wählt jetzt automatisch."),
    "join": _n("Die Leinwand zeigt jetzt den Beitrittscode."),
    "poll": _n("Die Leinwand zeigt jetzt diese Abstimmung."),
    "question": _n("Die Leinwand zeigt jetzt die hervorgehobene Frage."),
    "applause": _n("Die Leinwand zeigt jetzt die Applaus-Anzeige."),
    "words": _n("Die Leinwand zeigt jetzt die Wortwolke."),
    "slide": _n("Die Leinwand zeigt jetzt die neutrale Folie."),
    "ideas": _n("Die Leinwand zeigt jetzt die Ideen."),
    "forums": _n("Die Leinwand zeigt jetzt die Ergebnisse aus den Foren."),
}
