"""The built-in poll templates (live/domain/poll_templates.py) and the form prefill from them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from live.domain import polls as poll_rules
from live.domain.poll_templates import TEMPLATES, template
from live.i18n import LANGUAGES, Lang, translate
from live.views.program import prefilled_poll_form

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
DEFAULTS = {
    "question": "",
    "kind": "single",
    "options": "",
    "scale_min": "1",
    "scale_max": "5",
    "visibility": "after_vote",
    "screen_results": "live",
    "max_answers": "1",
    "agenda_item_id": "",
}


def test_keys_are_unique_and_link_safe() -> None:
    keys = [t.key for t in TEMPLATES]
    assert len(keys) == len(set(keys))
    assert all(k.replace("-", "").isalnum() and k.islower() for k in keys)


def test_the_common_closing_questions_are_there() -> None:
    questions = {(t.question, t.kind) for t in TEMPLATES}
    assert ("Wie hat Ihnen die Tagung gefallen?", "single") in questions
    assert ("Wie hat Ihnen die Tagung gefallen?", "scale") in questions
    assert ("Wie zufrieden waren Sie mit diesem Forum?", "scale") in questions
    assert ("Was nehmen Sie mit?", "text") in questions
    assert ("Welches Thema soll vertieft werden?", "text") in questions
    closing = template("tagung")
    assert closing is not None and closing.options[:2] == ("begeistert", "zufrieden")


def test_lookup_refuses_unknown_keys() -> None:
    assert template("nope") is None
    assert template(None) is None
    assert template(["tagung"]) is None


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", [t.key for t in TEMPLATES])
def test_every_template_prefills_a_form_that_makes_a_valid_poll(lang: Lang, key: str) -> None:
    values = prefilled_poll_form(lang, DEFAULTS, {"template": key})
    chosen = template(key)
    assert chosen is not None
    assert values["question"] == translate(lang, chosen.question)
    assert values["kind"] == chosen.kind
    # What the form would post back goes through the real poll rules unchanged.
    poll = poll_rules.new_poll(
        poll_id="p",
        event_code="E",
        room_id="r",
        question=values["question"],
        kind=values["kind"],
        options=[o for o in values["options"].splitlines() if o.strip()],
        scale_min=int(values["scale_min"]) if values["kind"] == "scale" else None,
        scale_max=int(values["scale_max"]) if values["kind"] == "scale" else None,
        visibility=values["visibility"],
        screen_results=values["screen_results"],
        max_answers=int(values["max_answers"]),
        now=NOW,
    )
    assert poll.kind == chosen.kind
    # The projector shows results live: templates follow the new polls' default.
    assert poll.screen_results == "live"
    if chosen.kind == "text":
        assert poll.max_answers == chosen.max_answers == 3
    if chosen.kind == "scale":
        assert (poll.scale_min, poll.scale_max) == (1, 5)


def test_prefill_keeps_defaults_without_a_template_and_takes_the_agenda_item() -> None:
    assert prefilled_poll_form("de", DEFAULTS, {}) == DEFAULTS
    assert prefilled_poll_form("de", DEFAULTS, {"template": "unbekannt"}) == DEFAULTS
    values = prefilled_poll_form("de", DEFAULTS, {"template": "forum", "agenda": "item1"})
    assert values["agenda_item_id"] == "item1"
    assert values["question"] == "Wie zufrieden waren Sie mit diesem Forum?"
    assert values["kind"] == "scale"
