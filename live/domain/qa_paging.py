"""Paging through a room's questions: the lists on the pages (numbered pages) and the API
(an opaque cursor). Pure: the questions come in as arguments.

Why paging at all: a room may hold 10,000 questions, and a list that always goes out whole
made every upvote cost megabytes per socket (issue 21).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from live.domain.errors import DomainError
from live.domain.models import Question
from live.domain.questions import SORTS, ordered
from live.domain.text import _n

# The API's page size: ``?limit=`` defaults to this and may not exceed MAX_LIMIT.
DEFAULT_LIMIT = 100
MAX_LIMIT = 500

# --- numbered pages (the moderators' queue, the phone's public list) --------------------------

# Pages = ((list name, page number), ...) for the lists not on their first page, sorted: hashable,
# so sockets on the same pages share one render; () is every list on its first page.
Pages = tuple[tuple[str, int], ...]
# The lists that page: the moderators' queue groups and the phone's public list.
MODERATOR_LISTS: tuple[str, ...] = ("pending", "approved", "answered", "hidden", "archived")
PUBLIC_LIST = "public"
# Page numbers beyond this are read as the last page anyway; the cap keeps a URL's number small.
_MAX_PAGE_NUMBER = 1_000_000


def parse_pages(query: Mapping[str, str], lists: Sequence[str]) -> Pages:
    """The page of each of ``lists`` from ``qa_<list>=N`` query parameters. Anything that is
    not a whole number from 1 reads as the first page (a link's page is a convenience, never an
    error)."""
    pages = []
    for name in lists:
        raw = query.get(f"qa_{name}", "")
        if raw.isascii() and raw.isdigit() and 1 < int(raw) <= _MAX_PAGE_NUMBER:
            pages.append((name, int(raw)))
    return tuple(sorted(pages))


def page_of(pages: Pages, name: str) -> int:
    return next((number for list_name, number in pages if list_name == name), 1)


def with_page(pages: Pages, name: str, number: int) -> Pages:
    """``pages`` with ``name`` on page ``number`` (1 drops it)."""
    rest = [(n, p) for n, p in pages if n != name]
    if number > 1:
        rest.append((name, number))
    return tuple(sorted(rest))


def pages_query(pages: Pages) -> str:
    """``pages`` as query parameters ("&qa_approved=2…"; "" for all on their first page), to
    append to a URL that has a query already."""
    return "".join(f"&qa_{name}={number}" for name, number in pages)


def page_link(base: str, pages: Pages, name: str, number: int, anchor: str) -> str:
    """The URL ``base`` (with a query) showing list ``name`` on page ``number``, the other
    lists where ``pages`` has them, scrolled to ``anchor``."""
    return f"{base}{pages_query(with_page(pages, name, number))}#{anchor}"


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: its items, its number (clamped to 1..last) and how many pages and
    items the list has."""

    items: list[Question]
    number: int
    last: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.last


def page(items: Sequence[Question], number: int, size: int) -> Page:
    """Page ``number`` (from 1) of ``items`` in pages of ``size``; a number past the end gives
    the last page, so a list that shrank under a reader never shows an empty page."""
    last = max(1, -(-len(items) // size))
    number = min(max(1, number), last)
    start = (number - 1) * size
    return Page(list(items[start : start + size]), number, last, len(items))


# --- the API's cursor ------------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def sort_key(question: Question, sort: str) -> tuple[int, int, str]:
    """Where ``question`` stands in ``ordered(..., sort)``, as a tuple that orders the same way.
    A total order (ties end with the id), so a cursor names one exact position."""
    if sort == "newest":
        return (-_micros(question.created_at), 0, question.id)
    return (-question.upvotes, _micros(question.created_at), question.id)


def bad_limit() -> DomainError:
    msg = _n("limit muss eine ganze Zahl von 1 bis %(max)d sein.")
    return DomainError("invalid_limit", msg, max=MAX_LIMIT)


def bad_cursor() -> DomainError:
    return DomainError("invalid_cursor", _n("Dieser cursor ist ungültig."))


def parse_limit(raw: str | None) -> int:
    """``?limit=``: absent → DEFAULT_LIMIT; else a whole number 1..MAX_LIMIT (DomainError)."""
    if raw is None:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise bad_limit()
    return int(raw)


def encode_cursor(sort: str, key: tuple[int, int, str]) -> str:
    """Opaque to clients: the sort and the key of the last question of a page."""
    raw = orjson.dumps([sort, *key])
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[int, int, str]:
    """The key a cursor from ``encode_cursor`` holds; DomainError for anything else, or for a
    cursor made for another sort."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value: Any = orjson.loads(raw)
    except (ValueError, binascii.Error, orjson.JSONDecodeError):
        raise bad_cursor() from None
    valid = (
        isinstance(value, list)
        and len(value) == 4
        and value[0] == sort
        and all(type(v) is int for v in value[1:3])
        and isinstance(value[3], str)
    )
    if not valid:
        raise bad_cursor()
    return (value[1], value[2], value[3])


@dataclass(frozen=True, slots=True)
class CursorPage:
    items: list[Question]
    next_cursor: str | None  # None: this was the last page
    total: int


def cursor_page(
    questions: Sequence[Question], sort: str, limit: int, cursor: str | None
) -> CursorPage:
    """The ``limit`` questions after ``cursor`` (from the start without one) in ``sort`` order.

    Keyset paging: the cursor is the position of the last question handed out, not an offset,
    so a question asked or deleted between two requests shifts nothing; walking the pages of an
    unchanged list yields every question exactly once."""
    sort = sort if sort in SORTS else "votes"
    after = decode_cursor(cursor, sort) if cursor is not None else None
    listed = ordered(questions, sort)
    if after is not None:
        listed = [q for q in listed if sort_key(q, sort) > after]
    items = listed[:limit]
    more = len(listed) > limit
    next_cursor = encode_cursor(sort, sort_key(items[-1], sort)) if more and items else None
    return CursorPage(items, next_cursor, len(questions))
