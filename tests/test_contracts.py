import datetime

import numpy as np
import pandas as pd
import pytest
from engine import TRANSACTION_COLUMNS, ContractError, validate_transactions, window_bounds
from hypothesis import given, settings
from hypothesis import strategies as st


def _transactions(**overrides):
    data = {
        "customer": [7, 7, 9],
        "date": ["2026-01-05", datetime.date(2026, 2, 1), pd.Timestamp("2026-03-01 14:30")],
        "amount": [1200.5, -200, "99.5"],
        "category": [3, None, 4],
        "document": [100, 101, 200],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def test_valid_transactions_get_canonical_dtypes_and_order():
    frame = _transactions()[["amount", "document", "customer", "category", "date"]]
    frame["noise"] = 1
    out = validate_transactions(frame)
    assert list(out.columns) == [c.name for c in TRANSACTION_COLUMNS]
    assert str(out["date"].dtype) == "datetime64[ns]"
    assert str(out["amount"].dtype) == "float64"
    # time of day dropped, a return stays negative, a string amount is parsed
    assert out["date"].iloc[2] == pd.Timestamp("2026-03-01")
    assert out["amount"].tolist() == [1200.5, -200.0, 99.5]
    # the optional category may be empty
    assert out["category"].isna().tolist() == [False, True, False]
    # input untouched
    assert "noise" in frame.columns and frame["amount"].iloc[2] == "99.5"


def test_optional_columns_may_be_absent():
    out = validate_transactions(_transactions().drop(columns=["category", "document"]))
    assert list(out.columns) == ["customer", "date", "amount"]


@pytest.mark.parametrize(
    "overrides, code, fragment",
    [
        ({"customer": [7, None, 9]}, "null_values", "customer"),
        ({"document": [100, None, 200]}, "null_values", "document"),
        ({"date": ["2026-01-05", "not a date", "2026-01-07"]}, "bad_dates", "date"),
        ({"amount": [1, "ten", 3]}, "bad_amounts", "amount"),
        ({"amount": [1, np.inf, 3]}, "bad_amounts", "amount"),
    ],
)
def test_bad_input_is_refused_with_a_named_column(overrides, code, fragment):
    with pytest.raises(ContractError) as err:
        validate_transactions(_transactions(**overrides))
    assert err.value.code == code
    assert fragment in str(err.value)


def test_missing_columns_are_all_named():
    with pytest.raises(ContractError) as err:
        validate_transactions(_transactions().drop(columns=["date", "amount"]))
    assert err.value.code == "missing_columns"
    assert err.value.params["columns"] == "date, amount"


def test_not_a_frame_is_refused():
    with pytest.raises(ContractError, match="DataFrame"):
        validate_transactions([{"customer": 1}])


def test_outside_transactions_accept_any_customer_keys():
    tx = validate_transactions(
        pd.DataFrame(
            {"customer": ["Müller GmbH", "Schulz AG"], "date": ["2025-12-31", "2026-01-01"], "amount": [10, 20]}
        )
    )
    assert tx["customer"].tolist() == ["Müller GmbH", "Schulz AG"]
    assert "category" not in tx.columns
    with pytest.raises(ContractError) as err:
        validate_transactions(pd.DataFrame({"customer": ["x", None], "date": ["2026-01-01"] * 2, "amount": [1, 2]}))
    assert err.value.code == "null_values"


@pytest.mark.parametrize(
    "ref, months, start, end",
    [
        ("2026-03-31", 1, "2026-03-01", "2026-04-01"),
        ("2026-11-22", 12, "2025-11-23", "2026-11-23"),
        ("2024-02-29", 12, "2023-03-01", "2024-03-01"),
        (datetime.datetime(2026, 1, 15, 23, 59), 24, "2024-01-16", "2026-01-16"),
    ],
)
def test_window_bounds_cover_whole_months_ending_on_reference(ref, months, start, end):
    assert window_bounds(ref, months) == (pd.Timestamp(start), pd.Timestamp(end))


@pytest.mark.parametrize("months", [0, -3, 1.5, "12", True, None])
def test_window_bounds_refuse_bad_months(months):
    with pytest.raises(ContractError) as err:
        window_bounds("2026-01-01", months)
    assert err.value.code == "bad_window"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 50),
            st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)),
            st.floats(-1e7, 1e7, allow_nan=False),
            st.one_of(st.none(), st.integers(1, 20)),
        ),
        max_size=40,
    )
)
def test_validation_keeps_every_row_and_total_and_is_idempotent(rows):
    frame = pd.DataFrame(rows, columns=["customer", "date", "amount", "category"])
    frame["document"] = range(1, len(frame) + 1)
    once = validate_transactions(frame)
    twice = validate_transactions(once)
    assert len(once) == len(frame)
    assert once["amount"].sum() == pytest.approx(frame["amount"].astype(float).sum())
    pd.testing.assert_frame_equal(once, twice)
