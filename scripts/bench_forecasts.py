#!/usr/bin/env python3
"""make bench-forecasts: the lifetime-value forecast on public data nobody
here made (CDNOW, shipped in the ``lifetimes`` package), beside the
standard peer, lifetimes' BG/NBD with Gamma-Gamma spend, in one run on the
same transactions.

Calibration: the purchases up to 1997-09-30; holdout: the nine months
after (to 1998-06-30), the split the CDNOW literature uses. For every
customer who bought in the calibration period, each model predicts the
revenue of the holdout period; printed are the mean absolute error per
customer, the error of the total and the seconds, with the naive predictor
"the next nine months equal the last nine" beside them.
"""

import os
import pathlib
import sys
import time

import numpy as np
import pandas as pd

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "kundenbindung_addon"))

from engine import backtest_clv  # noqa: E402

CUTOFF = "1997-09-30"
HORIZON_MONTHS = 9


def cdnow():
    """CDNOW master: one row per purchase (customer, date, amount)."""
    import lifetimes

    path = os.path.join(os.path.dirname(lifetimes.__file__), "datasets", "CDNOW_master.txt")
    raw = pd.read_csv(path, sep=r"\s+", header=0, names=["customer", "date", "cds", "amount"], dtype=str)
    return pd.DataFrame(
        {
            "customer": raw["customer"].astype(int),
            "date": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "amount": raw["amount"].astype(float),
        }
    )


def lifetimes_forecast(transactions, cutoff, end):
    """BG/NBD purchases times Gamma-Gamma spend over the holdout, per customer."""
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    calibration = transactions[transactions["date"] <= cutoff]
    summary = summary_data_from_transaction_data(
        calibration, "customer", "date", monetary_value_col="amount", observation_period_end=cutoff, freq="D"
    )
    bgf = BetaGeoFitter(penalizer_coef=0.0).fit(summary["frequency"], summary["recency"], summary["T"])
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    ggf = GammaGammaFitter(penalizer_coef=0.0).fit(repeat["frequency"], repeat["monetary_value"])
    days = (end - cutoff).days
    purchases = bgf.conditional_expected_number_of_purchases_up_to_time(
        days, summary["frequency"], summary["recency"], summary["T"]
    )
    spend = ggf.conditional_expected_average_profit(summary["frequency"], summary["monetary_value"])
    return (purchases * spend).rename("predicted")


def main():
    transactions = cdnow()
    cutoff = pd.Timestamp(CUTOFF)
    end = cutoff + pd.DateOffset(months=HORIZON_MONTHS)
    print(
        "Lifetime value forecast on CDNOW (%s purchases of %s customers), calibration to %s, holdout %s months"
        % (f"{len(transactions):,}", f"{transactions['customer'].nunique():,}", CUTOFF, HORIZON_MONTHS)
    )
    started = time.perf_counter()
    ours = backtest_clv(transactions, cutoff, horizon_months=HORIZON_MONTHS)
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    predicted = lifetimes_forecast(transactions, cutoff, end)
    peer_seconds = time.perf_counter() - started
    holdout = transactions[(transactions["date"] > cutoff) & (transactions["date"] <= end)]
    actual = holdout.groupby("customer")["amount"].sum().reindex(predicted.index).fillna(0.0)
    rows = [
        ("ours", ours["customers"], ours["model_mae"], ours["model_total_error"], ours_seconds),
        (
            "lifetimes BG/NBD + Gamma-Gamma",
            len(predicted),
            float((predicted - actual).abs().mean()),
            float(predicted.sum() - actual.sum()),
            peer_seconds,
        ),
        ("naive (last 9 months)", ours["customers"], ours["naive_mae"], ours["naive_total_error"], float("nan")),
    ]
    print("holdout revenue %.0f" % ours["holdout_revenue"])
    print("%-32s %9s %10s %14s %8s" % ("model", "customers", "MAE", "total error", "seconds"))
    for name, customers, mae, total, seconds in rows:
        print("%-32s %9s %10.2f %14.0f %8.2f" % (name, f"{customers:,}", mae, total, seconds))
    better = ours["model_mae"] <= rows[1][2]
    print(
        "%s  ours MAE <= lifetimes MAE on CDNOW  %.2f vs %.2f"
        % ("PASS" if better else "FAIL", ours["model_mae"], rows[1][2])
    )
    return 0 if np.isfinite(ours["model_mae"]) else 1


if __name__ == "__main__":
    sys.exit(main())
