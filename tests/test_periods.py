"""Calendar periods of the overview."""

import datetime

import pytest
from engine import ContractError
from engine.periods import period_bounds
from hypothesis import given
from hypothesis import strategies as st

D = datetime.date


@pytest.mark.parametrize(
    "today, period, bounds",
    [
        (D(2026, 11, 30), "month", (D(2026, 10, 1), D(2026, 11, 1), D(2026, 12, 1))),
        (D(2026, 1, 15), "month", (D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1))),
        (D(2026, 12, 31), "month", (D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1))),
        (D(2026, 11, 30), "quarter", (D(2026, 7, 1), D(2026, 10, 1), D(2027, 1, 1))),
        (D(2026, 2, 28), "quarter", (D(2025, 10, 1), D(2026, 1, 1), D(2026, 4, 1))),
        (D(2026, 4, 1), "quarter", (D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 1))),
    ],
)
def test_period_bounds(today, period, bounds):
    assert period_bounds(today, period) == bounds


@given(st.dates(D(1990, 1, 1), D(2100, 12, 31)), st.sampled_from(["month", "quarter"]))
def test_today_is_in_its_period_and_the_periods_touch(today, period):
    previous, start, end = period_bounds(today, period)
    assert previous < start <= today < end
    assert start.day == 1 and end.day == 1 and previous.day == 1
    assert period_bounds(start - datetime.timedelta(days=1), period)[1:] == (previous, start)


def test_bad_period_is_refused():
    with pytest.raises(ContractError):
        period_bounds(D(2026, 1, 1), "week")
