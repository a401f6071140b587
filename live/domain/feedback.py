"""A barrier report sent with the accessibility statement's form (/barrierefreiheit, when the
operator names no contact of their own): what it may hold, and the one log line it becomes.

Pure: the service (live/service/feedback.py) budgets the senders and writes the line. The line
must stay one line in every log format and must not pose as another log field: user text is
cleaned like all typed text (no control or bidi characters), its line breaks kept as ``\\n``
escapes inside one JSON string, never raw.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from live.domain.errors import DomainError
from live.domain.text import _n, clean_text

MAX_REPORT_CHARS = 2000
MAX_CONTACT_CHARS = 200


@dataclass(frozen=True, slots=True)
class BarrierReport:
    text: str  # cleaned, paragraphs kept (lines joined with "\n")
    contact: str  # cleaned, one line; "" when none was given

    def log_message(self) -> str:
        """The report as the message of one log line: each value a JSON string, so its line
        breaks and backslashes come out escaped and no text can end the line (every other
        line-breaking character, U+2028 and the like, was cleaned away before). A typed quote
        becomes ``\\u0022``, not ``\\"``: the only quotes left are each value's own, so the
        log's redaction of query-like text (live/logs.py), which stops at a quote, can never
        cut an escape in two and let text out of its string."""
        return f"barrier report: text={_quoted(self.text)} contact={_quoted(self.contact)}"


_ESCAPE = re.compile(r"\\(u[0-9a-f]{4}|.)")


def _quoted(text: str) -> str:
    # Escapes are read whole, left to right, so the backslash of an escaped backslash is
    # never taken for the start of the quote's escape.
    inner = json.dumps(text, ensure_ascii=False)[1:-1]
    return '"' + _ESCAPE.sub(lambda m: "\\u0022" if m.group(1) == '"' else m.group(0), inner) + '"'


def barrier_report(text: str, contact: str) -> BarrierReport:
    """The report, or a DomainError with a German message (code names the field)."""
    lines = [clean_text(line) for line in text.splitlines()]
    # Blank lines between paragraphs stay single; none at the start or the end.
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    cleaned = "\n".join(kept).strip()
    if not cleaned:
        raise DomainError("report_empty", _n("Bitte beschreiben Sie die Barriere."))
    if len(cleaned) > MAX_REPORT_CHARS:
        raise DomainError(
            "report_too_long",
            _n("Bitte fassen Sie sich kürzer: höchstens %(max)s Zeichen (jetzt %(count)s)."),
            max=MAX_REPORT_CHARS,
            count=len(cleaned),
        )
    contact_clean = clean_text(contact)
    if len(contact_clean) > MAX_CONTACT_CHARS:
        raise DomainError(
            "contact_too_long",
            _n("Die Kontaktangabe ist zu lang: höchstens %(max)s Zeichen."),
            max=MAX_CONTACT_CHARS,
        )
    return BarrierReport(cleaned, contact_clean)
