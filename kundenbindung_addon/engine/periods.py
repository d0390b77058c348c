"""Calendar periods for the overview: this month or quarter and the one before.

Nothing here imports ``odoo``.
"""

import datetime

from .contracts import ContractError

PERIOD_MONTHS = {"month": 1, "quarter": 3}


def month_number(day):
    """Months since year 0 of a date: consecutive calendar months differ by one."""
    return day.year * 12 + day.month - 1


def month_start(number):
    """The first day of the month numbered by :func:`month_number`."""
    return datetime.date(number // 12, number % 12 + 1, 1)


def _shift(day, months):
    """The first day of the month ``months`` after (or before) ``day``'s month."""
    return month_start(month_number(day) + months)


def period_bounds(today, period):
    """``(previous_start, start, end)`` of the calendar ``period`` ("month"
    or "quarter") that contains ``today``: the current period is
    ``[start, end)``, the one before ``[previous_start, start)``.

    >>> period_bounds(datetime.date(2026, 11, 30), "quarter")
    (datetime.date(2026, 7, 1), datetime.date(2026, 10, 1), datetime.date(2027, 1, 1))
    """
    if period not in PERIOD_MONTHS:
        raise ContractError("bad_period", "The period must be month or quarter, got %(period)r", period=period)
    months = PERIOD_MONTHS[period]
    first = datetime.date(today.year, today.month, 1)
    start = _shift(first, -((today.month - 1) % months))
    return _shift(start, -months), start, _shift(start, months)
