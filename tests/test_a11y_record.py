"""The accessibility audit record (live/domain/a11y_record.py) matches the tests it stands for,
and the statement has words for everything in it (tests/support/a11y_record.py)."""

from __future__ import annotations

from pathlib import Path

from live.domain import a11y_record
from live.domain.a11y_audit import KEYBOARD_FLOWS, PAGE_NAMES, statement
from tests.support.a11y_record import Record, current, keyboard_tests, recorded, source


def test_the_record_matches_the_tests() -> None:
    now, kept = current(), recorded()
    hint = "live/domain/a11y_record.py is out of date: run `python -m tests.support.a11y_record`"
    assert kept.axe_version == now.axe_version, hint
    assert kept.rule_tags == now.rule_tags and kept.failing_impacts == now.failing_impacts, hint
    assert kept.pages == now.pages, hint
    assert kept.keyboard_tests == now.keyboard_tests, hint
    assert kept == now, hint


def test_every_page_and_keyboard_flow_has_words_on_the_statement() -> None:
    now = current()
    assert set(now.pages) <= set(PAGE_NAMES), "name the new page in live/domain/a11y_audit.py"
    flows = {flow for flow, _test in now.keyboard_tests}
    assert flows <= set(KEYBOARD_FLOWS), "describe the flow in live/domain/a11y_audit.py"
    assert flows, "no browser test is marked @pytest.mark.keyboard"


def test_the_record_is_written_as_it_is_read() -> None:
    text = source(recorded(), a11y_record.REVIEWED)
    assert Path(a11y_record.__file__).read_text(encoding="utf-8") == text


def test_keyboard_marks_are_read_from_the_sources(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n\n"
        '@pytest.mark.keyboard("vote")\n'
        '@pytest.mark.parametrize("x", [1])\n'
        "def test_one(x): ...\n\n"
        "@pytest.mark.browser\ndef test_two(): ...\n\n"
        'def helper():\n    @pytest.mark.keyboard("inner")\n    def test_inner(): ...\n',
        encoding="utf-8",
    )
    found = keyboard_tests(tmp_path, tmp_path)
    assert [flow for flow, _test in found] == ["vote"]
    assert found[0][1] == "test_sample.py::test_one"


def test_the_status_follows_the_limitations() -> None:
    with_video, without = statement(has_dgs_video=True), statement(has_dgs_video=False)
    assert not with_video.fully_compliant and not without.fully_compliant
    assert len(without.limitations) == len(with_video.limitations) + 1
    assert [p.path for p in with_video.pages] == list(a11y_record.PAGES)
    assert isinstance(recorded(), Record)
