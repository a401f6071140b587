"""docs/compliance/ (German papers for a data-protection officer) against the code: every
setting, file, test and security header they name exists as they say, and the record of
processing activities names every category of the data inventory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from live.domain import data_inventory as inv
from live.settings import SETTINGS, Settings
from live.web.security import CSP, HEADERS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "compliance"
PAPERS = sorted(DOCS.glob("*.md"))
# A path in backticks: a file or folder of the repository, maybe with "::test_name".
_PATH = re.compile(
    r"`((?:live|tests|docs|templates|static)/[^`\s]*|Containerfile|pyproject\.toml)`"
)


def test_the_papers_are_there() -> None:
    names = {p.name for p in PAPERS}
    assert {
        "README.md",
        "verzeichnis-verarbeitungstaetigkeiten.md",
        "technische-organisatorische-massnahmen.md",
        "bsi-grundschutz-app-3-1.md",
    } <= names


@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: p.name)
def test_every_setting_named_exists(paper: Path) -> None:
    known = {s.env for s in SETTINGS}
    named = set(re.findall(r"\bLIVE_[A-Z_]+[A-Z]\b", paper.read_text()))
    assert named - known == set()


@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: p.name)
def test_every_file_and_test_named_exists(paper: Path) -> None:
    missing = []
    for ref in _PATH.findall(paper.read_text()):
        path, _, test = ref.partition("::")
        found = (ROOT / path).exists()
        if not found or (test and f"def {test}(" not in (ROOT / path).read_text()):
            missing.append(ref)
    assert missing == []


def test_the_measures_quote_the_policy_and_headers_the_app_sends() -> None:
    measures = (DOCS / "technische-organisatorische-massnahmen.md").read_text()
    assert f"`{CSP}`" in measures
    for name, value in HEADERS:
        if name != b"content-security-policy":
            assert f"{name.decode()}: {value.decode()}" in measures


def test_the_record_names_every_category_and_the_default_retention() -> None:
    record = (DOCS / "verzeichnis-verarbeitungstaetigkeiten.md").read_text()
    for category in inv.CATEGORIES:
        assert f"| {category.title} |" in record, category.key
    days = Settings().retention_days
    assert f"(Voreinstellung {days} Tage;" in record
    measures = (DOCS / "technische-organisatorische-massnahmen.md").read_text()
    assert f"(Voreinstellung {days})" in measures
