"""Built-in templates for common polls: the moderator picks one and gets the poll form filled in.

Texts are German msgids; the page translates them into the moderator's language before
filling the form, and the moderator can still change everything before saving. A template is
only a starting point: nothing refers back to it once a poll is created.
"""

from __future__ import annotations

from dataclasses import dataclass

from live.domain.models import PollKind, ScreenResults, Visibility
from live.domain.text import _n


@dataclass(frozen=True, slots=True)
class PollTemplate:
    key: str  # stable, used in links (?template=...)
    question: str  # msgid
    kind: PollKind
    options: tuple[str, ...] = ()  # msgids; single/multiple only
    scale_min: int = 1
    scale_max: int = 5
    visibility: Visibility = "after_vote"  # the phones
    screen_results: ScreenResults = "live"  # the projector: the hall watches the result grow
    max_answers: int = 1  # text polls: answers per participant
    scale_min_label: str | None = None  # msgids; scale only (the words at the ends)
    scale_max_label: str | None = None


TEMPLATES: tuple[PollTemplate, ...] = (
    PollTemplate(
        "tagung",
        _n("Wie hat Ihnen die Tagung gefallen?"),
        "single",
        (
            _n("begeistert"),
            _n("zufrieden"),
            _n("teils, teils"),
            _n("weniger zufrieden"),
            _n("enttäuscht"),
        ),
    ),
    PollTemplate("tagung-skala", _n("Wie hat Ihnen die Tagung gefallen?"), "scale"),
    PollTemplate("forum", _n("Wie zufrieden waren Sie mit diesem Forum?"), "scale"),
    # Word clouds grow richer with a few answers per person.
    PollTemplate("mitnehmen", _n("Was nehmen Sie mit?"), "text", visibility="live", max_answers=3),
    PollTemplate(
        "vertiefen",
        _n("Welches Thema soll vertieft werden?"),
        "text",
        visibility="live",
        max_answers=3,
    ),
    PollTemplate(
        "praxis",
        _n("Wie gut lässt sich das Gehörte in Ihrem Jobcenter umsetzen?"),
        "scale",
    ),
    PollTemplate(
        "erwartung",
        _n("Was erwarten Sie von dieser Veranstaltung?"),
        "text",
        visibility="live",
        max_answers=3,
    ),
)

_BY_KEY = {t.key: t for t in TEMPLATES}


def template(key: object) -> PollTemplate | None:
    return _BY_KEY.get(key) if isinstance(key, str) else None
