"""The accessibility statement's content (/barrierefreiheit, BITV 2.0 § 7 and the EU model
statement): what the project's own tests check, in words people read, and what they cannot.

The facts come from ``live/domain/a11y_record.py``, which `python -m tests.support.a11y_record`
writes from the tests after they passed (axe-core's version and rules, the pages checked in
both languages, the keyboard tests); tests/test_a11y_record.py fails when the record no longer
matches the tests. What is written here by hand: the names of the pages and keyboard flows, the
known limitations, and how the status follows from them. Pure: no settings, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from live.domain import a11y_record as record
from live.domain.text import _n

STANDARDS = "WCAG 2.1 (AA), EN 301 549 V3.2.1"

# Each page the every-page test visits, by its route (German msgids).
PAGE_NAMES: dict[str, str] = {
    "/": _n("Startseite: teilnehmen oder eine Veranstaltung anlegen"),
    "/e/{code}": _n("Teilnahme am Handy: abstimmen, fragen, applaudieren"),
    "/e/{code}/survey/{survey_id}": _n("Umfrage am Handy: Frage für Frage im eigenen Tempo"),
    "/e/{code}/screen": _n("Leinwand für den Projektor"),
    "/e/{code}/overlay": _n("Einblendung für den Stream (Overlay)"),
    "/e/{code}/moderate": _n("Moderation"),
    "/e/{code}/moderate/questions/{question_id}/edit": _n("Frage bearbeiten (Moderation)"),
    "/e/{code}/delete": _n("Veranstaltung löschen"),
    "/e/{code}/report": _n("Bericht nach der Veranstaltung"),
    "/e/{code}/setup": _n("Vorbereitung: Räume, Programm, Abstimmungen"),
    "/e/{code}/setup/agenda/{item_id}": _n("Programmpunkt bearbeiten"),
    "/e/{code}/control": _n("Regie: alle Räume auf einen Blick"),
    "/e/{code}/start": _n("Start nach dem Anlegen"),
    "/e/{code}/links": _n("Links und QR-Codes"),
    "/barrierefreiheit": _n("Erklärung zur Barrierefreiheit"),
    "/leichte-sprache": _n("Leichte Sprache"),
    "/datenschutz-hinweise": _n("Was gespeichert wird"),
}

# Each keyboard flow a browser test marks with @pytest.mark.keyboard("<flow>").
KEYBOARD_FLOWS: dict[str, str] = {
    "phone-tabs": _n(
        "Teilnahme: zwischen „Abstimmung“, „Fragen“ und „Applaus & Stimmung“ wechseln "
        "(Pfeiltasten, Pos1, Ende)"
    ),
    "vote": _n("Teilnahme: abstimmen nur mit der Tastatur"),
    "applause": _n(
        "Teilnahme: applaudieren mit Leertaste, Eingabetaste und Pfeiltasten, aufhören mit Escape"
    ),
    "qa-approve": _n("Moderation: Fragen mit Tastenkürzeln freigeben, der Fokus geht zur nächsten"),
    "qa-answer": _n(
        "Moderation: eine Antwort tippen, während neue Fragen ankommen (Fokus und Text bleiben)"
    ),
    "next-poll": _n("Moderation: die nächste vorbereitete Abstimmung per Taste öffnen"),
    "word-cloud": _n("Moderation: ein Wort der Wortwolke aus- und wieder einblenden"),
    "projector-keys": _n("Leinwand: mit Tastenkürzeln steuern"),
    "projector-controls": _n("Leinwand: die Bedienelemente mit der Tabulatortaste erreichen"),
    "links-copy": _n("Links und QR-Codes: jeden Link kopieren"),
    "overlay-builder": _n("Stream-Overlay zusammenstellen"),
    "barrier-report": _n("Diese Erklärung: eine Barriere über das Formular melden"),
    "ranking": _n(
        "Teilnahme: eine Rangfolge mit den Knöpfen „nach oben“ und „nach unten“ ordnen und senden"
    ),
    "embed-tabs": _n("Seitenleiste in einer Videokonferenz: zwischen den Bereichen wechseln"),
    "countdown": _n("Moderation: einen Countdown starten, verlängern und beenden"),
    "question-labels": _n(
        "Moderation: Fragen kennzeichnen und die Liste und die Leinwand danach filtern"
    ),
    "ideas": _n(
        "Ideensammlung: öffnen, eine Idee senden und unterstützen, freigeben und markieren"
    ),
    "forum-results": _n(
        "Moderation: die Ergebnisse aus den Foren einstellen und auf die Leinwand bringen"
    ),
    "survey": _n(
        "Teilnahme: eine Umfrage Frage für Frage beantworten, zurückgehen und eine Antwort ändern"
    ),
}


@dataclass(frozen=True, slots=True)
class Limitation:
    title: str  # German msgids
    text: str


# What the tests cannot show, said plainly (EU model statement: "nicht barrierefreie Inhalte").
LIMITATIONS: tuple[Limitation, ...] = (
    Limitation(
        _n("Keine Prüfung durch Sachverständige"),
        _n(
            "Automatische Prüfungen finden nur einen Teil der möglichen Barrieren. Eine "
            "vollständige Prüfung nach BITV 2.0 durch Sachverständige (etwa ein BITV-Test) "
            "steht noch aus. Verständliche Sprache, sinnvolle Reihenfolge und gleichbleibende "
            "Bedienung sind nur von Hand durchgesehen."
        ),
    ),
    Limitation(
        _n("Ansagen für Screenreader"),
        _n(
            "Was sich auf einer Seite ändert (eine Stimme ist gezählt, eine Frage ist "
            "freigegeben), wird in einem Statusbereich angesagt. Die Tests prüfen, dass die "
            "Ansage auf der Seite steht; wie NVDA, JAWS, VoiceOver oder TalkBack sie vorlesen, "
            "ist nicht regelmäßig mit diesen Programmen geprüft."
        ),
    ),
    Limitation(
        _n("Laufende Aktualisierung"),
        _n(
            "Ergebnisse, Fragen und der Applaus-Pegel ändern sich live und lassen sich nicht "
            "anhalten. Eingaben, Auswahl und Fokus bleiben dabei erhalten; Bewegungen entfallen, "
            "wenn das Gerät „Bewegung reduzieren“ eingestellt hat."
        ),
    ),
    Limitation(
        _n("Inhalte der Veranstaltenden und Teilnehmenden"),
        _n(
            "Titel, Abstimmungen, Fragen, Logos und Markenfarben geben Menschen ein. Die "
            "Software prüft den Kontrast der Markenfarbe und gibt dem Logo den Titel der "
            "Veranstaltung als Text. Ob die Texte verständlich sind, liegt bei denen, die sie "
            "schreiben."
        ),
    ),
    Limitation(
        _n("Applaus als Klang"),
        _n(
            "Der Applaus ist im Saal zu hören. Er hat keinen Untertitel; wie stark applaudiert "
            "wird, zeigt ein Pegel mit Worten auf der Leinwand und am Handy."
        ),
    ),
)
NO_DGS_VIDEO = Limitation(
    _n("Kein Video in Gebärdensprache"),
    _n(
        "Für dieses Angebot ist kein Video in Deutscher Gebärdensprache verlinkt "
        "(BITV 2.0 § 4). Die Informationen in Leichter Sprache gibt es."
    ),
)


@dataclass(frozen=True, slots=True)
class CheckedPage:
    path: str
    name: str  # German msgid


@dataclass(frozen=True, slots=True)
class Statement:
    fully_compliant: bool
    reviewed: date
    axe_version: str
    rule_tags: tuple[str, ...]
    failing_impacts: tuple[str, ...]  # axe-core's words: "critical", "serious"
    languages: tuple[str, ...]
    pages: tuple[CheckedPage, ...]
    keyboard: tuple[str, ...]  # German msgids of the flows checked
    limitations: tuple[Limitation, ...]


def statement(*, has_dgs_video: bool) -> Statement:
    """The statement from the record. Fully compliant only without any known limitation,
    which automated tests alone can never show: so it says "teilweise vereinbar"."""
    limitations = LIMITATIONS if has_dgs_video else (*LIMITATIONS, NO_DGS_VIDEO)
    # In the order written here (participants first), not the record's (by test file).
    order = list(KEYBOARD_FLOWS)
    flows = sorted({flow for flow, _test in record.KEYBOARD_TESTS}, key=order.index)
    return Statement(
        fully_compliant=not limitations,
        reviewed=date.fromisoformat(record.REVIEWED),
        axe_version=record.AXE_VERSION,
        rule_tags=record.RULE_TAGS,
        failing_impacts=record.FAILING_IMPACTS,
        languages=record.LANGUAGES,
        pages=tuple(CheckedPage(path, PAGE_NAMES[path]) for path in record.PAGES),
        keyboard=tuple(KEYBOARD_FLOWS[flow] for flow in flows),
        limitations=limitations,
    )
