"""The sliding-window budget (live/domain/budget.py), stepped by hand: ``now`` is an argument."""

from __future__ import annotations

import pytest

from live.domain.budget import Budget, address_key


def test_the_limit_holds_in_any_window_and_frees_as_events_leave_it() -> None:
    budget = Budget(3, 60.0)
    assert [budget.take("a", t) for t in (0.0, 10.0, 20.0)] == [0, 0, 0]
    # The fourth within 60 s waits until the first leaves the window (at 60 s).
    assert budget.take("a", 30.0) == pytest.approx(30.0)
    assert budget.take("a", 59.9) == pytest.approx(0.1)
    # A refusal counted nothing: at 60 s exactly one place is free again, then the next at 70.
    assert budget.take("a", 60.0) == 0
    assert budget.take("a", 60.0) == pytest.approx(10.0)
    assert budget.take("a", 70.0) == 0


def test_no_boundary_lets_twice_the_limit_through() -> None:
    """A fixed window would take 3 at 59 s and 3 more at 61 s; the sliding one does not."""
    budget = Budget(3, 60.0)
    assert [budget.take("a", 59.0) for _ in range(3)] == [0, 0, 0]
    assert budget.take("a", 61.0) == pytest.approx(58.0)
    assert [budget.take("a", 119.0) for _ in range(3)] == [0, 0, 0]


def test_keys_are_budgeted_apart() -> None:
    budget = Budget(1, 60.0)
    assert budget.take("a", 0.0) == 0
    assert budget.take("a", 1.0) > 0
    assert budget.take("b", 1.0) == 0


def test_spend_counts_without_asking_and_wait_only_asks() -> None:
    """The admin-token check counts failures only: it asks ``wait`` and spends on a failure."""
    budget = Budget(2, 60.0)
    assert budget.wait("a", 0.0) == 0
    budget.spend("a", 0.0)
    budget.spend("a", 5.0)
    assert budget.wait("a", 6.0) == pytest.approx(54.0)
    assert budget.wait("a", 6.0) == pytest.approx(54.0)  # asking twice spends nothing
    assert budget.wait("a", 60.0) == 0


def test_idle_keys_are_forgotten() -> None:
    budget = Budget(5, 60.0)
    for n in range(100):
        budget.take(f"k{n}", 0.0)
    budget.take("late", 61.0)  # the sweep after a window drops the keys idle for one
    assert len(budget) == 1


def test_a_budget_needs_a_limit_and_a_window() -> None:
    for limit, window in ((0, 60.0), (1, 0.0)):
        with pytest.raises(ValueError):
            Budget(limit, window)


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::7", "2001:db8:1:2::/64"),  # the same /64: one client may pick any
        ("::ffff:203.0.113.9", "203.0.113.9"),  # IPv4 on a dual-stack socket
        ("testclient", "testclient"),
        ("", ""),
    ],
)
def test_address_keys(host: str, key: str) -> None:
    assert address_key(host) == key
