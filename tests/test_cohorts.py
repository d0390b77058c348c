"""Retention over time: the cohort grid and churn per month, against their
definitions written out customer by customer."""

import datetime

import numpy as np
import pandas as pd
import pytest
from engine import ContractError
from engine.cohorts import (
    activity_spells,
    churn_from_spells,
    cohort_grid,
    monthly_churn,
)
from engine.periods import month_number, month_start
from hypothesis import given, settings
from hypothesis import strategies as st

D = datetime.date


def frame(rows):
    return pd.DataFrame(rows, columns=["customer", "date", "amount"]).assign(date=lambda f: pd.to_datetime(f["date"]))


def test_cohort_grid_by_hand():
    transactions = frame(
        [
            (1, "2026-01-05", 10.0),
            (1, "2026-03-01", 5.0),
            (2, "2026-01-10", 3.0),
            (2, "2026-01-20", 4.0),
            (3, "2026-02-01", 8.0),
            (3, "2026-02-15", -8.0),  # credited in full: no purchase, no cohort
            (4, "2026-04-02", 6.0),
            (4, "2026-04-30", 6.0),  # after the reference date
        ]
    )
    grid = cohort_grid(transactions, D(2026, 4, 10), months=4)
    assert list(grid.index) == [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)]
    assert list(grid["customers"]) == [2, 0, 0, 1]
    assert list(grid.loc[D(2026, 1, 1), [0, 1, 2, 3]]) == [1.0, 0.0, 0.5, 0.0]
    # the April cohort has only its own month so far
    assert grid.loc[D(2026, 4, 1), 0] == 1.0
    assert grid.loc[D(2026, 4, 1), [1, 2, 3]].isna().all()


def test_cohorts_from_the_first_purchase_given():
    """Odoo reads only the recent months and gives each customer's first
    purchase of all time: an old customer buying again is not a new cohort."""
    transactions = frame([(1, "2026-03-05", 10.0), (2, "2026-03-06", 10.0)])
    grid = cohort_grid(transactions, D(2026, 3, 31), months=3, first_purchase={1: D(2019, 5, 1), 2: D(2026, 3, 6)})
    assert list(grid["customers"]) == [0, 0, 1]


def test_churn_by_hand():
    transactions = frame([(1, "2026-01-05", 10.0), (1, "2026-03-01", 5.0), (2, "2026-01-10", 7.0)])
    churn = monthly_churn(transactions, D(2026, 6, 10), months=5, window=2)
    assert list(churn.index) == [D(2026, m, 1) for m in (1, 2, 3, 4, 5)]
    assert list(churn["active"]) == [0, 2, 2, 1, 1]
    assert list(churn["lost"]) == [0, 0, 1, 0, 1]
    assert list(churn["lost_revenue"]) == [0.0, 0.0, 7.0, 0.0, 5.0]
    assert list(churn["new"]) == [2, 0, 0, 0, 0]
    assert np.isnan(churn["rate"].iloc[0])
    assert churn["rate"].iloc[2] == 0.5


def test_spells_by_hand():
    """Purchases in January and March (gap 2) are one spell with a window of
    two months; a purchase in August starts another; a credited month is
    no purchase but its credit counts in the revenue lost."""
    transactions = frame(
        [
            (1, "2026-01-05", 10.0),
            (1, "2026-03-01", 5.0),
            (1, "2026-04-01", -2.0),
            (1, "2026-08-01", 7.0),
            (2, "2026-02-01", 4.0),
        ]
    )
    spells = activity_spells(transactions, D(2026, 9, 30), window=2)
    assert spells.to_dict("records") == [
        {"customer": 1, "start": D(2026, 1, 1), "end": D(2026, 3, 1), "lost_revenue": 3.0},
        {"customer": 1, "start": D(2026, 8, 1), "end": D(2026, 8, 1), "lost_revenue": 7.0},
        {"customer": 2, "start": D(2026, 2, 1), "end": D(2026, 2, 1), "lost_revenue": 4.0},
    ]


def test_churn_from_kept_spells_is_the_churn():
    """Odoo keeps the spells from night to night and reads the churn from
    them: the same figures as from the transactions."""
    transactions = frame([(c % 7, f"2025-{1 + c % 12:02d}-{1 + c % 27:02d}", 5.0 + c) for c in range(60)])
    reference = D(2026, 6, 15)
    spells = activity_spells(transactions, reference, window=3)
    kept = pd.DataFrame(spells.to_dict("records"))
    pd.testing.assert_frame_equal(
        churn_from_spells(kept, reference, 12, 3), monthly_churn(transactions, reference, 12, 3)
    )


def test_the_spells_of_two_merged_partners_count_once():
    """Two partners merged into one after the night: their spells now have
    one customer and overlap; the customer is active once and lost once,
    when the later spell runs out, with that spell's revenue."""
    spells = pd.DataFrame(
        {
            "customer": [1, 1],
            "start": [D(2026, 1, 1), D(2026, 2, 1)],
            "end": [D(2026, 3, 1), D(2026, 6, 1)],
            "lost_revenue": [30.0, 70.0],
        }
    )
    churn = churn_from_spells(spells, D(2026, 9, 15), months=8, window=2)
    assert list(churn["active"]) == [0, 1, 1, 1, 1, 1, 1, 1]
    assert list(churn["lost"]) == [0, 0, 0, 0, 0, 0, 0, 1]
    assert churn["lost_revenue"].sum() == 70.0


@pytest.mark.parametrize("months", [0, 121, 2.5, True, "12"])
def test_bad_number_of_months(months):
    with pytest.raises(ContractError) as error:
        cohort_grid(frame([(1, "2026-01-05", 10.0)]), D(2026, 4, 10), months=months)
    assert error.value.code == "bad_months"


rows = st.lists(
    st.tuples(
        st.integers(1, 6),
        st.dates(D(2024, 1, 1), D(2026, 6, 30)),
        st.sampled_from([-5.0, 3.0, 10.0]),
    ),
    min_size=1,
    max_size=40,
)


def _purchases(transactions, reference):
    """Customer -> set of month numbers with a positive net amount, written out."""
    net = {}
    for customer, day, amount in transactions:
        if day <= reference:
            key = (customer, month_number(day))
            net[key] = net.get(key, 0.0) + amount
    months = {}
    for (customer, month), amount in net.items():
        if amount > 0:
            months.setdefault(customer, set()).add(month)
    return months, net


@settings(max_examples=60, deadline=None)
@given(rows, st.integers(1, 12))
def test_cohort_grid_matches_its_definition(transactions, months):
    reference = D(2026, 5, 17)
    grid = cohort_grid(frame(transactions), reference, months=months)
    bought, _net = _purchases(transactions, reference)
    current = month_number(reference)
    for cohort in range(current - months + 1, current + 1):
        members = [c for c, ms in bought.items() if min(ms) == cohort]
        row = grid.loc[month_start(cohort)]
        assert row["customers"] == len(members)
        for offset in range(months):
            value = row[offset]
            if cohort + offset > current or not members:
                assert np.isnan(value)
            else:
                expected = sum(cohort + offset in bought[c] for c in members) / len(members)
                assert value == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(rows, st.integers(1, 6), st.integers(1, 6))
def test_churn_matches_its_definition(transactions, months, window):
    reference = D(2026, 7, 3)
    churn = monthly_churn(frame(transactions), reference, months=months, window=window)
    bought, net = _purchases(transactions, reference)
    current = month_number(reference)
    assert len(churn) == months
    for month in range(current - months, current):
        active = [c for c, ms in bought.items() if any(month - window <= m < month for m in ms)]
        lost = [c for c in active if not any(month - window < m <= month for m in bought[c])]
        row = churn.loc[month_start(month)]
        assert row["active"] == len(active)
        assert row["lost"] == len(lost)
        # what they brought over their last window up to the last purchase, and credits since
        expected = sum(a for (c, m), a in net.items() if c in lost and month - 2 * window < m < month)
        assert row["lost_revenue"] == pytest.approx(expected)
        assert row["new"] == sum(min(ms) == month for ms in bought.values())
