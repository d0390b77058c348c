"""Retention over time: cohorts by first-purchase month, churn per month.

Both work on the neutral transactions table of :mod:`.contracts`
(``customer``, ``date``, ``amount``), so they run on Odoo's invoices and on
outside data sets alike. A customer *buys in a month* when its net amount in
that calendar month is positive (a credit note that cancels the month's
invoice leaves no purchase).

* **Cohorts**: a customer belongs to the month of its first purchase. The
  grid holds, for each of the last ``months`` cohorts, the share of its
  customers who bought again 0, 1, 2, ... months later (month 0 is 100 %
  by definition). Cells after the reference month are empty, the cell of
  the reference month counts the month so far.
* **Churn per month**: at the start of a month a customer is *active* when it
  bought in the ``window`` months before; it is *lost in* the month in which
  its window runs out without a new purchase (its last purchase was
  ``window`` months earlier). The churn rate is lost / active at the start,
  the lost revenue what the lost customers had brought over their last
  window up to their last purchase. Only complete months are reported.

Nothing here imports ``odoo``.
"""

import numpy as np
import pandas as pd

from .contracts import ContractError, validate_transactions
from .periods import month_number, month_start


def _month_numbers(days):
    """:func:`month_number` of a column of dates, at once."""
    days = pd.Series(days) if not isinstance(days, pd.Series) else days
    if not pd.api.types.is_datetime64_any_dtype(days):
        days = pd.to_datetime(days.astype(object))
    return (days.dt.year * 12 + days.dt.month - 1).to_numpy(dtype=np.int64)


def _check_months(months, name="months"):
    if not isinstance(months, int | np.integer) or isinstance(months, bool) or not 1 <= months <= 120:
        raise ContractError(
            "bad_months", "%(name)s must be a whole number from 1 to 120, got %(value)r", name=name, value=months
        )


def _buying_months(transactions, reference_date):
    """One row per customer and month up to the reference date, with its net
    amount: columns ``customer``, ``month`` (month number), ``amount``."""
    frame = validate_transactions(transactions)
    frame = frame[frame["date"] <= pd.Timestamp(reference_date)]
    net = (
        frame.assign(month=_month_numbers(frame["date"]))
        .groupby(["customer", "month"], sort=False)["amount"]
        .sum()
        .reset_index()
    )
    return net


def _first_months(buying, first_purchase):
    """Customer -> month number of its first purchase: from ``first_purchase``
    (customer -> date, a mapping or a Series) when given, else the first
    buying month."""
    if first_purchase is None:
        return buying.groupby("customer")["month"].min()
    first = pd.Series(first_purchase)
    if not pd.api.types.is_datetime64_any_dtype(first):
        first = pd.to_datetime(first.astype(object), errors="coerce")
    first = first.dropna()
    return pd.Series(_month_numbers(first), index=first.index)


def cohort_grid(transactions, reference_date, months=12, first_purchase=None):
    """The retention grid of the last ``months`` first-purchase months.

    ``first_purchase`` (customer -> first purchase date) gives the cohorts
    when ``transactions`` hold only the recent months; by default they come
    from ``transactions``. Returns a frame indexed by the cohort's first day
    with a ``customers`` column (the cohort's size) and columns ``0`` ..
    ``months - 1``: the share (0-1) of the cohort buying that many months
    after its first purchase, NaN where that month is still to come.
    """
    _check_months(months)
    current = month_number(reference_date)
    first_month = current - months + 1
    net = _buying_months(transactions, reference_date)
    buying = net[net["amount"] > 0][["customer", "month"]]
    cohort_of = _first_months(buying, first_purchase)
    cohort_of = cohort_of[(cohort_of >= first_month) & (cohort_of <= current)]
    rows = buying.assign(cohort=buying["customer"].map(cohort_of)).dropna(subset=["cohort"])
    rows = rows.assign(offset=rows["month"] - rows["cohort"])
    rows = rows[rows["offset"] >= 0]
    buyers = rows.groupby(["cohort", "offset"])["customer"].nunique()
    sizes = cohort_of.value_counts()
    columns = list(range(months))
    grid = pd.DataFrame(np.nan, index=range(first_month, current + 1), columns=columns, dtype=float)
    for cohort in grid.index:
        size = sizes.get(cohort, 0)
        for offset in range(current - cohort + 1):
            grid.loc[cohort, offset] = buyers.get((cohort, offset), 0) / size if size else np.nan
    grid.insert(0, "customers", [int(sizes.get(cohort, 0)) for cohort in grid.index])
    grid.index = [month_start(int(cohort)) for cohort in grid.index]
    grid.index.name = "cohort"
    return grid


def activity_spells(transactions, reference_date, window=12):
    """The customers' spells of activity up to the reference date.

    A spell runs from a purchase month (``start``) through the purchases
    that follow it with gaps of at most ``window`` months to its last
    purchase month (``end``); the customer is active from the month after
    ``start`` through ``end + window`` and lost in the month ``end + window``
    (if it has come). ``lost_revenue`` is what the customer brought in its
    last window: its net revenue over the ``window`` months up to the last
    purchase, and the credit notes of the months after it until the loss
    (months ``end - window + 1`` to ``end + window - 1``).
    Returns a frame with ``customer``, ``start`` and ``end`` (first days of
    the months) and ``lost_revenue``: what :func:`churn_from_spells` needs,
    small enough to be kept from night to night.
    """
    _check_months(window, "window")
    net = _buying_months(transactions, reference_date)
    buying = net[net["amount"] > 0].sort_values(["customer", "month"])
    columns = ["customer", "start", "end", "lost_revenue"]
    if buying.empty:
        return pd.DataFrame(columns=columns)
    gap = buying.groupby("customer")["month"].diff()
    spell = (gap.isna() | (gap > window)).cumsum()
    spells = buying.groupby(spell).agg(customer=("customer", "first"), start=("month", "min"), end=("month", "max"))
    # the net revenue of each spell's last window, up to the month before the loss
    rows = spells.reset_index(drop=True).reset_index(names="spell").merge(net, on="customer")
    inside = rows[rows["month"].between(rows["end"] - window + 1, rows["end"] + window - 1)]
    lost = inside.groupby("spell")["amount"].sum()
    spells = spells.reset_index(drop=True)
    spells["lost_revenue"] = lost.reindex(spells.index, fill_value=0.0).astype(float)
    for column in ("start", "end"):
        spells[column] = [month_start(int(month)) for month in spells[column]]
    return spells[columns]


def _coalesce(spells, window):
    """One customer's spells that overlap (the spells of two partners merged
    into one since they were computed) joined into one: from the first start
    to the last end, with the lost revenue of the spell that ends last."""
    frame = pd.DataFrame(
        {
            "customer": spells["customer"].to_numpy(),
            "start": _month_numbers(spells["start"]),
            "end": _month_numbers(spells["end"]),
            "lost_revenue": spells["lost_revenue"].to_numpy(dtype=float),
        }
    ).sort_values(["customer", "start", "end"], kind="stable")
    reach = frame.groupby("customer")["end"].cummax() + window
    previous_reach = reach.groupby(frame["customer"]).shift()
    joined = (previous_reach.isna() | (frame["start"] > previous_reach)).cumsum()
    frame = frame.sort_values(["customer", "end", "start"], kind="stable")
    return frame.groupby(joined.reindex(frame.index)).agg(
        customer=("customer", "first"),
        start=("start", "min"),
        end=("end", "max"),
        lost_revenue=("lost_revenue", "last"),
    )


def churn_from_spells(spells, reference_date, months=12, window=12, first_purchase=None):
    """:func:`monthly_churn` from the spells of :func:`activity_spells`
    (computed with the same ``window``)."""
    _check_months(months)
    _check_months(window, "window")
    current = month_number(reference_date)
    spells = _coalesce(spells, window)
    start = spells["start"].to_numpy(dtype=np.int64)
    end = spells["end"].to_numpy(dtype=np.int64)
    customers = spells["customer"].to_numpy()
    revenue = spells["lost_revenue"].to_numpy(dtype=float)
    if first_purchase is None:
        firsts = pd.Series(start, index=customers).groupby(level=0).min()
    else:
        firsts = _first_months(None, first_purchase)
    firsts = firsts.to_numpy()
    records = []
    for month in range(current - months, current):
        active = (start < month) & (month <= end + window)
        lost = end + window == month
        records.append(
            {
                "month": month_start(month),
                # a customer's spells no longer overlap: each active one is one customer
                "active": int(active.sum()),
                "lost": int(lost.sum()),
                "rate": lost.sum() / active.sum() if active.any() else np.nan,
                "lost_revenue": float(revenue[lost].sum()),
                "new": int((firsts == month).sum()),
            }
        )
    return pd.DataFrame.from_records(records).set_index("month")


def monthly_churn(transactions, reference_date, months=12, window=12, first_purchase=None):
    """Churn per complete month, the last ``months`` of them.

    ``transactions`` must reach back ``months + 2 * window`` months before the
    reference month. Returns a frame indexed by the month's first day with
    ``active`` (customers active at its start), ``lost`` (their window ran
    out in the month), ``rate`` (lost / active, NaN without active
    customers), ``lost_revenue`` (the lost customers' net revenue over their
    last window, as in :func:`activity_spells`) and ``new`` (customers whose first purchase fell in
    the month; ``first_purchase`` as in :func:`cohort_grid`).
    """
    return churn_from_spells(
        activity_spells(transactions, reference_date, window), reference_date, months, window, first_purchase
    )
