"""Revenue segments engine: ABC, RFM, churn risk, lifetime value."""

import numpy as np
import pandas as pd
import pytest
from engine import (
    ContractError,
    abc_classes,
    backtest_clv,
    check_thresholds,
    churn_risk,
    class_changes,
    customer_lifetime_value,
    rfm,
    segment_customers,
    slip_alarms,
    value_at_stake,
)
from engine.segments import rfm_segment
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import demo_data

REF = "2026-06-30"


def tx(rows):
    return pd.DataFrame(rows, columns=["customer", "date", "amount", "document"])


# ---------------------------------------------------------------- ABC


def test_abc_hand_computed_example():
    # total 1000: a 500 (0 % above), b 300 (50 %), c 100 (80 %), d 60 (90 %),
    # e 40 (96 %); A while < 80 %, B while < 95 %
    revenue = pd.Series({"a": 500.0, "b": 300.0, "c": 100.0, "d": 60.0, "e": 40.0})
    got = abc_classes(revenue, 80, 15)
    assert got.to_dict() == {"a": "A", "b": "A", "c": "B", "d": "B", "e": "C"}


def test_abc_customer_that_crosses_the_threshold_is_a():
    # b brings the cumulative share from 50 % to 90 %: it is still A; c has
    # 90 % above it (B), d 96 % (C)
    revenue = pd.Series({"a": 50.0, "b": 40.0, "c": 6.0, "d": 4.0})
    assert abc_classes(revenue).to_dict() == {"a": "A", "b": "A", "c": "B", "d": "C"}


def test_abc_ties_get_the_same_class_whatever_the_row_order():
    revenue = pd.Series({"a": 85.0, "b": 5.0, "c": 5.0, "d": 5.0})
    got = abc_classes(revenue)
    # 85 % above b, c and d alike: all three are B
    assert got.to_dict() == {"a": "A", "b": "B", "c": "B", "d": "B"}
    shuffled = abc_classes(revenue.iloc[::-1])
    assert shuffled.sort_index().to_dict() == got.to_dict()


def test_abc_single_customer_is_a():
    assert abc_classes(pd.Series({7: 12.5})).to_dict() == {7: "A"}


def test_abc_all_zero_or_negative_gets_no_class():
    got = abc_classes(pd.Series({"a": 0.0, "b": 0.0, "c": -5.0}))
    assert set(got) == {"none"}
    got = abc_classes(pd.Series({"a": 100.0, "b": -50.0, "c": 0.0}))
    assert got.to_dict() == {"a": "A", "b": "none", "c": "none"}


def test_abc_thresholds_change_the_classes():
    revenue = pd.Series({"a": 60.0, "b": 25.0, "c": 15.0})
    assert abc_classes(revenue, 50, 30).to_dict() == {"a": "A", "b": "B", "c": "C"}
    assert abc_classes(revenue, 70, 29).to_dict() == {"a": "A", "b": "A", "c": "B"}


@pytest.mark.parametrize(
    "a,b", [(0, 15), (80, 0), (80, 21), (-1, 50), (100, 1), ("x", 5), (None, 5), (float("nan"), 5)]
)
def test_bad_thresholds_are_refused(a, b):
    with pytest.raises(ContractError) as err:
        abc_classes(pd.Series({"a": 1.0}), a, b)
    assert err.value.code == "bad_thresholds"


def test_thresholds_up_to_one_hundred_are_fine():
    assert check_thresholds(80, 20) == (80.0, 20.0)


RANK = {"A": 3, "B": 2, "C": 1, "none": 0}


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.floats(min_value=-100, max_value=1e6, allow_nan=False), min_size=1, max_size=40),
    a=st.floats(min_value=1, max_value=90),
    b=st.floats(min_value=1, max_value=9),
)
def test_more_revenue_never_gives_a_worse_class(values, a, b):
    revenue = pd.Series(values, index=range(len(values)))
    got = abc_classes(revenue, a, b).map(RANK)
    order = revenue.sort_values().index
    # along increasing revenue the class rank never decreases
    assert (np.diff(got.loc[order].to_numpy()) >= 0).all()


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.floats(min_value=0.01, max_value=1e6, allow_nan=False), min_size=2, max_size=30),
    pick=st.integers(min_value=0, max_value=29),
    extra=st.floats(min_value=0.01, max_value=1e6),
)
def test_raising_one_customers_revenue_never_lowers_its_class(values, pick, extra):
    revenue = pd.Series(values, index=range(len(values)))
    pick = pick % len(values)
    before = RANK[abc_classes(revenue)[pick]]
    revenue[pick] += extra
    assert RANK[abc_classes(revenue)[pick]] >= before


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.floats(min_value=0.01, max_value=1e6), min_size=1, max_size=50))
def test_a_customers_hold_at_least_the_a_share(values):
    revenue = pd.Series(values)
    got = abc_classes(revenue, 80, 15)
    share_a = revenue[got == "A"].sum() / revenue.sum()
    assert share_a >= 0.8 - 1e-9
    # and without the smallest A customer they would not
    smallest_a = revenue[got == "A"].min()
    assert (revenue[got == "A"].sum() - revenue[revenue == smallest_a].sum()) / revenue.sum() < 0.8 + 1e-9


# ---------------------------------------------------------------- segment_customers


def test_window_revenue_nets_credit_notes_and_ignores_the_future():
    rows = [
        ("a", "2026-03-01", 1000.0, "INV1"),
        ("a", "2026-03-10", -300.0, "RINV1"),  # credit note
        ("a", "2025-03-01", 400.0, "INV0"),  # previous window
        ("a", "2026-07-01", 999.0, "INV9"),  # after the reference date
        ("b", "2026-01-15", 200.0, "INV2"),
    ]
    got = segment_customers(tx(rows), REF, window_months=12)
    assert got.loc["a", "revenue"] == pytest.approx(700.0)
    assert got.loc["a", "previous_revenue"] == pytest.approx(400.0)
    assert got.loc["a", "trend"] == pytest.approx(0.75)
    # the credit note is no purchase
    assert got.loc["a", "frequency"] == 1
    assert got.loc["a", "historical_value"] == pytest.approx(1100.0)
    assert np.isnan(got.loc["b", "trend"])


def test_window_boundaries_are_calendar_months_ending_on_the_reference_date():
    rows = [("a", "2025-06-30", 100.0, "old"), ("a", "2025-07-01", 10.0, "first"), ("a", "2026-06-30", 1.0, "last")]
    got = segment_customers(tx(rows), REF, window_months=12)
    assert got.loc["a", "revenue"] == pytest.approx(11.0)
    assert got.loc["a", "previous_revenue"] == pytest.approx(100.0)


def test_customer_with_only_old_revenue_has_no_class_but_stays_listed():
    rows = [("a", "2026-05-01", 100.0, "1"), ("old", "2024-01-01", 500.0, "2")]
    got = segment_customers(tx(rows), REF, window_months=12)
    assert got.loc["old", "abc_class"] == "none"
    assert got.loc["a", "abc_class"] == "A"


def test_net_negative_customer_gets_no_class():
    rows = [("a", "2026-05-01", 100.0, "1"), ("n", "2026-05-01", 50.0, "2"), ("n", "2026-05-02", -80.0, "3")]
    got = segment_customers(tx(rows), REF)
    assert got.loc["n", "revenue"] == pytest.approx(-30.0)
    assert got.loc["n", "abc_class"] == "none"


def test_rank_by_clv_can_change_the_class():
    # x bought much, once, long ago; y buys steadily: by window revenue x is
    # ahead, by lifetime value (with its future) y is
    rows = [("x", "2026-01-05", 9000.0, "x1")]
    months = pd.date_range("2024-07-01", "2026-06-01", freq="MS")
    rows += [("y", day, 700.0, f"y{k}") for k, day in enumerate(months)]
    by_revenue = segment_customers(tx(rows), REF, a_share=50, b_share=30)
    by_clv = segment_customers(tx(rows), REF, a_share=50, b_share=30, rank_by="clv")
    assert by_revenue.loc["x", "abc_class"] == "A"
    assert by_clv.loc["y", "abc_class"] == "A"
    assert by_clv.loc["x", "abc_class"] != "A"


def test_bad_rank_by_and_lost_days_are_refused():
    with pytest.raises(ContractError) as err:
        segment_customers(tx([("a", REF, 1.0, "1")]), REF, rank_by="profit")
    assert err.value.code == "bad_rank_by"
    with pytest.raises(ContractError) as err:
        segment_customers(tx([("a", REF, 1.0, "1")]), REF, lost_days=0)
    assert err.value.code == "bad_lost_days"


def test_without_document_column_one_day_is_one_purchase():
    frame = pd.DataFrame(
        {"customer": ["a", "a", "a"], "date": ["2026-06-01", "2026-06-01", "2026-06-20"], "amount": [10.0, 5.0, 1.0]}
    )
    got = segment_customers(frame, REF)
    assert got.loc["a", "frequency"] == 2
    assert got.loc["a", "revenue"] == pytest.approx(16.0)


def test_empty_transactions_give_an_empty_result():
    got = segment_customers(tx([]), REF)
    assert got.empty


def test_same_input_same_output():
    data = demo_data.generate(300, seed=3, today=REF, months=24)
    frame = demo_data.transactions(data)
    first = segment_customers(frame, REF)
    second = segment_customers(frame.sample(frac=1.0, random_state=1), REF)
    pd.testing.assert_frame_equal(first, second)


# ---------------------------------------------------------------- RFM


def test_rfm_segment_mapping():
    got = rfm_segment([5, 5, 3, 3, 1, 2, 2, 1], [5, 1, 3, 2, 5, 3, 2, 1], [5, 1, 1, 1, 4, 1, 1, 1])
    assert list(got) == ["champions", "new", "loyal", "potential", "cant_lose", "at_risk", "hibernating", "lost"]


def test_rfm_scores_are_quintiles():
    # ten customers, customer i bought i+1 times, the last time i*30 days ago
    rows = []
    ref = pd.Timestamp(REF)
    for i in range(10):
        for k in range(i + 1):
            day = ref - pd.Timedelta(days=i * 30 + k)
            rows.append((f"c{i}", day, 100.0, f"c{i}-{k}"))
    got = rfm(tx(rows), REF)
    assert got.loc["c0", "recency_days"] == 0 and got.loc["c0", "r_score"] == 5
    assert got.loc["c9", "r_score"] == 1 and got.loc["c9", "frequency"] == 10 and got.loc["c9", "f_score"] == 5
    assert got.loc["c0", "f_score"] == 1
    assert sorted(got["r_score"].value_counts().to_dict().items()) == [(1, 2), (2, 2), (3, 2), (4, 2), (5, 2)]
    assert got.loc["c9", "rfm_segment"] == "cant_lose"
    assert got.loc["c0", "rfm_segment"] == "new"


# ---------------------------------------------------------------- churn risk


def test_churn_score_against_the_own_rhythm():
    ref = pd.Timestamp(REF)

    def every(customer, interval, last_ago, n=5):
        return [(customer, ref - pd.Timedelta(days=last_ago + k * interval), 100.0, f"{customer}{k}") for k in range(n)]

    rows = every("on_time", 30, 20) + every("late", 30, 60) + every("very_late", 30, 150) + every("gone", 10, 400)
    got = churn_risk(tx(rows), REF, lost_days=365)
    assert got.loc["on_time", "interval_days"] == 30
    assert got.loc["on_time", "churn_score"] == 0 and got.loc["on_time", "churn_level"] == "low"
    # two intervals without purchase: half way
    assert got.loc["late", "churn_score"] == pytest.approx(0.5) and got.loc["late", "churn_level"] == "medium"
    assert (
        got.loc["very_late", "churn_score"] == pytest.approx(1 - 0.5**4, abs=1e-4)
        and got.loc["very_late", "churn_level"] == "high"
    )
    assert got.loc["gone", "churn_score"] == 1 and got.loc["gone", "churn_level"] == "lost"


def test_single_purchase_uses_the_usual_interval_of_all_customers():
    ref = pd.Timestamp(REF)
    rows = [("r", ref - pd.Timedelta(days=d), 10.0, f"r{d}") for d in (0, 20, 40)]
    rows += [("once", ref - pd.Timedelta(days=30), 10.0, "o")]
    got = churn_risk(tx(rows), REF)
    assert got.loc["once", "interval_days"] == 20
    assert got.loc["once", "churn_score"] == pytest.approx(1 - 0.5**0.5, abs=1e-4)


def test_churn_level_lost_follows_the_setting():
    rows = [("a", "2026-01-01", 10.0, "1"), ("a", "2026-01-08", 10.0, "2")]
    assert churn_risk(tx(rows), REF, lost_days=100).loc["a", "churn_level"] == "lost"
    assert churn_risk(tx(rows), REF, lost_days=400).loc["a", "churn_level"] == "high"


# ---------------------------------------------------------------- lifetime value


def test_clv_of_a_steady_customer():
    ref = pd.Timestamp(REF)
    # a purchase of 100 every 30 days for a year, the last one today
    rows = [("s", ref - pd.Timedelta(days=30 * k), 100.0, f"s{k}") for k in range(12)]
    got = customer_lifetime_value(tx(rows), REF, horizon_months=12)
    assert got.loc["s", "historical_value"] == pytest.approx(1200.0)
    # 12 purchases over 330 + 15 days: 365 * 12 / 345 purchases of 100
    assert got.loc["s", "predicted_value"] == pytest.approx(365 * 12 / 345 * 100, abs=0.01)
    assert got.loc["s", "clv"] == pytest.approx(1200 + 365 * 12 / 345 * 100, abs=0.01)


def test_clv_of_a_lost_customer_is_its_history():
    rows = [("g", "2024-01-01", 300.0, "1"), ("g", "2024-02-01", 300.0, "2")]
    got = customer_lifetime_value(tx(rows), REF, lost_days=365)
    assert got.loc["g", "predicted_value"] == 0
    assert got.loc["g", "clv"] == pytest.approx(600.0)


@pytest.mark.parametrize("seed", [42, 7])
def test_clv_beats_the_naive_predictor_on_the_demo_holdout(seed):
    data = demo_data.generate(2000, seed=seed, today="2026-11-22", months=24)
    result = backtest_clv(demo_data.transactions(data), "2025-11-22", horizon_months=12)
    print(
        f"\nCLV holdout (seed {seed}, {result['customers']} customers, holdout revenue "
        f"{result['holdout_revenue']:,.0f}): MAE model {result['model_mae']:,.0f}, "
        f"naive {result['naive_mae']:,.0f}"
    )
    assert result["customers"] > 1000
    assert result["model_mae"] < result["naive_mae"]
    assert abs(result["model_total_error"]) < abs(result["naive_total_error"])


# ---------------------------------------------------------------- class changes


def test_slip_alarms_only_for_own_decline_and_for_the_chosen_classes():
    changes = class_changes(
        pd.Series({"a": "A", "b": "B", "c": "C", "r": "A"}), pd.Series({"a": "B", "b": "none", "c": "none", "r": "B"})
    )
    segments = pd.DataFrame(
        # r only lost rank: its own revenue grew
        {"revenue": [100.0, 0.0, 0.0, 900.0], "previous_revenue": [500.0, 300.0, 9.0, 800.0]},
        index=["a", "b", "c", "r"],
    )
    assert sorted(slip_alarms(changes, segments)) == ["a", "b", "c"]
    # a C customer's slip raises no alarm unless its class is asked for
    assert sorted(slip_alarms(changes, segments, classes=("A", "B"))) == ["a", "b"]
    assert list(slip_alarms(changes, segments, classes=())) == []
    # nobody classified before: no change, no alarm
    first = class_changes(pd.Series(dtype=object), pd.Series({"a": "A"}))
    assert list(slip_alarms(first, segments, classes=("A", "B"))) == []


def test_value_at_stake_ranks_a_slipping_big_customer_above_a_small_one():
    got = value_at_stake(
        pd.Series([0.0, 50.0, 1000.0, 200.0, 80.0]),
        pd.Series([40000.0, 60.0, 1000.0, np.nan, -10.0]),
        pd.Series([0.9, 0.9, 0.05, np.nan, 1.5]),
    )
    # a customer who stopped buying still stands for its previous revenue; no forecast, nothing at stake;
    # the risk is a probability
    assert got.tolist() == [36000.0, 54.0, 50.0, 0.0, 80.0]


def test_segments_carry_the_value_at_stake():
    transactions = tx(
        [("big", f"2025-{m:02d}-05", 1000.0, f"b{m}") for m in range(1, 13)]
        + [("small", "2026-06-01", 10.0, "s1"), ("small", "2026-06-20", 10.0, "s2")]
    )
    out = segment_customers(transactions, REF, window_months=12)
    expected = value_at_stake(out["revenue"], out["previous_revenue"], out["churn_score"])
    pd.testing.assert_series_equal(out["value_at_stake"], expected, check_names=False)
    assert out.loc["big", "value_at_stake"] > out.loc["small", "value_at_stake"]


def test_class_changes_only_on_change_and_drops_flagged():
    old = pd.Series({"a": "A", "b": "B", "c": "C", "d": "B", "e": None, "f": "C", "h": "none"})
    new = pd.Series({"a": "A", "b": "C", "c": "B", "d": "none", "e": "B", "g": "none", "h": "C"})
    got = class_changes(old, new)
    # e and g are classified for the first time: no change
    assert got.to_dict("index") == {
        "b": {"old": "B", "new": "C", "is_drop": True},
        "c": {"old": "C", "new": "B", "is_drop": False},
        "d": {"old": "B", "new": "none", "is_drop": True},
        "f": {"old": "C", "new": "none", "is_drop": True},
        "h": {"old": "none", "new": "C", "is_drop": False},
    }
