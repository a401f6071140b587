"""Jinja environments, one per language (gettext installed per environment, autoescape on)."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from live.assets import TEMPLATE_DIR
from live.domain import blocklist
from live.domain.codes import format_code
from live.domain.mood import MOOD_LABELS
from live.domain.pace import LABELS as PACE_LABELS
from live.domain.pace import SIGNALS as PACE_SIGNALS
from live.domain.poll_points import ranking_order
from live.domain.poll_templates import TEMPLATES as POLL_TEMPLATES
from live.domain.polls import MAX_ANSWERS, MAX_OPTIONS, MIN_OPTIONS, published, scale_values
from live.domain.text import _n
from live.i18n import DEFAULT_LANG, LANGUAGES, Lang, translations
from live.static_files import asset
from live.views.brand import brand_css_url, logo_url
from live.views.cloud import word_cloud
from live.views.cloud_controls import cloud_controls
from live.views.hyphenate import shy

STATE_LABELS = {"draft": _n("Entwurf"), "open": _n("offen"), "closed": _n("beendet")}
KIND_LABELS = {
    "single": _n("Einfachauswahl"),
    "multiple": _n("Mehrfachauswahl"),
    "scale": _n("Skala"),
    "text": _n("Freitext (Wortwolke)"),
    "ranking": _n("Rangfolge"),
    "points": _n("Punkte verteilen"),
}
VISIBILITY_LABELS = (
    ("live", _n("immer (live)")),
    ("after_vote", _n("nach der eigenen Stimmabgabe")),
    ("after_close", _n("erst nach dem Schließen")),
)
# The projector's results (Poll.screen_results), chosen apart from the phones'.
SCREEN_RESULTS_LABELS = (
    ("live", _n("live zeigen")),
    ("after_close", _n("erst nach dem Schließen zeigen")),
)


def _percent(value: int, lang: str) -> str:
    # German typography puts a (non-breaking) space before the percent sign.
    return f"{value}\u00a0%" if lang == "de" else f"{value}%"


# What organisers and participants type (event titles, room names, agenda items, poll questions
# and options, questions, names, answers) is German: the audience is. It is hyphenated as German
# and, on a page in another language, marked so (WCAG 3.1.2, language of parts): a screen reader
# then reads "Mittagspause" with a German voice on an English page.
CONTENT_LANG: Lang = DEFAULT_LANG


def _user_text(value: object, lang: Lang) -> Markup:
    text = shy(value, CONTENT_LANG)
    if lang == CONTENT_LANG:
        return text
    return Markup('<span lang="{}">{}</span>').format(CONTENT_LANG, text)


def _number(value: float | int | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return str(format_decimal(value, format=pattern, locale=lang))


@cache
def environment(lang: Lang) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the package and change only with a new install (a restart). The
        # default re-checked each file's time stamp on every render: 7 % of a page-vote burst.
        auto_reload=False,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    gettext = translations(lang).gettext
    env.globals["lang"] = lang
    # The participant page's side-panel view (live/web/embed.py); pages set it, regions never.
    env.globals["embed"] = False
    env.globals["asset"] = asset  # every <link>/<script> of a static file: its hashed URL
    env.globals["scale_values"] = scale_values
    env.globals["ranking_order"] = ranking_order
    env.globals["word_cloud"] = word_cloud
    env.globals["published"] = published
    env.globals["min_options"] = MIN_OPTIONS
    env.globals["mood_labels"] = MOOD_LABELS
    env.globals["pace_labels"] = PACE_LABELS
    env.globals["pace_values"] = PACE_SIGNALS
    env.globals["max_options"] = MAX_OPTIONS
    env.globals["state_label"] = lambda state: gettext(STATE_LABELS[state])
    env.globals["kind_label"] = lambda kind: gettext(KIND_LABELS[kind])
    env.globals["visibility_labels"] = lambda: [(k, gettext(v)) for k, v in VISIBILITY_LABELS]
    env.globals["screen_results_labels"] = lambda: [
        (k, gettext(v)) for k, v in SCREEN_RESULTS_LABELS
    ]
    env.globals["max_answers_limit"] = MAX_ANSWERS
    env.globals["cloud_controls"] = cloud_controls
    # The words of a question the event's blocklist holds it back for (the moderators' queue).
    env.globals["blocked_words"] = lambda event, text: blocklist.for_event(event).matches(text)
    env.globals["languages"] = LANGUAGES
    env.globals["brand_css_url"] = brand_css_url
    env.globals["logo_url"] = logo_url
    env.globals["poll_templates"] = lambda: [
        (t.key, gettext(t.question), gettext(KIND_LABELS[t.kind])) for t in POLL_TEMPLATES
    ]
    env.filters["pct"] = lambda v: _percent(v, lang)
    env.filters["num"] = lambda v, digits=1: _number(v, lang, digits)
    env.filters["code"] = format_code
    # User text shown large or in narrow boxes: soft hyphens in long words (escapes, too).
    env.filters["shy"] = lambda v: shy(v, lang)
    # The same for text people typed (CONTENT_LANG above): every template's one way to show it.
    env.filters["user"] = lambda v: _user_text(v, lang)
    env.filters["date"] = lambda d, form="long": str(format_date(d, format=form, locale=lang))
    return env


def render(lang: Lang, template: str, **context: Any) -> str:
    return environment(lang).get_template(template).render(**context)
