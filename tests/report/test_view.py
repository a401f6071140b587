from zoneinfo import ZoneInfo

import pytest

from live.report.fmt import Formatter, slug
from live.report.view import build, poll_view, result_rows
from tests.report.factory import at, event_report, item, poll, question, room_report

BERLIN = ZoneInfo("Europe/Berlin")
DE = Formatter("de", BERLIN)
EN = Formatter("en", BERLIN)


@pytest.mark.parametrize(
    "counts", [(1, 1, 1), (3, 6, 1), (0, 0, 7), (2, 2, 2, 1), (1, 0, 0, 0, 0, 0, 1)]
)
def test_single_choice_percentages_add_up_to_100(counts: tuple[int, ...]) -> None:
    options = [f"o{i}" for i in range(len(counts))]
    rows = result_rows(poll(options=options, counts=counts))
    assert sum(r.percent or 0 for r in rows) == 100
    assert [r.count for r in rows] == list(counts)


def test_scale_percentages_add_up_and_carry_the_average() -> None:
    view = poll_view(poll(kind="scale", counts=(1, 1, 1, 0, 0)), DE, 1, None)
    assert sum(r.percent or 0 for r in view.rows) == 100
    assert [r.label for r in view.rows] == ["1", "2", "3", "4", "5"]
    assert view.sentence.startswith("Durchschnitt 2,00; 34\u00a0% 1, 33\u00a0% 2, 33\u00a0% 3")


def test_result_sentence_quotes_the_percentages() -> None:
    assert poll_view(poll(), DE, 1, None).sentence == (
        "30\u00a0% begeistert, 60\u00a0% zufrieden, 10\u00a0% enttäuscht"
    )
    assert (
        poll_view(poll(), EN, 1, None).sentence == "30% begeistert, 60% zufrieden, 10% enttäuscht"
    )
    assert poll_view(poll(counts=(0, 0, 0)), DE, 1, None).sentence == "Keine Stimmen."


def test_multiple_choice_is_the_share_of_voters() -> None:
    view = poll_view(poll(kind="multiple", counts=(4, 3, 1), voters=5), DE, 1, None)
    assert [r.percent for r in view.rows] == [80, 60, 20]
    assert view.voters == "5 Personen haben abgestimmt"


def test_text_polls_list_words() -> None:
    view = poll_view(
        poll(kind="text", texts=["Digitalisierung", "digitalisierung jetzt", "Team"]), DE, 1, None
    )
    assert view.rows[0].label.casefold() == "digitalisierung" and view.rows[0].count == 2
    assert view.sentence.startswith("Häufigste Wörter: ")
    assert view.voters == "3 Personen haben geantwortet"


def test_text_polls_say_how_much_was_hidden_but_not_what() -> None:
    texts = ["Digitalisierung", "Idioten alle", "Team Team"]
    report = poll(kind="text", texts=texts, hidden_words=["team"], hidden_answers=["Idioten alle"])
    view = poll_view(report, DE, 1, None)
    assert (
        view.sentence == "Häufigste Wörter: Digitalisierung (1). Ausgeblendet: 1 Wort, 1 Antwort."
    )
    assert [row.label for row in view.rows] == ["Digitalisierung"]
    assert "Idioten" not in view.chart and "Team" not in view.chart
    plain = poll_view(poll(kind="text", texts=texts), DE, 1, None)
    assert "Ausgeblendet" not in plain.sentence


def test_build_numbers_shown_polls_and_publishes_only_public_questions() -> None:
    r = room_report(
        agenda=[item("talk", 0, 60, title="Vortrag")],
        polls=[
            poll("p1", agenda_item_id="talk"),
            poll("draft", state="draft"),
            poll("p2", kind="scale", counts=(0, 0, 1, 1, 0)),
        ],
        questions=[
            question("q1", "Frage eins", "approved", upvotes=1),
            question("q2", "Frage zwei", "answered", upvotes=5, answer="Ja."),
            question("q3", "wartet", "pending"),
            question("q4", "versteckt", "hidden"),
            question("q5", "alt", "archived"),
        ],
    )
    view = build(event_report(r), DE)
    (room,) = view.rooms
    assert [(p.number, p.poll_id) for p in room.polls] == [(1, "p1"), (2, "p2")]
    assert room.polls[0].item is not None and room.polls[0].item.title == "Vortrag"
    assert [q.id for q in room.questions] == ["q2", "q1", "q5"]
    assert view.unpublished == 2


def test_formatting_per_language() -> None:
    assert DE.percent(30) == "30\u00a0%" and EN.percent(30) == "30%"
    assert DE.decimal(3.456, 2) == "3,46" and EN.decimal(3.456, 2) == "3.46"
    assert DE.integer(12345) == "12.345" and EN.integer(12345) == "12,345"
    assert DE.time(at(0)) == "09:00"  # 08:00 UTC in Berlin (winter)
    assert DE.span(at(0), at(30)) == "09:00–09:30"
    assert DE.stamp(at(0)) == "2026-11-21 09:00:00"
    assert DE.day(at(0).date()) == "Samstag, 21. November 2026"


def test_slug() -> None:
    assert slug("Tag der Jobcenter: Fachforum 3") == "tag-der-jobcenter-fachforum-3"
    assert slug("Größe & Qualität") == "groesse-qualitaet"
    assert slug("<script>") == "script"
    assert slug("!!!") == "live"
    assert len(slug("x" * 100)) == 40


def test_ranking_results_in_order_of_points_with_sentence_and_chart() -> None:
    report = poll(
        kind="ranking",
        options=["Personal", "Sprache", "Wohnen"],
        counts=(3, 3, 3),
        voters=3,
        points=(2, 5, 2),
        first=(0, 2, 1),
    )
    view = poll_view(report, DE, 1, None)
    assert [(r.label, r.points, r.first) for r in view.rows] == [
        ("Sprache", 5, 2),
        ("Wohnen", 2, 1),
        ("Personal", 2, 0),
    ]
    assert view.sentence == "1. Sprache (5 Punkte); 2. Wohnen (2 Punkte); 3. Personal (2 Punkte)"
    assert view.kind == "Rangfolge"
    assert "1. Sprache" in view.chart and "5 Punkte" in view.chart


def test_scale_end_labels_appear_in_the_sentence() -> None:
    report = poll(kind="scale", counts=(1, 0, 0, 0, 1), scale_labels=("trifft nicht zu", None))
    sentence = poll_view(report, DE, 1, None).sentence
    assert sentence.endswith("(1 = trifft nicht zu)")
