"""The data inventory's own consistency (its match with the stores: tests/store/)."""

from __future__ import annotations

from live.domain import data_inventory as inv


def test_every_category_holds_something_and_keys_are_unique() -> None:
    keys = [c.key for c in inv.CATEGORIES]
    assert len(keys) == len(set(keys))
    used = set(inv.SQLITE_COLUMNS.values()) | set(inv.REDIS_KEYS.values())
    assert used == set(inv.CATEGORIES)
    for category in inv.CATEGORIES:
        assert inv.category(category.key) is category
        assert inv.sqlite_columns(category) or inv.redis_keys(category), category.key


def test_mirrored_hashes_are_keys_of_tables_in_the_inventory() -> None:
    tables = {column.partition(".")[0] for column in inv.SQLITE_COLUMNS}
    for pattern, table in inv.REDIS_HASH_TABLES.items():
        assert pattern in inv.REDIS_KEYS
        assert table in tables


def test_fields_of_another_category_are_listed_with_it() -> None:
    assert "live:{code}:event (join_code_secret)" in inv.redis_keys(inv.JOIN_SECRET)
    assert "live:{code}:room:<room> (moderator_token_hash)" in inv.redis_keys(inv.ACCESS)
    assert inv.sqlite_columns(inv.ACCESS) == [
        "events.moderator_token_hash",
        "rooms.moderator_token_hash",
    ]


def test_key_patterns() -> None:
    poll = inv.key_pattern("live:{code}:poll:<poll>", "t1:", "t1:board:")
    assert poll.fullmatch("t1:{K7M3QX}:poll:abc_-9")
    assert not poll.fullmatch("t1:{K7M3QX}:poll:abc:def")
    assert not poll.fullmatch("live:{K7M3QX}:poll:abc")
    grades = inv.key_pattern("live:board:{room}:grades")
    assert grades.fullmatch("live:board:{r1}:grades")
    assert not inv.key_pattern("live:room:<room>").fullmatch("live:board:{r1}:grades")
