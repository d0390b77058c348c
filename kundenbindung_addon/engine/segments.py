"""Revenue segments: ABC class, RFM, customer lifetime value and churn risk.

Every function works on the neutral transactions table of
:mod:`.contracts` (``customer``, ``date``, ``amount`` and optionally
``document``) with the reference date and the window as arguments, so the
same calls run inside Odoo and on any outside data set.

A *purchase* is a document (an invoice; without a ``document`` column, all
rows of a customer on one day) whose net amount is positive; documents with
a negative amount (credit notes) lower the revenue but are not purchases.
Rows dated after the reference date are ignored.

The methods in short (README "Segments" has the long form):

* **ABC**: customers with positive revenue ranked by it; A while the revenue
  of the customers ranked above is below the A share of the total, B below
  A+B, C for the rest. Equal revenue gives an equal class.
* **RFM**: recency (days since the last purchase), frequency (purchases in
  the window), monetary (net revenue in the window), each scored 1-5 by
  quintiles over the customers, and a named segment (``RFM_SEGMENTS``).
  Ties (most customers buy once) are ordered by the other two figures
  (``RFM_TIES``), so every score holds a fifth of the customers. "Lost"
  agrees with the churn risk: a customer whose risk is low or medium is
  "hibernating", one lost by the rule below is "lost".
* **Forecast** (``.forecast``): with enough history, one BG/NBD +
  Gamma-Gamma model per company, fitted on its own purchases, gives the
  probability that a customer is still active, its expected purchases and
  spend, the predicted value and the churn risk, so they agree by
  construction.
* **Churn risk**: the probability of no purchase in the next
  ``CHURN_MONTHS`` months, calibrated (Platt scaling) on the company's own
  last ``CHURN_MONTHS``: what the model said then against who bought
  nothing since; levels low / medium / high by ``CHURN_LEVEL_BOUNDS``,
  ``lost`` after ``lost_days`` without purchase.
  Without enough history (a new or small company): days since the last
  purchase against the customer's usual interval (median gap between its
  purchase days), ``1 - 0.5 ** (ratio - 1)`` above one interval, 0 below.
* **Lifetime value**: historical net revenue plus the value predicted for
  the next ``horizon`` months: expected purchases times expected spend;
  without enough history, the customer's own rhythm (purchases per day since
  half an interval before its first purchase, times the horizon, times its
  average net value per purchase, times ``1 - churn score``).
"""

import numpy as np
import pandas as pd

from . import forecast
from .contracts import ContractError, validate_transactions, window_bounds

ABC_CLASSES = ("A", "B", "C")
NO_REVENUE = "none"

# (key, English label, rule) in the order the rules are tried; the first
# rule that matches names the segment. R, F and M are the 1-5 scores.
RFM_SEGMENTS = (
    ("champions", "Champions", "R >= 4 and F >= 4 and M >= 4"),
    ("new", "New", "R >= 4 and F == 1"),
    ("loyal", "Loyal", "R >= 3 and F >= 3"),
    ("potential", "Potential", "R >= 3"),
    ("cant_lose", "Can't lose", "F >= 4 and M >= 4"),
    ("at_risk", "At risk", "F >= 3"),
    ("hibernating", "Hibernating", "R == 2"),
    ("lost", "Lost", "otherwise"),
)

# how equal figures are ordered for the quintiles: by the other two figures, then the customer
RFM_TIES = {
    "recency": ("frequency", "monetary"),
    "frequency": ("monetary", "recency"),
    "monetary": ("frequency", "recency"),
}

CHURN_LEVELS = ("low", "medium", "high", "lost")
# score below the first bound is low, below the second medium, else high
CHURN_LEVEL_BOUNDS = (1 / 3, 2 / 3)
MIN_INTERVAL_DAYS = 7
DEFAULT_INTERVAL_DAYS = 90

RANK_BY = ("revenue", "clv")
# churn risk: the probability of no purchase in the next this many months
CHURN_MONTHS = 6


def check_thresholds(a_share, b_share):
    """Raise ContractError unless ``0 < a < a + b <= 100`` (percent)."""
    try:
        a, b = float(a_share), float(b_share)
    except (TypeError, ValueError) as exc:
        raise ContractError(
            "bad_thresholds",
            "The ABC shares must be numbers, got %(a)r and %(b)r",
            a=a_share,
            b=b_share,
        ) from exc
    if not (0 < a and 0 < b and a + b <= 100) or not np.isfinite(a + b):
        raise ContractError(
            "bad_thresholds",
            "The ABC shares must satisfy 0 < A < A + B <= 100 (percent), got A = %(a)s and B = %(b)s",
            a=a_share,
            b=b_share,
        )
    return a, b


def abc_classes(values, a_share=80.0, b_share=15.0):
    """ABC class of each customer from a Series of values (revenue or CLV).

    Returns a Series of ``"A"``, ``"B"``, ``"C"`` or ``"none"`` (no positive
    value) with the same index. A customer is A while the value of the
    customers ranked strictly above it is below ``a_share`` percent of the
    total positive value, B while it is below ``a_share + b_share``, else C.
    Customers with equal values (to the cent: values are rounded to two
    decimals first, so float noise from summing never splits a tie) get the
    same class, so the result does not depend on the order of the rows.
    """
    a, b = check_thresholds(a_share, b_share)
    values = pd.Series(values, dtype="float64").round(2)
    result = pd.Series(NO_REVENUE, index=values.index, dtype=object)
    positive = values[values > 0]
    total = positive.sum()
    if positive.empty or total <= 0:
        return result
    # value of everything ranked strictly above each distinct value
    per_value = positive.groupby(positive).sum().sort_index(ascending=False)
    above = (per_value.cumsum() - per_value) / total * 100.0
    share_above = positive.map(above)
    # a small tolerance so that 80.000000001 % from float sums is still 80 %
    eps = 1e-9
    klass = np.where(share_above < a - eps, "A", np.where(share_above < a + b - eps, "B", "C"))
    result.loc[positive.index] = klass
    return result


def _prepare(transactions, reference_date):
    frame = validate_transactions(transactions)
    ref = pd.Timestamp(reference_date).normalize()
    frame = frame[frame["date"] <= ref]
    return frame, ref


def documents(transactions, reference_date):
    """One row per customer document up to ``reference_date``: customer,
    date (first day of the document), amount (net). Without a ``document``
    column a customer's rows of one day make one document."""
    frame, _ref = _prepare(transactions, reference_date)
    key = "document" if "document" in frame.columns else "date"
    if frame.empty:
        return pd.DataFrame(
            {
                "customer": pd.Series([], dtype=object),
                "date": pd.Series([], dtype="datetime64[ns]"),
                "amount": pd.Series([], dtype="float64"),
            }
        )
    if key == "date":
        docs = frame.groupby(["customer", "date"], sort=False)["amount"].sum().reset_index()
    else:
        docs = frame.groupby(["customer", key], sort=False).agg(date=("date", "min"), amount=("amount", "sum"))
        docs = docs.reset_index()
    return docs[["customer", "date", "amount"]]


def _quintile_scores(keys, index):
    """1-5 by quintile of the position in the order of ``keys`` (arrays,
    the first the most significant, larger is better): equal first keys are
    ordered by the next ones, so each score holds a fifth of the customers
    even when most have the same value (one purchase each). Customers equal
    in every key share the mean position of their group, so they get the
    same score, and the result does not depend on the order of the rows."""
    n = len(index)
    if not n:
        return pd.Series([], dtype="int64", index=index)
    keys = [np.asarray(k, dtype="float64") for k in keys]
    order = np.lexsort(list(reversed(keys)))
    ordered = np.column_stack([k[order] for k in keys])
    # a new group starts where any key differs from the row before
    starts = np.ones(n, dtype=bool)
    starts[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    group = np.cumsum(starts) - 1
    mean_position = pd.Series(np.arange(n, dtype="float64")).groupby(group).transform("mean").to_numpy()
    position = np.empty(n, dtype="float64")
    position[order] = mean_position
    return pd.Series(np.clip(np.ceil((position + 1) / n * 5), 1, 5).astype("int64"), index=index)


def rfm_segment(r, f, m):
    """Named segment (key of ``RFM_SEGMENTS``) of arrays of 1-5 scores."""
    r, f, m = (np.asarray(x) for x in (r, f, m))
    conditions = [
        (r >= 4) & (f >= 4) & (m >= 4),
        (r >= 4) & (f == 1),
        (r >= 3) & (f >= 3),
        r >= 3,
        (f >= 4) & (m >= 4),
        f >= 3,
        r == 2,
    ]
    keys = [key for key, _label, _rule in RFM_SEGMENTS]
    return np.select(conditions, keys[:-1], default=keys[-1]).astype(object)


def _churn_from_docs(docs, ref, lost_days):
    purchases = docs[docs["amount"] > 0]
    if purchases.empty:
        return pd.DataFrame(
            columns=[
                "first_purchase",
                "last_purchase",
                "purchases",
                "recency_days",
                "interval_days",
                "churn_score",
                "churn_level",
            ]
        )
    days = purchases[["customer", "date"]].drop_duplicates().sort_values(["customer", "date"])
    gaps = days.groupby("customer", sort=False)["date"].diff().dt.days
    interval = gaps.groupby(days["customer"].to_numpy()).median()
    per = purchases.groupby("customer").agg(
        first_purchase=("date", "min"), last_purchase=("date", "max"), purchases=("amount", "size")
    )
    prior = float(interval.median()) if interval.notna().any() else float(DEFAULT_INTERVAL_DAYS)
    per["interval_days"] = interval.reindex(per.index).fillna(prior).clip(lower=MIN_INTERVAL_DAYS)
    per["recency_days"] = (ref - per["last_purchase"]).dt.days.astype("int64")
    ratio = per["recency_days"] / per["interval_days"]
    score = 1.0 - np.power(0.5, np.maximum(ratio - 1.0, 0.0))
    lost = per["recency_days"] >= lost_days
    score = np.where(lost, 1.0, score)
    level = np.where(
        lost,
        "lost",
        np.where(score < CHURN_LEVEL_BOUNDS[0], "low", np.where(score < CHURN_LEVEL_BOUNDS[1], "medium", "high")),
    )
    per["churn_score"] = np.round(score, 4)
    per["churn_level"] = level.astype(object)
    return per


def _check_lost_days(lost_days):
    if isinstance(lost_days, bool) or not isinstance(lost_days, (int, np.integer)) or lost_days < 1:
        raise ContractError(
            "bad_lost_days",
            "The days without purchase after which a customer is lost must be a positive whole number, got %(days)r",
            days=lost_days,
        )
    return int(lost_days)


def _weeks(ref, months):
    return ((ref + pd.DateOffset(months=months)) - ref).days / forecast.WEEK_DAYS


def _churn_calibration(docs, ref, churn_months):
    """The mapping that makes the churn risk come true on the company's own
    last ``churn_months``: the model as it was then, its churn risk for the
    period against who really bought nothing since (``forecast.fit_calibration``).
    None without enough history before that."""
    inner = ref - pd.DateOffset(months=churn_months)
    before = docs[(docs["date"] <= inner) & (docs["amount"] > 0)]
    summary = forecast.purchase_summary(before, inner)
    model = forecast.fit(summary)
    if model is None:
        return None
    weeks = _weeks(inner, churn_months)
    raw = forecast.predict(model, summary, weeks, weeks)["churn_probability"]
    since = docs[(docs["date"] > inner) & (docs["date"] <= ref) & (docs["amount"] > 0)]
    churned = ~summary.index.isin(since["customer"].unique())
    return forecast.fit_calibration(raw.to_numpy(), churned)


def _forecast_from_docs(docs, ref, lost_days, horizon_months, churn_months=CHURN_MONTHS):
    """(churn, value) per customer: churn as ``_churn_from_docs`` plus
    ``p_alive``, ``expected_purchases`` and ``forecast_model``; value with
    ``historical_value``, ``predicted_value`` and ``clv``.

    With enough history (``forecast.fit``) every forward-looking figure
    comes from the company's BG/NBD + Gamma-Gamma model, so they agree:
    churn_score is the probability of no purchase in the next
    ``churn_months``, the predicted value the expected purchases of the
    horizon times the expected spend. Without it, the customer's own rhythm
    (``_churn_from_docs``, ``_clv_from``). A customer without purchase for
    ``lost_days`` is lost either way: level ``lost``, nothing predicted."""
    churn = _churn_from_docs(docs, ref, lost_days)
    value = _clv_from(docs, churn, ref, horizon_months)
    churn["p_alive"] = 1.0 - churn["churn_score"].astype("float64")
    churn["expected_purchases"] = np.nan
    churn["forecast_model"] = "rhythm"
    churn["churn_calibrated"] = False
    if churn.empty:
        return churn, value
    summary = forecast.purchase_summary(docs[docs["amount"] > 0], ref)
    model = forecast.fit(summary)
    if model is None:
        return churn, value
    predicted = forecast.predict(model, summary, _weeks(ref, horizon_months), _weeks(ref, churn_months))
    predicted = predicted.reindex(churn.index)
    lost = churn["churn_level"] == "lost"
    # calibrated on the company's own last period, so that each level's risk comes true
    calibration = _churn_calibration(docs, ref, churn_months)
    score = pd.Series(
        forecast.calibrate(calibration, predicted["churn_probability"].to_numpy()), index=predicted.index
    ).clip(0.0, 1.0)
    # a customer lost by the days without purchase is lost: risk 1, as the level says
    score = score.where(~lost, 1.0)
    churn["churn_score"] = np.round(score, 4)
    churn["churn_level"] = np.where(
        lost,
        "lost",
        np.where(score < CHURN_LEVEL_BOUNDS[0], "low", np.where(score < CHURN_LEVEL_BOUNDS[1], "medium", "high")),
    ).astype(object)
    # BG/NBD cannot tell whether a customer who bought once has stopped (it drops out only
    # after a repeat purchase): no figure rather than a misleading 100 %
    once = churn["purchases"].reindex(predicted.index).fillna(0) <= 1
    churn["p_alive"] = np.round(np.where(lost, 0.0, np.where(once, np.nan, predicted["p_alive"])), 4)
    churn["expected_purchases"] = np.round(np.where(lost, 0.0, predicted["expected_purchases"]), 4)
    churn["forecast_model"] = "bgnbd"
    churn["churn_calibrated"] = calibration is not None
    value["predicted_value"] = (
        pd.Series(np.where(lost, 0.0, predicted["predicted_value"]), index=churn.index).reindex(value.index).fillna(0.0)
    )
    value["clv"] = value["historical_value"].clip(lower=0) + value["predicted_value"]
    return churn, value.round(2)


def churn_risk(transactions, reference_date, lost_days=365):
    """Churn risk per customer with at least one purchase.

    Columns: first_purchase, last_purchase, purchases, interval_days (median
    gap between purchase days; for one purchase day, the median of all
    customers, at least ``MIN_INTERVAL_DAYS``), recency_days, churn_score
    (0-1), churn_level (low / medium / high / lost).
    """
    lost_days = _check_lost_days(lost_days)
    docs = documents(transactions, reference_date)
    churn, _value = _forecast_from_docs(docs, pd.Timestamp(reference_date).normalize(), lost_days, 12)
    return churn


def _clv_from(docs, churn, ref, horizon_months):
    horizon_days = ((ref + pd.DateOffset(months=horizon_months)) - ref).days
    historical = docs.groupby("customer")["amount"].sum()
    out = pd.DataFrame({"historical_value": historical})
    if churn.empty:
        out["predicted_value"] = 0.0
    else:
        # the customer was already buying before its first purchase in the
        # data: on average half an interval before it (at least one interval)
        span = (ref - churn["first_purchase"]).dt.days + churn["interval_days"] / 2
        span = np.maximum(span, churn["interval_days"])
        rate = churn["purchases"] / span
        avg = (historical.reindex(churn.index) / churn["purchases"]).clip(lower=0)
        alive = 1.0 - churn["churn_score"]
        out["predicted_value"] = (alive * rate * horizon_days * avg).reindex(out.index).fillna(0.0)
    out["clv"] = out["historical_value"].clip(lower=0) + out["predicted_value"]
    return out.round(2)


def customer_lifetime_value(transactions, reference_date, horizon_months=12, lost_days=365):
    """Historical value (net revenue up to the reference date), predicted
    value over the next ``horizon_months`` and their sum ``clv``."""
    lost_days = _check_lost_days(lost_days)
    ref = pd.Timestamp(reference_date).normalize()
    docs = documents(transactions, ref)
    _churn, value = _forecast_from_docs(docs, ref, lost_days, horizon_months)
    return value


def rfm(transactions, reference_date, window_months=12, lost_days=365):
    """RFM per customer with at least one purchase up to the reference date.

    Columns: recency_days, frequency (purchases in the window), monetary (net
    revenue in the window), r_score, f_score, m_score (1-5), rfm_segment.
    """
    segments = segment_customers(transactions, reference_date, window_months, lost_days=lost_days)
    cols = ["recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_segment"]
    return segments.loc[segments["r_score"] > 0, cols]


def segment_customers(
    transactions,
    reference_date,
    window_months=12,
    a_share=80.0,
    b_share=15.0,
    rank_by="revenue",
    lost_days=365,
    horizon_months=12,
):
    """All segment figures of every customer in the transactions.

    One row per customer (index ``customer``), with columns:

    * ``revenue`` (net, in the window ending on the reference date),
      ``previous_revenue`` (the window before), ``trend`` (relative change,
      NaN without previous revenue), ``abc_class`` (``A``/``B``/``C`` or
      ``none``);
    * ``last_purchase``, ``recency_days``, ``frequency``, ``monetary``,
      ``r_score``, ``f_score``, ``m_score`` (0 for customers without any
      purchase) and ``rfm_segment`` (None without purchase);
    * ``interval_days``, ``churn_score``, ``churn_level``;
    * ``historical_value``, ``predicted_value``, ``clv``;
    * ``value_at_stake`` (see :func:`value_at_stake`).

    ``rank_by="clv"`` ranks the ABC classes by lifetime value instead of
    window revenue.
    """
    check_thresholds(a_share, b_share)
    lost_days = _check_lost_days(lost_days)
    if rank_by not in RANK_BY:
        raise ContractError(
            "bad_rank_by", "rank_by must be one of %(choices)s, got %(got)r", choices=", ".join(RANK_BY), got=rank_by
        )
    ref = pd.Timestamp(reference_date).normalize()
    start, end = window_bounds(ref, window_months)
    prev_start = start - pd.DateOffset(months=window_months)
    docs = documents(transactions, ref)

    customers = pd.Index(docs["customer"].unique(), name="customer")
    out = pd.DataFrame(index=customers)
    in_window = docs[(docs["date"] >= start) & (docs["date"] < end)]
    in_prev = docs[(docs["date"] >= prev_start) & (docs["date"] < start)]
    out["revenue"] = in_window.groupby("customer")["amount"].sum().reindex(customers).fillna(0.0)
    out["previous_revenue"] = in_prev.groupby("customer")["amount"].sum().reindex(customers).fillna(0.0)
    prev = out["previous_revenue"]
    out["trend"] = np.where(prev > 0, (out["revenue"] - prev) / prev.where(prev > 0, 1.0), np.nan)
    out["frequency"] = (
        in_window[in_window["amount"] > 0].groupby("customer").size().reindex(customers).fillna(0).astype("int64")
    )
    out["monetary"] = out["revenue"]

    churn, value = _forecast_from_docs(docs, ref, lost_days, horizon_months)
    out["last_purchase"] = churn["last_purchase"].reindex(customers)
    out["recency_days"] = churn["recency_days"].reindex(customers).fillna(-1).astype("int64")
    out["interval_days"] = churn["interval_days"].reindex(customers)
    out["churn_score"] = churn["churn_score"].reindex(customers)
    out["churn_level"] = churn["churn_level"].reindex(customers).astype(object)
    out["churn_level"] = out["churn_level"].where(out["churn_level"].notna(), None)

    buyers = churn.index
    # ties are ordered by the other two figures (RFM_TIES)
    # larger is better for each figure; ties are ordered by the other two (RFM_TIES)
    figures = {
        "recency": -churn["recency_days"].astype("float64").to_numpy(),
        "frequency": out.loc[buyers, "frequency"].astype("float64").to_numpy(),
        "monetary": out.loc[buyers, "monetary"].astype("float64").to_numpy(),
    }
    r, f, m = (
        _quintile_scores([figures[name], *(figures[tie] for tie in RFM_TIES[name])], buyers)
        for name in ("recency", "frequency", "monetary")
    )
    for name, score in (("r_score", r), ("f_score", f), ("m_score", m)):
        out[name] = score.reindex(customers).fillna(0).astype("int64")
    segment = pd.Series(rfm_segment(r, f, m), index=buyers, dtype=object)
    # "lost" is what the forecast says too: not lost while the churn risk is low or medium,
    # lost whenever the customer is (no purchase for lost_days)
    level = churn["churn_level"].reindex(buyers)
    segment = segment.where(~((segment == "lost") & level.isin(["low", "medium"])), "hibernating")
    segment = segment.where(level != "lost", "lost")
    out["rfm_segment"] = segment.reindex(customers)
    out["rfm_segment"] = out["rfm_segment"].where(out["rfm_segment"].notna(), None)

    out["p_alive"] = churn["p_alive"].reindex(customers)
    out["expected_purchases"] = churn["expected_purchases"].reindex(customers)
    value = value.reindex(customers)
    out[["historical_value", "predicted_value", "clv"]] = value[["historical_value", "predicted_value", "clv"]].fillna(
        0.0
    )

    out["abc_class"] = abc_classes(out["clv"] if rank_by == "clv" else out["revenue"], a_share, b_share)
    out["value_at_stake"] = value_at_stake(out["revenue"], out["previous_revenue"], out["churn_score"])
    out["revenue"] = out["revenue"].round(2)
    out["previous_revenue"] = out["previous_revenue"].round(2)
    out["monetary"] = out["monetary"].round(2)
    return out.sort_index()


CLASS_RANK = {"A": 3, "B": 2, "C": 1, NO_REVENUE: 0, None: 0}


def class_changes(old, new):
    """Compare old and new ABC classes (Series indexed by customer; missing or
    None means not classified yet). Returns the rows that changed with
    columns ``old``, ``new`` and ``is_drop`` (A to B, B to C, any class to
    none).

    A customer's first classification is not a change: the history starts
    with the first move from one class to another.
    """
    old = pd.Series(old, dtype=object)
    new = pd.Series(new, dtype=object)
    index = old.index.union(new.index)
    old = old.reindex(index)
    new = new.reindex(index)
    new = new.where(new.notna(), NO_REVENUE)
    changed = old.notna() & (old != new)
    out = pd.DataFrame({"old": old[changed].astype(object), "new": new[changed].astype(object)})
    out["is_drop"] = pd.Series(
        [CLASS_RANK[n] < CLASS_RANK[o] for o, n in zip(out["old"], out["new"])], index=out.index, dtype=bool
    )
    return out


def value_at_stake(revenue, previous_revenue, churn_score):
    """What a customer's loss would cost in a year: the larger of its
    revenue in the window and in the window before (a customer who has
    already stopped buying still stands for what it bought), times the
    probability that it buys nothing in the churn horizon. The order of a
    salesperson's list: an A customer slipping away comes before a C
    customer worth a few euros. Rounded to cents; 0 without a forecast."""
    revenue = pd.to_numeric(revenue, errors="coerce").fillna(0.0)
    previous = pd.to_numeric(previous_revenue, errors="coerce").fillna(0.0)
    risk = pd.to_numeric(churn_score, errors="coerce").fillna(0.0).clip(0.0, 1.0)
    return (np.maximum(revenue, previous).clip(lower=0.0) * risk).round(2)


def slip_alarms(changes, segments, classes=None):
    """The class drops that are a slip worth an alarm (``changes`` from
    ``class_changes``, ``segments`` from ``segment_customers``): the class
    fell *and* the customer's own revenue fell against the previous window.
    A customer who only lost rank because others grew keeps its history
    entry but raises no alarm. With ``classes`` only customers who were of
    one of them (a C customer's slip is not worth a personal call unless
    the company says so). Returns the index of those customers."""
    drops = changes.loc[changes["is_drop"].astype(bool)]
    if classes is not None:
        drops = drops[drops["old"].isin(list(classes))]
    revenue = pd.to_numeric(segments["revenue"].reindex(drops.index), errors="coerce").fillna(0.0)
    previous = pd.to_numeric(segments["previous_revenue"].reindex(drops.index), errors="coerce").fillna(0.0)
    return drops.index[(revenue < previous).to_numpy()]


# the purchase counts of the calibration period whose forecasts are compared (the last: that many or more)
BACKTEST_BUCKETS = (1, 2, 3, 4)


def _backtest_calibration(buyers):
    """How the forecast came true, per group of customers with a purchase
    in the calibration period: ``bands`` (per churn level, ``lost``
    included: customers, mean predicted churn risk, share that bought
    nothing), ``buckets`` (per
    purchase count: customers, mean predicted and actual revenue) and
    ``churn_auc`` (how well the churn risk ranks those who bought nothing;
    NaN when all or none did)."""
    churned = ~buyers["bought"].astype(bool)
    score = buyers["churn_score"].fillna(1.0)
    # the levels as the customers saw them; "lost" is the rule of the days without purchase
    level = buyers["churn_level"].fillna("lost").to_numpy()
    bands = [
        {
            "label": band,
            "customers": int((level == band).sum()),
            "predicted": float(score[level == band].mean()) if (level == band).any() else 0.0,
            "actual": float(churned[level == band].mean()) if (level == band).any() else 0.0,
        }
        for band in CHURN_LEVELS
    ]
    count = buyers["purchases"].clip(upper=BACKTEST_BUCKETS[-1])
    buckets = [
        {
            "label": f"{bucket}+" if bucket == BACKTEST_BUCKETS[-1] else str(bucket),
            "customers": int((count == bucket).sum()),
            "predicted": float(buyers.loc[count == bucket, "predicted"].mean()) if (count == bucket).any() else 0.0,
            "actual": float(buyers.loc[count == bucket, "actual"].mean()) if (count == bucket).any() else 0.0,
        }
        for bucket in BACKTEST_BUCKETS
    ]
    auc = float("nan")
    if churned.any() and not churned.all():
        # the probability that a customer who bought nothing scores above one who bought (ties half)
        ranks = score.rank(method="average")
        positives = int(churned.sum())
        negatives = len(churned) - positives
        auc = float((ranks[churned].sum() - positives * (positives + 1) / 2) / (positives * negatives))
    return {"bands": bands, "buckets": buckets, "churn_auc": auc}


def backtest_clv(transactions, cutoff, horizon_months=12, lost_days=365, data_end=None):
    """Check the forecast against what really happened.

    Predicts each customer's revenue in the ``horizon_months`` after
    ``cutoff`` from the transactions up to ``cutoff`` (calibration), and
    compares it with the revenue actually booked in that holdout period,
    beside the naive predictor "the next period equals the last one".

    Returns a dict: the customer count, the holdout revenue, the mean
    absolute error (MAE), total error and Pearson r of both predictors, the
    forecast model used, ``horizon_days`` and ``covered_days`` (the days of
    the holdout the data reaches: fewer than the horizon means the holdout
    is incomplete, and ``complete`` says so instead of silently comparing a
    shorter period), and ``frame``: per customer the prediction, the actual
    revenue, the churn score (here: no purchase within the horizon, the
    holdout's length) and whether it bought in the holdout; and the
    calibration of ``_backtest_calibration`` (``bands``, ``buckets``,
    ``churn_auc``).
    """
    frame = validate_transactions(transactions)
    cut = pd.Timestamp(cutoff).normalize()
    end = cut + pd.DateOffset(months=horizon_months)
    calibration = frame[frame["date"] <= cut]
    holdout = frame[(frame["date"] > cut) & (frame["date"] <= end)]
    # the day the data reaches: given (a database is complete to today), else the last purchase
    last_date = (
        pd.Timestamp(data_end).normalize() if data_end is not None else (frame["date"].max() if len(frame) else cut)
    )
    horizon_days = (end - cut).days
    covered_days = int(max(min((last_date - cut).days, horizon_days), 0))
    docs = documents(calibration, cut)
    # the churn risk for the holdout's length, so that it can be compared with what happened
    churn, value = _forecast_from_docs(docs, cut, _check_lost_days(lost_days), horizon_months, horizon_months)
    start_naive, _end = window_bounds(cut, horizon_months)
    last_period = calibration[calibration["date"] >= start_naive].groupby("customer")["amount"].sum()
    customers = value.index
    actual = holdout.groupby("customer")["amount"].sum().reindex(customers).fillna(0.0)
    bought = holdout[holdout["amount"] > 0].groupby("customer").size().reindex(customers).fillna(0) > 0
    model = value["predicted_value"]
    naive = last_period.reindex(customers).fillna(0.0).clip(lower=0)

    def pearson(predicted):
        if len(customers) < 2 or predicted.std() == 0 or actual.std() == 0:
            return float("nan")
        return float(np.corrcoef(predicted, actual)[0, 1])

    result_frame = pd.DataFrame(
        {
            "predicted": model,
            "actual": actual,
            "churn_score": churn["churn_score"].reindex(customers).astype("float64"),
            "churn_level": churn["churn_level"].reindex(customers),
            "purchases": churn["purchases"].reindex(customers).fillna(0).astype("int64"),
            "bought": bought,
        }
    )
    buyers = result_frame[result_frame["purchases"] > 0]
    return {
        **_backtest_calibration(buyers),
        "cutoff": cut.date(),
        "customers": int(len(customers)),
        "holdout_revenue": float(actual.sum()),
        "model_mae": float((model - actual).abs().mean()) if len(customers) else 0.0,
        "naive_mae": float((naive - actual).abs().mean()) if len(customers) else 0.0,
        "model_total_error": float(model.sum() - actual.sum()),
        "naive_total_error": float(naive.sum() - actual.sum()),
        "model_r": pearson(model),
        "naive_r": pearson(naive),
        "forecast_model": churn["forecast_model"].iloc[0] if len(churn) else "rhythm",
        "churn_calibrated": bool(churn["churn_calibrated"].iloc[0]) if len(churn) else False,
        "horizon_days": int(horizon_days),
        "covered_days": covered_days,
        "complete": covered_days >= horizon_days,
        "frame": result_frame,
    }
