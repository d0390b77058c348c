"""Loyalty engine: points of an invoice under a program's rules, tiers."""

import pytest
from engine import ContractError
from engine.loyalty import Rule, invoice_points, tier_for
from hypothesis import given
from hypothesis import strategies as st

LINES = [(1, 2.0, 300.0), (2, 10.0, 50.0)]


def test_points_per_currency_unit_per_order_and_per_unit():
    assert invoice_points(LINES, [Rule("money", 1.0)]) == 350.0
    assert invoice_points(LINES, [Rule("money", 0.1)]) == 35.0
    assert invoice_points(LINES, [Rule("order", 25.0)]) == 25.0
    assert invoice_points(LINES, [Rule("unit", 2.0)]) == 24.0
    # rules add up
    assert invoice_points(LINES, [Rule("money", 1.0), Rule("order", 10.0)]) == 360.0


def test_credit_note_takes_the_same_points_back():
    rules = [Rule("money", 1.0)]
    assert invoice_points(LINES, rules, refund=True) == -invoice_points(LINES, rules)


def test_rules_count_only_their_products_and_their_minimum():
    assert invoice_points(LINES, [Rule("money", 1.0, products=frozenset({2}))]) == 50.0
    assert invoice_points(LINES, [Rule("money", 1.0, products=frozenset({3}))]) == 0.0
    assert invoice_points(LINES, [Rule("order", 5.0, minimum_amount=400.0)]) == 0.0
    assert invoice_points(LINES, [Rule("order", 5.0, minimum_amount=350.0)]) == 5.0
    assert invoice_points(LINES, [Rule("order", 5.0, minimum_qty=13)]) == 0.0


def test_nothing_for_an_empty_or_zero_invoice():
    assert invoice_points([], [Rule("order", 5.0)]) == 0.0
    assert invoice_points([(1, 1.0, 0.0)], [Rule("order", 5.0)]) == 0.0


@pytest.mark.parametrize(
    "kwargs, code", [({"mode": "visit", "points": 1.0}, "bad_mode"), ({"mode": "money", "points": 0.0}, "bad_points")]
)
def test_bad_rules_refused(kwargs, code):
    with pytest.raises(ContractError) as error:
        Rule(**kwargs)
    assert error.value.code == code


def test_tier_is_the_highest_minimum_reached():
    tiers = [("Bronze", 0), ("Silber", 500), ("Gold", 2000)]
    assert tier_for(0, tiers) == "Bronze"
    assert tier_for(499.99, tiers) == "Bronze"
    assert tier_for(500, tiers) == "Silber"
    assert tier_for(10**6, tiers) == "Gold"
    assert tier_for(-5, tiers) is None
    assert tier_for(100, []) is None


@given(
    st.lists(st.tuples(st.integers(1, 5), st.floats(0.5, 50), st.floats(1, 5000)), min_size=1, max_size=8),
    st.floats(1, 5000),
)
def test_more_spent_never_fewer_points(lines, extra):
    rules = [
        Rule("money", 1.0),
        Rule("order", 10.0, minimum_amount=1000.0),
        Rule("unit", 0.5, products=frozenset({1, 2})),
    ]
    more = [*lines, (1, 1.0, extra)]
    assert invoice_points(more, rules) >= invoice_points(lines, rules)


@given(
    st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=6, unique=True),
    st.floats(min_value=0, max_value=2e6, allow_nan=False),
)
def test_tier_ranges_agree_with_tier_for(minimums, points):
    """A search by tier is a range condition on the balance (issue 19: a
    subquery, not a list of every partner's id): the ranges give each
    balance the tier that tier_for gives it."""
    from engine.loyalty import tier_for, tier_ranges

    tiers = list(enumerate(minimums))
    tier = tier_for(points, tiers)
    ranges = tier_ranges(tiers)
    inside = [t for t, (low, high) in ranges.items() if low <= points and (high is None or points < high)]
    assert inside == ([] if tier is None else [tier])
